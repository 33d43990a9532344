using System.Net;
using System.Text.RegularExpressions;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Console;

/// <summary>
/// Regressions from a user walkthrough (M2): the console's forms showed the API's English messages on Japanese pages
/// (「This document must be issued within P1M: give its issue date (issuedOn). (MAMORI-5008)」, 「startMonth is 1-12…」) and
/// lost what was typed. Each refusal is now said in the page's language with its code, and the refused form keeps its input.
/// </summary>
public sealed class ConsoleFormErrorTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    private static async Task<string> BodyAsync(HttpResponseMessage r) => await r.Content.ReadAsStringAsync(Ct);

    [Fact]
    public async Task RequestActions_DocumentDateAndVerification_RefusedInPageLanguageWithInputKept()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        await RequesterHeldAsync(app, tenant);
        var (request, _) = await RequestAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.Operator);
        var page = $"/console/requests/{request}";
        var action = $"{page}/action";
        KeyValuePair<string, string>[] Residence(string issuedOn) =>
            [F("action", "checked"), F("group", "Identity"), F("document", "住民票の写し"), F("confirm", "yes"), F("issuedOn", issuedOn)];

        var noDate = await s.PostAsync(page, action, Residence(""));
        noDate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(noDate)).ShouldContain("この書類は発行から1か月以内のものに限ります。発行日を入力してください。 (MAMORI-5008)");

        var tooOld = await BodyAsync(await s.PostAsync(page, action, Residence("2026-09-01")));
        tooOld.ShouldContain("ご請求の受付日（2026年11月23日）の時点で発行から1か月以内のものに限ります。 (MAMORI-5008)");
        tooOld.ShouldNotContain("P1M");
        // The refused document keeps its tick and date; the others do not.
        tooOld.ShouldContain("""<input type="checkbox" name="confirm" value="yes" required checked> 住民票の写し""");
        tooOld.ShouldContain("""name="issuedOn" type="date" required value="2026-09-01">""");
        Regex.Count(tooOld, "required checked>").ShouldBe(1);

        var missing = await s.PostAsync(page, action, [F("action", "verify")]);
        missing.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await BodyAsync(missing)).ShouldContain("必要な書類がそろっていないため、本人確認を完了できません。本人確認チェックリストで不足している書類を確認してください。 (MAMORI-5007)");

        var english = await s.PostAsync(page, action + "?lang=en", Residence("2026-09-01"));
        (await BodyAsync(english)).ShouldContain("The document must be issued within 1 month of the day the request arrived (23 November 2026). (MAMORI-5008)");

        // Verified, a second verification is refused in Japanese; a waiver without a reason keeps the rest of the page.
        (await s.PostAsync(page, action, Residence("2026-11-20"))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await s.PostAsync(page, action, [F("action", "checked"), F("group", "Identity"), F("document", "運転免許証の写し"), F("confirm", "yes")]))
            .StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await s.PostAsync(page, action, [F("action", "verify")])).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var again = await BodyAsync(await s.PostAsync(page, action, [F("action", "verify")]));
        again.ShouldContain("本人確認はすでに完了しているか、このご請求には不要です。 (MAMORI-5006)");
        again.ShouldNotContain("already verified");
        var refused = await BodyAsync(await s.PostAsync(page, action, [F("action", "refuse"), F("reason", "no-such-reason"), F("note", "調査の経過は別紙のとおり")]));
        refused.ShouldContain("お断りの理由を一覧から選んでください。 (MAMORI-5017)");
        refused.ShouldContain("""<textarea id="refuse-note" name="note" rows="3" maxlength="10000">""" + "\n調査の経過は別紙のとおり</textarea>");
    }

    [Fact]
    public async Task IncidentForms_TimelineWindowAndStatus_RefusedInJapaneseWithInputKept()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var incident = await IncidentAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        var page = $"/console/incidents/{incident}";

        var timeline = await s.PostAsync(page, page + "/timeline", [F("kind", "contact"), F("text", "  ")]);
        timeline.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await BodyAsync(timeline);
        html.ShouldContain("経過の内容を20,000文字以内で入力してください。 (MAMORI-1006)");
        html.ShouldContain("""<option value="contact" selected>""");

        var key = await app.ApiKeyAsync(tenant, Roles.Operator);
        var window = await BodyAsync(await s.PostAsync(page, page + "/blast-radius",
            [F("actor", $"api-key:{key.Key.Id}"), F("from", "2026-11-20T10:00"), F("to", "2026-11-10T10:00")]));
        window.ShouldContain("開始は終了より前の日時にしてください。 (MAMORI-6005)");
        window.ShouldContain($"""<option value="api-key:{key.Key.Id}" selected>{key.Key.Name}（mk_{key.Key.Prefix}_）</option>""");
        window.ShouldContain("""name="from" type="datetime-local" required value="2026-11-20T10:00">""");
        (await BodyAsync(await s.PostAsync(page, page + "/blast-radius", [F("actor", $"api-key:{key.Key.Id}"), F("from", "yesterday"), F("to", "2026-11-10T10:00")])))
            .ShouldContain("開始と終了の日時を日本時間で入力してください（例: 2026-04-01T09:00）。 (MAMORI-6005)");
        (await BodyAsync(await s.PostAsync(page, page + "/blast-radius", [F("actor", ""), F("from", "2026-11-10T10:00"), F("to", "2026-11-20T10:00")])))
            .ShouldContain("対象のAPIキーまたは利用者を選んでください。 (MAMORI-6006)");

        var export = await BodyAsync(await s.PostAsync(page, page + "/blast-radius/export", [F("sha256", "abc"), F("exportKind", "disclosure"), F("exportId", "")]));
        export.ShouldContain("SHA-256は16進数64桁で入力してください。 (MAMORI-6052)");
        export.ShouldContain("""maxlength="64" minlength="64" value="abc">""");

        var notices = await BodyAsync(await s.PostAsync(page, page + "/notices", []));
        notices.ShouldContain("影響を受けた本人がまだ記録されていません。先に影響範囲を算定してください。 (MAMORI-6054)");
        (await BodyAsync(await s.PostAsync(page, page + "/notices?lang=en", [])))
            .ShouldContain("No affected persons are recorded yet: compute the blast radius first. (MAMORI-6054)");
    }

    [Fact]
    public async Task GovernanceForms_PlanFindingAndReviewPeriod_RefusedInJapaneseWithInputKept()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var (_, run, finding) = await GovernanceAuditAsync(app, tenant);
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        const string audits = "/console/governance/audits";
        var plan = await s.PostAsync(audits, audits + "/plans",
            [F("title", "下期監査"), F("scope", "窓口業務"), F("auditor", ""), F("scheduledOn", "2027-02-01"), F("frequency", "quarterly"), F("graceDays", "14"), F("kind", "internal")]);
        plan.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await BodyAsync(plan);
        html.ShouldContain("監査責任者を200文字以内で入力してください。 (MAMORI-9050)");
        html.ShouldContain("""name="title" required maxlength="200" value="下期監査">""");
        html.ShouldContain("\n窓口業務</textarea>");
        html.ShouldContain("""<option value="quarterly" selected>""");
        html.ShouldContain("""value="14">""");
        (await BodyAsync(await s.PostAsync(audits, audits + "/plans", [F("title", "x"), F("scope", "x"), F("auditor", "x"), F("scheduledOn", "someday"), F("frequency", "annual")])))
            .ShouldContain("実施予定日を年月日で入力してください（例: 2026-04-01）。 (MAMORI-9050)");

        var complete = await BodyAsync(await s.PostAsync($"{audits}/runs/{run}", $"{audits}/runs/{run}/complete", [F("summary", "概ね適合")]));
        complete.ShouldMatch(@"未回答のチェック項目が\d+件あります。すべて判定してから完了してください。 \(MAMORI-9055\)");
        complete.ShouldContain("\n概ね適合</textarea>");

        var findingPage = $"/console/governance/findings/{finding}";
        var action = await BodyAsync(await s.PostAsync(findingPage, findingPage + "/actions", [F("description", "規程を改訂する"), F("owner", "総務部"), F("dueOn", "2026-01-01")]));
        action.ShouldContain("期限は今日以降の日付にしてください。 (MAMORI-9059)");
        action.ShouldContain("\n規程を改訂する</textarea>");
        action.ShouldContain("""type="date" required value="2026-01-01">""");

        var review = await s.GetAsync("/console/governance/review?year=2026&startMonth=13");
        review.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var reviewHtml = await BodyAsync(review);
        reviewHtml.ShouldContain("開始月は1〜12で入力してください（4月始まりの年度は4）。 (MAMORI-9064)");
        reviewHtml.ShouldNotContain("startMonth is 1-12");
        reviewHtml.ShouldContain("""name="startMonth" type="number" min="1" max="12" value="13">""");
        (await BodyAsync(await s.GetAsync("/console/governance/review?year=2026&startMonth=13&lang=en")))
            .ShouldContain("The starting month is 1-12 (4 for a fiscal year from April). (MAMORI-9064)");
    }

    /// <summary>Regression: a year that is no number got ASP.NET's English binding error on the Japanese review page.</summary>
    [Fact]
    public async Task ReviewPage_YearNotNumber_RefusedInJapaneseWithCodeAndInputKept()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);

        var review = await s.GetAsync("/console/governance/review?year=abc");
        review.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var html = await BodyAsync(review);
        html.ShouldContain("年は2000〜2200で入力してください。 (MAMORI-9064)");
        html.ShouldNotContain("wrong type");
        html.ShouldContain("""name="year" type="number" min="2000" max="2200" value="abc">""");
        (await BodyAsync(await s.GetAsync("/console/governance/review?year=2026&startMonth=x&lang=en")))
            .ShouldContain("The starting month is 1-12 (4 for a fiscal year from April). (MAMORI-9064)");
        var pdf = await s.GetAsync("/console/governance/review/pdf?year=abc");
        pdf.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await BodyAsync(pdf)).ShouldContain("年は2000〜2200で入力してください。 (MAMORI-9064)");
    }

    [Fact]
    public async Task EntrusteeAndTrainingForms_Refused_JapaneseWithInputKept()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        const string entrustee = "/console/governance/entrustees/payment-agent";
        var check = await BodyAsync(await s.PostAsync(entrustee, entrustee + "/contract-checks",
            [F("checkedOn", "2026-11-20"), F("checker", ""), F("contractRef", "C-2026-001"), F("confidentiality", "on")]));
        check.ShouldContain("確認者を200文字以内で入力してください。 (MAMORI-9063)");
        check.ShouldContain("""name="contractRef" maxlength="200" value="C-2026-001">""");
        check.ShouldContain("""<input type="checkbox" name="confidentiality" checked>""");
        check.ShouldContain("""<input type="checkbox" name="auditRights">""");

        var assessment = await BodyAsync(await s.PostAsync(entrustee, entrustee + "/assessments", [F("assessedOn", "2026-11-20"), F("assessor", "購買部"), F("note", "再評価")]));
        assessment.ShouldContain("必須（*）の基準すべてに「満たす」か「満たさない」を選んでください。 (MAMORI-9062)");
        assessment.ShouldContain("""name="assessor" required maxlength="200" value="購買部">""");

        const string training = "/console/governance/training";
        var course = await s.PostAsync(training, training + "/course", [F("code", "bad code!"), F("titleJa", "情報セキュリティ研修"), F("everyMonths", "6"), F("graceDays", "30"), F("roles", Roles.Operator)]);
        course.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var courseHtml = await BodyAsync(course);
        courseHtml.ShouldContain("コードは半角英数字・「-」・「_」の1〜64文字で入力してください。 (MAMORI-9008)");
        courseHtml.ShouldContain("""name="titleJa" required maxlength="200" value="情報セキュリティ研修">""");
        courseHtml.ShouldContain($"""value="{Roles.Operator}" checked>""");
        var completion = await BodyAsync(await s.PostAsync(training, training + "/completion", [F("course", "privacy-basics"), F("completedOn", "")]));
        completion.ShouldContain("スタッフを選んでください。 (MAMORI-1006)");
    }

    // Regression (review): the governance forms replaced a blank or unreadable number by a default in silence: a course saved with
    // 受講周期 blank became 「12か月ごと」 (the label says 0 = once), and a department with everyMonths=abc or nextReviewOn=2026-02-31
    // answered 「保存しました」 and dropped the value. A blank optional field keeps its meaning (unchanged); an unreadable value, or a
    // blank one the form needs, is refused naming the field, in the page's language, with what was typed.
    [Fact]
    public async Task GovernanceForms_BlankOrUnreadableNumber_RefusedNamingTheFieldNotDefaulted()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.PrivacyOfficer);
        const string training = "/console/governance/training";
        var course = await s.PostAsync(training, training + "/course", [F("code", "privacy-2027"), F("titleJa", "個人情報保護研修"), F("everyMonths", ""), F("graceDays", "30")]);
        course.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var courseHtml = await BodyAsync(course);
        courseHtml.ShouldContain("受講周期（月、0 = 1回のみ）は整数で入力してください。 (MAMORI-1006)");
        courseHtml.ShouldContain("""name="titleJa" required maxlength="200" value="個人情報保護研修">""");
        courseHtml.ShouldContain("""name="everyMonths" type="number" min="0" max="60" required value="">""");
        (await BodyAsync(await s.PostAsync(training, training + "/course?lang=en", [F("code", "privacy-2027"), F("titleJa", "個人情報保護研修"), F("everyMonths", "6"), F("graceDays", "x")])))
            .ShouldContain("The grace period (days) is a whole number. (MAMORI-1006)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Governance.Training.TrainingCourse>().CountAsync(c => c.Code == "privacy-2027", Ct))).ShouldBe(0);
        // 0 is once, as the label says.
        (await s.PostAsync(training, training + "/course", [F("code", "privacy-2027"), F("titleJa", "個人情報保護研修"), F("everyMonths", "0"), F("graceDays", "30")]))
            .Headers.Location!.ToString().ShouldBe(training + "?done=saved");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Governance.Training.TrainingCourse>().SingleAsync(c => c.Code == "privacy-2027", Ct))).EveryMonths.ShouldBe(0);

        const string org = "/console/governance/organisation";
        (await s.PostAsync(org, org + "/department", [F("id", "registry"), F("everyMonths", "3")])).Headers.Location!.ToString().ShouldBe(org + "?done=saved");
        Task<Mamori.Governance.Organisation.Department> RegistryAsync() =>
            app.InTenantAsync(tenant, (_, db) => db.Set<Mamori.Governance.Organisation.Department>().AsNoTracking().SingleAsync(d => d.Id == "registry", Ct));
        var before = await RegistryAsync();
        var months = await s.PostAsync(org, org + "/department", [F("id", "registry"), F("everyMonths", "abc")]);
        months.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var monthsHtml = await BodyAsync(months);
        monthsHtml.ShouldContain("棚卸しの周期（月）は整数で入力してください。 (MAMORI-1006)");
        monthsHtml.ShouldContain("""name="everyMonths" type="number" min="1" max="60" value="abc">""");
        var day = await s.PostAsync(org, org + "/department", [F("id", "registry"), F("nextReviewOn", "2026-02-31")]);
        day.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var dayHtml = await BodyAsync(day);
        dayHtml.ShouldContain("次回の実施日を年月日で入力してください（例: 2026-04-01）。 (MAMORI-1006)");
        dayHtml.ShouldContain("""name="nextReviewOn" type="date" value="2026-02-31">""");
        (await BodyAsync(await s.PostAsync(org, org + "/settings?lang=en", [F("unusedDays", "ninety"), F("keyMaxAgeDays", "365")])))
            .ShouldContain("The number of days before access counts as unused is a whole number. (MAMORI-1006)");
        var after = await RegistryAsync();
        (after.ReviewEveryMonths, after.NextReviewOn).ShouldBe((before.ReviewEveryMonths, before.NextReviewOn));
        // Blank optional fields leave the department as it was.
        (await s.PostAsync(org, org + "/department", [F("id", "registry"), F("managerUserId", ""), F("everyMonths", ""), F("graceDays", ""), F("nextReviewOn", "")]))
            .Headers.Location!.ToString().ShouldBe(org + "?done=saved");
        (await RegistryAsync()).ReviewEveryMonths.ShouldBe(3);
    }

    [Fact]
    public async Task ApiKeyForm_BadExpiry_JapaneseWithNameKept()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Admin);
        var html = await BodyAsync(await s.PostAsync("/console/apikeys", "/console/apikeys", [F("name", "crm-sync"), F("role", Roles.Auditor), F("expiresDays", "99999")]));
        html.ShouldContain("有効日数は1〜3650の整数で入力してください（空欄は無期限）。 (MAMORI-1006)");
        html.ShouldNotContain("Expiry is 1-3650 days.");
        html.ShouldContain("""name="name" required maxlength="80" value="crm-sync">""");
        html.ShouldContain($"""<option value="{Roles.Auditor}" selected>""");
    }
}
