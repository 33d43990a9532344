using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Requests;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Regression (integrator walkthrough): POST /api/requests ignored the Idempotency-Key header, so a retry after a broken connection
/// opened the person's request twice, with two receipts and two deadlines.
/// </summary>
public sealed class RequestIdempotencyTests(PostgresCluster cluster)
{
    private static Dictionary<string, object?> Letter(Person p, string kind = "disclosure") => new()
    {
        ["kind"] = kind, ["channel"] = "certified-mail", ["name"] = p.Name, ["email"] = p.Email, ["address"] = p.Address,
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, object body, string? idempotencyKey)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/requests") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) message.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(message, Ct);
    }

    private static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement;
    }

    private static Task<int> CountAsync(RequestScenario s, AuditCode code) =>
        s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == code, Ct));

    private static Task<int> RequestsAsync(RequestScenario s) =>
        s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubjectRequest>().CountAsync(Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_RetriedWithSameIdempotencyKey_OneRequestSameAnswer(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var client = s.App.Client(apiKey: (await s.App.ApiKeyAsync(s.Tenant, Roles.Operator)).Secret);
        var p = NewPerson();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(client, Letter(p), key);
        var a = await CreatedAsync(first);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        var notices = await CountAsync(s, AuditCode.NotificationWritten);
        var retry = await PostAsync(client, Letter(p), key);
        var b = await CreatedAsync(retry);
        retry.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        b.GetProperty("request").GetProperty("id").GetGuid().ShouldBe(a.GetProperty("request").GetProperty("id").GetGuid());
        b.GetProperty("request").GetProperty("reference").GetString().ShouldBe(a.GetProperty("request").GetProperty("reference").GetString());
        b.GetProperty("statusToken").GetString().ShouldBe(a.GetProperty("statusToken").GetString());
        b.GetProperty("statusUrl").GetString().ShouldBe(a.GetProperty("statusUrl").GetString());
        (await RequestsAsync(s)).ShouldBe(1);
        (await CountAsync(s, AuditCode.RequestReceived)).ShouldBe(1);
        (await CountAsync(s, AuditCode.NotificationWritten)).ShouldBe(notices);
        var status = await s.App.Client().GetAsync($"/api/requests/status/{b.GetProperty("statusToken").GetString()}", Ct);
        status.StatusCode.ShouldBe(HttpStatusCode.OK);

        // The same key with another request: refused, nothing opened, and the answer repeats nothing that was sent.
        var other = NewPerson();
        var problem = await (await PostAsync(client, Letter(other), key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity, "MAMORI-1391");
        problem.GetProperty("detail").GetString()!.ShouldNotContain(other.Email);
        (await PostAsync(client, Letter(p, "erasure"), key)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await RequestsAsync(s)).ShouldBe(1);

        // Keys are the caller's own: another integration choosing the same key opens its own request; so does a new key.
        var crm = s.App.Client(apiKey: (await s.App.ApiKeyAsync(s.Tenant, Roles.Operator)).Secret);
        var theirs = await CreatedAsync(await PostAsync(crm, Letter(p), key));
        theirs.GetProperty("request").GetProperty("id").GetGuid().ShouldNotBe(a.GetProperty("request").GetProperty("id").GetGuid());
        theirs.GetProperty("statusToken").GetString().ShouldNotBe(a.GetProperty("statusToken").GetString());
        await CreatedAsync(await PostAsync(client, Letter(p), Guid.NewGuid().ToString()));
        (await RequestsAsync(s)).ShouldBe(3);

        await (await PostAsync(client, Letter(NewPerson()), "two words")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1392");
        await (await PostAsync(client, Letter(NewPerson()), new string('k', 201))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1392");
        (await RequestsAsync(s)).ShouldBe(3);
        var stored = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<Mamori.Vault.IdempotencyRecord>().Select(r => r.Key).ToListAsync(Ct));
        stored.Count.ShouldBe(3);
        stored.ShouldAllBe(k => k.Length == 64 && !k.Contains(key, StringComparison.OrdinalIgnoreCase));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Submit_ConcurrentCallsWithSameIdempotencyKey_OneRequest(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var client = s.App.Client(apiKey: (await s.App.ApiKeyAsync(s.Tenant, Roles.Operator)).Secret);
        var p = NewPerson();
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostAsync(client, Letter(p), key)));
        var answers = await Task.WhenAll(responses.Select(CreatedAsync));
        answers.Select(a => a.GetProperty("request").GetProperty("id").GetGuid()).Distinct().Count().ShouldBe(1);
        answers.Select(a => a.GetProperty("statusToken").GetString()).Distinct().Count().ShouldBe(1);
        responses.Count(r => !r.Headers.Contains("Idempotent-Replayed")).ShouldBe(1);
        (await RequestsAsync(s)).ShouldBe(1);
        (await CountAsync(s, AuditCode.RequestReceived)).ShouldBe(1);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task Submit_IdempotencyKeyWithoutPermission_RefusedAsBefore()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var client = s.App.Client(apiKey: (await s.App.ApiKeyAsync(s.Tenant, Roles.Operator)).Secret);
        var auditor = s.App.Client(apiKey: (await s.App.ApiKeyAsync(s.Tenant, Roles.Auditor)).Secret);
        var p = NewPerson();
        var key = Guid.NewGuid().ToString();
        await CreatedAsync(await PostAsync(client, Letter(p), key));

        // A key that may not open requests learns nothing from a key another caller used, and opens nothing.
        await (await PostAsync(auditor, Letter(p), key)).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
        await (await PostAsync(s.App.Client(), Letter(p), key)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1100");
        (await RequestsAsync(s)).ShouldBe(1);
    }
}
