using Mamori.Audit;
using Mamori.Cli;
using Mamori.Tests.Backbone;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;

namespace Mamori.Tests.Console;

/// <summary>A company with the demo policy published and a few people in the vault, for console and public page tests.</summary>
public static class ConsoleScenario
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<(TestApp App, Guid Tenant, Guid Subject)> StartAsync(PostgresCluster cluster, string provider = Providers.Sqlite,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var app = await TestApp.StartAsync(provider, cluster, b =>
        {
            b.Configuration["Mamori:DefaultTenant"] = "acme";
            configure?.Invoke(b);
        });
        var tenant = await app.CreateTenantAsync("acme");
        await app.InTenantAsync(tenant.Id, (sp, _) => PolicyPublishCommand.PublishDirectoryAsync(sp,
            Path.Combine(ServerTests.RepoRoot(), "policy", "examples"), new DateOnly(2026, 4, 1), null, Actor.System, Ct));
        var subject = await app.InTenantAsync(tenant.Id, async (sp, _) =>
            (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("sms-user", "self-input", ["verification", "coupon-management"],
                new Dictionary<string, string> { ["sms-phone"] = "080-2222-3333", ["verification-log"] = "ok" }, "sms-verify"), Actor.System, Ct)).Id);
        return (app, tenant.Id, subject);
    }

    /// <summary>
    /// Stores the person <see cref="RequestAsync"/>'s letter names as an ISP customer, so a request made after it matches
    /// someone we hold and stays open (a letter naming nobody is answered "no data" at once and closed).
    /// </summary>
    public static Task<Guid> RequesterHeldAsync(TestApp app, Guid tenant) =>
        Vault.VaultScenario.IspCustomerAsync(app, tenant, new Vault.VaultScenario.Person("試験 花子", "hanako@example.jp", "090-1111-2222", "東京都千代田区1-2-3", ""));

    /// <summary>A disclosure request from a certified letter: its id and private status token.</summary>
    public static Task<(Guid Id, string Token)> RequestAsync(TestApp app, Guid tenant) => app.InTenantAsync(tenant, async (sp, _) =>
    {
        var created = await sp.GetRequiredService<Mamori.Requests.DataSubjectRequests>().SubmitAsync(new Mamori.Requests.RequestIntake
        {
            Kind = "disclosure", Channel = Mamori.Policy.RequestChannel.CertifiedMail, Name = "試験 花子", Email = "hanako@example.jp", Address = "東京都千代田区1-2-3",
        }, Actor.System, Ct);
        return (created.Request.Id, created.StatusToken);
    });

    /// <summary>A reportable incident (unauthorized access, 1,200 persons) with a timeline entry: its id.</summary>
    public static Task<Guid> IncidentAsync(TestApp app, Guid tenant) => app.InTenantAsync(tenant, async (sp, _) =>
    {
        var incidents = sp.GetRequiredService<Mamori.Incidents.IncidentRegistry>();
        var created = await incidents.CreateAsync(new Mamori.Incidents.IncidentInput
        {
            Title = "API key leaked", Cause = Mamori.Incidents.IncidentCause.UnauthorizedAccess, DiscoveredAt = app.Clock.GetUtcNow(), PersonsKnown = 1200,
            Categories = ["email"], Summary = "連携用APIキーが公開リポジトリに掲載された。",
        }, Actor.System, Ct);
        await incidents.AddTimelineEntryAsync(created.Id, "measure", "APIキーを失効させた。", Actor.System, Ct);
        return created.Id;
    });

    /// <summary>An internal audit plan with an audit in progress and a finding (governance pages).</summary>
    public static Task<(Guid Plan, Guid Run, Guid Finding)> GovernanceAuditAsync(TestApp app, Guid tenant) => app.InTenantAsync(tenant, async (sp, _) =>
    {
        var audits = sp.GetRequiredService<Mamori.Governance.InternalAudits.InternalAuditing>();
        var plan = await audits.CreatePlanAsync(new Mamori.Governance.InternalAudits.AuditPlanInput("年次内部監査", "全部門", "監査室", audits.Today,
            Mamori.Governance.InternalAudits.AuditFrequency.Annual), Actor.System, Ct);
        var run = await audits.StartRunAsync(plan.Id, Actor.System, Ct);
        var finding = await audits.RaiseFindingAsync(new Mamori.Governance.InternalAudits.FindingInput("規程の改訂漏れ",
            Mamori.Governance.InternalAudits.FindingSeverity.Minor, "総務部", audits.Today.AddDays(30), RunId: run.Id), Actor.System, Ct);
        return (plan.Id, run.Id, finding.Id);
    });

    /// <summary>A receipt record (Art.30) listing the subject: the record pages and the export have something to show.</summary>
    public static Task<Guid> ReceiptRecordAsync(TestApp app, Guid tenant, Guid subject) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Mamori.Provision.ProvisionRecords>().RecordReceiptAsync(new Mamori.Provision.ReceiptRequest("名簿販売株式会社", "大阪府大阪市北区1-1",
            "代表取締役 名簿 一郎", "同社がオプトアウト手続により取得", Mamori.Provision.ProvisionBasisKind.OptOut, ["携帯電話番号"], new DateOnly(2026, 11, 1), [subject],
            PpcPublication: "個人情報保護委員会 公表 2026-06-01"), Actor.System, Ct)).Id);

    /// <summary>A pseudonymized dataset (customer ids replaced, for the "marketing" purpose) whose key is in the ring: its id.</summary>
    public static Task<Guid> PseudonymizedDatasetAsync(TestApp app, Guid tenant, string name = "購買分析", Guid? sameKeyAs = null) => app.InTenantAsync(tenant, async (sp, _) =>
        (await sp.GetRequiredService<Mamori.Datasets.ProcessedDatasets>().PseudonymizeAsync(new Mamori.Datasets.PseudonymizeRequest(name, ["marketing"],
            new Dictionary<string, Mamori.Datasets.PseudonymColumnSpec> { ["customer_id"] = new(Mamori.Anonymization.PseudonymColumnKind.Identifier, "customer") },
            new Mamori.Anonymization.Table(["customer_id", "plan"], [["C-001", "fiber"], ["C-002", "mobile"], ["C-001", "mobile"]]), sameKeyAs), Actor.System, Ct)).Dataset.Id);

    /// <summary>A browser-like session: the session cookie plus the anti-forgery cookie and token of a form page.</summary>
    public sealed class FormSession(TestApp app, string sessionCookie)
    {
        private string? _afCookie;

        public HttpClient Client { get; } = app.Client();

        public string Cookie => _afCookie is null ? sessionCookie : $"{sessionCookie}; {_afCookie}";

        public async Task<HttpResponseMessage> GetAsync(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (Cookie.Length > 0) request.Headers.Add("Cookie", Cookie);
            var response = await Client.SendAsync(request, Ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var set) &&
                set.Select(v => v.Split(';')[0]).FirstOrDefault(v => v.StartsWith("mamori_af=", StringComparison.Ordinal)) is { } af)
                _afCookie = af;
            return response;
        }

        public async Task<string> GetStringAsync(string path) => await (await GetAsync(path)).Content.ReadAsStringAsync(Ct);

        /// <summary>
        /// Loads <paramref name="formPage"/> and returns its hidden fields as a browser posts them: the anti-forgery token and, on a
        /// request form, its submission id. Post them with <see cref="SendAsync"/>, once or (a reload of the answer) again.
        /// </summary>
        public async Task<List<KeyValuePair<string, string>>> HiddenFieldsAsync(string formPage)
        {
            var html = await GetStringAsync(formPage);
            return [.. System.Text.RegularExpressions.Regex.Matches(html, @"<input type=""hidden"" name=""([^""]+)"" value=""([^""]*)"">")
                .Select(m => new KeyValuePair<string, string>(m.Groups[1].Value, System.Net.WebUtility.HtmlDecode(m.Groups[2].Value)))
                .DistinctBy(f => f.Key)]; // the console's sign-out form carries the anti-forgery token too
        }

        /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with this session's cookies, loading no form first.</summary>
        public async Task<HttpResponseMessage> SendAsync(string action, IEnumerable<KeyValuePair<string, string>> fields)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(fields) };
            request.Headers.Add("Cookie", Cookie);
            return await Client.SendAsync(request, Ct);
        }

        /// <summary>Loads <paramref name="formPage"/> for its anti-forgery token, then posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
        public async Task<HttpResponseMessage> PostAsync(string formPage, string action, IEnumerable<KeyValuePair<string, string>> fields, bool withToken = true,
            Action<HttpRequestMessage>? configure = null)
        {
            var html = await GetStringAsync(formPage);
            var token = System.Text.RegularExpressions.Regex.Match(html, @"name=""__af"" value=""([^""]+)""").Groups[1].Value;
            var all = withToken ? fields.Append(new("__af", token)) : fields;
            var request = new HttpRequestMessage(HttpMethod.Post, action) { Content = new FormUrlEncodedContent(all) };
            request.Headers.Add("Cookie", Cookie);
            configure?.Invoke(request);
            return await Client.SendAsync(request, Ct);
        }
    }

    public static async Task<FormSession> SessionAsync(TestApp app, Guid tenant, params string[] roles)
    {
        var client = await app.SignedInAsync(tenant, roles);
        return new FormSession(app, client.DefaultRequestHeaders.GetValues("Cookie").Single());
    }

    public static FormSession Anonymous(TestApp app) => new(app, "");
}
