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
        // The person's status page: codes, uploads, withdrawal.
        ErrorCode.RequestCodeInvalid => ("確認コードが正しくないか、まだお送りしていません。メールでお送りした6桁のコードをご入力ください。", "The code is not correct, or none was sent yet; enter the 6-digit code from our e-mail."),
        ErrorCode.RequestCodeExpired => ("確認コードの有効期限が切れました。新しいコードをお受け取りください。", "The code has expired; ask for a new one."),
        ErrorCode.RequestCodeAttempts => ("確認コードの入力誤りが上限に達しました。新しいコードをお受け取りください。", "Too many wrong codes; ask for a new one."),
        ErrorCode.RequestNoVaultContact => ("確認コードをお送りできるメールアドレスがありません。書類で本人確認をお願いします。", "We hold no e-mail address to send a code to; please verify with documents."),
        ErrorCode.RequestUploadTooLarge => ("ファイルが大きすぎます。サイズを小さくしてお送りください。", e.Message),
        ErrorCode.RequestUploadType => ("お送りいただけるのは画像（JPEG、PNG、GIF、WebP、TIFF、HEIC）と PDF のファイルだけです。", "Only images (JPEG, PNG, GIF, WebP, TIFF, HEIC) and PDF files are accepted."),
        ErrorCode.RequestUnknownDocument => ("その書類は、このご請求に必要な書類にありません。一覧からお選びください。", "That document is not one this request needs; choose one from the list."),
        ErrorCode.RequestDocumentTooOld => ("この書類は発行からの期間が長すぎるか、発行日が入力されていません。有効期間内に発行された書類を、発行日とともにお送りください。",
            "The document is too old, or its issue date is missing: send one issued within the period, with its issue date."),
        ErrorCode.RequestInvalidTransition => ("このご請求では、現在その操作はできません。", "This cannot be done for the request at this stage."),
        ErrorCode.RequestClosed => ("このご請求はすでに終了しています。", "This request is already closed."),
        ErrorCode.MissingField when e.Reason == "withdraw-confirm" => ("取り下げる場合は、確認の欄にチェックを入れてください。", "To withdraw, tick the box to confirm."),
        ErrorCode.IncidentInvalidFacts => e.Reason switch
        {
            "title" => ("件名を200文字以内で入力してください。", "Give a title of at most 200 characters."),
            "kind" => ("事態と原因を選んでください。", "Choose what happened and the cause."),
            "persons-negative" => ("本人の数は0以上の整数で入力してください。", "The number of persons must not be negative."),
            "upper-bound" => ("本人の数の上限は、確認済みの本人の数以上にしてください。", "The upper bound must not be below the persons established."),
            "number" when e.ReasonArgs is [var field] => ($"{IncidentField(field).Ja}は整数で入力してください。", $"{IncidentField(field).En} is a whole number."),
            "categories" => ("データ項目は、ポリシーのデータ項目から100件まで選んでください。", "Choose up to 100 data categories from the policy."),
            "too-long" when e.ReasonArgs is [var field, var max] =>
                ($"{IncidentField(field).Ja}は{max}文字以内で入力してください。", $"{IncidentField(field).En} may be at most {max} characters."),
            _ => ("入力内容を確認してください。", e.Message),
        },
        ErrorCode.IncidentInvalidDate => e.Reason switch
        {
            "future" => ("認識した日時に未来の日時は指定できません。", "The time of awareness must not be in the future."),
            "before-2000" => ("認識した日時は2000年以降で入力してください。", "The time of awareness must be in 2000 or later."),
            _ => ("認識した日時を日本時間で入力してください（例: 2026-04-01T09:00）。", "Give the time of awareness in Japan time, e.g. 2026-04-01T09:00."),
        },
        ErrorCode.IncidentUnknownCause => ("原因を選んでください。", "Choose the cause."),
        ErrorCode.IncidentClosed => ("終了したインシデントです。事実を変更するには再開してください。", "The incident is closed; reopen it before changing its facts."),
        _ => ("入力内容を確認してください。", e.Message),
    };

    /// <summary>A field of the incident facts form by its label.</summary>
    private static (string Ja, string En) IncidentField(string field) => field switch
    {
        "personsKnown" => ("確認済みの本人の数", "Persons established"),
        "personsUpperBound" => ("本人の数の上限", "The upper bound"),
        "summary" => ("(1) 概要", "(1) Summary"),
        "causeDetails" => ("(4) 原因の詳細", "(4) Cause in detail"),
        "secondaryDamage" => ("(5) 二次被害又はそのおそれ", "(5) Secondary damage or its risk"),
        "personsResponse" => ("(6) 本人への対応", "(6) Response to the persons"),
        "publication" => ("(7) 公表の実施状況", "(7) Publication"),
        "prevention" => ("(8) 再発防止策", "(8) Prevention of recurrence"),
        "measures" => ("講じた措置", "Measures taken"),
        "otherNotes" => ("(9) その他", "(9) Other"),
        "contactPoint" => ("お問い合わせ窓口", "The inquiry desk"),
        _ => (field, field),
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
