using System.Text;
using System.Text.Json;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// One request of each kind from intake to answer, on SQLite and PostgreSQL, over the HTTP API: a letter
/// entered by staff, documents checked, identity verified, fee invoiced and paid (where the policy
/// charges one), executed against the vault, answered; the audit chain verifies afterwards.
/// </summary>
public sealed class RequestEndToEndTests(PostgresCluster cluster)
{
    private static async Task<(RequestScenario S, Guid Request, Guid Subject, Person P)> VerifiedAsync(string provider, PostgresCluster cluster, string kind,
        object? extra = null, bool expectFee = false)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        var p = NewPerson();
        var subject = await s.InquirerAsync(p);
        var (id, _, request) = await s.LetterAsync(kind, p, extra);
        request.GetProperty("status").GetString().ShouldBe("received");
        request.GetProperty("subjects").EnumerateArray().Select(x => x.GetGuid()).ShouldBe([subject]);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        var verified = await s.PostAsync(id, "verify");
        if (expectFee)
        {
            verified.GetProperty("status").GetString().ShouldBe("awaiting-payment");
            verified.GetProperty("feeYen").GetInt32().ShouldBe(1100);
            verified.GetProperty("dueOn").ValueKind.ShouldBe(JsonValueKind.Null);
            // The answer is released only after payment.
            var early = await s.Staff.PostAsync($"/api/requests/{id}/execute", JsonContent(new { }), Ct);
            await early.ShouldBeProblemAsync(System.Net.HttpStatusCode.Conflict, "MAMORI-5016");
            (await s.PostAsync(id, "payment", new { reference = "bank-0001" })).GetProperty("status").GetString().ShouldBe("in-progress");
        }
        else verified.GetProperty("status").GetString().ShouldBe("in-progress");
        return (s, id, subject, p);
    }

    private static StringContent JsonContent(object o) => new(JsonSerializer.Serialize(o), Encoding.UTF8, "application/json");

    private static async Task AnsweredAndChainVerifiesAsync(RequestScenario s, JsonElement answered, string outcome = "executed")
    {
        answered.GetProperty("status").GetString().ShouldBe("answered");
        answered.GetProperty("outcome").GetString().ShouldBe(outcome);
        answered.GetProperty("history").EnumerateArray().Count().ShouldBeGreaterThanOrEqualTo(2);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
        var codes = await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.Select(e => e.Code).ToListAsync(Ct));
        codes.ShouldContain(AuditCode.RequestReceived);
        codes.ShouldContain(AuditCode.RequestStatusChanged);
        codes.ShouldContain(AuditCode.RequestExecuted);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Disclosure_LetterVerifiedPaid_PackageInJsonHtmlPdf(string provider)
    {
        var (s, id, subject, p) = await VerifiedAsync(provider, cluster, "disclosure", expectFee: true);
        await using var _ = s.App;
        var answered = await s.PostAsync(id, "execute");
        await AnsweredAndChainVerifiesAsync(s, answered);
        answered.GetProperty("answers").EnumerateArray().Select(a => a.GetString()).ShouldBe(["json", "html", "pdf"]);
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        json.GetProperty("format").GetString().ShouldBe("mamori.disclosure/1");
        var subj = json.GetProperty("subjects")[0];
        subj.GetProperty("subjectId").GetGuid().ShouldBe(subject);
        subj.GetProperty("fields").EnumerateArray().ShouldContain(f => f.GetProperty("value").GetString() == p.Email);
        subj.GetProperty("purposes").EnumerateArray().ShouldContain(x => x.GetProperty("id").GetString() == "inquiries");
        json.GetProperty("provisionRecordsAvailable").GetBoolean().ShouldBeTrue();
        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        html.ShouldContain("<html lang=\"ja\">");
        html.ShouldContain("保有個人データ開示書");
        html.ShouldContain(System.Net.WebUtility.HtmlEncode(p.Name));
        var pdf = await s.AnswerAsync(id, "pdf");
        Encoding.ASCII.GetString(pdf, 0, 5).ShouldBe("%PDF-");
        pdf.Length.ShouldBeLessThan(200_000);
        // The read went through an access decision under the built-in purpose.
        var reads = await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.AccessAllowed && e.SubjectId == subject.ToString()).Select(e => e.Purpose).ToListAsync(Ct));
        reads.ShouldContain(DecisionRules.RequestHandling);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task PurposeNotification_Paid_AnswerListsPurposes(string provider)
    {
        var (s, id, _, _) = await VerifiedAsync(provider, cluster, "purpose-notification", expectFee: true);
        await using var _ = s.App;
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        var purposes = json.GetProperty("subjects")[0].GetProperty("purposes");
        purposes.EnumerateArray().Select(x => x.GetProperty("name").GetString()).ShouldContain("お問合せ・苦情への対応");
        json.GetProperty("subjects")[0].GetProperty("fields").GetArrayLength().ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ProvisionRecords_NoFeeInPolicy_AnsweredFromTheProvisionLedger(string provider)
    {
        var (s, id, _, _) = await VerifiedAsync(provider, cluster, "provision-records");
        await using var _ = s.App;
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        json.GetProperty("sections").GetString().ShouldBe("provision-records");
        json.GetProperty("provisionRecordsAvailable").GetBoolean().ShouldBeTrue();
        json.GetProperty("notes").EnumerateArray().ShouldNotContain(n => n.GetString()!.Contains("第三者提供記録"));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Correction_Verified_VaultHoldsCorrectedValue(string provider)
    {
        var (s, id, subject, _) = await VerifiedAsync(provider, cluster, "correction", new { corrections = new Dictionary<string, string> { ["inquiry"] = "訂正後の内容" } });
        await using var _ = s.App;
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));
        var read = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(new DecisionRequest(subject, "inquiries", ["inquiry"], [Roles.Operator]), Actor.System, Ct));
        read.Values["inquiry"].ShouldBe("訂正後の内容");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Suspension_Executed_EveryOtherPurposeDenied(string provider)
    {
        var (s, id, subject, _) = await VerifiedAsync(provider, cluster, "suspension");
        await using var _ = s.App;
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));
        var (d, stored, _) = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<AccessDecisions>().DecideAsync(new DecisionRequest(subject, "inquiries", null, [Roles.Operator]), Actor.System, Ct));
        d.Allowed.ShouldBeFalse();
        d.Reason.ShouldBe(DecisionReasons.Suspended);
        stored!.UseSuspended.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task StopProvision_Executed_FlagSet(string provider)
    {
        var (s, id, subject, _) = await VerifiedAsync(provider, cluster, "stop-provision");
        await using var _ = s.App;
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));
        var row = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().FirstAsync(x => x.Id == subject, Ct));
        row.ProvisionStopped.ShouldBeTrue();
        row.UseSuspended.ShouldBeFalse();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Erasure_Executed_DataUnreadableAndOtherPackageUnaffected(string provider)
    {
        var (s, id, subject, p) = await VerifiedAsync(provider, cluster, "erasure");
        await using var _ = s.App;
        var other = NewPerson();
        var otherSubject = await s.InquirerAsync(other);
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));

        var row = await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubject>().AsNoTracking().FirstAsync(x => x.Id == subject, Ct));
        row.WrappedKey.ShouldBeNull();
        var e = await Should.ThrowAsync<MamoriException>(() => s.App.InTenantAsync(s.Tenant, (sp, _) =>
            sp.GetRequiredService<Subjects>().ReadAsync(new DecisionRequest(subject, DecisionRules.RequestHandling, null, [Roles.Operator]), Actor.System, Ct)));
        e.Code.ShouldBe(ErrorCode.SubjectErased);
        var answer = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        answer.ShouldContain("消去");

        // The other person's disclosure is whole.
        var (otherId, _, _) = await s.LetterAsync("disclosure", other);
        await s.PostAsync(otherId, "start");
        await s.CheckIdentityDocumentsAsync(otherId, RequestScenario.Today(s.App));
        await s.PostAsync(otherId, "verify");
        await s.PostAsync(otherId, "waive", new { reason = "test" });
        await s.PostAsync(otherId, "execute");
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(otherId, "json")));
        json.GetProperty("subjects").GetArrayLength().ShouldBe(1);
        json.GetProperty("subjects")[0].GetProperty("subjectId").GetGuid().ShouldBe(otherSubject);
        var values = json.GetProperty("subjects")[0].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("value").GetString()).ToList();
        values.ShouldContain(other.Email);
        values.ShouldContain(other.Name);
        values.ShouldNotContain(p.Email);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymization_NameMaskedInPlace_IndexedItemsExplained(string provider)
    {
        var (s, id, subject, p) = await VerifiedAsync(provider, cluster, "anonymization", new { categories = new[] { "name", "email" } });
        await using var _ = s.App;
        await AnsweredAndChainVerifiesAsync(s, await s.PostAsync(id, "execute"));
        var read = await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(new DecisionRequest(subject, "inquiries", ["name", "email"], [Roles.Operator]), Actor.System, Ct));
        read.Values["name"].ShouldBe(p.Name.Split(' ')[0] + " *");
        read.Values["email"].ShouldBe(p.Email);
        Encoding.UTF8.GetString(await s.AnswerAsync(id, "html")).ShouldContain("消去をご請求ください");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Portability_Executed_MachineReadableExportOnly(string provider)
    {
        var (s, id, _, p) = await VerifiedAsync(provider, cluster, "portability");
        await using var _ = s.App;
        var answered = await s.PostAsync(id, "execute");
        await AnsweredAndChainVerifiesAsync(s, answered);
        answered.GetProperty("answers").EnumerateArray().Select(a => a.GetString()).ShouldBe(["json"]);
        var json = RequestScenario.Json(Encoding.UTF8.GetString(await s.AnswerAsync(id, "json")));
        json.GetProperty("subjects")[0].GetProperty("fields").EnumerateArray().ShouldContain(f => f.GetProperty("value").GetString() == p.Phone);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Complaint_NoIdentityNoFee_AnsweredWithText(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var (id, _, request) = await s.LetterAsync("complaint", NewPerson(), new { details = "電話がつながりにくい" });
        request.GetProperty("verification").GetString().ShouldBe("not-required");
        (await s.PostAsync(id, "start")).GetProperty("status").GetString().ShouldBe("in-progress");
        var answered = await s.PostAsync(id, "execute", new { answerText = "ご不便をおかけしました。窓口の体制を見直します。" });
        await AnsweredAndChainVerifiesAsync(s, answered);
        Encoding.UTF8.GetString(await s.AnswerAsync(id, "html")).ShouldContain("窓口の体制を見直します");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Refusal_ReasonFromList_ExplainedToPerson(string provider)
    {
        var (s, id, _, _) = await VerifiedAsync(provider, cluster, "erasure");
        await using var _ = s.App;
        // A reason of another article is refused: "the data is accurate" answers a correction, not an erasure.
        await (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(s.Staff, $"/api/requests/{id}/refuse", new { reason = "data-accurate" }, Ct)).ShouldBeProblemAsync(System.Net.HttpStatusCode.BadRequest, "MAMORI-5017");
        var refused = await s.PostAsync(id, "refuse", new { reason = "no-grounds", note = "ご契約が継続中のため、利用の必要がなくなったとは認められません。" });
        refused.GetProperty("status").GetString().ShouldBe("refused");
        refused.GetProperty("refusalReason").GetString().ShouldBe("no-grounds");
        var html = Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        // The Japanese answer cites the article in Japanese (it said "Art.35(1)(3)(5)").
        html.ShouldContain("ご請求に応じることができません（個人情報保護法第35条第1項・第3項・第5項）");
        html.ShouldNotContain("Art.35");
        html.ShouldContain("ご契約が継続中のため");
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }
}
