using System.Net;
using System.Net.Http.Json;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>Bad input gets a clear problem code and leaves nothing half-stored.</summary>
public sealed class RequestBadInputTests(PostgresCluster cluster)
{
    private static Task<int> CountAsync(RequestScenario s) => s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubjectRequest>().CountAsync(Ct));

    private static Task<int> DocumentsAsync(RequestScenario s) => s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<RequestDocument>().CountAsync(Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Intake_BadInput_ProblemCodesNothingStored(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        async Task Expect(object body, HttpStatusCode status, string code) =>
            await (await s.Staff.PostAsJsonAsync("/api/requests", body, Ct)).ShouldBeProblemAsync(status, code);
        await Expect(new { kind = "delete-everything", channel = "certified-mail", name = p.Name, email = p.Email }, HttpStatusCode.BadRequest, "MAMORI-5000");
        await Expect(new { kind = "disclosure", channel = "phone", name = p.Name, email = p.Email }, HttpStatusCode.BadRequest, "MAMORI-5002");
        await Expect(new { kind = "disclosure", channel = "web-form", name = p.Name, email = p.Email }, HttpStatusCode.BadRequest, "MAMORI-5002");
        await Expect(new { kind = "disclosure", channel = "certified-mail", name = p.Name }, HttpStatusCode.BadRequest, "MAMORI-5003");
        await Expect(new { kind = "disclosure", channel = "certified-mail", email = p.Email }, HttpStatusCode.BadRequest, "MAMORI-5003");
        await Expect(new { kind = "disclosure", channel = "certified-mail", name = p.Name, email = "not-an-address" }, HttpStatusCode.BadRequest, "MAMORI-5022");
        await Expect(new { kind = "correction", channel = "certified-mail", name = p.Name, email = p.Email }, HttpStatusCode.BadRequest, "MAMORI-5022");
        await Expect(new { kind = "disclosure", channel = "certified-mail", name = p.Name, email = p.Email, requesterRole = "agent" }, HttpStatusCode.BadRequest, "MAMORI-5003");
        await Expect(new { kind = "disclosure", channel = "certified-mail", name = p.Name, email = p.Email, service = "no-such" }, HttpStatusCode.BadRequest, "MAMORI-3009");
        (await CountAsync(s)).ShouldBe(0);
    }

    [Fact]
    public async Task Intake_ChannelNotAccepted_DetailSpellsChannelsAsTheApi()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        var response = await s.Staff.PostAsJsonAsync("/api/requests", new { kind = "disclosure", channel = "web-form", name = p.Name, email = p.Email }, Ct);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5002");
        // The detail named the enum members ("WebForm", "CertifiedMail"), which the API never accepts or returns.
        problem.GetProperty("detail").GetString().ShouldBe("The policy does not accept requests by web-form; accepted: certified-mail.");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Documents_MissingStaleOrBadUpload_ProblemCodesNothingStored(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster, maxUploadBytes: 64 * 1024);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, token, _) = await s.LetterAsync("disclosure", p);

        // Verify with nothing: 5007, request unchanged.
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/verify", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "MAMORI-5007");
        (await s.GetAsync(id)).GetProperty("status").GetString().ShouldBe("received");
        (await s.GetAsync(id)).GetProperty("missingDocuments").GetArrayLength().ShouldBeGreaterThan(1);

        // Residence certificate older than a month, or without a date: 5008. Unknown document: 5011.
        var received = RequestScenario.Today(s.App);
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/documents/checked", new { group = "identity", name = "住民票の写し", issuedOn = received.AddMonths(-2) }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5008");
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/documents/checked", new { group = "identity", name = "住民票の写し" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5008");
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/documents/checked", new { group = "identity", name = "社員証" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5011");
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/documents/checked", new { group = "proxy", name = "委任状（実印を押印したもの）" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5011");

        // Uploads through the person's link: not an image/PDF (415, 5010), too large (413, 5009).
        var client = s.App.Client();
        async Task<HttpResponseMessage> Upload(byte[] bytes, string fileName, string contentType)
        {
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent("identity"), "group");
            form.Add(new StringContent("運転免許証の写し"), "name");
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new(contentType);
            form.Add(file, "file", fileName);
            return await client.PostAsync($"/api/requests/status/{token}/documents", form, Ct);
        }
        await (await Upload("<html><script>alert(1)</script></html>"u8.ToArray(), "licence.jpg", "image/jpeg")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "MAMORI-5010");
        await (await Upload([0x4D, 0x5A, 0x90, 0x00, 0x03], "licence.pdf", "application/pdf")).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "MAMORI-5010");
        var big = new byte[64 * 1024 + 1];
        "%PDF-1.7"u8.CopyTo(big);
        await (await Upload(big, "licence.pdf", "application/pdf")).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "MAMORI-5009");
        (await DocumentsAsync(s)).ShouldBe(0);

        // A real (tiny) PNG is accepted, stored sealed, and moves the request to verifying.
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        var ok = await Upload(png, "licence.png", "application/octet-stream");
        ok.StatusCode.ShouldBe(HttpStatusCode.OK, await ok.Content.ReadAsStringAsync(Ct));
        var stored = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<RequestDocument>().SingleAsync(Ct));
        stored.ContentType.ShouldBe("image/png");
        stored.Ciphertext.ShouldNotBeNull();
        stored.Ciphertext!.AsSpan().IndexOf(png.AsSpan(0, 8)).ShouldBe(-1);
        (await s.GetAsync(id)).GetProperty("status").GetString().ShouldBe("verifying");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StatusLink_Forged_ProblemAndPage404(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (_, token, _) = await s.LetterAsync("disclosure", p);
        var client = s.App.Client();
        var forged = token[..^2] + (token[^2] == 'A' ? "BB" : "AA");
        await (await client.GetAsync($"/api/requests/status/{forged}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-5005");
        await (await client.PostAsJsonAsync($"/api/requests/status/{forged}/withdraw", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-5005");
        var page = await client.GetAsync($"/requests/status/{forged}", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("MAMORI-5005");
        (await client.GetAsync($"/api/requests/status/{token}", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The token is stored hashed only.
        var hashes = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubjectRequest>().Select(r => r.StatusTokenHash).ToListAsync(Ct));
        hashes.ShouldAllBe(h => h.Length == 32);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Actions_WrongState_ClearCodes(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, _, _) = await s.LetterAsync("disclosure", p);
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/execute", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-5018");
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/refuse", new { reason = "because" }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5017");
        await (await s.Staff.GetAsync($"/api/requests/{id}/answer?format=json", Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-5019");
        await s.PostAsync(id, "withdraw");
        (await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/start", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-5021"))
            .GetProperty("detail").GetString().ShouldBe("The request is already withdrawn."); // the API's status value, not the C# name Withdrawn
        await (await s.Staff.GetAsync($"/api/requests/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-5004");
        // An auditor reads the queue but cannot act.
        var auditor = await s.App.SignedInAsync(s.Tenant, Mamori.Staff.Roles.Auditor);
        (await auditor.GetAsync("/api/requests", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await auditor.GetAsync($"/api/requests/{id}/details", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
    }
}
