using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

/// <summary>
/// S-31: data passes to a business's successor (merger, business transfer) without consent (Art.27(5)(ii)), to a successor
/// registered in the recipient registry, for any item of the policy, and is recorded like every provision. Only to a successor.
/// </summary>
public sealed class BusinessSuccessionTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Provide_BusinessSuccessionToRegisteredSuccessor_NoConsentAnyItemRecorded(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var officer = await app.SignedInAsync(tenant, Roles.PrivacyOfficer);
        var p = NewPerson();
        var id = await IspCustomerAsync(app, tenant, p);
        var body = new { recipient = "new-isp", basis = "business-succession", categories = new[] { "name", "email", "inquiry" }, subjects = new[] { id }, format = "csv" };

        // Not registered yet: nobody to succeed to.
        await (await officer.PostAsJsonAsync("/api/provisions", body, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-4020");
        (await officer.PutAsJsonAsync("/api/recipients/new-isp", new
        {
            kind = "successor", name = "新ISP株式会社", address = "東京都港区芝公園一丁目1番1号", representative = "代表取締役 承継 一郎",
        }, Ct)).EnsureSuccessStatusCode();

        var provided = await (await officer.PostAsJsonAsync("/api/provisions", body, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        provided.GetProperty("providedCount").GetInt32().ShouldBe(1);
        provided.GetProperty("csv").GetString().ShouldBe($"subject,name,email,inquiry\r\n{id},{p.Name},{p.Email},回線速度について\r\n");
        var record = (await officer.GetFromJsonAsync<JsonElement>($"/api/provisions/records?subject={id}", Ct)).EnumerateArray().Single();
        (record.GetProperty("basis").GetString(), record.GetProperty("counterpartyName").GetString()).ShouldBe(("business-succession", "新ISP株式会社"));

        // A successor takes nothing on consent, and succession is no basis for an ordinary third party.
        await (await officer.PostAsJsonAsync("/api/provisions", new { body.recipient, basis = "consent", body.categories, body.subjects, body.format }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4021");
        await (await officer.PostAsJsonAsync("/api/provisions", new { recipient = "carriers", body.basis, body.categories, body.subjects, body.format }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-4021");
    }
}
