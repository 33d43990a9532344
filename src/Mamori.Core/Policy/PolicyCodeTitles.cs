namespace Mamori.Policy;

/// <summary>
/// What each policy diagnostic code means, in Japanese and English. Diagnostics' own messages are English (they name YAML
/// fields and ids); the console shows this title first so that the privacy officer, who writes the policy, reads what is
/// wrong in Japanese, then the position and the detail.
/// </summary>
public static class PolicyCodeTitles
{
    private static readonly Dictionary<string, (string Ja, string En)> Titles = new(StringComparer.Ordinal)
    {
        [PolicyCodes.DirectoryNotFound] = ("ポリシーのフォルダがありません", "Policy directory not found"),
        [PolicyCodes.CompanyFileMissing] = ("company.yaml がありません", "company.yaml is missing"),
        [PolicyCodes.InputTooLarge] = ("ファイルが大きすぎます", "File too large"),
        [PolicyCodes.YamlSyntax] = ("YAML の書き方に誤りがあります", "YAML syntax error"),
        [PolicyCodes.AliasNotAllowed] = ("YAML のアンカー・エイリアスは使えません", "YAML anchors and aliases are not allowed"),
        [PolicyCodes.NestingTooDeep] = ("入れ子が深すぎます", "Nesting too deep"),
        [PolicyCodes.DuplicateKey] = ("同じ項目が2回書かれています", "Duplicate key"),
        [PolicyCodes.NotASingleMapping] = ("ファイルの形が違います（項目名: 値 の並びにしてください）", "The file must be one mapping"),
        [PolicyCodes.TagNotAllowed] = ("YAML のタグは使えません", "YAML tags are not allowed"),
        [PolicyCodes.FileUnreadable] = ("ファイルを読めません", "File unreadable"),
        [PolicyCodes.UnknownField] = ("知らない項目名です（綴りと置き場所を確認してください）", "Unknown field (check its spelling and place)"),
        [PolicyCodes.MissingField] = ("必要な項目がありません", "Required field missing"),
        [PolicyCodes.WrongType] = ("値の種類が違います", "Wrong kind of value"),
        [PolicyCodes.InvalidValue] = ("値が正しくありません", "Invalid value"),
        [PolicyCodes.InvalidPeriod] = ("期間の書き方が正しくありません（例: P7Y）", "Invalid period (e.g. P7Y)"),
        [PolicyCodes.InvalidDate] = ("日付の書き方が正しくありません（例: 2026-04-01）", "Invalid date (e.g. 2026-04-01)"),
        [PolicyCodes.UnknownReference] = ("定義されていない ID を参照しています", "Reference to an undefined id"),
        [PolicyCodes.DuplicateService] = ("同じサービスが2回定義されています", "Service defined twice"),
        [PolicyCodes.InvalidId] = ("ID の書き方が正しくありません（英小文字・数字・ハイフン）", "Invalid id (lower-case letters, digits, hyphens)"),
        [PolicyCodes.InvalidCorporateNumber] = ("法人番号が正しくありません", "Invalid corporate number"),
        [PolicyCodes.RetentionMissing] = ("保存期間が定められていません", "Retention missing"),
        [PolicyCodes.SpecialCareWithoutConsent] = ("要配慮個人情報の取得に本人の同意が必要です（法第20条第2項）", "Special-care data needs consent (Art.20(2))"),
        [PolicyCodes.OptOutForbiddenCategory] = ("要配慮個人情報・個人番号はオプトアウトで提供できません（法第27条第2項、番号法第19条）", "Special-care data and My Number cannot be provided by opt-out (Art.27(2), MNA 19)"),
        [PolicyCodes.MyNumberPurposeNotAllowed] = ("個人番号を番号法が認めない目的に使っています", "My Number used for a purpose the My Number Act does not allow"),
        [PolicyCodes.ForeignBasisMissing] = ("外国にある第三者への提供の根拠がありません（法第28条）", "No basis for provision to a third party abroad (Art.28)"),
        [PolicyCodes.ForeignConsentInfoMissing] = ("外国提供の同意取得時に示す情報が足りません（規則第17条）", "Information for consent to foreign provision missing (Rule 17)"),
        [PolicyCodes.SharedUseItemMissing] = ("共同利用の通知事項が足りません（法第27条第5項第3号）", "Shared-use item missing (Art.27(5)(iii))"),
        [PolicyCodes.PublicMatterMissing] = ("公表事項が足りません（法第32条）", "Public matter missing (Art.32)"),
        [PolicyCodes.EnglishMissing] = ("英語の文がありません", "English text missing"),
        [PolicyCodes.OptOutItemMissing] = ("オプトアウトの届出事項が足りません（法第27条第2項）", "Opt-out item missing (Art.27(2))"),
        [PolicyCodes.BrowsingNotDeclared] = ("閲覧履歴を組み合わせる利用目的に閲覧履歴の区分がありません", "Purpose combines browsing data but uses no browsing category"),
        [PolicyCodes.SmsPhoneViewersMissing] = ("SMS 用電話番号を閲覧できる役割が定められていません", "Viewers of SMS phone numbers missing"),
        [PolicyCodes.MyNumberViewersMissing] = ("個人番号を閲覧できる役割が定められていません", "Viewers of My Number missing"),
        [PolicyCodes.FeeNotAllowed] = ("この請求に手数料は取れません", "No fee allowed for this request"),
        [PolicyCodes.RequestTypeMissing] = ("法定の請求の種類が受付対象にありません", "A statutory request kind is not accepted"),
        [PolicyCodes.EntrustmentContractIncomplete] = ("委託契約に必要な事項が足りません", "Entrustment contract incomplete"),
        [PolicyCodes.OptOutNotNotifiedBeforeStart] = ("オプトアウトによる提供の開始日が個人情報保護委員会への届出より前です", "Opt-out provision starts before its PPC notification"),
        [PolicyCodes.CategoryUnused] = ("どの利用目的にも使われていない個人情報の区分です", "Data category used by no purpose"),
        [PolicyCodes.MyNumberPolicyMissing] = ("個人番号を扱うのに基本方針（mynumber.yaml）がありません", "My Number handled without mynumber.yaml"),
        [PolicyCodes.MyNumberProvisionNotAllowed] = ("番号法が認めない個人番号の提供です", "Provision of My Number the Act does not allow"),
        [PolicyCodes.SubjectTypeWithoutPurpose] = ("利用目的のない本人の種類です", "Subject type without a purpose"),
        [PolicyCodes.MyNumberViewerNotDesignated] = ("個人番号を閲覧できる役割が mynumber.yaml で指定されていません", "My Number viewer role not designated in mynumber.yaml"),
        [PolicyCodes.RoleBuiltIn] = ("組み込みの役割名は定義し直せません", "Built-in role redefined"),
        [PolicyCodes.RoleUnnamed] = ("役割に名前がありません", "Role without a name"),
        [PolicyCodes.BirthDateCategoryMissing] = ("未成年者の年齢を判定できません（生年月日の区分に birthDate: true がありません）", "Minors cannot be told (no category with birthDate: true)"),
        [PolicyCodes.RepresentationDocumentsMissing] = ("代理人・法定代理人の提出書類が定められていないため、代理人からの請求を受け付けません", "No documents for agents or statutory representatives: their requests are not taken"),
        [PolicyCodes.RetentionFromText] = ("保存期間の起算点が文章だけです（取得日から数えます）", "Retention start is text only (counted from acquisition)"),
        [PolicyCodes.EnglishNotUpdated] = ("日本語の文を変えましたが、英語の文が前の版のままです", "Japanese text changed, its English did not"),
        [PolicyCodes.CliOutputFailed] = ("出力を書き込めません", "Output could not be written"),
        [PolicyCodes.CliPolicyInvalid] = ("ポリシーに誤りがあります", "The policy has errors"),
        [PolicyCodes.CanonicalJsonInvalid] = ("保存されたポリシーを読めません", "Stored policy unreadable"),
    };

    /// <summary>Every code with a title (for the test that keeps this table complete).</summary>
    public static IReadOnlyCollection<string> Codes => Titles.Keys;

    /// <summary>The title in Japanese (or English), or null for a code without one.</summary>
    public static string? Of(string code, bool english = false) =>
        Titles.TryGetValue(code, out var t) ? english ? t.En : t.Ja : null;
}
