using System.Net;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Security review F5: a web request naming an address the company does not hold was answered "no data held" at once on its
/// status link, a customer's waited for verification, so the form told anyone who is a customer. Both now wait; the stranger's
/// answer comes after a code sent to the address typed was entered.
/// </summary>
public sealed partial class RequestOnlineTests
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PublicForm_HeldAndUnknownAddress_SameStatusUntilCodeEntered(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await PublishWebFormPolicyAsync(s);
        var held = NewPerson();
        await s.InquirerAsync(held);
        var stranger = NewPerson();
        var client = s.App.Client();
        async Task<(string Token, string Json, string Page)> SubmitAsync(Person p)
        {
            var response = await Mamori.Tests.Console.ConsoleScenario.Anonymous(s.App).PostAsync("/requests", "/requests",
                [new("kind", "disclosure"), new("requesterRole", "self"), new("name", p.Name), new("email", p.Email), new("method", "electronic")]);
            var html = await response.Content.ReadAsStringAsync(Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Created, html);
            var token = StatusLink().Match(html).Groups[1].Value;
            var json = await (await client.GetAsync($"/api/requests/status/{token}", Ct)).Content.ReadAsStringAsync(Ct);
            var page = await client.GetStringAsync($"/requests/status/{token}", Ct);
            return (token, json, page);
        }
        static string Without(string text, string token) => ReferenceOrAntiforgery().Replace(text.Replace(token, "T", StringComparison.Ordinal), "R-…");

        var a = await SubmitAsync(held);
        var b = await SubmitAsync(stranger);
        Without(b.Json, b.Token).ShouldBe(Without(a.Json, a.Token));
        Without(b.Page, b.Token).ShouldBe(Without(a.Page, a.Token));
        b.Page.ShouldContain("確認コードを送る");

        (await client.PostAsync($"/api/requests/status/{b.Token}/send-code", System.Net.Http.Json.JsonContent.Create(new { }), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var mail = (await DispatchAsync(s)).Select(m => (Raw: m, Text: Decode(m))).Single(m => Code().IsMatch(m.Text));
        mail.Raw.ShouldContain(stranger.Email);
        var code = Code().Match(mail.Text).Groups[1].Value;
        var answered = await s.OkAsync(await client.PostAsync($"/api/requests/status/{b.Token}/code", System.Net.Http.Json.JsonContent.Create(new { code }), Ct));
        answered.GetProperty("status").GetString().ShouldBe("answered");
        answered.GetProperty("outcome").GetString().ShouldBe("no-data-held");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"R-[0-9A-Z-]+|__af"" value=""[^""]+""")]
    private static partial System.Text.RegularExpressions.Regex ReferenceOrAntiforgery();
}
