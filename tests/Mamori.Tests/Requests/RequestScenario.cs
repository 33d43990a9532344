using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>Intent methods for request tests: a tenant with the demo policy, a handler's client, the steps of a request over HTTP.</summary>
public sealed class RequestScenario(TestApp app, Guid tenant, HttpClient staff)
{
    public TestApp App { get; } = app;
    public Guid Tenant { get; } = tenant;
    public HttpClient Staff { get; private set; } = staff;

    /// <summary>Moves the fake clock and signs the handler in again (sessions expire after hours).</summary>
    public async Task SetTimeAsync(DateTimeOffset t)
    {
        App.Clock.SetUtcNow(t.ToUniversalTime());
        Staff = await App.SignedInAsync(Tenant, Roles.PrivacyOfficer);
    }

    /// <param name="policyDir">The policy to publish; the demo policy when null.</param>
    public static async Task<RequestScenario> StartAsync(string provider, PostgresCluster cluster, long? maxUploadBytes = null,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null, string? policyDir = null)
    {
        var app = await TestApp.StartAsync(provider, cluster, b =>
        {
            b.Configuration["Mamori:DefaultTenant"] = "acme";
            if (maxUploadBytes is { } max) b.Configuration["Mamori:Requests:MaxUploadBytes"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
            configure?.Invoke(b);
        });
        var tenant = (await app.CreateTenantAsync("acme")).Id;
        await app.InTenantAsync(tenant, (sp, _) => Mamori.Cli.PolicyPublishCommand.PublishDirectoryAsync(sp, policyDir ?? ExamplesDir, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        return new RequestScenario(app, tenant, await app.SignedInAsync(tenant, Roles.PrivacyOfficer));
    }

    /// <summary>An inquirer (no legal hold on any field) with name, email, phone and inquiry.</summary>
    public Task<Guid> InquirerAsync(Person p) => App.InTenantAsync(Tenant, async (sp, _) =>
        (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("inquirer", "web-form", ["inquiries"],
            new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email, ["phone"] = p.Phone, ["inquiry"] = "料金について" }), Actor.System, Ct)).Id);

    public static JsonElement Json(string s) => JsonDocument.Parse(s).RootElement;

    public async Task<JsonElement> OkAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(status, body);
        return Json(body);
    }

    /// <summary>A letter entered by staff (the demo policy accepts certified mail only).</summary>
    public async Task<(Guid Id, string Token, JsonElement Request)> LetterAsync(string kind, Person p, object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["kind"] = kind, ["channel"] = "certified-mail", ["name"] = p.Name, ["email"] = p.Email, ["address"] = p.Address,
        };
        if (extra is not null)
            foreach (var prop in JsonSerializer.SerializeToElement(extra).EnumerateObject()) body[prop.Name] = prop.Value;
        var json = await OkAsync(await Staff.PostAsJsonAsync("/api/requests", body, Ct), HttpStatusCode.Created);
        return (json.GetProperty("request").GetProperty("id").GetGuid(), json.GetProperty("statusToken").GetString()!, json.GetProperty("request"));
    }

    public async Task<JsonElement> PostAsync(Guid id, string action, object? body = null) =>
        await OkAsync(await Staff.PostAsJsonAsync($"/api/requests/{id}/{action}", body ?? new { }, Ct));

    public async Task<JsonElement> GetAsync(Guid id) => await OkAsync(await Staff.GetAsync($"/api/requests/{id}", Ct));

    /// <summary>Staff saw the residence certificate (issued within a month of arrival) and a driving licence.</summary>
    public async Task CheckIdentityDocumentsAsync(Guid id, DateOnly receivedOn)
    {
        await PostAsync(id, "documents/checked", new { group = "identity", name = "住民票の写し", issuedOn = receivedOn.AddDays(-10) });
        await PostAsync(id, "documents/checked", new { group = "identity", name = "運転免許証の写し" });
    }

    public async Task<byte[]> AnswerAsync(Guid id, string format)
    {
        var response = await Staff.GetAsync($"/api/requests/{id}/answer?format={format}", Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    public Task<AuditVerification> VerifyAuditAsync() => App.InTenantAsync(Tenant, (_, db) => AuditVerify.VerifyTenantAsync(db, Tenant, "acme", Ct));

    public static DateOnly Today(TestApp app) => Mamori.Requests.RequestClock.Day(app.Clock.GetUtcNow());
}
