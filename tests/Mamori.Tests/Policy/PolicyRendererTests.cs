using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FsCheck.Xunit;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Shouldly;

namespace Mamori.Tests.Policy;

public sealed partial class PolicyRendererTests
{
    internal static PolicyModel Demo()
    {
        var result = PolicyLoader.LoadDirectory(DemoDir());
        result.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        return result.Policy.ShouldNotBeNull();
    }

    internal static string DemoDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Mamori.slnx"))) dir = dir.Parent;
        return Path.Combine(dir.ShouldNotBeNull().FullName, "policy", "examples");
    }

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\\([\\`*_\[\]<>|#])")]
    private static partial Regex MarkdownEscape();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();

    /// <summary>The visible text of a rendered notice, whitespace collapsed, escapes undone.</summary>
    private static string VisibleText(string rendered, NoticeFormat format)
    {
        var text = format == NoticeFormat.Html
            ? WebUtility.HtmlDecode(Tag().Replace(rendered, " "))
            : MarkdownEscape().Replace(rendered, "$1");
        return Space().Replace(text, " ");
    }

    /// <summary>
    /// Every item Art.21 and Art.32 / Order 10 require (appi.md L-04, L-18), plus the seed structure
    /// (services, shared use, foreign provision, opt-out, external transmission), as model values.
    /// </summary>
    internal static IEnumerable<(string Item, string Text)> RequiredItems(PolicyModel p, NoticeLanguage lang)
    {
        string X(LocalizedText? t) => t.ShouldNotBeNull().Get(lang);
        var ja = lang == NoticeLanguage.Ja;
        yield return ("Art.32(1)(i) name", X(p.Company.LegalName));
        yield return ("Art.32(1)(i) address", X(p.Company.Address));
        yield return ("Art.32(1)(i) representative", X(p.Company.Representative));
        foreach (var pu in p.Purposes.Concat(p.Services.SelectMany(s => s.Purposes)))
        {
            yield return ($"Art.21/32(1)(ii) purpose {pu.Id}", X(pu.Name));
            yield return ($"S-50 retention {pu.Id}", pu.Retention.ShouldNotBeNull().Period.ToDisplay(lang));
        }
        var rp = p.RequestProcedures.ShouldNotBeNull();
        string[] types = ja ? ["利用目的の通知", "開示", "訂正", "利用の停止", "第三者への提供の停止"]
                            : ["notification of the purpose of use", "disclosure", "correction", "suspension of use", "stopping provision"];
        foreach (var t in types) yield return ($"Art.32(1)(iii) request type {t}", t);
        foreach (var d in rp.IdentityDocuments.Concat(rp.ProxyDocuments)) yield return ("Art.32(1)(iii) identity document", X(d.Name));
        foreach (var f in p.Services.Select(s => s.RequestProcedures).OfType<RequestProcedures>().Prepend(rp).SelectMany(r => r.Fees))
            yield return ($"Art.32(1)(iii) fee {f.Type}", f.AmountYen.ToString("#,0", CultureInfo.InvariantCulture));
        if (rp.Fees.Count > 0) yield return ("Art.32(1)(iii) payment", X(rp.PaymentMethod));
        yield return ("Art.32(1)(iii) answer", X(rp.AnswerMethod));
        var sm = p.SecurityMeasures.ShouldNotBeNull();
        foreach (var m in sm.Organizational.Concat(sm.Human).Concat(sm.Physical).Concat(sm.Technical).Concat(sm.ForeignEnvironment))
            yield return ("Art.32(1)(iv) security measure", X(m));
        var c = p.Contact.ShouldNotBeNull();
        yield return ("Order 10(2) contact", X(c.Name));
        if (c.Phone is not null) yield return ("Order 10(2) phone", c.Phone);
        if (c.Email is not null) yield return ("Order 10(2) email", c.Email);
        if (c.Hours is not null) yield return ("Order 10(2) hours", X(c.Hours));
        yield return ("Order 10(3) accredited body", p.Company.AccreditedBody is { } ab ? X(ab.Name) : (ja ? "認定個人情報保護団体" : "accredited personal information protection organisation"));
        yield return ("S-06 Japanese prevails", ja ? "日本語版が優先" : "Japanese version prevails");
        foreach (var s in p.Services) yield return ($"S-03 service {s.Id}", X(s.Name));
        foreach (var scope in p.Services.Select(s => (IPolicyScope)s).Prepend(p))
        {
            foreach (var su in scope.Recipients.SharedUse)
            {
                yield return ("L-12 shared scope", X(su.Scope));
                yield return ("L-12 shared purposes", X(su.Purposes));
                yield return ("L-12 responsible name", X(su.ResponsibleParty?.Name));
                yield return ("L-12 responsible address", X(su.ResponsibleParty?.Address));
                yield return ("L-12 responsible representative", X(su.ResponsibleParty?.Representative));
            }
            foreach (var f in scope.Recipients.Foreign)
            {
                yield return ("L-14 country", X(f.Country?.Name));
                yield return ("L-14 country system", X(f.CountrySystem));
                yield return ("L-14 recipient measures", X(f.RecipientMeasures));
            }
            if (scope.OptOut is { } o)
            {
                yield return ("L-13 recipients", X(o.Recipients));
                yield return ("L-13 stop on request", X(o.StopOnRequest));
                yield return ("L-13 request method", X(o.RequestMethod));
                yield return ("L-13 update method", X(o.UpdateMethod));
            }
            foreach (var t in scope.ExternalTags)
            {
                yield return ("L-27 recipient", X(t.Recipient));
                yield return ("L-27 information sent", X(t.InformationSent));
                yield return ("L-27 purpose", X(t.Purpose));
            }
        }
        if (p.MyNumber is not null) yield return ("S-04 My Number basic policy", X(p.MyNumber.Statement));
    }

    private static void ShouldContainEveryRequiredItem(PolicyModel policy, NoticeLanguage lang, NoticeFormat format)
    {
        var text = VisibleText(PolicyRenderer.Render(policy, lang, format), format);
        var missing = RequiredItems(policy, lang).Where(i => !text.Contains(Space().Replace(i.Text, " "), StringComparison.Ordinal)).ToList();
        missing.ShouldBeEmpty($"{lang}/{format} lacks: {string.Join("; ", missing.Select(m => $"{m.Item} = {m.Text}"))}");
    }

    [Theory]
    [InlineData(NoticeLanguage.Ja, NoticeFormat.Html)]
    [InlineData(NoticeLanguage.Ja, NoticeFormat.Markdown)]
    [InlineData(NoticeLanguage.En, NoticeFormat.Html)]
    [InlineData(NoticeLanguage.En, NoticeFormat.Markdown)]
    public void Render_DemoPolicy_ContainsEveryRequiredItem(NoticeLanguage lang, NoticeFormat format) =>
        ShouldContainEveryRequiredItem(Demo(), lang, format);

    [Property(MaxTest = 60)]
    public void Render_GeneratedValidPolicy_ContainsEveryRequiredItem(int seed)
    {
        var policy = PolicyGenerator.Generate(seed);
        PolicyValidator.Validate(policy).Where(d => d.IsError).ShouldBeEmpty();
        foreach (var lang in new[] { NoticeLanguage.Ja, NoticeLanguage.En })
            foreach (var format in new[] { NoticeFormat.Html, NoticeFormat.Markdown })
                ShouldContainEveryRequiredItem(policy, lang, format);
    }

    [Theory]
    [InlineData(NoticeLanguage.Ja, "ja")]
    [InlineData(NoticeLanguage.En, "en")]
    public void Render_Html_IsStandaloneAccessibleAndScriptFree(NoticeLanguage lang, string code)
    {
        var html = PolicyRenderer.Render(Demo(), lang, NoticeFormat.Html);

        html.ShouldStartWith("<!DOCTYPE html>");
        html.ShouldContain($"<html lang=\"{code}\">");
        html.ShouldContain("<main id=\"main\">");
        html.ShouldContain("<caption>");
        html.ShouldContain("<th scope=\"col\">");
        html.ShouldContain("@media print");
        html.ShouldNotContain("<script", Case.Insensitive);
        Regex.IsMatch(html, @"<[^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase).ShouldBeFalse(); // no inline event handlers
        Regex.Matches(html, "(?:src|href)=\"(?!#|mailto:)([^\"]*)\"").Select(m => m.Groups[1].Value)
            .ShouldAllBe(u => u.StartsWith("https://", StringComparison.Ordinal) && !html.Contains($"src=\"{u}\"", StringComparison.Ordinal));
        html.ShouldNotContain("<link", Case.Insensitive);
        var ids = Regex.Matches(html, " id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        ids.Count.ShouldBe(ids.Distinct().Count());
    }

    [Fact]
    public void Render_HtmlFragment_IsOneArticle()
    {
        var html = PolicyRenderer.Render(Demo(), NoticeLanguage.Ja, NoticeFormat.Html, htmlFragment: true);

        html.ShouldStartWith("<article class=\"mamori-notice\" lang=\"ja\">");
        html.TrimEnd().ShouldEndWith("</article>");
        html.ShouldNotContain("<style>");
    }

    [Fact]
    public void Render_TextWithMarkup_IsEscaped()
    {
        var policy = Demo() with { Company = Demo().Company with { LegalName = new LocalizedText("<script>alert(1)</script>&株式会社", "A|B *C*") } };

        var html = PolicyRenderer.Render(policy, NoticeLanguage.Ja, NoticeFormat.Html);
        var md = PolicyRenderer.Render(policy, NoticeLanguage.En, NoticeFormat.Markdown);

        html.ShouldNotContain("<script>");
        html.ShouldContain("&lt;script&gt;alert(1)&lt;/script&gt;&amp;株式会社");
        md.ShouldContain(@"A\|B \*C\*");
    }

    [Theory]
    [InlineData("sms-verify", NoticeLanguage.Ja, "オプトアウトによる第三者提供")]
    [InlineData("sms-verify", NoticeLanguage.En, "Provision to third parties by opt-out")]
    [InlineData("isp", NoticeLanguage.Ja, "通話録音")]
    [InlineData("domain-registry", NoticeLanguage.En, "WHOIS")]
    public void RenderService_DemoService_ContainsServiceSpecificItems(string serviceId, NoticeLanguage lang, string expected)
    {
        var policy = Demo();

        var md = VisibleText(PolicyRenderer.RenderService(policy, serviceId, lang, NoticeFormat.Markdown), NoticeFormat.Markdown);

        md.ShouldContain(expected);
        md.ShouldContain(policy.FindService(serviceId)!.Name.Get(lang));
        md.ShouldContain(lang == NoticeLanguage.Ja ? "日本語版が優先" : "Japanese version prevails");
        md.ShouldContain(policy.Resolve(serviceId).Contact!.Name!.Get(lang));
    }

    // Regression (UX review 4, L2 and L4): `responseTime` was a bare 「遅滞なく」 under 回答の方法, and an opt-out start date long past
    // was still 「提供を開始する予定日」 (Rules Art.11(3)(vii) asks for the planned day only before the start).
    [Fact]
    public void Render_ResponseTimeAndOptOutStart_LabelledAndWordedByToday()
    {
        var demo = Demo();
        var start = demo.Services.Select(x => x.OptOut?.StartDate).OfType<DateOnly>().First();
        var before = PolicyRenderer.Render(demo, NoticeLanguage.Ja, NoticeFormat.Html, today: start.AddDays(-1));
        before.ShouldContain("提供を開始する予定日");
        before.ShouldNotContain("提供の開始日");
        var after = PolicyRenderer.Render(demo, NoticeLanguage.Ja, NoticeFormat.Html, today: start);
        after.ShouldContain("提供の開始日");
        after.ShouldNotContain("提供を開始する予定日");
        after.ShouldContain("回答の時期：" + demo.RequestProcedures!.ResponseTime!.Ja);
        var en = PolicyRenderer.Render(demo, NoticeLanguage.En, NoticeFormat.Html, today: start);
        en.ShouldContain("Provision started on");
        en.ShouldContain("When we answer: " + demo.RequestProcedures!.ResponseTime!.En);
    }

    // Regression (UX review 4, M3): the notice demanded an ID copy while a code to the registered e-mail verified online requests.
    [Fact]
    public void Render_EmailCode_StatedWhenOfferedOnline()
    {
        var demo = Demo();
        var online = demo with { RequestProcedures = demo.RequestProcedures! with { Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm] } };
        PolicyRenderer.Render(online, NoticeLanguage.Ja, NoticeFormat.Html).ShouldContain(NoticePhrases.EmailCodeAlternative(online.RequestProcedures, NoticeLanguage.Ja));
        PolicyRenderer.Render(online, NoticeLanguage.En, NoticeFormat.Html).ShouldContain(NoticePhrases.EmailCodeAlternative(online.RequestProcedures, NoticeLanguage.En));
        var documentsOnly = online with { RequestProcedures = online.RequestProcedures! with { VerifyByEmailCode = false } };
        PolicyRenderer.Render(documentsOnly, NoticeLanguage.Ja, NoticeFormat.Html).ShouldNotContain(CodeSentence);
        // The demo takes letters only: no code is possible, and none is promised.
        PolicyRenderer.Render(demo, NoticeLanguage.Ja, NoticeFormat.Html).ShouldNotContain(CodeSentence);
    }

    private const string CodeSentence = "確認コードでご本人確認を行うこともできます";

    // Regression (walkthrough 7, findings 10 and 11): with the web form accepted and e-mail refused, the sentence promised a code
    // for 「ウェブフォームまたは電子メール」 requests under a list that said 受け付けない方法: 電子メール and called the form 「Webフォーム」.
    [Fact]
    public void EmailCodeAlternative_OnlineChannelsAccepted_NamesOnlyThose()
    {
        var demo = Demo();
        var web = demo.RequestProcedures! with { Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm] };
        NoticePhrases.EmailCodeAlternative(web, NoticeLanguage.Ja).ShouldStartWith("Webフォームでご本人がご請求の場合は、");
        NoticePhrases.EmailCodeAlternative(web, NoticeLanguage.En).ShouldStartWith("If you make a request yourself by the web form, ");
        NoticePhrases.EmailCodeAlternative(web with { Channels = [RequestChannel.Email] }, NoticeLanguage.Ja).ShouldStartWith("電子メールでご本人が");
        NoticePhrases.EmailCodeAlternative(web with { Channels = [] }, NoticeLanguage.Ja).ShouldStartWith("Webフォーム又は電子メールでご本人が");
        PolicyRenderer.Render(demo with { RequestProcedures = web }, NoticeLanguage.Ja, NoticeFormat.Html).ShouldNotContain("ウェブフォーム");
    }

    // Regression (walkthrough): the sentence said the code goes to 「当社にご登録のメールアドレス」, but it goes to the address
    // written in the request and confirms only the data held under that address; the English says the same.
    [Fact]
    public void EmailCodeAlternative_Wording_CodeToTheAddressInTheRequestForItsDataOnly()
    {
        var web = Demo().RequestProcedures! with { Channels = [RequestChannel.WebForm] };
        var ja = NoticePhrases.EmailCodeAlternative(web, NoticeLanguage.Ja);
        ja.ShouldBe("Webフォームでご本人がご請求の場合は、書類に代えて、ご請求に記載のメールアドレスにお送りする確認コードでご本人確認を行うこともできます。確認できるのは、そのメールアドレスでご登録の情報です。");
        ja.ShouldNotContain("当社にご登録のメールアドレス");
        NoticePhrases.EmailCodeAlternative(web, NoticeLanguage.En).ShouldBe(
            "If you make a request yourself by the web form, you may verify your identity with a code we send to the e-mail address given in the request instead of with documents. The code confirms the data registered under that address only.");
    }

    // Regression (UX review 4, L7): a new amendment read 「date：2026-12-20、概要：…」 on the Japanese history page.
    [Fact]
    public void Describe_AmendmentAdded_DateKeyInPageLanguage()
    {
        var before = Demo();
        var after = before with { Amendments = [.. before.Amendments, new Amendment(new DateOnly(2026, 12, 20), new LocalizedText("利用目的を追加", "Added a purpose"))] };
        var ja = PolicyChangeText.Describe(before, after, NoticeLanguage.Ja).Single(c => c.Kind == PolicyChangeKind.Added);
        ja.After.ShouldBe("日付：2026-12-20、概要：利用目的を追加");
        PolicyChangeText.Describe(before, after, NoticeLanguage.En).Single(c => c.Kind == PolicyChangeKind.Added).After.ShouldBe("Date: 2026-12-20; Summary: Added a purpose");
    }

    [Fact]
    public void RenderService_UnknownService_Throws() =>
        Should.Throw<ArgumentException>(() => PolicyRenderer.RenderService(Demo(), "nope", NoticeLanguage.Ja, NoticeFormat.Html));
}
