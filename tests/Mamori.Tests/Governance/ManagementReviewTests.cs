using System.Diagnostics;
using System.Globalization;
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

/// <summary>The annual management review: figures from the system's own records, the same in JSON, HTML and PDF.</summary>
public sealed class ManagementReviewTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string N(JsonElement e, string name) => e.GetProperty(name).GetInt32().ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Every row the report must show, as (label, value) built from the API's JSON, so HTML and PDF are checked against it.</summary>
    private static List<(string Label, string Value)> ExpectedRows(JsonElement r)
    {
        var q = r.GetProperty("requests");
        var i = r.GetProperty("incidents");
        var p = r.GetProperty("provisions");
        var t = r.GetProperty("retention");
        var a = r.GetProperty("audits");
        var e = r.GetProperty("entrustees");
        var h = r.GetProperty("people");
        var answered = (q.GetProperty("answeredOnTime").GetInt32() + q.GetProperty("answeredLate").GetInt32()).ToString("N0", CultureInfo.InvariantCulture);
        return
        [
            ("受け付けた請求", N(q, "received") + "件"),
            ("回答・拒否した請求", N(q, "closed") + "件"),
            ("期限内に回答した請求", $"{N(q, "answeredOnTime")}/{answered}件"),
            ("期限を過ぎて回答した請求", N(q, "answeredLate") + "件"),
            ("うち期限超過", N(q, "overdueAtEnd") + "件"),
            ("認識した事案", N(i, "opened") + "件"),
            ("期限内の確報", $"{N(i, "finalOnTime")}/{N(i, "finalDue")}件"),
            ("第三者提供等の記録", N(p, "records") + "件"),
            ("提供した本人の延べ人数", N(p, "subjects") + "人"),
            ("記録（委託）", N(p.GetProperty("recordsByBasis"), "entrustment") + "件"),
            ("記録（本人の同意）", N(p.GetProperty("recordsByBasis"), "consent") + "件"),
            ("保存期間満了による消去処理", N(t, "sweeps") + "回"),
            ("消去証明（保存期間満了）", N(t, "subjectsDestroyed") + "件"),
            ("指摘事項", N(a, "findingsRaised") + "件"),
            ("実施した内部監査", N(a, "runsCompleted") + "回"),
            ("委託先", N(e, "entrustees") + "社"),
            ("委託による提供の記録", N(e, "provisionRecords") + "件"),
            // Regression (walkthrough 3, M12): conditional approvals were counted as 承認, and the two governance titles were swapped.
            ("選定基準による評価", $"承認 {N(e, "approved")}社・条件付き承認 {N(e, "conditional")}社（{N(e, "entrustees")}社中）"),
            ("部門の個人情報管理者を置いた部門", $"{N(h, "departmentsWithManager")}/{N(h, "departments")}部門"),
            ("個人情報保護管理者（管理責任者）", h.GetProperty("representativeNamed").GetBoolean() ? "任命済み" : "未任命"),
            ("部門", N(h, "departments") + "部門"),
            ("完了した見直し", N(h, "accessReviewsCompleted") + "件"),
            ("取り消した権限", N(h, "reviewLinesRevoked") + "件"),
            ("教育コース", N(h, "trainingCourses") + "件"),
            ("受講記録", N(h, "trainingCompletions") + "件"),
            ("受講期限を過ぎた従業者（作成時点）", N(h, "staffWithTrainingOverdueNow") + "人"),
        ];
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ManagementReview_JapaneseHtmlAndPdf_ShowTheFiguresTheApiReturns(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster, new DateOnly(2027, 1, 5));
        // Requests: one answered on time, one late, one left open past its deadline.
        await s.RefuseAsync(await s.LetterAsync());
        var late = await s.LetterAsync();
        await s.LetterAsync("purpose-notification");
        await s.SetJstAsync(new DateOnly(2027, 1, 25));
        await s.RefuseAsync(late);
        // Provisions: one on consent, one entrusted.
        var customer = await IspCustomerAsync(s.App, s.Tenant, NewPerson());
        await GrantAsync(s.App, s.Tenant, customer, "provision:carriers");
        (await ProvideAsync(s.App, s.Tenant, ToCarriers(customer))).Provided.ShouldBe([customer]);
        (await ProvideAsync(s.App, s.Tenant, new ProvisionRequest("payment-agent", ProvisionBasisKind.Entrustment, ["name"], [customer]))).Provided.ShouldBe([customer]);
        // Retention: an SMS verification kept six months, swept in August.
        await s.App.InTenantAsync(s.Tenant, async (sp, _) => (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input", ["verification"],
            new Dictionary<string, string> { ["sms-phone"] = "090-5555-0101", ["verification-log"] = "ok" }, "sms-verify"), Actor.System, Ct)).Id);
        // Training (from the organisation side of governance): one course, one completion in the year.
        await s.App.InTenantAsync(s.Tenant, async (sp, _) =>
        {
            var training = sp.GetRequiredService<Mamori.Governance.Training.TrainingRecords>();
            await training.SaveCourseAsync("privacy-basics", new Mamori.Governance.Training.CourseChange("個人情報保護の基礎", "Privacy basics", 12, 30, null), Actor.System, Ct);
            var trainee = await s.App.UserAsync(s.Tenant, Mamori.Staff.Roles.Operator);
            return await training.RecordAsync("privacy-basics", trainee.Id, new DateOnly(2027, 1, 25), Actor.System, Ct);
        });
        // An internal finding, left open past its due date.
        await s.PostAsync("/api/governance/findings", new { description = "委託先の選定記録が未整備", severity = "major", owner = "個人情報保護管理者", dueOn = "2027-03-31" },
            HttpStatusCode.Created);
        // An entrustee assessed with a criterion unmet: a conditional approval.
        var required = new[] { "organizational", "human", "physical", "technical", "rules", "track-record" };
        (await s.PostAsync("/api/governance/entrustees/payment-agent/assessments", new
        {
            assessedOn = "2027-01-25", assessor = "個人情報保護管理者",
            answers = required.Select(k => new { key = k, met = true }).Append(new { key = "certification", met = false }),
        }, HttpStatusCode.Created)).GetProperty("result").GetString().ShouldBe("conditional");
        await s.SetJstAsync(new DateOnly(2027, 8, 1));
        var sweep = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().SweepRetentionAsync(false, Actor.System, Ct));
        sweep.Subjects.ShouldBeGreaterThanOrEqualTo(1);

        var json = await s.GetAsync("/api/governance/management-review?year=2027");
        json.GetProperty("from").GetString().ShouldBe("2027-01-01");
        json.GetProperty("to").GetString().ShouldBe("2027-12-31");
        json.GetProperty("cutoff").GetString().ShouldBe("2027-08-01");
        var q = json.GetProperty("requests");
        q.GetProperty("received").GetInt32().ShouldBe(3);
        q.GetProperty("answeredOnTime").GetInt32().ShouldBe(1);
        q.GetProperty("answeredLate").GetInt32().ShouldBe(1);
        q.GetProperty("openAtEnd").GetInt32().ShouldBe(1);
        q.GetProperty("overdueAtEnd").GetInt32().ShouldBe(1);
        q.GetProperty("receivedByKind").GetProperty("disclosure").GetInt32().ShouldBe(2);
        json.GetProperty("provisions").GetProperty("records").GetInt32().ShouldBe(2);
        json.GetProperty("provisions").GetProperty("recordsByBasis").GetProperty("entrustment").GetInt32().ShouldBe(1);
        json.GetProperty("entrustees").GetProperty("provisionRecords").GetInt32().ShouldBe(1);
        // Regression: the approval with conditions was counted as approved too; it is reported apart, with its conditions.
        json.GetProperty("entrustees").GetProperty("approved").GetInt32().ShouldBe(0);
        json.GetProperty("entrustees").GetProperty("conditional").GetInt32().ShouldBe(1);
        var conditional = json.GetProperty("entrustees").GetProperty("conditionalApprovals").EnumerateArray().Single();
        conditional.GetProperty("recipientId").GetString().ShouldBe("payment-agent");
        conditional.GetProperty("conditionsJa").GetString().ShouldBe("第三者認証 満たさない、再委託の管理体制 未確認、外国の制度の把握 未確認、経営の安定性 未確認");
        json.GetProperty("retention").GetProperty("subjectsDestroyed").GetInt32().ShouldBe(sweep.Subjects);
        json.GetProperty("retention").GetProperty("sweeps").GetInt32().ShouldBe(1);
        json.GetProperty("audits").GetProperty("findingsRaised").GetInt32().ShouldBe(1);
        json.GetProperty("audits").GetProperty("findingsOverdue").GetInt32().ShouldBe(1);
        json.GetProperty("openFindings").EnumerateArray().Single().GetProperty("overdue").GetBoolean().ShouldBeTrue();
        json.GetProperty("sections").EnumerateArray().Select(x => x.GetString())
            .ShouldBe(["requests", "incidents", "provisions", "retention", "internal-audits", "entrustees", "access-reviews", "training"]);
        json.GetProperty("people").GetProperty("trainingCourses").GetInt32().ShouldBe(1);
        json.GetProperty("people").GetProperty("trainingCompletions").GetInt32().ShouldBe(1);
        var rows = ExpectedRows(json);

        var html = await (await s.Officer.GetAsync("/api/governance/management-review?year=2027&format=html", Ct)).Content.ReadAsStringAsync(Ct);
        html.ShouldContain("<html lang=\"ja\">");
        html.ShouldContain("2027年 個人情報保護マネジメントレビュー報告書");
        html.ShouldContain("対象期間: 2027年1月1日〜2027年12月31日（日本時間）");
        html.ShouldNotContain("<script");
        foreach (var (label, value) in rows) html.ShouldContain($"<th scope=\"row\">{label}</th><td class=\"num\">{value}</td>");
        html.ShouldContain("委託先の選定記録が未整備");

        var console = await s.Officer.GetStringAsync("/console/governance/review?year=2027", Ct);
        foreach (var (label, value) in rows) console.ShouldContain($"<th scope=\"row\">{label}</th><td class=\"num\">{value}</td>");

        var pdf = await s.Officer.GetAsync("/api/governance/management-review?year=2027&format=pdf", Ct);
        pdf.StatusCode.ShouldBe(HttpStatusCode.OK);
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var bytes = await pdf.Content.ReadAsByteArrayAsync(Ct);
        bytes.Length.ShouldBeLessThan(200_000); // the Japanese font is subset
        var text = PdfText(bytes);
        text.ShouldContain("2027年 個人情報保護マネジメントレビュー報告書");
        foreach (var (label, value) in rows) text.ShouldContain($"{label}: {value}");
    }

    /// <summary>Regression (auditor walkthrough): the review said when it was made but not by whom; every rendering names the staff member now.</summary>
    [Fact]
    public async Task ManagementReview_EveryRendering_NamesWhoGeneratedIt()
    {
        await using var s = await GovernanceAuditScenario.StartAsync(Providers.Sqlite, cluster, new DateOnly(2027, 1, 5));
        var user = await s.App.UserAsync(s.Tenant, Mamori.Staff.Roles.Auditor);
        var auditor = await s.App.SignedInAsync(user);

        var json = await auditor.GetFromJsonAsync<JsonElement>("/api/governance/management-review?year=2027", Ct);
        json.GetProperty("generatedBy").GetString().ShouldBe(user.Email);
        var html = await auditor.GetStringAsync("/api/governance/management-review?year=2027&format=html", Ct);
        html.ShouldMatch($@"作成: 2027年1月5日 \d\d:\d\d（日本時間）、{System.Text.RegularExpressions.Regex.Escape(user.Email)}、ポリシー第\d+版");
        (await auditor.GetStringAsync("/console/governance/review?year=2027", Ct)).ShouldContain($"（日本時間）、{user.Email}、ポリシー第");
        var pdf = await (await auditor.GetAsync("/api/governance/management-review?year=2027&format=pdf", Ct)).Content.ReadAsByteArrayAsync(Ct);
        PdfText(pdf).ShouldContain(user.Email);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ManagementReview_FiscalYearAndBadPeriods_CountOnlyTheirDays(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster, new DateOnly(2027, 3, 31));
        await s.LetterAsync();
        await s.SetJstAsync(new DateOnly(2027, 4, 1), 0);
        await s.LetterAsync();
        var fy2026 = await s.GetAsync("/api/governance/management-review?year=2026&startMonth=4");
        fy2026.GetProperty("to").GetString().ShouldBe("2027-03-31");
        fy2026.GetProperty("requests").GetProperty("received").GetInt32().ShouldBe(1);
        var fy2027 = await s.GetAsync("/api/governance/management-review?year=2027&startMonth=4");
        fy2027.GetProperty("requests").GetProperty("received").GetInt32().ShouldBe(1);
        (await (await s.Officer.GetAsync("/api/governance/management-review?year=2027&startMonth=4&format=html", Ct)).Content.ReadAsStringAsync(Ct))
            .ShouldContain("2027年度 個人情報保護マネジメントレビュー報告書");
        await (await s.Officer.GetAsync("/api/governance/management-review?year=2027&startMonth=13", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9064");
        await (await s.Officer.GetAsync("/api/governance/management-review?year=2028", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-9064");
        await (await s.Officer.GetAsync("/api/governance/management-review?year=2027&format=doc", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-1006");
    }

    /// <summary>
    /// Regression: an erasure re-applied after a restore wrote a second erasure certificate for the same destroyed key, and the review
    /// counted both. Here the person's row comes back (a table restored by hand) while the first certificate stays.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ManagementReview_ErasureReappliedAfterRestore_CountedOnce(string provider)
    {
        await using var s = await GovernanceAuditScenario.StartAsync(provider, cluster, new DateOnly(2027, 1, 5));
        var id = await s.App.InTenantAsync(s.Tenant, async (sp, _) => (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input",
            ["verification"], new Dictionary<string, string> { ["sms-phone"] = "090-5555-0102", ["verification-log"] = "ok" }, "sms-verify"), Actor.System, Ct)).Id);
        var before = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().SingleAsync(x => x.Id == id, Ct));
        await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<Subjects>().EraseAsync(id, "data-subject-request", Actor.System, Ct));
        await s.SetJstAsync(new DateOnly(2027, 2, 1));
        await s.App.InTenantAsync(s.Tenant, async (_, db) =>
        {
            var row = await db.Set<DataSubject>().SingleAsync(x => x.Id == id, Ct);
            (row.WrappedKey, row.KeyId, row.ErasedAt) = (before.WrappedKey, before.KeyId, null);
            return await db.SaveChangesAsync(Ct);
        });
        var reapplied = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().ReapplyErasuresAsync(Mamori.Audit.Actor.System, Ct));
        reapplied.SubjectsReshredded.ShouldBe(1);
        (await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<Subjects>().CertificatesAsync(id, Ct))).Count.ShouldBe(2);

        var json = await s.GetAsync("/api/governance/management-review?year=2027");
        json.GetProperty("retention").GetProperty("erasureCertificates").GetInt32().ShouldBe(1);
        json.GetProperty("retention").GetProperty("sweeps").GetInt32().ShouldBe(0);
    }

    /// <summary>The PDF's text as poppler's pdftotext extracts it (whitespace runs collapsed to one space per line).</summary>
    private static string PdfText(byte[] pdf)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mamori-review-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(path, pdf);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("pdftotext", ["-enc", "UTF-8", path, "-"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            p.ExitCode.ShouldBe(0);
            return string.Join("\n", text.Split('\n').Select(l => System.Text.RegularExpressions.Regex.Replace(l.Trim(), @"\s+", " ")));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
