namespace Mamori.Audit;

/// <summary>
/// What each audit code means, in Japanese (which prevails) and English, for the people who read the log:
/// the privacy officer, auditors, the PPC. The chain stores only the number; these names may be reworded,
/// the numbers never change. docs/audit-codes.md lists the same names (a test keeps the two in step).
/// </summary>
public static class AuditCodeNames
{
    /// <summary>The code's name; a number this version does not know (written by a newer server) is shown as the number.</summary>
    public static (string Ja, string En) Of(AuditCode code) =>
        Enum.IsDefined(code) ? Named(code) : (((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture));

    // No discard arm on purpose: a code added to the enum without a name here is a build error (CS8509).
    // CS8524 (numbers outside the enum) is what Of guards against above.
#pragma warning disable CS8524
    private static (string Ja, string En) Named(AuditCode code) => code switch
    {
        AuditCode.LoginSucceeded => ("ログイン成功", "Signed in"),
        AuditCode.LoginFailed => ("ログイン失敗", "Sign-in failed"),
        AuditCode.Logout => ("ログアウト", "Signed out"),
        AuditCode.SessionRevoked => ("セッション無効化", "Session revoked"),
        AuditCode.PasswordChanged => ("パスワード変更", "Password changed"),
        AuditCode.LoginRateLimited => ("ログイン試行の制限", "Sign-in rate-limited"),

        AuditCode.UserCreated => ("利用者の作成", "Staff account created"),
        AuditCode.UserDisabled => ("利用者の無効化", "Staff account disabled"),
        AuditCode.UserEnabled => ("利用者の有効化", "Staff account enabled"),
        AuditCode.UserRolesChanged => ("利用者のロール変更", "Staff roles changed"),
        AuditCode.UserPasswordReset => ("利用者のパスワード再設定", "Staff password reset"),

        AuditCode.ApiKeyCreated => ("API キーの発行", "API key created"),
        AuditCode.ApiKeyRevoked => ("API キーの失効", "API key revoked"),

        AuditCode.TenantCreated => ("テナントの作成", "Tenant created"),
        AuditCode.DemoDataLoaded => ("デモデータの投入", "Demo data loaded"),

        AuditCode.AuditChainVerified => ("監査ログの検証（改ざんなし）", "Audit chain verified"),
        AuditCode.AuditChainBroken => ("監査ログの検証（改ざん検出）", "Audit chain broken"),
        AuditCode.AuditLogExported => ("監査ログの出力", "Audit log exported"),

        AuditCode.CookieChoiceRecorded => ("Cookie 等の選択の記録", "Cookie choice recorded"),
        AuditCode.SubjectLinkIssued => ("本人用リンクの発行", "Link for a person issued"),

        AuditCode.PolicyPublished => ("プライバシーポリシーの公表", "Privacy policy published"),

        AuditCode.SubjectCreated => ("本人データの登録", "Person's data stored"),
        AuditCode.SubjectCorrected => ("本人データの訂正", "Person's data corrected"),
        AuditCode.SubjectErased => ("本人データの消去", "Person's data erased"),
        AuditCode.SubjectImported => ("本人データの一括取込み", "Person's data imported"),
        AuditCode.RetentionDestroyed => ("保存期間満了による廃棄", "Destroyed at end of retention"),
        AuditCode.RetentionEventRecorded => ("保存期間の起算日の記録", "Retention start event recorded"),
        AuditCode.RetentionEventCorrected => ("保存期間の起算日の訂正", "Retention start event corrected"),
        AuditCode.KeyRotated => ("鍵のローテーション", "Key rotated"),
        AuditCode.KeyRingCreated => ("鍵リングの作成", "Key ring created"),
        AuditCode.KeyRetired => ("鍵の廃止", "Key retired"),
        AuditCode.KeyForgotten => ("紛失した鍵の登録抹消", "Lost key forgotten"),
        AuditCode.SubjectDataLost => ("鍵の紛失による本人データの消失", "Person's data lost with a key"),

        AuditCode.AccessAllowed => ("アクセス許可", "Access allowed"),
        AuditCode.AccessDenied => ("アクセス拒否", "Access denied"),

        AuditCode.RequestReceived => ("開示等の請求の受付", "Request received"),
        AuditCode.RequestStatusChanged => ("請求の状態変更", "Request status changed"),
        AuditCode.RequestDocumentAdded => ("請求書類の追加", "Request document added"),
        AuditCode.RequestDocumentChecked => ("請求書類の確認", "Request document checked"),
        AuditCode.RequestIdentityVerified => ("本人確認の完了", "Identity verified"),
        AuditCode.RequestCodeSent => ("確認コードの送信", "Verification code sent"),
        AuditCode.RequestCodeRejected => ("確認コードの不一致", "Verification code rejected"),
        AuditCode.RequestInvoiced => ("手数料の請求", "Fee invoiced"),
        AuditCode.RequestPaymentConfirmed => ("手数料の入金確認", "Fee payment confirmed"),
        AuditCode.RequestFeeWaived => ("手数料の免除", "Fee waived"),
        AuditCode.RequestSubjectsMatched => ("請求者と本人データの照合", "Request matched to persons"),
        AuditCode.RequestExecuted => ("請求への対応の実施", "Request carried out"),
        AuditCode.RequestAnswerDownloaded => ("回答のダウンロード", "Answer downloaded"),
        AuditCode.RequestFilesDestroyed => ("請求書類の廃棄", "Request files destroyed"),
        AuditCode.SubjectUseSuspended => ("利用停止", "Use suspended"),
        AuditCode.SubjectProvisionStopped => ("第三者提供の停止", "Third-party provision stopped"),
        AuditCode.RequestStatusLinkRejected => ("状況確認リンクの拒否", "Status link refused"),
        AuditCode.RequestDocumentOpened => ("提出書類の閲覧", "Uploaded document opened"),
        AuditCode.RequestAssigned => ("担当部門の指定", "Handling department named"),
        AuditCode.NotificationQueued => ("通知の送信待ち", "Notification queued"),
        AuditCode.NotificationSent => ("通知の送信", "Notification sent"),
        AuditCode.NotificationFailed => ("通知の送信失敗", "Notification failed"),
        AuditCode.NotificationWritten => ("通知のファイル出力（未送信）", "Notification written to a file, not sent"),

        AuditCode.ConsentGranted => ("同意の取得", "Consent given"),
        AuditCode.ConsentWithdrawn => ("同意の撤回", "Consent withdrawn"),
        AuditCode.ConsentLedgerViewed => ("同意台帳の閲覧", "Consent ledger viewed"),

        AuditCode.ProvisionMade => ("第三者提供", "Provided to a third party"),
        AuditCode.ProvisionRefused => ("第三者提供の拒否", "Third-party provision refused"),
        AuditCode.ReceiptRecorded => ("第三者からの受領の記録", "Receipt from a third party recorded"),
        AuditCode.ProvisionStopRequested => ("第三者提供停止の求め", "Provision stop requested"),
        AuditCode.ProvisionRecordsSwept => ("提供・受領記録の保存期間満了による削除", "Provision records deleted at end of retention"),
        AuditCode.RecipientProfileSaved => ("提供先情報の保存", "Recipient saved"),
        AuditCode.SupervisionRecorded => ("委託先の監督の記録", "Supervision recorded"),
        AuditCode.SharedUseMemberSaved => ("共同利用者の保存", "Shared-use member saved"),
        AuditCode.ProvisionRecordsViewed => ("提供・受領記録の閲覧", "Provision records viewed"),
        AuditCode.ProvisionRecordsExported => ("提供・受領記録の出力", "Provision records exported"),

        AuditCode.IncidentCreated => ("漏えい等事案の登録", "Incident opened"),
        AuditCode.IncidentFactsUpdated => ("事案の事実の更新", "Incident facts updated"),
        AuditCode.IncidentTimelineEntryAdded => ("事案の経過の記録", "Incident timeline entry added"),
        AuditCode.IncidentStatusChanged => ("事案の状態変更", "Incident status changed"),
        AuditCode.IncidentBlastRadiusComputed => ("影響範囲の算定", "Blast radius computed"),
        AuditCode.IncidentBlastRadiusRefused => ("影響範囲の算定不可", "Blast radius refused"),
        AuditCode.IncidentNoticesQueued => ("本人への通知の準備", "Notices to persons queued"),
        AuditCode.IncidentExportBlastRadiusComputed => ("流出ファイルの影響範囲の算定", "Blast radius of an export computed"),

        AuditCode.ExportProduced => ("個人データを含むファイルの出力", "Export produced"),
        AuditCode.ExportSubjectIncluded => ("出力ファイルに含まれた本人", "Person included in an export"),

        AuditCode.OrganisationChanged => ("組織体制の変更", "Organisation changed"),
        AuditCode.AccessReviewStarted => ("アクセス権レビューの開始", "Access review started"),
        AuditCode.AccessReviewLineConfirmed => ("アクセス権の継続確認", "Access confirmed in review"),
        AuditCode.AccessReviewLineRevoked => ("アクセス権の取消し", "Access revoked in review"),
        AuditCode.AccessReviewCompleted => ("アクセス権レビューの完了", "Access review completed"),
        AuditCode.TrainingCourseSaved => ("研修の保存", "Training course saved"),
        AuditCode.TrainingCompletionRecorded => ("研修受講の記録", "Training completion recorded"),
        AuditCode.TrainingCompletionsExported => ("研修受講記録の出力", "Training completions exported"),

        AuditCode.DatasetPseudonymized => ("仮名加工情報の作成", "Dataset pseudonymized"),
        AuditCode.DatasetAnonymizedRegistered => ("匿名加工情報の作成の記録", "Anonymized dataset registered"),
        AuditCode.DatasetKeyDeleted => ("加工方法等情報（鍵）の削除", "Dataset key deleted"),
        AuditCode.DatasetKeyExportRefused => ("加工方法等情報（鍵）の出力拒否", "Dataset key export refused"),
        AuditCode.DatasetUsed => ("加工情報の利用", "Dataset used"),
        AuditCode.DatasetUseRefused => ("加工情報の利用拒否", "Dataset use refused"),
        AuditCode.DatasetProvided => ("加工情報の提供", "Dataset provided"),
        AuditCode.DatasetProvisionRefused => ("加工情報の提供拒否", "Dataset provision refused"),
        AuditCode.DatasetProvisionMethodSet => ("匿名加工情報の提供の方法の公表", "Anonymized dataset's method of provision set"),

        AuditCode.SubjectFieldsProcessed => ("本人データの加工（請求による）", "Person's fields processed on request"),

        AuditCode.AuditPlanSaved => ("内部監査計画の保存", "Internal audit plan saved"),
        AuditCode.AuditRunStarted => ("内部監査の開始", "Internal audit started"),
        AuditCode.ChecklistItemAnswered => ("チェックリスト項目の回答", "Checklist item answered"),
        AuditCode.AuditRunCompleted => ("内部監査の完了", "Internal audit completed"),
        AuditCode.FindingRaised => ("指摘事項の登録", "Finding raised"),
        AuditCode.FindingClosed => ("指摘事項の完了", "Finding closed"),
        AuditCode.CorrectiveActionSaved => ("是正措置の保存", "Corrective action saved"),
        AuditCode.EntrusteeAssessed => ("委託先の評価", "Entrustee assessed"),
        AuditCode.EntrusteeContractChecked => ("委託契約の確認", "Entrustee contract checked"),
    };
#pragma warning restore CS8524
}
