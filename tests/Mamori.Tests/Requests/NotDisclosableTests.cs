using Mamori.Audit;
using Mamori.Cli;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// S-07: the privacy notice names the purposes whose data is subject to requests for disclosure (seed 002: 「開示対象となる個人情報の
/// 類型と利用目的は(1)(2)(4)(5)です」). Data held only for another purpose (work a client entrusted to the company) stays out of the
/// answer, and the answer says so; nor is such a record corrected, stopped or erased on a request. The published policy is the
/// demo policy with the ISP's support purpose and the company's inquiries purpose marked <c>disclosable: false</c>.
/// </summary>
public sealed class NotDisclosableTests(PostgresCluster cluster)
{
    private static readonly Lazy<string> PolicyDir = new(() =>
    {
        var dir = CopyOfExamples();
        var isp = Path.Combine(dir, "services", "isp.yaml");
        var support = "    subjectTypes: [customer, inquirer]\n    categories: [name, phone, email, contract, inquiry, call-recording]\n";
        var text = File.ReadAllText(isp);
        if (!text.Contains(support, StringComparison.Ordinal)) throw new InvalidOperationException("The demo policy changed; update NotDisclosableTests.");
        File.WriteAllText(isp, text.Replace(support, "    disclosable: false\n" + support, StringComparison.Ordinal));
        // The inquiries purpose too: an inquirer's record is then held only for a purpose outside requests.
        var company = Path.Combine(dir, "company.yaml");
        var inquiries = "    subjectTypes: [inquirer, customer]\n    categories: [name, email, phone, inquiry]\n";
        var companyText = File.ReadAllText(company);
        if (!companyText.Contains(inquiries, StringComparison.Ordinal)) throw new InvalidOperationException("The demo policy changed; update NotDisclosableTests.");
        File.WriteAllText(company, companyText.Replace(inquiries, "    disclosable: false\n" + inquiries, StringComparison.Ordinal));
        return dir;
    });

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_CategoriesOnlyForNonDisclosablePurpose_LeftOutAndNamedInANote(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = (await app.CreateTenantAsync("acme")).Id;
        await app.InTenantAsync(tenant, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, PolicyDir.Value, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var p = NewPerson();
        var id = await app.InTenantAsync(tenant, async (sp, _) => (await sp.GetRequiredService<Subjects>().CreateAsync(
            new CreateSubjectRequest("customer", "web-form", ["service-provision", "support"], new Dictionary<string, string>
            {
                ["name"] = p.Name, ["email"] = p.Email, ["inquiry"] = "回線速度について", ["call-recording"] = "rec-2026-04-01-0930",
            }, "isp"), Actor.System, Ct)).Id);

        var package = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<DisclosureBuilder>().BuildAsync("R-TEST-0001", RequestKind.Disclosure, [id], Actor.System, Ct));

        var subject = package.Subjects.Single();
        // name and email serve service provision too (disclosable); the inquiry and the call recording only support.
        subject.Fields.Select(f => f.Category).Order(StringComparer.Ordinal).ShouldBe(["email", "name"]);
        subject.Purposes.Select(x => x.Id).ShouldBe(["service-provision"]);
        var note = package.NotesText!.Single();
        note.Ja.ShouldBe("利用目的「保守・サポートの提供及びお問合せへの回答（通話録音によるオペレーター教育を含む）」のために取り扱う個人情報（お問合せ内容、通話録音）は、"
            + "プライバシーポリシーに記載のとおり開示等の対象ではないため、この書面に含めていません。");
        note.En!.ShouldContain("(Content of inquiries, Call recordings) is not subject to requests for disclosure");
        var html = DisclosureHtml.Render(package);
        html.ShouldContain("開示等の対象ではないため");
        html.ShouldNotContain("rec-2026-04-01-0930");
        html.ShouldNotContain("回線速度について");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Build_DemoPolicyEveryPurposeDisclosable_EveryFieldAndNoNote(string provider)
    {
        await using var app = await TestApp.StartAsync(provider, cluster);
        var tenant = (await app.CreateTenantAsync("acme")).Id;
        await app.InTenantAsync(tenant, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp, ExamplesDir, new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var id = await IspCustomerAsync(app, tenant, NewPerson());

        var package = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<DisclosureBuilder>().BuildAsync("R-TEST-0002", RequestKind.Disclosure, [id], Actor.System, Ct));

        package.Subjects.Single().Fields.Select(f => f.Category).Order(StringComparer.Ordinal).ShouldBe(["email", "inquiry", "name", "phone"]);
        package.NotesText!.ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Execute_ErasureOfRecordHeldOnlyForNonDisclosablePurpose_NotErasedAndAnswerSaysWhy(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster, policyDir: PolicyDir.Value);
        await using var _ = s.App;
        var p = NewPerson();
        var inquirer = await s.InquirerAsync(p);
        var (id, _, _) = await s.LetterAsync("erasure", p);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        (await s.PostAsync(id, "verify")).GetProperty("status").GetString().ShouldBe("in-progress");

        var answered = await s.PostAsync(id, "execute");
        (answered.GetProperty("status").GetString(), answered.GetProperty("outcome").GetString()).ShouldBe(("answered", "no-change"));
        var answer = System.Text.Encoding.UTF8.GetString(await s.AnswerAsync(id, "html"));
        answer.ShouldContain("1 件の記録は、プライバシーポリシーに記載のとおり開示等の対象ではない利用目的（お取引先から委託を受けた業務等）のためだけに取り扱うものであり、このご請求の対象になりません。");
        answer.ShouldContain("are not covered by this request");
        // The record is intact: its key is not destroyed and nothing certifies an erasure.
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DataSubject>().Where(x => x.Id == inquirer).Select(x => x.WrappedKey).SingleAsync(Ct))).ShouldNotBeNull();
        (await s.App.InTenantAsync(s.Tenant, (_, db) => db.Set<DestructionCertificate>().CountAsync(c => c.SubjectId == inquirer, Ct))).ShouldBe(0);
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }
}
