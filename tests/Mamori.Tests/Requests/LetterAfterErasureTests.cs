using System.Net;
using System.Text;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Walkthrough: a letter is matched to the person's data when it arrives. Erased in the meantime (another request, staff) with
/// data a legal hold keeps, the person was then invoiced on the letter's status link and sent the held data as a disclosure,
/// although what a hold keeps serves only that law and a new request is answered as for a person the company does not hold.
/// </summary>
public sealed class LetterAfterErasureTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Verify_LetterMatchedBeforeAnErasureWithHold_NoDataHeldOnTheStatusLink(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        var subject = await IspCustomerAsync(s.App, s.Tenant, p); // name, e-mail and phone held under the Corporation Tax Act
        var (id, token, letter) = await s.LetterAsync("disclosure", p);
        letter.GetProperty("subjects").EnumerateArray().Select(e => e.GetGuid()).ShouldBe([subject]);

        var erased = await s.Staff.DeleteAsync($"/api/subjects/{subject}?reason=data-subject-request", Ct);
        erased.StatusCode.ShouldBe(HttpStatusCode.OK, await erased.Content.ReadAsStringAsync(Ct));
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        var verified = await s.PostAsync(id, "verify");

        verified.GetProperty("status").GetString().ShouldBe("answered");
        verified.GetProperty("outcome").GetString().ShouldBe("no-data-held");
        verified.GetProperty("feeYen").GetInt32().ShouldBe(0);
        verified.GetProperty("subjects").GetArrayLength().ShouldBe(0);
        var page = await s.App.Client().GetStringAsync($"/requests/status/{token}", Ct);
        page.ShouldContain("回答済み");
        page.ShouldNotContain("手数料");
        var answer = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        answer.ShouldContain("当社は保有しておりません");
        answer.ShouldNotContain(p.Email);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Execute_VerifiedLetterThenErasureWithHold_DisclosesNothingHeld(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var p = NewPerson();
        var subject = await IspCustomerAsync(s.App, s.Tenant, p);
        var (id, _, _) = await s.LetterAsync("disclosure", p);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        if ((await s.PostAsync(id, "verify")).GetProperty("status").GetString() == "awaiting-payment")
            await s.PostAsync(id, "payment", new { reference = "bank-0001" });

        (await s.Staff.DeleteAsync($"/api/subjects/{subject}?reason=data-subject-request", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var executed = await s.PostAsync(id, "execute");

        executed.GetProperty("outcome").GetString().ShouldBe("no-data-held");
        var json = Encoding.UTF8.GetString(await s.AnswerAsync(id, "json"));
        json.ShouldNotContain(p.Email);
        json.ShouldNotContain(p.Name);
    }
}
