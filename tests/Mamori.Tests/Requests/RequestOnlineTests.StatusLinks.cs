using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Walkthrough leftovers on the status link: status changes made at one instant (a code entered for an address we hold
/// nothing under moves the request twice) came back in any order, as their ids happened to sort; the message carrying a code
/// did not link the page to enter it on.
/// </summary>
public sealed partial class RequestOnlineTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task History_ChangesAtOneInstant_InTheOrderTheyHappened(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var stranger = NewPerson();
        var (_, token) = await WebRequestAsync(s, stranger.Name, stranger.Email, null);
        var client = s.App.Client();
        (await client.PostAsync($"/api/requests/status/{token}/send-code", JsonContent.Create(new { }), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var code = Code().Match(Decode((await DispatchAsync(s)).Single(m => Code().IsMatch(Decode(m))))).Groups[1].Value;

        // The clock stands still: received → verifying (the code) and verifying → answered (no data held) share one instant with the code.
        (await client.PostAsync($"/api/requests/status/{token}/code", JsonContent.Create(new { code }), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 3; i++) // the same answer every time, on every provider
        {
            var status = await s.OkAsync(await client.GetAsync($"/api/requests/status/{token}", Ct));
            var history = status.GetProperty("history").EnumerateArray().ToList();
            history.Select(h => h.GetProperty("sequence").GetInt32()).ShouldBe([1, 2]);
            history.Select(h => $"{h.GetProperty("from").GetString()}>{h.GetProperty("to").GetString()}").ShouldBe(["received>verifying", "verifying>answered"]);
        }
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendCode_FromTheStatusLink_MessageLinksTheStatusPage(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var p = NewPerson();
        var (id, token) = await WebRequestAsync(s, p.Name, p.Email, null);
        (await s.App.Client().PostAsync($"/api/requests/status/{token}/send-code", JsonContent.Create(new { }), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var fromLink = Decode((await DispatchAsync(s)).Single(m => Code().IsMatch(Decode(m))));
        fromLink.ShouldContain($"/requests/status/{token}\n");
        fromLink.ShouldContain("次の状況確認ページで入力してください");
        fromLink.ShouldContain("on your request's status page (do not share this link):");
        StatusLink().Matches(fromLink).Select(m => m.Groups[1].Value).Distinct().ShouldBe([token]);

        // Staff send a code without the link (they never hold the token): the message points to the receipt's link.
        s.App.Clock.Advance(TimeSpan.FromMinutes(5));
        (await s.Staff.PostAsync($"/api/requests/{id}/send-code", JsonContent.Create(new { }), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var byStaff = (await DispatchAsync(s)).Select(Decode).Where(m => Code().IsMatch(m) && m != fromLink).ShouldHaveSingleItem();
        byStaff.ShouldContain("受付時にお知らせした状況確認用リンクのページで入力してください");
        StatusLink().IsMatch(byStaff).ShouldBeFalse();
    }
}
