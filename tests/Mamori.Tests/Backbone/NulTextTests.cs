using System.Net;
using System.Text;
using Mamori.Staff;
using Mamori.Tests.Console;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Text with U+0000 is refused at the door with MAMORI-1006 on both stores. Regression: PostgreSQL cannot store or
/// compare it, and the long fuzzing run on PostgreSQL found it as 500s in a JSON body (login, receipts, training,
/// datasets), a query (findings, the audit log) and nothing else changed.
/// </summary>
public sealed class NulTextTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task JsonBody_StringWithNul_400InvalidValueNothingStored(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = await app.CreateTenantAsync();
        var login = await app.Client().PostAsync("/api/auth/login",
            new StringContent("{\"email\":\"\\u0000\",\"password\":\"x\"}", Encoding.UTF8, "application/json"), Ct);
        var problem = await login.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        problem.GetProperty("detail").GetString().ShouldBe("Text may not contain the NUL character (U+0000) at $.email.");

        var admin = await app.SignedInAsync(tenant.Id, Roles.Admin);
        var key = await admin.PostAsync("/api/apikeys",
            new StringContent("{\"name\":\"a\\u0000b\",\"role\":\"operator\"}", Encoding.UTF8, "application/json"), Ct);
        await key.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        (await app.InTenantAsync(tenant.Id, (_, db) => db.ApiKeys.CountAsync(Ct))).ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task QueryAndForm_ValueWithNul_400InvalidValue(string provider)
    {
        var (app, tenantId, _) = await ConsoleScenario.StartAsync(cluster, provider);
        await using var __ = app;
        var tenant = new { Id = tenantId };
        var officer = await app.SignedInAsync(tenant.Id, Roles.PrivacyOfficer, Roles.Auditor);
        await (await officer.GetAsync("/api/governance/findings?recipientId=%00", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        await (await officer.GetAsync("/console/audit?actor=a%00b", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        // The same requests without the NUL are answered.
        (await officer.GetAsync("/api/governance/findings?recipientId=x", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await officer.GetAsync("/console/audit?actor=ab", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A urlencoded form: ASP.NET's URL decoder refuses %00 itself, before the anti-forgery token is read.
        var s = await ConsoleScenario.SessionAsync(app, tenant.Id, Roles.Operator);
        var find = await s.PostAsync("/console/subjects", "/console/subjects/find", [new("purpose", "support"), new("by", "email"), new("value", "a\0b@example.jp")]);
        find.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        find.Content.Headers.ContentType!.MediaType.ShouldBe("text/html"); // a browser's form gets a page, not problem JSON
        (await find.Content.ReadAsStringAsync(Ct)).ShouldContain("(MAMORI-1001)");

        // A multipart form is not URL-decoded: its fields are checked when the endpoint reads them.
        var (request, _) = await ConsoleScenario.RequestAsync(app, tenant.Id);
        var handler = await app.SignedInAsync(tenant.Id, Roles.Operator);
        HttpContent Upload(string name) => new MultipartFormDataContent
        {
            { new StringContent("identity"), "group" },
            { new StringContent(name), "name" },
            { new ByteArrayContent([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a]) { Headers = { ContentType = new("application/pdf") } }, "file", "id.pdf" },
        };
        var upload = await handler.PostAsync($"/api/requests/{request}/documents", Upload("運転免許証\0"), Ct);
        await upload.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
        // Without the NUL the same upload gets past the form to the request's state, which takes no document yet.
        (await handler.PostAsync($"/api/requests/{request}/documents", Upload("運転免許証"), Ct)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }
}
