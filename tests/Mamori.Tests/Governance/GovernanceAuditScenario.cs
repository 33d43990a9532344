using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Tests.Provision;
using Shouldly;

namespace Mamori.Tests.Governance;

/// <summary>
/// Intent methods for internal-audit and entrustee tests: a tenant with the demo policy (which declares the
/// entrustee payment-agent), a privacy officer's client, and a fake clock moved by JST days.
/// </summary>
public sealed class GovernanceAuditScenario(TestApp app, Guid tenant, HttpClient officer) : IAsyncDisposable
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TestApp App { get; } = app;
    public Guid Tenant { get; } = tenant;
    public HttpClient Officer { get; private set; } = officer;

    public static async Task<GovernanceAuditScenario> StartAsync(string provider, PostgresCluster cluster, DateOnly? startDay = null)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        var s = new GovernanceAuditScenario(app, tenant, await app.SignedInAsync(tenant, Roles.PrivacyOfficer));
        if (startDay is { } d) await s.SetJstAsync(d);
        return s;
    }

    /// <summary>Moves the clock to <paramref name="day"/> at <paramref name="hour"/>:<paramref name="minute"/> Japan time and signs in again (sessions last 12 hours).</summary>
    public async Task SetJstAsync(DateOnly day, int hour = 10, int minute = 0, int second = 0)
    {
        App.Clock.SetUtcNow(new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute, second)), TimeSpan.FromHours(9)).ToUniversalTime());
        Officer = await App.SignedInAsync(Tenant, Roles.PrivacyOfficer);
    }

    public static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;

    public static async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, body);
        return Json(body);
    }

    public async Task<JsonElement> GetAsync(string url) => await OkAsync(await Officer.GetAsync(url, Ct));

    public async Task<JsonElement> PostAsync(string url, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        await OkAsync(await Officer.PostAsJsonAsync(url, body, Ct), status);

    public async Task<JsonElement> CreatePlanAsync(string scheduledOn, string frequency = "annual", int? graceDays = null, string kind = "internal", string? recipientId = null) =>
        await PostAsync("/api/governance/audits/plans", new
        {
            title = kind == "internal" ? "年次内部監査" : "委託先監査", scope = "全部門の個人情報の取扱い", auditor = "監査室 山田", scheduledOn, frequency, graceDays, kind, recipientId,
        }, HttpStatusCode.Created);

    /// <summary>Answers every item of an audit as its evidence suggests (unanswered suggestions as conforming), or all conforming, and returns the run.</summary>
    public async Task<JsonElement> AnswerAllAsync(Guid runId, bool asSuggested = true)
    {
        var run = await GetAsync($"/api/governance/audits/runs/{runId}");
        foreach (var item in run.GetProperty("checklist").EnumerateArray())
        {
            var suggested = item.GetProperty("suggested").GetString();
            run = await PostAsync($"/api/governance/audits/runs/{runId}/items/{item.GetProperty("key").GetString()}",
                new { result = !asSuggested || suggested == "unanswered" ? "conforming" : suggested, note = "確認済み" });
        }
        return run;
    }

    /// <summary>A browser-like session of the officer for console forms (session and anti-forgery cookies).</summary>
    public Console.ConsoleScenario.FormSession Form() => new(App, Officer.DefaultRequestHeaders.GetValues("Cookie").Single());

    /// <summary>A data-subject request entered from a certified letter (no email, so it is not answered "no data held" at once); returns its id.</summary>
    public async Task<Guid> LetterAsync(string kind = "disclosure")
    {
        var p = Vault.VaultScenario.NewPerson();
        var json = await PostAsync("/api/requests", new { kind, channel = "certified-mail", name = p.Name, address = p.Address }, HttpStatusCode.Created);
        return json.GetProperty("request").GetProperty("id").GetGuid();
    }

    public Task<JsonElement> RefuseAsync(Guid request) => PostAsync($"/api/requests/{request}/refuse", new { reason = "business-impediment" });

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
