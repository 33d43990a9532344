using Mamori.Errors;
using Mamori.Policy;
using Mamori.Requests;

namespace Mamori.Web;

/// <summary>
/// What a form says when the domain refuses its input: the message in the page's language followed by the stable code
/// (「メールアドレスの形式が正しくありません。(MAMORI-5022)」). The API keeps the exception's English message; pages say it as
/// the login, user and opt-out pages do, by code, with <see cref="MamoriException.Reason"/> choosing the sentence where one
/// code covers several rules. Every code request intake can produce has an entry; any other code falls back to a generic
/// Japanese sentence (and the exception's English message, which names fields and ids only, on English pages).
/// </summary>
public static class FormErrors
{
    /// <summary>The message and code for a page in <paramref name="lang"/>.</summary>
    public static string Text(MamoriException e, NoticeLanguage lang)
    {
        var (ja, en) = Explain(e);
        return $"{(lang == NoticeLanguage.En ? en : ja)} ({ErrorCodes.Format(e.Code)})";
    }

    /// <summary>The message and code in the staff console's language.</summary>
    public static string Text(HttpContext http, MamoriException e) =>
        Text(e, Pages.Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja);

    /// <summary>The error block of a form (role=alert), or nothing.</summary>
    public static Html Block(MamoriException? e, NoticeLanguage lang) =>
        e is null ? default : H.F($"""<p class="error" role="alert">{Text(e, lang)}</p>""");

    public static (string Ja, string En) Explain(MamoriException e) => e.Code switch
    {
        ErrorCode.RequestUnknownKind => ("ご請求の種類を選んでください。", "Choose the kind of request."),
        ErrorCode.RequestKindNotOffered when Kind(e) is { } k =>
            ($"{RequestKinds.Name(k).Ja}のご請求は、現在の手続ではお受けしていません。", $"We do not take requests for {Lower(RequestKinds.Name(k).En)} under the current procedure."),
        ErrorCode.RequestKindNotOffered => ("この種類のご請求は、現在の手続ではお受けしていません。", "We do not take this kind of request under the current procedure."),
        ErrorCode.RequestChannelNotAccepted => Channels(e),
        ErrorCode.RequestContactMissing => e.Reason switch
        {
            "name" => ("ご請求の対象となるご本人のお名前をご記入ください。", "Give the name of the person the request is about."),
            "agent-name" => ("代理人・法定代理人の方は、ご自身のお名前をご記入ください。", "As an agent or statutory representative, give your own name."),
            _ => ("回答をお送りするため、メールアドレスまたはご住所をご記入ください。", "Give an email address or a postal address so that we can answer."),
        },
        ErrorCode.RequestInvalidInput => e.Reason switch
        {
            "email" => ("メールアドレスの形式が正しくありません。", "The email address is not valid."),
            "phone" => ("電話番号の形式が正しくありません。", "The phone number is not valid."),
            "too-long" when e.ReasonArgs is [var field, var max] =>
                ($"{Field(field).Ja}は{max}文字以内でご記入ください。", $"{Field(field).En} may be at most {max} characters."),
            "corrections" => ("訂正する項目と正しい内容をご記入ください。", "Name the item to correct and give its correct content."),
            "categories" => ("加工する項目を1つ以上選んでください。", "Choose at least one item to process."),
            "details" => ("苦情・お問合せの内容をご記入ください。", "Describe your complaint or inquiry."),
            "channel" => ("受付方法を選んでください。", "Choose the channel."),
            "language" => ("回答の言語は日本語または英語から選んでください。", "Choose Japanese or English for the answer."),
            "processing" => ("加工の方法はマスクまたは一般化から選んでください。", "Choose masking or generalisation."),
            _ => ("入力内容に誤りがあります。ご確認ください。", "A field is not valid; please check your input."),
        },
        ErrorCode.UnknownService => ("選択されたサービスは、当社のプライバシーポリシーにありません。", "The service chosen is not in our privacy policy."),
        ErrorCode.PolicyNotPublished => ("プライバシーポリシーがまだ公開されていないため、お受けできません。", "No privacy policy is published yet, so we cannot take this."),
        _ => ("入力内容を確認してください。", e.Message),
    };

    private static RequestKind? Kind(MamoriException e) => e.ReasonArgs is [var id] ? RequestKinds.Parse(id) : null;

    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];

    private static (string Ja, string En) Channels(MamoriException e)
    {
        var names = e.ReasonArgs.Select(a => Enum.TryParse<RequestChannel>(a, out var c) ? RequestKinds.ChannelName(c) : (Ja: a, En: a)).ToList();
        if (names.Count == 0) return ("この方法でのご請求はお受けしていません。", "We do not take requests by this channel.");
        var (by, accepted) = (names[0], names.Skip(1).ToList());
        return accepted.Count == 0
            ? ($"{by.Ja}でのご請求はお受けしていません。", $"We do not take requests by {Lower(by.En)}.")
            : ($"{by.Ja}でのご請求はお受けしていません。受付方法：{string.Join("、", accepted.Select(a => a.Ja))}",
                $"We do not take requests by {Lower(by.En)}; accepted: {string.Join(", ", accepted.Select(a => Lower(a.En)))}.");
    }

    /// <summary>A request form's field by its label.</summary>
    private static (string Ja, string En) Field(string field) => field switch
    {
        "email" => ("メールアドレス", "The email address"),
        "phone" => ("電話番号", "The phone number"),
        "address" => ("ご住所", "The postal address"),
        "name" => ("お名前", "The name"),
        "agentName" => ("代理人のお名前", "The agent's name"),
        "details" => ("ご請求の内容", "The description"),
        "corrections" => ("訂正の内容", "The correction"),
        "categories" => ("加工する項目", "An item to process"),
        _ => (field, field),
    };
}
