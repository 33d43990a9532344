using System.Net;
using Mamori.Auth;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Generated from the endpoint table: every /api endpoint declares a permission or is explicitly
/// public; without credentials it answers 401 with a code; a role that lacks the permission gets 403.
/// </summary>
public sealed class AuthorizationMatrixTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record ApiEndpoint(string Method, string Path, Permission? Permission, bool Anonymous);

    private static List<ApiEndpoint> Endpoints(TestApp app) =>
        app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true && e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => new ApiEndpoint(
                m, Concrete(e.RoutePattern.RawText!), e.Metadata.GetMetadata<RequiresPermission>()?.Permission,
                e.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .ToList();

    private static string Concrete(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([a-zA-Z]+)(:[^}]*)?\}", m =>
            m.Groups[2].Value.Contains("guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString()
            : m.Groups[2].Value.Contains("long", StringComparison.Ordinal) || m.Groups[2].Value.Contains("int", StringComparison.Ordinal) ? "1" : "x");

    private static HttpRequestMessage Request(ApiEndpoint e) => new(new HttpMethod(e.Method), e.Path)
    {
        Content = e.Method is "POST" or "PUT" or "PATCH" ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json") : null,
    };

    [Fact]
    public async Task EveryApiEndpoint_DeclaresPermissionOrPublic()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var endpoints = Endpoints(app);
        endpoints.Count.ShouldBeGreaterThan(10);
        var undeclared = endpoints.Where(e => e.Permission is null && !e.Anonymous).Select(e => $"{e.Method} {e.Path}").ToList();
        undeclared.ShouldBeEmpty();
    }

    [Fact]
    public async Task EveryProtectedApiEndpoint_NoCredentials_401ProblemWithCode()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var client = app.Client();
        foreach (var e in Endpoints(app).Where(e => !e.Anonymous))
        {
            var response = await client.SendAsync(Request(e), Ct);
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "MAMORI-1100");
        }
    }

    [Fact]
    public async Task EveryProtectedApiEndpoint_RoleWithoutPermission_403ProblemWithCode()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var tenant = await app.CreateTenantAsync();
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.BuiltIn) clients[role] = await app.SignedInAsync(tenant.Id, role);
        var checkedCount = 0;
        foreach (var e in Endpoints(app).Where(e => e.Permission is not null))
        {
            foreach (var role in Roles.BuiltIn.Where(r => !RolePermissions.Grants([r], e.Permission!.Value)))
            {
                var response = await clients[role].SendAsync(Request(e), Ct);
                await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "MAMORI-1102");
                checkedCount++;
            }
        }
        checkedCount.ShouldBeGreaterThan(10);
    }

    [Fact]
    public async Task ApiKeyOfOtherTenant_CannotSeeFirstTenantsAudit()
    {
        await using var app = await TestApp.StartAsync(Providers.Sqlite, cluster);
        var first = await app.CreateTenantAsync("first");
        var second = await app.CreateTenantAsync("second");
        await app.UserAsync(first.Id, Roles.Admin);
        var key = await app.ApiKeyAsync(second.Id, Roles.Auditor);
        var page = await app.Client(apiKey: key.Secret).GetStringAsync("/api/audit", Ct);
        page.ShouldNotContain(first.Id.ToString());
        page.ShouldContain(second.Id.ToString()); // its own TenantCreated event
        var created = System.Text.Json.JsonDocument.Parse(page).RootElement.GetProperty("events").EnumerateArray()
            .Single(e => e.GetProperty("codeName").GetString() == "TenantCreated");
        created.GetProperty("title").GetString().ShouldBe("テナントの作成");
        created.GetProperty("titleEn").GetString().ShouldBe("Tenant created");
    }
}
