using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Governance;

/// <summary>The governance console screens: Japanese first with an English switch, forms with anti-forgery, no inline script.</summary>
public sealed class GovernanceAuditPageTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pages_JapaneseAndEnglish_RenderWithoutInlineScript()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var plan = await s.CreatePlanAsync("2026-11-23", kind: "entrustee", recipientId: "payment-agent");
        var run = await s.PostAsync($"/api/governance/audits/plans/{plan.GetProperty("id").GetGuid()}/runs", new { }, HttpStatusCode.Created);
        var finding = await s.PostAsync("/api/governance/findings", new { description = "再委託先の一覧が古い", severity = "minor", owner = "購買部", dueOn = "2026-12-31", recipientId = "payment-agent" },
            HttpStatusCode.Created);
        var pages = new (string Url, string Ja, string En)[]
        {
            ("/console/governance/audits", "監査計画", "Audit plans"),
            ($"/console/governance/audits/plans/{plan.GetProperty("id").GetGuid()}", "次回の実施予定日", "Next scheduled"),
            ($"/console/governance/audits/runs/{run.GetProperty("id").GetGuid()}", "チェックリスト", "Checklist"),
            ($"/console/governance/findings/{finding.GetProperty("id").GetGuid()}", "是正処置", "Corrective actions"),
            ("/console/governance/entrustees", "委託先の監督", "Entrustee supervision"),
            ("/console/governance/entrustees/payment-agent", "選定評価", "Selection assessments"),
            ("/console/governance/review", "個人情報保護マネジメントレビュー報告書", "Management review"),
        };
        foreach (var (url, ja, en) in pages)
        {
            var html = await s.Officer.GetStringAsync(url, Ct);
            html.ShouldContain("<html lang=\"ja\">", customMessage: url);
            html.ShouldContain(ja, customMessage: url);
            html.ShouldNotContain("<script>", customMessage: url);
            html.ShouldNotContain(" style=", customMessage: url);
            html.ShouldNotMatch(@"\b[LSW]-\d{2}\b|appi\.md", customMessage: url); // the law, not the spec's ids
            var english = await s.Officer.GetStringAsync(url + "?lang=en", Ct);
            english.ShouldContain(en, customMessage: url);
            english.ShouldNotMatch(@"\b[LSW]-\d{2}\b|appi\.md", customMessage: url);
        }
        var run2 = await s.Officer.GetStringAsync($"/console/governance/audits/runs/{run.GetProperty("id").GetGuid()}", Ct);
        run2.ShouldContain("個人情報保護法第25条");
        run2.ShouldContain("name=\"__af\"");
        (await s.Officer.GetStringAsync("/console", Ct)).ShouldContain("gov-audits-h");
    }

    [Fact]
    public async Task PlanForm_WithToken_CreatesAndRedirects_WithoutToken_Refused()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var form = s.Form();
        var fields = new Dictionary<string, string>
        {
            ["title"] = "上期内部監査", ["scope"] = "お客様窓口", ["auditor"] = "監査室", ["scheduledOn"] = "2027-01-15", ["frequency"] = "semi-annual", ["graceDays"] = "10",
            ["kind"] = "internal",
        };
        var created = await form.PostAsync("/console/governance/audits", "/console/governance/audits/plans", fields);
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync(Ct));
        created.Headers.Location!.ToString().ShouldStartWith("/console/governance/audits/plans/");
        var plans = await s.GetAsync("/api/governance/audits/plans");
        plans.EnumerateArray().Single().GetProperty("frequency").GetString().ShouldBe("semi-annual");
        plans.EnumerateArray().Single().GetProperty("overdueAfter").GetString().ShouldBe("2027-01-25");

        var bad = await form.PostAsync("/console/governance/audits", "/console/governance/audits/plans", fields, withToken: false);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var invalid = await form.PostAsync("/console/governance/audits", "/console/governance/audits/plans", new Dictionary<string, string>(fields) { ["title"] = "" });
        invalid.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadAsStringAsync(Ct)).ShouldContain("MAMORI-9050");
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<Mamori.Governance.InternalAudits.AuditPlan>().CountAsync(Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task Roles_OperatorCannotOpen_AuditorReadsAndAudits_ButCannotAssessEntrustees()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var operatorClient = await s.App.SignedInAsync(s.Tenant, Roles.Operator);
        (await operatorClient.GetAsync("/console/governance/audits", Ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await operatorClient.GetStringAsync("/console", Ct)).ShouldNotContain("gov-audits-h");
        var auditor = await s.App.SignedInAsync(s.Tenant, Roles.Auditor);
        (await auditor.GetAsync("/console/governance/entrustees/payment-agent", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await auditor.GetStringAsync("/console/governance/entrustees/payment-agent", Ct);
        html.ShouldNotContain("/contract-checks\"");
        // Categories by their policy names, not their ids.
        html.ShouldContain("委託する項目: 氏名、クレジットカード情報（お支払に必要な場合）</p>");
        var english = await auditor.GetStringAsync("/console/governance/entrustees/payment-agent?lang=en", Ct);
        english.ShouldContain("Categories: Name, Credit card data (when paying)</p>");
        english.ShouldContain("<h1>Sakura Payment Services K.K. (payment processor)</h1>");
        html.ShouldContain("<h1>さくら決済サービス株式会社（決済代行）</h1>");
        (await auditor.GetStringAsync("/console/governance/audits", Ct)).ShouldContain("/console/governance/audits/plans\"");
    }

    [Fact]
    public async Task AuditsPage_Entrustees_ShownByTheirPolicyNamesWithIdBeside()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        await s.CreatePlanAsync("2026-11-23", kind: "entrustee", recipientId: "payment-agent");
        var ja = await s.Officer.GetStringAsync("/console/governance/audits", Ct);
        // The entrustee to audit, by its name in the policy with the id the API takes beside it.
        ja.ShouldContain("<option value=\"payment-agent\">さくら決済サービス株式会社（決済代行） (payment-agent)</option>");
        ja.ShouldContain("<option value=\"payroll-outsourcer\">さくら給与計算センター株式会社 (payroll-outsourcer)</option>");
        ja.ShouldNotContain("<option value=\"payment-agent\">payment-agent</option>");
        // The plan list names it too.
        ja.ShouldContain("委託先: さくら決済サービス株式会社（決済代行） (payment-agent)</td>");
        var en = await s.Officer.GetStringAsync("/console/governance/audits?lang=en", Ct);
        en.ShouldContain("<option value=\"payment-agent\">Sakura Payment Services K.K. (payment processor) (payment-agent)</option>");
    }

    // Regression: a governance page for an id that does not exist said the exception's English in a Japanese page
    // (「There is no entrustee 'call-center'. (MAMORI-9061)」).
    [Fact]
    public async Task ConsolePage_UnknownId_SaysSoInThePageLanguageWithItsCode()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var none = Guid.Empty;
        foreach (var (url, code, ja, en) in new[]
        {
            ("/console/governance/entrustees/call-center", "MAMORI-9061", "その委託先はありません。", "There is no such entrustee."),
            ($"/console/governance/audits/plans/{none}", "MAMORI-9051", "その監査計画はありません。", "There is no such audit plan."),
            ($"/console/governance/audits/runs/{none}", "MAMORI-9052", "その監査はありません。", "There is no such audit."),
            ($"/console/governance/findings/{none}", "MAMORI-9057", "その指摘事項はありません。", "There is no such finding."),
            ($"/console/governance/access-reviews/{none}", "MAMORI-1007", "このページはありません。", "There is no such page."),
        })
        {
            var response = await s.Officer.GetAsync(url, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, url);
            var html = await response.Content.ReadAsStringAsync(Ct);
            html.ShouldContain($"{ja} ({code})", customMessage: url);
            html.ShouldNotContain("There is no", customMessage: url);
            (await (await s.Officer.GetAsync(url + "?lang=en", Ct)).Content.ReadAsStringAsync(Ct)).ShouldContain($"{en} ({code})", customMessage: url);
        }
        // Regression: the provision and consent pages' 404s said no code.
        foreach (var (url, code, ja) in new[]
        {
            ("/console/provisions/recipients/call-center", "MAMORI-4020", "その提供先はポリシーにも台帳にもありません。"),
            ($"/console/provisions/records/{none}", "MAMORI-4034", "その記録はありません（保存期間の満了により削除された可能性があります）。"),
            ($"/console/consents/subjects/{none}", "MAMORI-3007", "その本人はいません。"),
        })
        {
            var response = await s.Officer.GetAsync(url, Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, url);
            var html = await response.Content.ReadAsStringAsync(Ct);
            html.ShouldContain($"{ja} ({code})", customMessage: url);
            html.ShouldNotContain("There is no", customMessage: url);
        }
    }

    private static async Task<Guid> StartEntrusteeAuditAsync(GovernanceAuditScenario s, string recipient)
    {
        var plan = await s.CreatePlanAsync("2026-11-23", kind: "entrustee", recipientId: recipient);
        return (await s.PostAsync($"/api/governance/audits/plans/{plan.GetProperty("id").GetGuid()}/runs", new { }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    // Regression: payment-agent (name and card data) was audited against 「個人情報保護法第25条、番号法第10条」 for re-entrustment.
    [Fact]
    public async Task EntrusteeAudit_ReEntrustment_CitesMyNumberActOnlyForAnEntrusteeOfMyNumberWork()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        async Task<string> ReEntrustmentReference(Guid run) => (await s.GetAsync($"/api/governance/audits/runs/{run}")).GetProperty("checklist").EnumerateArray()
            .Single(i => i.GetProperty("key").GetString() == "re-entrustment").GetProperty("reference").GetString()!;

        var agent = await StartEntrusteeAuditAsync(s, "payment-agent");
        (await ReEntrustmentReference(agent)).ShouldBe("個人情報保護法第25条");
        (await s.Officer.GetStringAsync($"/console/governance/audits/runs/{agent}", Ct)).ShouldNotContain("番号法");
        var payroll = await StartEntrusteeAuditAsync(s, "payroll-outsourcer"); // entrusted with my-number
        (await ReEntrustmentReference(payroll)).ShouldBe("個人情報保護法第25条、番号法第10条");
    }

    // Regression: the finding form offered the checklist's keys (`return-deletion (…)`) and the refusal to complete named the key.
    [Fact]
    public async Task RunPage_FindingFormAndCompletionRefusal_NameChecklistItemsByTitle()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var run = await StartEntrusteeAuditAsync(s, "payment-agent");
        var page = $"/console/governance/audits/runs/{run}";
        var html = await s.Officer.GetStringAsync(page, Ct);
        html.ShouldContain("<option value=\"return-deletion\">返却・削除 (個人情報保護法第22条、第25条)</option>");
        html.ShouldNotContain(">return-deletion (");
        (await s.Officer.GetStringAsync(page + "?lang=en", Ct)).ShouldContain("<option value=\"return-deletion\">Return or deletion (個人情報保護法第22条、第25条)</option>");

        await s.AnswerAllAsync(run, asSuggested: false);
        await s.PostAsync($"/api/governance/audits/runs/{run}/items/return-deletion", new { result = "non-conforming" });
        var refused = await s.Form().PostAsync(page, page + "/complete", [new("summary", "概ね適合")]);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var body = await refused.Content.ReadAsStringAsync(Ct);
        body.ShouldContain("不適合の項目には、先に指摘事項を登録してください（返却・削除）。 (MAMORI-9055)");
        (await (await s.Form().PostAsync(page, page + "/complete?lang=en", [new("summary", "概ね適合")])).Content.ReadAsStringAsync(Ct))
            .ShouldContain("Raise a finding for each non-conforming item first (Return or deletion). (MAMORI-9055)");
    }

    [Fact]
    public async Task ChecklistTitles_EveryGeneratedItem_HasOne()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var plan = await s.CreatePlanAsync("2026-11-23");
        var runs = new[]
        {
            (await s.PostAsync($"/api/governance/audits/plans/{plan.GetProperty("id").GetGuid()}/runs", new { }, HttpStatusCode.Created)).GetProperty("id").GetGuid(),
            await StartEntrusteeAuditAsync(s, "payroll-outsourcer"),
        };
        foreach (var run in runs)
            foreach (var item in (await s.GetAsync($"/api/governance/audits/runs/{run}")).GetProperty("checklist").EnumerateArray())
                Mamori.Governance.InternalAudits.AuditChecklist.Titles.ShouldContainKey(item.GetProperty("key").GetString()!);
    }

    // Regression (walkthrough 3, M13): payment-agent, handled in Japan, met every criterion that concerns it and stayed
    // 「条件付き承認」 without a word on why.
    [Fact]
    public async Task Assessment_OptionalNotApplicable_ApprovedAndConditionsShownBesideTheResult()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var required = new[] { "organizational", "human", "physical", "technical", "rules", "track-record" };
        object Answer(string key, bool met = true, bool notApplicable = false) => new { key, met, notApplicable };
        var conditional = await s.PostAsync("/api/governance/entrustees/payment-agent/assessments", new
        {
            assessedOn = "2026-11-23", assessor = "個人情報保護管理者",
            answers = required.Select(k => Answer(k)).Concat([Answer("certification"), Answer("foreign-environment", false, true), Answer("financial")]),
        }, HttpStatusCode.Created);
        conditional.GetProperty("result").GetString().ShouldBe("conditional");
        var condition = conditional.GetProperty("conditions").EnumerateArray().Single();
        condition.GetProperty("key").GetString().ShouldBe("re-entrustment");
        condition.GetProperty("required").GetBoolean().ShouldBeFalse();
        condition.GetProperty("status").GetString().ShouldBe("unanswered");
        const string page = "/console/governance/entrustees/payment-agent";
        (await s.Officer.GetStringAsync(page, Ct)).ShouldContain("条件付き承認<br><small>条件: 再委託の管理体制 未確認</small>");
        (await s.Officer.GetStringAsync(page + "?lang=en", Ct)).ShouldContain("Conditional<br><small>Conditions: Re-entrustment management not checked</small>");
        (await s.Officer.GetStringAsync("/console/governance/entrustees", Ct)).ShouldContain("条件: 再委託の管理体制 未確認");

        // The form offers 該当なし for optional criteria only; with it, everything that concerns the entrustee met is 「承認」.
        var form = await s.Officer.GetStringAsync(page, Ct);
        form.ShouldContain("name=\"met-foreign-environment\" value=\"na\"");
        form.ShouldNotContain("name=\"met-technical\" value=\"na\"");
        var fields = required.Select(k => new KeyValuePair<string, string>("met-" + k, "yes"))
            .Concat([new("met-certification", "yes"), new("met-re-entrustment", "yes"), new("met-foreign-environment", "na"), new("met-financial", "yes"),
                new("assessedOn", "2026-11-23"), new("assessor", "個人情報保護管理者")]).ToList();
        var posted = await s.Form().PostAsync(page, page + "/assessments", fields);
        posted.StatusCode.ShouldBe(HttpStatusCode.Redirect, await posted.Content.ReadAsStringAsync(Ct));
        var latest = (await s.GetAsync("/api/governance/entrustees/payment-agent")).GetProperty("entrustee").GetProperty("assessment");
        latest.GetProperty("result").GetString().ShouldBe("approved");
        latest.GetProperty("conditions").GetArrayLength().ShouldBe(0);
        latest.GetProperty("answers").EnumerateArray().Single(a => a.GetProperty("key").GetString() == "foreign-environment").GetProperty("notApplicable").GetBoolean().ShouldBeTrue();

        // A required criterion always applies, and so does the foreign-handling one for a recipient abroad.
        var refused = await s.Form().PostAsync(page, page + "/assessments", [.. fields.Select(f => f.Key == "met-technical" ? new(f.Key, "na") : f)]);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync(Ct)).ShouldContain("必須（*）の基準には「該当なし」を選べません。 (MAMORI-9062)");
        await (await s.Officer.PostAsJsonAsync("/api/governance/entrustees/cloud-us/assessments", new
        {
            assessedOn = "2026-11-23", assessor = "個人情報保護管理者", answers = required.Select(k => Answer(k)).Append(Answer("foreign-environment", false, true)),
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9062");
        (await s.Officer.GetStringAsync("/console/governance/entrustees/cloud-us", Ct)).ShouldNotContain("name=\"met-foreign-environment\" value=\"na\"");
    }

    // Regression (walkthrough 3, L1): the supervision record an entrustee audit wrote read 「OnSiteAudit | 概ね適合 | /governance/audits/runs/…」:
    // an enum, a path that was no link, and no word of the finding.
    [Fact]
    public async Task SupervisionRecord_WrittenByEntrusteeAudit_ShowsKindFindingsActionsAndLinksTheAudit()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster);
        var run = await StartEntrusteeAuditAsync(s, "payment-agent");
        await s.AnswerAllAsync(run, asSuggested: false);
        await s.PostAsync($"/api/governance/audits/runs/{run}/items/return-deletion", new { result = "non-conforming" });
        var finding = (await s.PostAsync("/api/governance/findings", new
        {
            description = "削除証明書の受領手順がない", severity = "minor", owner = "購買部", dueOn = "2026-12-31", runId = run, checklistKey = "return-deletion",
        }, HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await s.PostAsync($"/api/governance/findings/{finding}/actions", new { description = "削除証明書の様式を契約に追加", owner = "購買部", dueOn = "2026-12-15" },
            HttpStatusCode.Created);
        await s.PostAsync($"/api/governance/audits/runs/{run}/complete", new { summary = "概ね適合" });

        var record = (await s.GetAsync("/api/recipients/payment-agent/supervision")).EnumerateArray().Single();
        record.GetProperty("kind").GetString().ShouldBe("on-site-audit");
        record.GetProperty("findings").GetString().ShouldBe("概ね適合");
        record.GetProperty("actions").ValueKind.ShouldBe(JsonValueKind.Null);
        record.GetProperty("auditRunId").GetGuid().ShouldBe(run);
        var found = record.GetProperty("auditFindings").EnumerateArray().Single();
        found.GetProperty("description").GetString().ShouldBe("削除証明書の受領手順がない");
        found.GetProperty("actions").EnumerateArray().Single().GetProperty("description").GetString().ShouldBe("削除証明書の様式を契約に追加");

        const string page = "/console/provisions/recipients/payment-agent";
        var ja = await s.Officer.GetStringAsync(page, Ct);
        ja.ShouldContain($"<td>実地監査<br><a href=\"/console/governance/audits/runs/{run}\">監査の記録</a></td>");
        ja.ShouldContain($"<a href=\"/console/governance/findings/{finding}\">軽微な不適合: 削除証明書の受領手順がない</a>");
        ja.ShouldContain("<li>削除証明書の様式を契約に追加（購買部、期限 2026-12-15、計画）</li>");
        ja.ShouldNotContain("OnSiteAudit");
        ja.ShouldNotContain(">/governance/audits/");
        var en = await s.Officer.GetStringAsync(page + "?lang=en", Ct);
        en.ShouldContain("<td>On-site audit<br><a href=");
        en.ShouldContain("Minor nonconformity: 削除証明書の受領手順がない</a>");
        en.ShouldContain("<li>削除証明書の様式を契約に追加 (購買部, due 2026-12-15, Planned)</li>");
    }
}
