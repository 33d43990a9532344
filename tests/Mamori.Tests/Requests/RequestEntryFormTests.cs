using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Mamori.Notifications;
using Mamori.Requests;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Console.ConsoleScenario;

namespace Mamori.Tests.Requests;

/// <summary>
/// Regressions from a review against <c>mamori serve --demo</c>: the console's entry form could not take a correction or an
/// anonymisation request (it had no field for either, nor for the service); a reload of the answer to either request form opened
/// a second request (and mailed a second receipt); the public form's answer, which carries the private status link, was sent
/// cacheable and indexable; and an e-mail address typed in full-width characters was stored and mailed as typed.
/// </summary>
public sealed partial class RequestEntryFormTests(PostgresCluster cluster)
{
    private static KeyValuePair<string, string> F(string k, string v) => new(k, v);

    [GeneratedRegex(@"/requests/status/([A-Za-z0-9_-]{20,})")]
    private static partial Regex StatusLink();

    [GeneratedRegex(@"R-[A-Z0-9]{4}-[A-Z0-9]{4}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"name=""submission"" value=""([^""]+)""")]
    private static partial Regex Submission();

    private static async Task<string> CreatedAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, html);
        return html;
    }

    private static Task<List<RequesterDetails>> DetailsAsync(TestApp app, Guid tenant) => app.InTenantAsync(tenant, async (sp, db) =>
    {
        var requests = sp.GetRequiredService<DataSubjectRequests>();
        return (await db.Set<DataSubjectRequest>().OrderBy(r => r.ReceivedAt).ToListAsync(Ct)).Select(requests.Details).ToList();
    });

    private static Task<List<DataSubjectRequest>> RequestsAsync(TestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, (_, db) => db.Set<DataSubjectRequest>().AsNoTracking().OrderBy(r => r.ReceivedAt).ToListAsync(Ct));

    private static async Task<List<string>> OutboxAsync(TestApp app, Guid tenant)
    {
        await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<OutboxDispatcher>().DispatchAsync(Ct));
        var dir = Path.Combine(app.Database.DataDir, "outbox");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir, "*.eml").Select(File.ReadAllText)] : [];
    }

    [Fact]
    public async Task StaffEntry_CorrectionAnonymisationAndService_AskedAndStoredAsOnThePublicForm()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);

        var form = await s.GetStringAsync("/console/requests/new");
        form.ShouldContain("""<select id="service" name="service">""");
        form.ShouldContain("""<option value="isp">""");
        form.ShouldContain("""<select id="correctionItem" name="correctionItem">""");
        form.ShouldContain("""<input id="correctionValue" name="correctionValue" maxlength="2000" value="">""");
        form.ShouldContain("""<input type="checkbox" name="categories" value="email">""");
        // Shown only while a kind that takes them is chosen (the stylesheet; the page needs no script).
        form.ShouldContain("""<fieldset data-kinds="correction" class="stack">""");
        form.ShouldContain("""<fieldset data-kinds="anonymization">""");

        var letter = new[] { F("channel", "CertifiedMail"), F("name", "試験 花子"), F("address", "大阪府大阪市北区1-1") };
        await CreatedAsync(await s.PostAsync("/console/requests/new", "/console/requests/new",
            [F("kind", "correction"), F("service", "isp"), F("correctionItem", "address"), F("correctionValue", "大阪府大阪市中央区2-2"), .. letter]));
        await CreatedAsync(await s.PostAsync("/console/requests/new", "/console/requests/new",
            [F("kind", "anonymization"), F("categories", "email"), F("categories", "phone"), .. letter]));
        var requests = await RequestsAsync(app, tenant);
        requests.Select(r => (r.Kind, r.ServiceId)).ShouldBe([(RequestKind.Correction, "isp"), (RequestKind.Anonymization, null)]);
        var details = await DetailsAsync(app, tenant);
        details[0].Corrections.ShouldBe(new Dictionary<string, string> { ["address"] = "大阪府大阪市中央区2-2" });
        details[1].Categories.ShouldBe(["email", "phone"]);

        // Refused (no correct content given): the message, and the correction and service come back as typed.
        var refused = await s.PostAsync("/console/requests/new", "/console/requests/new",
            [F("kind", "correction"), F("service", "isp"), F("correctionItem", "address"), F("correctionValue", " "), .. letter]);
        var html = await refused.Content.ReadAsStringAsync(Ct);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, html);
        html.ShouldContain("訂正する項目と正しい内容をご記入ください。 (MAMORI-5022)");
        html.ShouldContain("""<option value="isp" selected>""");
        html.ShouldContain("""<option value="address" selected>""");
        var anonymisation = await s.PostAsync("/console/requests/new", "/console/requests/new", [F("kind", "anonymization"), F("categories", "email"), F("details", "x"), F("channel", "CertifiedMail")]);
        (await anonymisation.Content.ReadAsStringAsync(Ct)).ShouldContain("""<input type="checkbox" name="categories" value="email" checked>""");
        (await RequestsAsync(app, tenant)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task StaffEntry_AnswerReloaded_SameRequestShownAgainNoSecondOne()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var s = await SessionAsync(app, tenant, Roles.Operator);
        await RequesterHeldAsync(app, tenant);
        List<KeyValuePair<string, string>> Letter(List<KeyValuePair<string, string>> hidden, string name = "試験 花子") =>
            [.. hidden, F("kind", "disclosure"), F("channel", "CertifiedMail"), F("name", name), F("email", "hanako@example.jp"), F("address", "東京都千代田区1-2-3")];

        var hidden = await s.HiddenFieldsAsync("/console/requests/new");
        var first = await CreatedAsync(await s.SendAsync("/console/requests/new", Letter(hidden)));
        var notices = await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == Mamori.Audit.AuditCode.NotificationWritten, Ct));
        // The browser's reload posts the same form again: the same request, its status link shown again, nothing opened or sent.
        var reload = await CreatedAsync(await s.SendAsync("/console/requests/new", Letter(hidden)));
        Reference().Match(reload).Value.ShouldBe(Reference().Match(first).Value);
        StatusLink().Match(reload).Value.ShouldBe(StatusLink().Match(first).Value);
        reload.ShouldContain("この請求は登録済みです。");
        first.ShouldNotContain("この請求は登録済みです。");
        (await RequestsAsync(app, tenant)).Count.ShouldBe(1);
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == Mamori.Audit.AuditCode.NotificationWritten, Ct))).ShouldBe(notices);
        hidden.Select(f => f.Key).ShouldBe(["__af", "submission"], ignoreOrder: true);

        // The same form sent with other content (back, changed, sent): refused, nothing opened, and the form comes back with a new id.
        var changed = await s.SendAsync("/console/requests/new", Letter(hidden, "試験 一郎"));
        var html = await changed.Content.ReadAsStringAsync(Ct);
        changed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, html);
        html.ShouldContain("(MAMORI-1391)");
        html.ShouldContain("""value="試験 一郎">""");
        Submission().Match(html).Groups[1].Value.ShouldNotBe(hidden.Single(f => f.Key == "submission").Value);
        (await RequestsAsync(app, tenant)).Count.ShouldBe(1);

        // A new form is a new request.
        await CreatedAsync(await s.SendAsync("/console/requests/new", Letter(await s.HiddenFieldsAsync("/console/requests/new"))));
        (await RequestsAsync(app, tenant)).Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("/requests")]
    [InlineData("/en/requests")]
    public async Task PublicForm_AnswerReloaded_OneRequestOneReceiptSameLink(string path)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var person = Anonymous(app);
        var hidden = await person.HiddenFieldsAsync(path);
        List<KeyValuePair<string, string>> complaint = [.. hidden, F("kind", "complaint"), F("email", "taro@example.jp"), F("details", "請求書の金額が違います。")];

        var first = await CreatedAsync(await person.SendAsync(path, complaint));
        var reload = await CreatedAsync(await person.SendAsync(path, complaint));
        StatusLink().Match(first).Success.ShouldBeTrue(first);
        StatusLink().Match(reload).Value.ShouldBe(StatusLink().Match(first).Value);
        Reference().Match(reload).Value.ShouldBe(Reference().Match(first).Value);
        (await RequestsAsync(app, tenant)).Count.ShouldBe(1);
        (await OutboxAsync(app, tenant)).Count.ShouldBe(1);
        hidden.Select(f => f.Key).ShouldBe(["__af", "submission"], ignoreOrder: true);
    }

    [Theory]
    [InlineData("/requests")]
    [InlineData("/en/requests")]
    public async Task PublicForm_Answer_PrivateLinkHeaders(string path)
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        var response = await Anonymous(app).PostAsync(path, path, [F("kind", "complaint"), F("email", "taro@example.jp"), F("details", "連絡がありません。")]);
        var html = await CreatedAsync(response);
        StatusLink().Match(html).Success.ShouldBeTrue(html);
        // The page carries the private status link, as the status page does: not cached, not sent as a referrer, not indexed.
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        response.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        response.Headers.GetValues("X-Robots-Tag").ShouldBe(["noindex"]);
    }

    [Fact]
    public async Task FullWidthEmail_StoredAndMailedInItsNfkcForm_OnEveryChannel()
    {
        var (app, tenant, _) = await StartAsync(cluster);
        await using var __ = app;
        const string fullWidth = "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ";

        // The public form.
        await CreatedAsync(await Anonymous(app).PostAsync("/requests", "/requests", [F("kind", "complaint"), F("email", fullWidth), F("details", "連絡がありません。")]));
        var mail = (await OutboxAsync(app, tenant)).ShouldHaveSingleItem();
        mail.ShouldContain("To: taro@example.jp");
        mail.ShouldNotContain("ｔａｒｏ");
        // The console.
        var s = await SessionAsync(app, tenant, Roles.Operator);
        await CreatedAsync(await s.PostAsync("/console/requests/new", "/console/requests/new",
            [F("kind", "complaint"), F("channel", "CertifiedMail"), F("email", fullWidth), F("phone", "０９０－１２３４－５６７８"), F("details", "x")]));
        // The API.
        var api = app.Client(apiKey: (await app.ApiKeyAsync(tenant, Roles.Operator)).Secret);
        var posted = await api.PostAsJsonAsync("/api/requests", new { kind = "complaint", channel = "email", email = " " + fullWidth, details = "x" }, Ct);
        posted.StatusCode.ShouldBe(HttpStatusCode.Created, await posted.Content.ReadAsStringAsync(Ct));

        var details = await DetailsAsync(app, tenant);
        details.Select(d => d.Email).ShouldBe(["taro@example.jp", "taro@example.jp", "taro@example.jp"]);
        details[1].Phone.ShouldBe("090-1234-5678");
        // The console's request page shows the address as stored.
        var id = (await RequestsAsync(app, tenant))[1].Id;
        var page = await s.GetStringAsync($"/console/requests/{id}");
        page.ShouldContain("<dd>taro@example.jp</dd>");
    }
}
