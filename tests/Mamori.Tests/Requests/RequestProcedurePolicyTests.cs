using System.Net;
using System.Net.Http.Json;
using Mamori.Audit;
using Mamori.Policy;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// What the request procedures of the policy do to the public form, intake and verification (UX review 4: M1, M3, L2, L6): a
/// policy that names no documents for agents takes no agents, one without fees says so, `verifyByEmailCode: false` sends no
/// codes, and only the kinds the policy lists are offered.
/// </summary>
public sealed class RequestProcedurePolicyTests(PostgresCluster cluster)
{
    /// <summary>The demo policy, online, as a company writes it from seed 003: no agent documents, no fees, no extra kinds, documents only.</summary>
    private static async Task PublishBareProceduresAsync(RequestScenario s, bool? verifyByEmailCode = false)
    {
        var model = PolicyLoader.LoadDirectory(ExamplesDir).Policy!;
        var rp = model.RequestProcedures!;
        IReadOnlyList<RequestType> NoExtras(RequestProcedures p) => [.. p.Types.Where(t => t is not (RequestType.Anonymization or RequestType.Portability))];
        var bare = model with
        {
            Services = [.. model.Services.Select(sv => sv.RequestProcedures is { } own ? sv with { RequestProcedures = own with { Types = NoExtras(own) } } : sv)],
            RequestProcedures = rp with
            {
                Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm],
                Types = NoExtras(rp),
                ProxyDocuments = [], LegalRepresentativeDocuments = [], Fees = [], PaymentMethod = null,
                ResponseTime = new LocalizedText("遅滞なく", "Without delay"),
                VerifyByEmailCode = verifyByEmailCode,
            },
        };
        await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<PolicyStore>().PublishAsync(bare, new DateOnly(2026, 11, 1), null, Actor.System, Ct));
    }

    // Regression: the page showed 「代理人の場合」「法定代理人の場合」 with nothing under them, an empty fee list and a bare 「遅滞なく」,
    // offered agents (whose requests then asked for no power of attorney) and the kinds the policy never listed.
    [Fact]
    public async Task PublicForm_NoAgentDocumentsNoFees_NoEmptySectionsNoAgentsOnlyListedKinds()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        await PublishBareProceduresAsync(s);

        var ja = await s.App.Client().GetStringAsync("/requests", Ct);
        ja.ShouldNotContain("代理人の場合");
        ja.ShouldNotContain("value=\"agent\"");
        ja.ShouldNotContain("value=\"legal-representative\"");
        ja.ShouldNotContain("name=\"agentName\"");
        ja.ShouldContain("<p>手数料はいただきません。</p>");
        ja.ShouldNotContain("<ul></ul>");
        ja.ShouldContain("<p>回答の時期：遅滞なく</p>");
        ja.ShouldNotContain("value=\"anonymization\"");
        ja.ShouldNotContain("value=\"portability\"");
        ja.ShouldContain("value=\"disclosure\"");
        ja.ShouldNotContain("確認コードでご本人確認を行うこともできます");
        var en = await s.App.Client().GetStringAsync("/en/requests", Ct);
        en.ShouldContain("<p>There is no fee.</p>");
        en.ShouldContain("<p>When we answer: Without delay</p>");
        en.ShouldNotContain("For an agent");

        // The demo policy (online) names the documents and lists the extra kinds: all are offered.
        var demoModel = PolicyLoader.LoadDirectory(ExamplesDir).Policy!;
        await s.App.InTenantAsync(s.Tenant, (sp, _) => sp.GetRequiredService<PolicyStore>().PublishAsync(
            demoModel with { RequestProcedures = demoModel.RequestProcedures! with { Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm] } },
            new DateOnly(2026, 11, 1), null, Actor.System, Ct));
        var demo = await s.App.Client().GetStringAsync("/requests", Ct);
        demo.ShouldContain("value=\"agent\"");
        demo.ShouldContain("代理人の場合");
        demo.ShouldContain("value=\"anonymization\"");
    }

    // Regression: the console's entry form offered every kind, and a letter typed in as one the policy does not list was
    // refused only after it was entered (MAMORI-5001).
    [Fact]
    public async Task ConsoleEntryForm_PolicyWithoutExtraKinds_OffersOnlyListedKinds()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        var console = await Mamori.Tests.Console.ConsoleScenario.SessionAsync(s.App, s.Tenant, Mamori.Staff.Roles.Operator);
        var before = await console.GetStringAsync("/console/requests/new");
        before.ShouldContain("""<option value="portability">""");
        before.ShouldContain("""<fieldset data-kinds="anonymization">""");

        await PublishBareProceduresAsync(s);
        var form = await console.GetStringAsync("/console/requests/new");
        form.ShouldNotContain("""<option value="portability">""");
        form.ShouldNotContain("""<option value="anonymization">""");
        form.ShouldNotContain("data-kinds=\"anonymization\""); // nor the items-to-process fieldset only that kind takes
        form.ShouldContain("""<option value="disclosure">""");
        form.ShouldContain("""<option value="complaint">""");
    }

    [Fact]
    public async Task RequestsApi_AgentWithoutProxyDocumentsOrUnlistedKind_5001()
    {
        var s = await RequestScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = s.App;
        await PublishBareProceduresAsync(s);
        var p = NewPerson();

        var agent = await s.Staff.PostAsJsonAsync("/api/requests", new { kind = "disclosure", channel = "web-form", requesterRole = "agent", agentName = "代理 人", name = p.Name, email = p.Email }, Ct);
        (await agent.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5001")).GetProperty("detail").GetString()!.ShouldContain("proxyDocuments");
        await (await s.Staff.PostAsJsonAsync("/api/requests", new { kind = "disclosure", channel = "web-form", requesterRole = "legal-representative", agentName = "親 権者", name = p.Name, email = p.Email }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5001");
        await (await s.Staff.PostAsJsonAsync("/api/requests", new { kind = "portability", channel = "web-form", name = p.Name, email = p.Email }, Ct))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "MAMORI-5001");
        // A complaint needs no representation documents.
        (await s.Staff.PostAsJsonAsync("/api/requests", new { kind = "complaint", channel = "web-form", requesterRole = "agent", agentName = "代理 人", name = p.Name, email = p.Email, details = "対応について" }, Ct))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    // Regression: a code to the registered e-mail verified the request although the published procedure demanded an ID copy.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task SendCode_PolicyDocumentsOnly_RefusedAndNotOffered(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        await PublishBareProceduresAsync(s);
        var p = NewPerson();
        await s.InquirerAsync(p);
        var created = await s.OkAsync(await s.Staff.PostAsJsonAsync("/api/requests", new { kind = "disclosure", channel = "web-form", name = p.Name, email = p.Email }, Ct), HttpStatusCode.Created);
        var id = created.GetProperty("request").GetProperty("id").GetGuid();
        var token = created.GetProperty("statusToken").GetString()!;

        var refused = await s.Staff.PostAsJsonAsync($"/api/requests/{id}/send-code", new { }, Ct);
        (await refused.ShouldBeProblemAsync(HttpStatusCode.Conflict, "MAMORI-5006")).GetProperty("detail").GetString()!.ShouldContain("verifyByEmailCode");
        (await s.App.Client().GetStringAsync($"/requests/status/{token}", Ct)).ShouldNotContain("確認コードを送る");
        (await s.Staff.GetStringAsync($"/console/requests/{id}", Ct)).ShouldNotContain("確認コードを送る");

        // With the code allowed (the default), the page offers it and the form and notice say so.
        await PublishBareProceduresAsync(s, verifyByEmailCode: null);
        (await s.App.Client().GetStringAsync($"/requests/status/{token}", Ct)).ShouldContain("確認コードを送る");
        (await s.App.Client().GetStringAsync("/requests", Ct)).ShouldContain("確認コードでご本人確認を行うこともできます");
        (await s.App.Client().GetStringAsync("/privacy", Ct)).ShouldContain("確認コードでご本人確認を行うこともできます");
    }
}
