using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Audit;
using Mamori.Provision;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Governance;

/// <summary>Internal audits and entrustee supervision end to end over HTTP, on SQLite and PostgreSQL, with a fake clock.</summary>
public sealed class GovernanceAuditStorageTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Guid Id(JsonElement e) => e.GetProperty("id").GetGuid();

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task AuditPlan_FakeClock_UpcomingDueOverdueOnTheRightJstDays(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster, new DateOnly(2027, 1, 5));
        var plan = await s.CreatePlanAsync("2027-01-15", "quarterly", graceDays: 14);
        var id = Id(plan);
        plan.GetProperty("state").GetString().ShouldBe("upcoming");
        plan.GetProperty("overdueAfter").GetString().ShouldBe("2027-01-29");
        async Task<string> StateAsync() => (await s.GetAsync($"/api/governance/audits/plans/{id}")).GetProperty("plan").GetProperty("state").GetString()!;

        await s.SetJstAsync(new DateOnly(2027, 1, 14), 23, 59, 59);
        (await StateAsync()).ShouldBe("upcoming");
        await s.SetJstAsync(new DateOnly(2027, 1, 15), 0);
        (await StateAsync()).ShouldBe("due");
        (await s.GetAsync("/api/governance/audits/plans?state=due")).EnumerateArray().Select(Id).ShouldBe([id]);
        await s.SetJstAsync(new DateOnly(2027, 1, 29), 23, 59, 59);
        (await StateAsync()).ShouldBe("due");
        await s.SetJstAsync(new DateOnly(2027, 1, 30), 0);
        (await StateAsync()).ShouldBe("overdue");
        (await s.GetAsync("/api/governance/audits/plans?state=overdue")).EnumerateArray().Select(Id).ShouldBe([id]);
        var dashboard = await s.Officer.GetStringAsync("/console", Ct);
        dashboard.ShouldContain("""<dt>期限超過の監査</dt><dd class="error">1</dd>""");

        // Held late on 01-30: the quarterly rhythm keeps its day, so the next audit is due on 04-15, not at once.
        var run = await s.PostAsync($"/api/governance/audits/plans/{id}/runs", new { }, HttpStatusCode.Created);
        await s.AnswerAllAsync(Id(run), asSuggested: false);
        var done = await s.PostAsync($"/api/governance/audits/runs/{Id(run)}/complete", new { summary = "重大な問題なし" });
        done.GetProperty("status").GetString().ShouldBe("completed");
        done.GetProperty("completedOn").GetString().ShouldBe("2027-01-30");
        var after = (await s.GetAsync($"/api/governance/audits/plans/{id}")).GetProperty("plan");
        after.GetProperty("nextDueOn").GetString().ShouldBe("2027-04-15");
        after.GetProperty("lastHeldOn").GetString().ShouldBe("2027-01-30");
        after.GetProperty("state").GetString().ShouldBe("upcoming");
        await s.SetJstAsync(new DateOnly(2027, 4, 15), 0);
        (await StateAsync()).ShouldBe("due");
        (await s.Officer.GetStringAsync("/console", Ct)).ShouldContain("""<dt>期限超過の監査</dt><dd class="">0</dd>""");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task InternalAudit_ChecklistCitesLawWithEvidence_FindingsAndActionsCloseThePdcaLoop(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster, new DateOnly(2027, 1, 5));
        var onTime = await s.LetterAsync();
        await s.RefuseAsync(onTime);
        var late = await s.LetterAsync();
        await s.SetJstAsync(new DateOnly(2027, 1, 25));
        await s.RefuseAsync(late); // due 2027-01-19
        await s.LetterAsync(); // due 2027-02-08, still open on 02-10
        await s.SetJstAsync(new DateOnly(2027, 2, 10));

        var plan = await s.CreatePlanAsync("2027-02-10");
        var run = await s.PostAsync($"/api/governance/audits/plans/{Id(plan)}/runs", new { }, HttpStatusCode.Created);
        var runId = Id(run);
        run.GetProperty("evidenceTo").GetString().ShouldBe("2027-02-10");
        var items = run.GetProperty("checklist").EnumerateArray().ToList();
        items.Count.ShouldBeGreaterThanOrEqualTo(12);
        foreach (var item in items) item.GetProperty("reference").GetString()!.ShouldMatch(@"^(個人情報保護法|番号法)第\d+条");
        items.Single(i => i.GetProperty("key").GetString() == "security-measures").GetProperty("reference").GetString().ShouldBe("個人情報保護法第23条、第32条");
        items.Single(i => i.GetProperty("key").GetString() == "provision-records").GetProperty("reference").GetString().ShouldBe("個人情報保護法第29条、第30条");
        var requests = items.Single(i => i.GetProperty("key").GetString() == "requests-on-time");
        requests.GetProperty("evidenceJa").GetString().ShouldBe("期限内に回答: 1/2件");
        requests.GetProperty("numerator").GetInt32().ShouldBe(1);
        requests.GetProperty("denominator").GetInt32().ShouldBe(2);
        requests.GetProperty("suggested").GetString().ShouldBe("non-conforming");
        var overdue = items.Single(i => i.GetProperty("key").GetString() == "requests-overdue");
        overdue.GetProperty("numerator").GetInt32().ShouldBe(1);
        overdue.GetProperty("suggested").GetString().ShouldBe("non-conforming");

        await (await s.Officer.PostAsJsonAsync($"/api/governance/audits/runs/{runId}/complete", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9055");
        run = await s.AnswerAllAsync(runId);
        await (await s.Officer.PostAsJsonAsync($"/api/governance/audits/runs/{runId}/complete", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9055");
        var nonConforming = run.GetProperty("checklist").EnumerateArray().Where(i => i.GetProperty("result").GetString() == "non-conforming").ToList();
        nonConforming.ShouldNotBeEmpty();
        Guid? requestFinding = null;
        foreach (var item in nonConforming)
        {
            var f = await s.PostAsync("/api/governance/findings", new
            {
                description = "回答期限の管理が不十分", severity = "minor", owner = "お客様窓口 課長", dueOn = "2027-02-20", runId, checklistKey = item.GetProperty("key").GetString(),
            }, HttpStatusCode.Created);
            f.GetProperty("reference").GetString().ShouldBe(item.GetProperty("reference").GetString());
            if (item.GetProperty("key").GetString() == "requests-on-time") requestFinding = Id(f);
        }
        var completed = await s.PostAsync($"/api/governance/audits/runs/{runId}/complete", new { summary = "是正が必要" });
        completed.GetProperty("findings").GetArrayLength().ShouldBe(nonConforming.Count);
        await (await s.Officer.PostAsJsonAsync($"/api/governance/audits/runs/{runId}/items/requests-on-time", new { result = "conforming" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9053");

        // The finding is due on 02-20 (JST) and overdue from 02-21.
        var findingId = requestFinding!.Value;
        await s.SetJstAsync(new DateOnly(2027, 2, 20), 23, 59);
        (await s.GetAsync($"/api/governance/findings/{findingId}")).GetProperty("overdue").GetBoolean().ShouldBeFalse();
        await s.SetJstAsync(new DateOnly(2027, 2, 21), 0);
        (await s.GetAsync($"/api/governance/findings/{findingId}")).GetProperty("overdue").GetBoolean().ShouldBeTrue();
        (await s.GetAsync("/api/governance/findings")).EnumerateArray().Count(f => f.GetProperty("overdue").GetBoolean()).ShouldBe(nonConforming.Count);
        await (await s.Officer.PostAsJsonAsync($"/api/governance/findings/{findingId}/close", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9058");
        var withAction = await s.PostAsync($"/api/governance/findings/{findingId}/actions",
            new { description = "期限の3日前に通知する設定を有効にする", owner = "情報システム部", dueOn = "2027-02-28" }, HttpStatusCode.Created);
        var actionId = withAction.GetProperty("actions")[0].GetProperty("id").GetGuid();
        await (await s.Officer.PostAsJsonAsync($"/api/governance/findings/{findingId}/close", new { }, Ct)).ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9058");
        await s.PostAsync($"/api/governance/findings/{findingId}/actions/{actionId}/status", new { status = "done" });
        var closed = await s.PostAsync($"/api/governance/findings/{findingId}/close", new { note = "3月の回答はすべて期限内" });
        closed.GetProperty("status").GetString().ShouldBe("closed");
        closed.GetProperty("closedOn").GetString().ShouldBe("2027-02-21");
        closed.GetProperty("overdue").GetBoolean().ShouldBeFalse();
        await (await s.Officer.PostAsJsonAsync($"/api/governance/findings/{findingId}/actions", new { description = "x", owner = "y", dueOn = "2027-03-01" }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-9066");
        var events = await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.FindingClosed || e.Code == AuditCode.AuditRunCompleted)
            .Select(e => e.Code).ToListAsync(Ct));
        events.ShouldBe([AuditCode.AuditRunCompleted, AuditCode.FindingClosed], ignoreOrder: true);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Entrustee_AssessmentContractAndAudit_LinkedToItsProvisionRecords(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster, new DateOnly(2027, 3, 1));
        var customer = await IspCustomerAsync(s.App, s.Tenant, NewPerson());
        (await ProvideAsync(s.App, s.Tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name"], [customer]))).Provided.ShouldBe([customer]);

        var list = await s.GetAsync("/api/governance/entrustees");
        var agent = list.EnumerateArray().Single(e => e.GetProperty("id").GetString() == "payment-agent");
        agent.GetProperty("declaredInPolicy").GetBoolean().ShouldBeTrue();
        agent.GetProperty("assessment").ValueKind.ShouldBe(JsonValueKind.Null);
        agent.GetProperty("provisions").GetProperty("records").GetInt32().ShouldBe(1);
        agent.GetProperty("provisions").GetProperty("recordsBeforeApproval").GetInt32().ShouldBe(1);
        agent.GetProperty("provisions").GetProperty("categories").EnumerateArray().Select(c => c.GetString()).ShouldBe(["name"]);

        await (await s.Officer.PostAsJsonAsync("/api/governance/entrustees/payment-agent/assessments", new
        {
            assessedOn = "2027-03-01", assessor = "個人情報保護管理者", answers = new[] { new { key = "organizational", met = true } },
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9062");
        var required = new[] { "organizational", "human", "physical", "technical", "rules", "track-record" };
        var assessment = await s.PostAsync("/api/governance/entrustees/payment-agent/assessments", new
        {
            assessedOn = "2027-03-01", assessor = "個人情報保護管理者",
            answers = required.Select(k => new { key = k, met = true, note = (string?)null }).Append(new { key = "certification", met = false, note = (string?)"PマークはFY2027に取得予定" }),
        }, HttpStatusCode.Created);
        assessment.GetProperty("result").GetString().ShouldBe("conditional");
        var check = await s.PostAsync("/api/governance/entrustees/payment-agent/contract-checks", new
        {
            checkedOn = "2027-03-01", checker = "法務部", confidentiality = true, auditRights = true, reEntrustmentConditions = true, returnOrDeletion = true,
            contractRef = "委託契約 2023-017",
        }, HttpStatusCode.Created);
        check.GetProperty("complete").GetBoolean().ShouldBeTrue();
        await (await s.Officer.PostAsJsonAsync("/api/governance/entrustees/no-such-vendor/contract-checks", new
        {
            checkedOn = "2027-03-01", checker = "法務部", confidentiality = true, auditRights = true, reEntrustmentConditions = true, returnOrDeletion = true,
        }, Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "MAMORI-9061");

        var plan = await s.CreatePlanAsync("2027-03-01", "annual", kind: "entrustee", recipientId: "payment-agent");
        var run = await s.PostAsync($"/api/governance/audits/plans/{Id(plan)}/runs", new { }, HttpStatusCode.Created);
        var items = run.GetProperty("checklist").EnumerateArray().ToDictionary(i => i.GetProperty("key").GetString()!);
        items["selection"].GetProperty("suggested").GetString().ShouldBe("observation");
        items["contract"].GetProperty("evidenceJa").GetString().ShouldBe("2027-03-01 の確認: 必須条項 4/4");
        items["provisions"].GetProperty("numerator").GetInt32().ShouldBe(1);
        items["provisions"].GetProperty("suggested").GetString().ShouldBe("conforming");
        items["re-entrustment"].GetProperty("reference").GetString().ShouldBe("個人情報保護法第25条"); // payment-agent handles no My Number
        await s.AnswerAllAsync(Id(run), asSuggested: false);
        await s.PostAsync($"/api/governance/audits/runs/{Id(run)}/complete", new { summary = "実地監査。指摘なし。" });

        // The audit is the provision registry's supervision record too (S-64), and the entrustee view shows it.
        var supervision = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<RecipientRegistry>().SupervisionAsync("payment-agent", Ct));
        supervision.Single().HeldOn.ShouldBe(new DateOnly(2027, 3, 1));
        supervision.Single().Findings.ShouldBe("実地監査。指摘なし。");
        supervision.Single().AuditRunId.ShouldBe(Id(run));
        supervision.Single().Actions.ShouldBeNull();
        supervision.Single().NextDue.ShouldBe(new DateOnly(2028, 3, 1));
        var detail = await s.GetAsync("/api/governance/entrustees/payment-agent");
        detail.GetProperty("entrustee").GetProperty("lastAudit").GetString().ShouldBe("2027-03-01");
        detail.GetProperty("entrustee").GetProperty("assessment").GetProperty("result").GetString().ShouldBe("conditional");
        detail.GetProperty("provisionRecords").EnumerateArray().Single().GetProperty("basis").GetString().ShouldBe("entrustment");
        detail.GetProperty("assessments").GetArrayLength().ShouldBe(1);
        detail.GetProperty("contractChecks").GetArrayLength().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task OtherTenant_SeesNoPlansFindingsOrAssessments(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster);
        await s.CreatePlanAsync("2027-01-15");
        await s.PostAsync("/api/governance/findings", new { description = "規程の改訂漏れ", severity = "observation", owner = "総務部", dueOn = "2027-01-31" }, HttpStatusCode.Created);
        var other = await s.App.CreateTenantAsync("other");
        var client = await s.App.SignedInAsync(other.Id, Mamori.Staff.Roles.PrivacyOfficer);
        (await GovernanceAuditScenario.OkAsync(await client.GetAsync("/api/governance/audits/plans", Ct))).GetArrayLength().ShouldBe(0);
        (await GovernanceAuditScenario.OkAsync(await client.GetAsync("/api/governance/findings?status=all", Ct))).GetArrayLength().ShouldBe(0);
        (await s.GetAsync("/api/governance/findings")).GetArrayLength().ShouldBe(1);
    }
}
