using System.Net;
using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Notifications;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Security review follow-up to F6: codes and receipts were capped per address per day, in each server's memory, so a flood of
/// code requests to a customer's address locked them out of online verification for a day (and each server of several
/// counted alone). Now a cap per address only throttles for an hour, a cap per client network a day stops one attacker from
/// keeping it throttled, the refusal names the documents route, and the counts are rows in the database.
/// </summary>
public sealed partial class RequestOnlineTests
{
    private static Task<RequestScenario> StartBehindProxyAsync(string provider, PostgresCluster cluster) =>
        RequestScenario.StartAsync(provider, cluster, configure: b =>
        {
            b.Configuration["Mamori:ForwardedHeaders:KnownProxies"] = "127.0.0.1";
            b.Configuration["Mamori:RateLimits:PublicForm"] = "1000";
        });

    private static async Task<HttpResponseMessage> SendCodeFromAsync(RequestScenario s, string token, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/requests/status/{token}/send-code") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("X-Forwarded-For", client);
        return await s.App.Client().SendAsync(request, Ct);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendCode_FloodToCustomersAddress_ThrottlesForAnHourNamingDocuments(string provider)
    {
        var s = await StartBehindProxyAsync(provider, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var customer = NewPerson();
        await s.InquirerAsync(customer);
        for (var i = 0; i < RecipientQuota.PerDestination; i++)
        {
            var (_, attack) = await WebRequestAsync(s, customer.Name, customer.Email, null);
            (await SendCodeFromAsync(s, attack, $"203.0.113.{i + 1}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var (_, own) = await WebRequestAsync(s, customer.Name, customer.Email, customer.Phone);
        var throttled = await (await SendCodeFromAsync(s, own, "198.51.100.4")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-5028");
        throttled.GetProperty("detail").GetString()!.ShouldContain("60 minutes");
        throttled.GetProperty("detail").GetString()!.ShouldContain("identity documents");
        var page = await Mamori.Tests.Console.ConsoleScenario.Anonymous(s.App).PostAsync($"/requests/status/{own}", $"/requests/status/{own}/send-code", []);
        page.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("本人確認書類の提出（このページからのアップロード、又は郵送）");

        s.App.Clock.Advance(RecipientQuota.DestinationWindow);
        (await SendCodeFromAsync(s, own, "198.51.100.4")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendCode_OneNetworkManyAddresses_StoppedForTheDayOthersServed(string provider)
    {
        var s = await StartBehindProxyAsync(provider, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        for (var i = 0; i < RecipientQuota.PerClient; i++)
        {
            var p = NewPerson();
            var (_, token) = await WebRequestAsync(s, p.Name, p.Email, null);
            (await SendCodeFromAsync(s, token, "203.0.113.7")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        var next = NewPerson();
        var (_, last) = await WebRequestAsync(s, next.Name, next.Email, null);
        var refused = await (await SendCodeFromAsync(s, last, "203.0.113.7")).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-5029");
        refused.GetProperty("detail").GetString()!.ShouldContain("identity documents");
        (await SendCodeFromAsync(s, last, "198.51.100.4")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void Destination_FullWidthOrUpperCaseAddress_SameKeyAsTheTypedAddress()
    {
        // Regression: requests stored before addresses were kept in NFKC hold full-width forms; a code re-sent for one of them
        // was counted under a key of its own, so its address got the cap twice over.
        RecipientQuota.Destination("ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ ").ShouldBe("yamada@example.jp");
        RecipientQuota.Destination("Yamada@Example.JP").ShouldBe("yamada@example.jp");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RecipientQuota_AnotherServersInstance_SeesTheCountsInTheDatabase(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var address = NewPerson().Email;
        var client = IPAddress.Parse("2001:db8:1:2:3:4:5:6");
        await s.App.InTenantAsync(s.Tenant, async (sp, db) =>
        {
            var keys = sp.GetRequiredService<KeyRingProvider>();
            for (var i = 0; i < RecipientQuota.PerDestination; i++)
                (await new RecipientQuota(db, sp.GetRequiredService<AuditLog>(), keys, s.App.Clock).TryTakeAsync("verification-code", address, client, Ct)).ShouldBeNull();
            var refused = await new RecipientQuota(db, sp.GetRequiredService<AuditLog>(), keys, s.App.Clock).TryTakeAsync("verification-code", address.ToUpperInvariant(), IPAddress.Parse("2001:db8:1:2:ffff::1"), Ct);
            refused.ShouldNotBeNull().ByClient.ShouldBeFalse();
            refused.RetryAt.ShouldBe(s.App.Clock.GetUtcNow() + RecipientQuota.DestinationWindow);
            var rows = await db.Set<QuotaUse>().AsNoTracking().ToListAsync(Ct);
            rows.Count.ShouldBe(RecipientQuota.PerDestination * 2);
            rows.ShouldAllBe(r => !r.Key.Contains(address, StringComparison.OrdinalIgnoreCase) && r.TenantId == s.Tenant);
            return 0;
        });

        // A day on, the old rows go as new ones are counted.
        s.App.Clock.Advance(RecipientQuota.ClientWindow);
        await s.App.InTenantAsync(s.Tenant, async (sp, db) =>
        {
            (await new RecipientQuota(db, sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<KeyRingProvider>(), s.App.Clock).TryTakeAsync("verification-code", address, client, Ct)).ShouldBeNull();
            (await db.Set<QuotaUse>().CountAsync(Ct)).ShouldBe(2);
            return 0;
        });
    }

    /// <summary>
    /// Regression: the cap was read, then counted, in two steps, so submissions racing on one server or several each saw the
    /// same count and all got through (a flood of parallel posts mailed an address far more than three times an hour).
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task TryTakeAsync_ConcurrentUsesOfOneAddress_NeverPassTheCap(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var address = NewPerson().Email;
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => s.App.InTenantAsync(s.Tenant, (sp, db) =>
            new RecipientQuota(db, sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<KeyRingProvider>(), s.App.Clock)
                .TryTakeAsync("request-received", address, IPAddress.Parse($"203.0.113.{i + 1}"), Ct))));

        results.Count(r => r is null).ShouldBe(RecipientQuota.PerDestination);
        results.Where(r => r is not null).ShouldAllBe(r => !r!.ByClient);
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<QuotaUse>().CountAsync(Ct))).ShouldBe(RecipientQuota.PerDestination * 2);
    }
}
