using System.Net;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>The deadline clock: W-06 dates, pauses and resumes, due-soon and overdue lists, with a fake clock.</summary>
public sealed class RequestClockTests(PostgresCluster cluster)
{
    private static DateTimeOffset Jst(int y, int m, int d, int h = 10) => new(y, m, d, h, 0, 0, TimeSpan.FromHours(9));

    [Fact]
    public void DueOn_W06_ReceivedJune1_DueJune15SuitFromJune16()
    {
        var received = new DateOnly(2026, 6, 1);
        RequestClock.DueOn(received, 14, 0).ShouldBe(new DateOnly(2026, 6, 15));
        RequestClock.SuitPossibleFrom(received).ShouldBe(new DateOnly(2026, 6, 16));
    }

    [Fact]
    public void Day_LateEveningUtc_IsNextJstDay()
    {
        RequestClock.Day(new DateTimeOffset(2026, 5, 31, 15, 30, 0, TimeSpan.Zero)).ShouldBe(new DateOnly(2026, 6, 1));
        RequestClock.Day(new DateTimeOffset(2026, 5, 31, 14, 59, 0, TimeSpan.Zero)).ShouldBe(new DateOnly(2026, 5, 31));
    }

    [Fact]
    public void PauseResume_FiveDaysPaused_DueMovesFiveDays()
    {
        var r = new DataSubjectRequest { Reference = "R-TEST-0001", Language = "ja", StatusTokenHash = new byte[32], SealedDetails = [], ReceivedOn = new DateOnly(2026, 6, 1) };
        r.DueOn = RequestClock.DueOn(r.ReceivedOn, 14, 0);
        RequestClock.Pause(r, new DateOnly(2026, 6, 3));
        r.DueOn.ShouldBeNull();
        r.Status = RequestStatus.AwaitingPayment;
        RequestClock.ProjectedDue(r, new DateOnly(2026, 6, 6), 14).ShouldBe(new DateOnly(2026, 6, 18));
        RequestClock.State(r, new DateOnly(2026, 6, 6), 3).ShouldBe(DeadlineState.Paused);
        r.Status = RequestStatus.InProgress;
        RequestClock.Resume(r, new DateOnly(2026, 6, 8), 14);
        r.PausedDays.ShouldBe(5);
        r.DueOn.ShouldBe(new DateOnly(2026, 6, 20));
        RequestClock.State(r, new DateOnly(2026, 6, 17), 3).ShouldBe(DeadlineState.DueSoon);
        RequestClock.State(r, new DateOnly(2026, 6, 16), 3).ShouldBe(DeadlineState.OnTrack);
        RequestClock.State(r, new DateOnly(2026, 6, 21), 3).ShouldBe(DeadlineState.Overdue);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Lists_FakeClock_PauseResumeDueSoonOverdue(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await s.SetTimeAsync(Jst(2027, 6, 1));
        var p = NewPerson();
        await s.InquirerAsync(p);
        var (id, _, request) = await s.LetterAsync("disclosure", p);
        request.GetProperty("receivedOn").GetString().ShouldBe("2027-06-01");
        request.GetProperty("dueOn").GetString().ShouldBe("2027-06-15");
        request.GetProperty("suitPossibleFrom").GetString().ShouldBe("2027-06-16");

        // (W-06 dates a year on: the fake clock only moves forward.) Waiting for documents from 06-02 to 06-05: three days paused.
        await s.SetTimeAsync(Jst(2027, 6, 2));
        var asked = await s.PostAsync(id, "ask-documents");
        asked.GetProperty("status").GetString().ShouldBe("awaiting-documents");
        asked.GetProperty("dueOn").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        (await ListAsync(s, "paused")).ShouldContain(id);
        await s.SetTimeAsync(Jst(2027, 6, 5));
        await s.CheckIdentityDocumentsAsync(id, new DateOnly(2027, 6, 1));
        var resumed = await s.GetAsync(id);
        resumed.GetProperty("status").GetString().ShouldBe("verifying");
        resumed.GetProperty("dueOn").GetString().ShouldBe("2027-06-18");
        resumed.GetProperty("pausedDays").GetInt32().ShouldBe(3);

        // Invoiced on 06-05, paid on 06-09: four more days.
        (await s.PostAsync(id, "verify")).GetProperty("status").GetString().ShouldBe("awaiting-payment");
        await s.SetTimeAsync(Jst(2027, 6, 9));
        var paid = await s.PostAsync(id, "payment", new { reference = "x" });
        paid.GetProperty("dueOn").GetString().ShouldBe("2027-06-22");
        paid.GetProperty("suitPossibleFrom").GetString().ShouldBe("2027-06-16");

        await s.SetTimeAsync(Jst(2027, 6, 18));
        (await ListAsync(s, "due-soon")).ShouldNotContain(id);
        await s.SetTimeAsync(Jst(2027, 6, 19));
        (await ListAsync(s, "due-soon")).ShouldContain(id);
        (await ListAsync(s, "overdue")).ShouldNotContain(id);
        await s.SetTimeAsync(Jst(2027, 6, 22, 23));
        (await ListAsync(s, "overdue")).ShouldNotContain(id);
        await s.SetTimeAsync(Jst(2027, 6, 23, 0));
        (await ListAsync(s, "overdue")).ShouldContain(id);
        (await s.GetAsync(id)).GetProperty("deadline").GetString().ShouldBe("overdue");

        await s.PostAsync(id, "execute");
        (await ListAsync(s, "overdue")).ShouldNotContain(id);
        (await ListAsync(s, "open")).ShouldNotContain(id);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Intake_NoSubjectMatchesContact_NoDataHeldAnsweredAtOnce(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var (_, token, request) = await s.LetterAsync("disclosure", NewPerson());
        request.GetProperty("status").GetString().ShouldBe("answered");
        request.GetProperty("outcome").GetString().ShouldBe("no-data-held");
        request.GetProperty("feeYen").GetInt32().ShouldBe(0);
        var status = await s.OkAsync(await s.App.Client().GetAsync($"/api/requests/status/{token}", TestContext.Current.CancellationToken));
        status.GetProperty("outcome").GetString().ShouldBe("no-data-held");
        var answer = await s.App.Client().GetAsync($"/api/requests/status/{token}/answer?format=html", TestContext.Current.CancellationToken);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("保有しておりません");
    }

    private static async Task<List<Guid>> ListAsync(RequestScenario s, string list)
    {
        var json = await s.OkAsync(await s.Staff.GetAsync($"/api/requests?list={list}", TestContext.Current.CancellationToken));
        return json.EnumerateArray().Select(x => x.GetProperty("id").GetGuid()).ToList();
    }
}
