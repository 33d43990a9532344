using System.Globalization;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Policy.Rendering;
using Mamori.Requests;

namespace Mamori.Web;

/// <summary>
/// What a form says when the domain refuses its input: the message in the page's language followed by the stable code
/// (「メールアドレスの形式が正しくありません。(MAMORI-5022)」). The API keeps the exception's English message; pages say it by
/// code, with <see cref="MamoriException.Reason"/> choosing the sentence where one code covers several rules and
/// <see cref="MamoriException.ReasonArgs"/> completing it (a field, a limit, a period). Every code a public form or a console
/// form can produce has an entry (this file: the person's request and status pages; FormErrors.Console.cs: the staff console);
/// any other code falls back to a generic Japanese sentence (and the exception's English message, which names fields and ids
/// only, on English pages).
/// </summary>
public static partial class FormErrors
{
    /// <summary>The message and code for a page in <paramref name="lang"/>.</summary>
    public static string Text(MamoriException e, NoticeLanguage lang)
    {
        var (ja, en) = Explain(e);
        return $"{(lang == NoticeLanguage.En ? en : ja)} ({ErrorCodes.Format(e.Code)})";
    }

    /// <summary>The message and code in the staff console's language.</summary>
    public static string Text(HttpContext http, MamoriException e) => Text(e, Lang(http));

    /// <summary>The id of a public form's error block, which the field in question names in its <c>aria-describedby</c>.</summary>
    public const string BlockId = "form-error";

    /// <summary>The error block of a form (role=alert), or nothing; <paramref name="id"/> lets a field point at it.</summary>
    public static Html Block(MamoriException? e, NoticeLanguage lang, string? id = null) =>
        e is null ? default
        : id is null ? H.F($"""<p class="error" role="alert">{Text(e, lang)}</p>""")
        : H.F($"""<p class="error" role="alert" id="{id}">{Text(e, lang)}</p>""");

    /// <summary>The request form's field (its id) a refusal is about, or null when it is about the request as a whole.</summary>
    public static string? RequestField(MamoriException e) => e.Code switch
    {
        ErrorCode.RequestUnknownKind => "kind",
        ErrorCode.RequestKindNotOffered when e.Reason != "requester-role" => "kind",
        ErrorCode.UnknownService => "service",
        ErrorCode.RequestContactMissing => e.Reason switch { "name" => "name", "agent-name" => "agentName", _ => "email" },
        ErrorCode.RequestInvalidInput => e.Reason switch
        {
            "email" => "email",
            "phone" => "phone",
            "corrections" => "correctionItem",
            "details" => "details",
            "too-long" when e.ReasonArgs is [var f, ..] => f switch
            {
                "email" or "phone" or "address" or "name" or "agentName" or "details" => f,
                "corrections" => "correctionValue",
                _ => null,
            },
            _ => null,
        },
        _ => null,
    };

    /// <summary>The status page's field (its id) a refusal is about: the code, the upload's fields, the withdrawal's box.</summary>
    public static string? StatusField(MamoriException e) => e.Code switch
    {
        ErrorCode.RequestCodeInvalid or ErrorCode.RequestCodeExpired => "code",
        ErrorCode.RequestUnknownDocument => "document",
        ErrorCode.RequestDocumentTooOld => "issuedOn",
        ErrorCode.RequestInvalidInput when e.Reason == "issue-date-future" => "issuedOn",
        ErrorCode.RequestUploadTooLarge or ErrorCode.RequestUploadType => "file",
        ErrorCode.MissingField when e.Reason == "withdraw-confirm" => "withdraw-confirm",
        _ => null,
    };

    /// <summary>The error block of a console form in the console's language, or nothing.</summary>
    public static Html Block(HttpContext http, MamoriException? e) => Block(e, Lang(http));

    public static (string Ja, string En) Explain(MamoriException e) => Known(e) ?? ("入力内容を確認してください。", e.Message);

    /// <summary>The sentence this file has for the refusal, or null where only the generic fallback would say it.</summary>
    public static (string Ja, string En)? Known(MamoriException e) => Requests(e) ?? Staff(e) ?? Fields(e);

    private static NoticeLanguage Lang(HttpContext http) => Pages.Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;

    /// <summary>Request intake and the person's status page (codes, uploads, withdrawal); the staff request page shares them.</summary>
    private static (string Ja, string En)? Requests(MamoriException e) => e.Code switch
    {
        ErrorCode.RequestUnknownKind => ("ご請求の種類を選んでください。", "Choose the kind of request."),
        ErrorCode.RequestKindNotOffered when e.Reason == "requester-role" =>
            ("代理人・法定代理人によるご請求に必要な書類が当社の手続に定められていないため、この方法ではお受けできません。お問合せ窓口にご相談ください。",
                "Our procedure names no documents for a request by an agent or representative, so we cannot take it this way. Please ask our contact desk."),
        ErrorCode.RequestKindNotOffered when Kind(e) is { } k =>
            ($"{RequestKinds.Name(k).Ja}のご請求は、現在の手続ではお受けしていません。", $"We do not take requests for {Lower(RequestKinds.Name(k).En)} under the current procedure."),
        ErrorCode.RequestKindNotOffered => ("この種類のご請求は、現在の手続ではお受けしていません。", "We do not take this kind of request under the current procedure."),
        ErrorCode.RequestChannelNotAccepted => Channels(e),
        ErrorCode.RequestContactMissing => e.Reason switch
        {
            "name" => ("ご請求の対象となるご本人のお名前をご記入ください。", "Give the name of the person the request is about."),
            "agent-name" => ("代理人・法定代理人の方は、ご自身のお名前をご記入ください。", "As an agent or statutory representative, give your own name."),
            _ => ("回答をお送りするため、メールアドレス又はご住所をご記入ください。", "Give an email address or a postal address so that we can answer."),
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
            "language" => ("回答の言語は日本語又は英語から選んでください。", "Choose Japanese or English for the answer."),
            "processing" => ("加工の方法はマスク又は一般化から選んでください。", "Choose masking or generalisation."),
            // The staff request page's actions.
            "issue-date" => ("発行日を年月日で入力してください（例: 2026-04-01）。", "Give the issue date as a date, e.g. 2026-04-01."),
            // Not "too old": a day after today is a typo in the date, and saying the document was too old sent people for a new one.
            "issue-date-future" when e.ReasonArgs is [var issued, ..] && Day(issued) is { } day =>
                ($"発行日（{day.Ja}）が未来の日付になっています。書類に記載された発行日を確認して入力し直してください。",
                    $"The issue date ({day.En}) is in the future; check the date on the document and enter it again."),
            "issue-date-future" => ("発行日が未来の日付になっています。書類に記載された発行日を確認して入力し直してください。",
                "The issue date is in the future; check the date on the document and enter it again."),
            "refusal-note" => ("「ご請求に理由がない」（法36条）としてお断りする場合は、その理由を補足に記入してください（本人への回答に記載されます）。",
                "To refuse a request as unjustified (Art.36), give the reasons in the note: the answer to the person states them."),
            "checked-confirm" => ("書類を確認したら、チェックを入れてから記録してください。", "Tick the box to confirm that you checked the document."),
            "waive-reason" => ("免除の理由を200文字以内で入力してください。", "Give a reason for the waiver (at most 200 characters)."),
            "answer-text" => ("苦情・お問合せには回答文を入力してください。", "A complaint or inquiry is answered with a text."),
            "correction-value" => ("訂正後の内容が、その項目の形式に合っていません。", "The corrected content is not valid for its item."),
            "action" => ("その操作はありません。", "There is no such action."),
            _ => ("入力内容に誤りがあります。ご確認ください。", "A field is not valid; please check your input."),
        },
        ErrorCode.UnknownService => ("選択されたサービスは、当社のプライバシーポリシーにありません。", "The service chosen is not in our privacy policy."),
        ErrorCode.PolicyNotPublished => ("プライバシーポリシーがまだ公開されていないため、お受けできません。", "No privacy policy is published yet, so we cannot take this."),
        ErrorCode.RequestCodeInvalid => ("確認コードが正しくないか、まだお送りしていません。メールでお送りした6桁のコードをご入力ください。", "The code is not correct, or none was sent yet; enter the 6-digit code from our e-mail."),
        ErrorCode.RequestCodeExpired => ("確認コードの有効期限が切れました。新しいコードをお受け取りください。", "The code has expired; ask for a new one."),
        ErrorCode.RequestCodeAttempts => ("確認コードの入力誤りが上限に達したため、確認コードでは本人確認できません。書類で本人確認をお願いします。",
            "Too many wrong codes: this request can no longer be verified by code; please verify with documents."),
        ErrorCode.RequestCodeSendLimit => ("このご請求にお送りできる確認コードの回数を超えました。書類で本人確認をお願いします。", "We have sent as many codes for this request as we can; please verify with documents."),
        ErrorCode.RequestCodeThrottled when e.ReasonArgs is [var minutes] =>
            ($"このメールアドレスには、この1時間に確認コードを続けてお送りしています。{minutes}分ほどおいてからもう一度お試しいただくか、本人確認書類の提出（このページからのアップロード、又は郵送）で確認してください。",
                $"Several codes went to this address in the last hour; try again in about {minutes} minutes, or verify with identity documents (upload them on this page, or send them by post)."),
        ErrorCode.RequestCodeThrottled =>
            ("このメールアドレスには、この1時間に確認コードを続けてお送りしています。しばらくおいてからもう一度お試しいただくか、本人確認書類の提出（このページからのアップロード、又は郵送）で確認してください。",
                "Several codes went to this address in the last hour; try again later, or verify with identity documents (upload them on this page, or send them by post)."),
        ErrorCode.RequestCodeClientLimit =>
            ("このネットワークからは、本日これ以上確認コードをお送りできません。本人確認書類の提出（このページからのアップロード、又は郵送）で確認してください。",
                "We cannot send more codes for requests from this network today; verify with identity documents (upload them on this page, or send them by post)."),
        ErrorCode.RequestCodeTooSoon => e.ReasonArgs is [var wait]
            ? ($"確認コードをお送りしたばかりです。{wait}秒ほどおいてから、もう一度お試しください。", $"A code was sent moments ago; try again in about {wait} seconds.")
            : ("確認コードをお送りしたばかりです。しばらくおいてから、もう一度お試しください。", "A code was sent moments ago; please try again shortly."),
        ErrorCode.RequestNoVaultContact => ("ご請求にメールアドレスの記載がないため、確認コードをお送りできません。書類で本人確認をお願いします。", "The request gives no e-mail address to send a code to; please verify with documents."),
        ErrorCode.RequestUploadTooLarge => ("ファイルが大きすぎます。サイズを小さくしてお送りください。", e.Message),
        ErrorCode.RequestUploadType => ("お送りいただけるのは画像（JPEG、PNG、GIF、WebP、TIFF、HEIC）と PDF のファイルだけです。", "Only images (JPEG, PNG, GIF, WebP, TIFF, HEIC) and PDF files are accepted."),
        ErrorCode.RequestUnknownDocument => ("その書類は、このご請求に必要な書類にありません。一覧からお選びください。", "That document is not one this request needs; choose one from the list."),
        ErrorCode.RequestDocumentTooOld => e.Reason switch
        {
            "issue-date-missing" when e.ReasonArgs is [var age] && Within(age) is { } w =>
                ($"この書類は{w.Ja}に限ります。発行日を入力してください。", $"This document must be {w.En}: give its issue date."),
            "too-old" when e.ReasonArgs is [var age, var received] && Within(age) is { } w && Day(received) is { } day =>
                ($"ご請求の受付日（{day.Ja}）の時点で{w.Ja}に限ります。", $"The document must be {w.En} of the day the request arrived ({day.En})."),
            _ => ("この書類は発行からの期間が長すぎるか、発行日が入力されていません。有効期間内に発行された書類を、発行日とともにお送りください。",
                "The document is too old, or its issue date is missing: send one issued within the period, with its issue date."),
        },
        ErrorCode.RequestInvalidTransition => e.Reason switch
        {
            "already-verified" => ("本人確認はすでに完了しているか、このご請求には不要です。", "Identity is already verified, or this request needs no verification."),
            "no-documents-needed" => ("このご請求には、これ以上の本人確認書類は必要ありません。", "This request needs no more identity documents."),
            "status" when e.ReasonArgs is [var s] && Enum.TryParse<RequestStatus>(s, out var status) && Enum.IsDefined(status) =>
                ($"現在の状況（{RequestKinds.StatusName(status).Ja}）では、この操作はできません。", $"This cannot be done while the request is {Lower(RequestKinds.StatusName(status).En)}."),
            "code-off" => ("当社の手続では、本人確認は書類で行います。確認コードはお送りしていません。", "Our procedure verifies identity with documents; we send no codes."),
            "code-agent" => ("代理人・法定代理人による請求は、確認コードではなく書類で本人確認します。", "A request by an agent or representative is verified with documents, not a code."),
            "code-channel" => ("確認コードはオンラインの請求（ウェブフォーム・メール）にだけ使えます。郵送・窓口の請求は書類で確認してください。",
                "A one-time code verifies online requests only (web form, e-mail); verify letters and visits with documents."),
            "no-fee" when Kind(e) is { } k => ($"{RequestKinds.Name(k).Ja}のご請求には手数料がかからないため、免除するものはありません。",
                $"A request for {Lower(RequestKinds.Name(k).En)} carries no fee, so there is nothing to waive."),
            "no-identity-check" => ("苦情・お問合せには本人確認がないため、書類の確認・提出の依頼や「保有個人データなし」の回答はできません。回答文を入力して回答してください。",
                "A complaint or inquiry checks no identity: it takes no documents and no “no data held” answer; answer it with a text."),
            "not-invoiced" => ("手数料の入金を待っている請求ではないため、入金は記録できません。", "The request is not awaiting its fee, so no payment is recorded."),
            "data-matched" => ("保有個人データが照合されているため、「保有個人データなし」とは回答できません。実行するか、理由を付してお断りしてください。",
                "The request matched data we hold: carry it out or refuse it with a reason."),
            _ => ("このご請求では、現在その操作はできません。", "This cannot be done for the request at this stage."),
        },
        ErrorCode.RequestDocumentsMissing => ("必要な書類がそろっていないため、本人確認を完了できません。本人確認チェックリストで不足している書類を確認してください。",
            "Identity cannot be verified: required documents are missing or too old; see the verification checklist."),
        ErrorCode.RequestPaymentRequired => e.Reason == "execute"
            ? ("手数料の入金がまだ確認されていません。入金を確認するか、手数料を免除してから回答してください。", "The fee is not paid yet: confirm the payment or waive the fee before answering.")
            : ("手数料のお支払いを確認した後に回答をお渡しします。", "The answer is released once the fee is paid."),
        ErrorCode.RequestNotVerified => ("本人確認が完了していないため、実行できません（本人確認の前にデータは開示・処理しません）。",
            "Identity is not verified yet; nothing is disclosed or processed before that."),
        ErrorCode.RequestUnknownRefusalReason => e.Reason == "kind"
            ? ("その理由は、この種類の請求には使えません。一覧から選んでください。", "That reason does not apply to this kind of request; choose one from the list.")
            : ("お断りの理由を一覧から選んでください。", "Choose the reason from the list."),
        ErrorCode.RequestAnswerNotReady => ("回答はまだできていません。", "The answer is not ready yet."),
        ErrorCode.RequestFilesDestroyed => ("回答のファイルは保存期間の満了により廃棄しました。お手数ですが、改めてお問い合わせください。",
            "The answer files were destroyed after the retention period; please contact us for a new copy."),
        ErrorCode.RequestNotFound => ("その請求はありません。", "There is no such request."),
        ErrorCode.RequestClosed => ("このご請求はすでに終了しています。", "This request is already closed."),
        ErrorCode.MissingField when e.Reason == "withdraw-confirm" => ("取り下げる場合は、確認の欄にチェックを入れてください。", "To withdraw, tick the box to confirm."),
        // A request form's submission id is its idempotency key (RequestForm): the form went through before with other content
        // (sent, then changed after going back), or its hidden id was altered. The form comes back with a new id.
        ErrorCode.IdempotencyKeyReused => ("このフォームは、すでに別の内容で送信され、受け付けています。新しいご請求として送る場合は、内容を確認してもう一度送信してください。",
            "This form was already sent, with other content, and received. To send this as a new request, check it and send it again."),
        ErrorCode.IdempotencyKeyInvalid => ("フォームを正しく読み取れませんでした。内容を確認して、もう一度送信してください。", "The form could not be read; check it and send it again."),
        _ => null,
    };

    private static RequestKind? Kind(MamoriException e) => e.ReasonArgs is [var id] ? RequestKinds.Parse(id) : null;

    private static string Lower(string s) => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..];

    /// <summary>A document's age limit (an ISO-8601 period in the reason) in the notice's words: 「発行から1か月以内のもの」.</summary>
    private static (string Ja, string En)? Within(string period) => IsoPeriod.TryParse(period, out var p)
        ? (NoticePhrases.IssuedWithin(p, NoticeLanguage.Ja), NoticePhrases.IssuedWithin(p, NoticeLanguage.En))
        : null;

    /// <summary>A day (yyyy-MM-dd in the reason) as people read it: 「2026年12月7日」.</summary>
    private static (string Ja, string En)? Day(string day) =>
        DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? (NoticePhrases.Date(d, NoticeLanguage.Ja), NoticePhrases.Date(d, NoticeLanguage.En))
            : null;

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
        "answerText" => ("回答文", "The answer text"),
        "note" => ("補足", "The note"),
        _ => (field, field),
    };
}
