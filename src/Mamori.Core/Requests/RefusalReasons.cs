namespace Mamori.Requests;

/// <summary>
/// A reason for refusing a request, tied to the article that allows it (<paramref name="Law"/> in English notation,
/// <paramref name="LawJa"/> as a Japanese answer cites it, <paramref name="LawShortJa"/> as staff read it in the console: 「法33条2項1号」),
/// explained to the person (S-45, L-19, L-21, L-22). <paramref name="Kinds"/>: the kinds of request the article covers; null for every kind.
/// <paramref name="NoteRequired"/>: the explanation announces reasons 「下記のとおり」 that only the staff's note gives, so a refusal
/// without a note is refused (MAMORI-5022).
/// </summary>
public sealed record RefusalReason(string Code, string Law, string LawJa, string LawShortJa, string Ja, string En, IReadOnlyList<RequestKind>? Kinds = null,
    bool NoteRequired = false)
{
    public bool AppliesTo(RequestKind kind) => Kinds is null || Kinds.Contains(kind);
}

/// <summary>The fixed list: staff choose one; the answer quotes its explanation. Codes are stable.</summary>
public static class RefusalReasons
{
    public static readonly RefusalReason HarmToPerson = new("harm-to-person", "Art.33(2)(i)", "個人情報保護法第33条第2項第1号", "法33条2項1号",
        "開示することにより、本人又は第三者の生命、身体、財産その他の権利利益を害するおそれがあるため。",
        "Disclosure could harm the life, body, property or other rights and interests of you or a third party.", [RequestKind.Disclosure, RequestKind.ProvisionRecords, RequestKind.Portability]);

    public static readonly RefusalReason SeriousBusinessImpediment = new("business-impediment", "Art.33(2)(ii)", "個人情報保護法第33条第2項第2号", "法33条2項2号",
        "開示することにより、当社の業務の適正な実施に著しい支障を及ぼすおそれがあるため。",
        "Disclosure could seriously impede the proper conduct of our business.", [RequestKind.Disclosure, RequestKind.ProvisionRecords, RequestKind.Portability]);

    public static readonly RefusalReason ViolatesLaw = new("violates-law", "Art.33(2)(iii)", "個人情報保護法第33条第2項第3号", "法33条2項3号",
        "開示することが他の法令に違反することとなるため。",
        "Disclosure would violate another law.", [RequestKind.Disclosure, RequestKind.ProvisionRecords, RequestKind.Portability]);

    /// <summary>Not for a complaint (Art.40): it checks nobody's identity, so it cannot be refused for want of it.</summary>
    public static readonly RefusalReason IdentityNotVerified = new("identity-not-verified", "Art.37(1)", "個人情報保護法第37条第1項", "法37条1項",
        "ご本人（又は正当な代理人）であることを確認できなかったため。所定の書類をお送りいただければ改めて対応します。",
        "We could not verify that you are the person (or a proper agent). Send the required documents and we will handle the request again.",
        [.. RequestKinds.All.Where(RequestKinds.NeedsIdentity)]);

    public static readonly RefusalReason NoGroundsForErasure = new("no-grounds", "Art.35(1)(3)(5)", "個人情報保護法第35条第1項・第3項・第5項", "法35条1項・3項・5項",
        "調査の結果、法の定める利用停止・消去・提供停止の要件（目的外利用、不正取得、利用する必要がなくなった場合、漏えい等、権利利益が害されるおそれ）に該当しなかったため。",
        "After investigation, none of the legal grounds for suspension, erasure or stopping provision (use beyond purpose, improper acquisition, no longer needed, an incident, harm to your rights) applies.", [RequestKind.Suspension, RequestKind.Erasure, RequestKind.StopProvision]);

    public static readonly RefusalReason DataIsAccurate = new("data-accurate", "Art.34(2)", "個人情報保護法第34条第2項", "法34条2項",
        "調査の結果、当社が保有する内容は事実と相違しておらず、訂正等の必要が認められなかったため。",
        "After investigation, the data we hold is accurate, so no correction is needed.", [RequestKind.Correction]);

    public static readonly RefusalReason FeeNotPaid = new("fee-not-paid", "Art.38", "個人情報保護法第38条", "法38条",
        "所定の手数料のお支払いが確認できなかったため。",
        "We could not confirm payment of the handling fee.", [RequestKind.PurposeNotification, RequestKind.Disclosure, RequestKind.ProvisionRecords, RequestKind.Portability]);

    /// <summary>Art.36: the reasons are the staff's own, in the note, which is therefore required.</summary>
    public static readonly RefusalReason Unjustified = new("unjustified", "Art.36", "個人情報保護法第36条", "法36条",
        "調査の結果、ご請求に理由がないと判断したため（理由の詳細は下記のとおりです）。",
        "After investigation we found the request unjustified (details below).", NoteRequired: true);

    public static readonly IReadOnlyList<RefusalReason> All =
        [HarmToPerson, SeriousBusinessImpediment, ViolatesLaw, IdentityNotVerified, NoGroundsForErasure, DataIsAccurate, FeeNotPaid, Unjustified];

    public static RefusalReason? Find(string? code) => All.FirstOrDefault(r => r.Code == code);

    /// <summary>The reasons the law allows for <paramref name="kind"/>.</summary>
    public static IEnumerable<RefusalReason> For(RequestKind kind) => All.Where(r => r.AppliesTo(kind));
}
