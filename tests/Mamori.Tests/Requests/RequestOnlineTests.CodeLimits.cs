using System.Net;
using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Security review F4: five wrong codes per code and unlimited codes gave an impostor who knows a customer's name and
/// address unbounded guesses (and flooded the person's mailbox). Wrong codes now count per request and codes are capped
/// and spaced.
/// </summary>
public sealed partial class RequestOnlineTests
{
    private static async Task<(Guid Id, string Token)> WebRequestOfHeldPersonAsync(RequestScenario s)
    {
        await PublishWebFormPolicyAsync(s);
        var p = NewPerson();
        await s.InquirerAsync(p);
        var created = await s.OkAsync(await s.Staff.PostAsJsonAsync("/api/requests",
            new { kind = "disclosure", channel = "web-form", requesterRole = "self", name = p.Name, email = p.Email }, Ct), HttpStatusCode.Created);
        return (created.GetProperty("request").GetProperty("id").GetGuid(), created.GetProperty("statusToken").GetString()!);
    }

    /// <summary>A code of the wrong length: never right, counted as a wrong code.</summary>
    private static Task<ErrorCode?> WrongCodeAsync(RequestScenario s, Guid id) => s.App.InTenantAsync(s.Tenant, async (sp, _) =>
    {
        var requests = sp.GetRequiredService<DataSubjectRequests>();
        try
        {
            await requests.VerifyCodeAsync(await requests.GetAsync(id, Ct), "12345", new Actor(ActorKind.DataSubject, id.ToString()), Ct);
            return (ErrorCode?)null;
        }
        catch (MamoriException e)
        {
            return e.Code;
        }
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendCode_AfterTooManyWrongCodes_NoNewCodeAndNoNewGuesses(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var (id, _) = await WebRequestOfHeldPersonAsync(s);
        await s.PostAsync(id, "send-code");
        for (var i = 0; i < 5; i++) (await WrongCodeAsync(s, id)).ShouldBe(ErrorCode.RequestCodeInvalid);
        (await WrongCodeAsync(s, id)).ShouldBe(ErrorCode.RequestCodeAttempts);

        s.App.Clock.Advance(TimeSpan.FromMinutes(5));
        await (await s.Staff.PostAsJsonAsync($"/api/requests/{id}/send-code", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-5014");
        (await WrongCodeAsync(s, id)).ShouldBe(ErrorCode.RequestCodeAttempts);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendCode_TooSoonOrTooMany_429WithCodeAndJapaneseMessageOnStatusPage(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var (id, token) = await WebRequestOfHeldPersonAsync(s);
        Task<HttpResponseMessage> SendAsync() => s.Staff.PostAsJsonAsync($"/api/requests/{id}/send-code", new { }, Ct);

        await s.PostAsync(id, "send-code");
        s.App.Clock.Advance(TimeSpan.FromSeconds(30));
        var soon = await (await SendAsync()).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-5027");
        soon.GetProperty("detail").GetString()!.ShouldContain("30 seconds");
        // Spaced so that the address's hourly throttle (RecipientQuota) never applies: the request's own cap does.
        for (var i = 0; i < 4; i++)
        {
            s.App.Clock.Advance(TimeSpan.FromMinutes(20));
            await s.PostAsync(id, "send-code");
        }
        s.App.Clock.Advance(TimeSpan.FromMinutes(20));
        await (await SendAsync()).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, "MAMORI-5026");

        var page = await Mamori.Tests.Console.ConsoleScenario.Anonymous(s.App).PostAsync($"/requests/status/{token}", $"/requests/status/{token}/send-code", []);
        page.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("このご請求にお送りできる確認コードの回数を超えました。書類で本人確認をお願いします。 (MAMORI-5026)");
    }

    // Security review F6: every accepted web request mailed a receipt to whatever address was typed. The cap per address is
    // now a throttle of an hour (a day's cap let a flood silence the real person's receipts for a day).
    [Fact]
    public async Task WebRequests_ManyToOneAddress_ReceiptsThrottledPerHour()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var victim = NewPerson();
        async Task<int> SubmitAndCountReceiptsAsync(int times)
        {
            for (var i = 0; i < times; i++)
                await s.OkAsync(await s.Staff.PostAsJsonAsync("/api/requests",
                    new { kind = "disclosure", channel = "web-form", requesterRole = "self", name = victim.Name, email = victim.Email }, Ct), HttpStatusCode.Created);
            return (await DispatchAsync(s)).Select(Decode).Count(m => m.Contains("ご請求を受け付けました", StringComparison.Ordinal));
        }

        (await SubmitAndCountReceiptsAsync(Mamori.Notifications.RecipientQuota.PerDestination + 2)).ShouldBe(Mamori.Notifications.RecipientQuota.PerDestination);
        await s.SetTimeAsync(s.App.Clock.GetUtcNow() + Mamori.Notifications.RecipientQuota.DestinationWindow);
        (await SubmitAndCountReceiptsAsync(1)).ShouldBe(Mamori.Notifications.RecipientQuota.PerDestination + 1);
    }
}
