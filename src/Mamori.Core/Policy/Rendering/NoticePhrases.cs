using System.Globalization;

namespace Mamori.Policy.Rendering;

/// <summary>
/// The notice's wording for periods, retention and dates, shared with every other document that states the same
/// facts to the person (request pages, answers, the console), so a rule reads the same wherever it appears:
/// 「契約終了日から7年」, 「発行から1か月以内のもの」, 「2033年12月7日」.
/// </summary>
public static class NoticePhrases
{
    private static string T(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.Ja ? ja : en;

    /// <summary>A retention rule: 「契約終了日から7年（法人税法（帳簿書類の保存）により7年は保存します）」 / "7 years from the end of the contract (kept at least 7 years under the …)".</summary>
    public static string Retention(Retention r, NoticeLanguage lang)
    {
        var text = r.Period.ToDisplay(lang);
        if (r.From is not null) text = T(lang, $"{r.From.Get(lang)}から{text}", $"{text} from {r.From.Get(lang)}");
        if (r.LegalHold is { } h)
            text += T(lang, $"（{h.Law.Get(lang)}により{h.Period.ToDisplay(lang)}は保存します）", $" (kept at least {h.Period.ToDisplay(lang)} under the {h.Law.Get(lang)})");
        return text;
    }

    /// <summary>The age limit of a document: 「発行から1か月以内のもの」 / "issued within 1 month".</summary>
    public static string IssuedWithin(IsoPeriod maxAge, NoticeLanguage lang) =>
        T(lang, $"発行から{maxAge.ToDisplay(lang)}以内のもの", $"issued within {maxAge.ToDisplay(lang)}");

    /// <summary>
    /// The alternative to documents that <see cref="RequestProcedures.VerifyByEmailCode"/> allows, as the notice and the request page
    /// state it, naming only the online channels the procedure accepts (it promised a code for e-mail requests where e-mail was
    /// not accepted) and calling the web form as the list of channels does (「Webフォーム」).
    /// </summary>
    public static string EmailCodeAlternative(RequestProcedures? p, NoticeLanguage lang)
    {
        var all = p is null || p.Channels.Count == 0;
        var (web, mail) = (all || p!.Channels.Contains(RequestChannel.WebForm), all || p!.Channels.Contains(RequestChannel.Email));
        var by = (web, mail) switch
        {
            (true, false) => T(lang, "Webフォーム", "the web form"),
            (false, true) => T(lang, "電子メール", "e-mail"),
            _ => T(lang, "Webフォーム又は電子メール", "the web form or e-mail"),
        };
        // The code goes to the address written in the request and links only the data held under it (DataSubjectRequests.SendCodeAsync):
        // 「当社にご登録のメールアドレス」 promised a code to an address the person may not have given, and more data than it verifies.
        return T(lang, $"{by}でご本人がご請求の場合は、書類に代えて、ご請求に記載のメールアドレスにお送りする確認コードでご本人確認を行うこともできます。確認できるのは、そのメールアドレスでご登録の情報です。",
            $"If you make a request yourself by {by}, you may verify your identity with a code we send to the e-mail address given in the request instead of with documents. The code confirms the data registered under that address only.");
    }

    /// <summary>What introduces alternative documents: 「上記に加え、次のいずれか1点：」 after documents all needed, else 「次のいずれか1点：」.</summary>
    public static string OneOfLead(bool afterAll, NoticeLanguage lang) => afterAll
        ? T(lang, "上記に加え、次のいずれか1点：", "and one of the following:")
        : T(lang, "次のいずれか1点：", "One of the following:");

    /// <summary>A calendar day: 「2033年12月7日」 / "7 December 2033".</summary>
    public static string Date(DateOnly d, NoticeLanguage lang) => lang == NoticeLanguage.Ja
        ? d.ToString("yyyy年M月d日", CultureInfo.InvariantCulture)
        : d.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
