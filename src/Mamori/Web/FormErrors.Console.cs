using Mamori.Access;
using Mamori.Errors;

namespace Mamori.Web;

public static partial class FormErrors
{
    /// <summary>The separation-of-duties refusal, for the users and API keys pages alike.</summary>
    public static readonly (string Ja, string En) OfficerGrant = (
        "職務の分離のため、個人情報保護管理者の役割を付与できるのは個人情報保護管理者だけです。個人情報保護管理者に作成を依頼してください。",
        "Separation of duties: only a privacy officer grants the privacy-officer role. Ask a privacy officer to create it.");

    /// <summary>The staff console's forms: incidents, internal audits and entrustees, organisation and training, keys, policy, subjects.</summary>
    private static (string Ja, string En)? Staff(MamoriException e) => e.Code switch
    {
        // Any page that reads a record a newer version wrote, or one changed by hand in the database.
        ErrorCode.UnknownStoredValue when e is Data.UnknownStoredValueException u =>
            ($"保存されている記録の {u.Column} に、この版の Mamori が知らない値があります（新しい版が書いたか、データベースを直接変更したものです）。別の値としては読みません。",
                $"A stored record's {u.Column} holds a value this version of Mamori does not know (written by a newer version, or changed by hand); it is not read as another value."),
        // Incidents: the facts form, then the detail page's forms (timeline, status, blast radius, notices).
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
        ErrorCode.IncidentUnknownCategory => ("現在のポリシーにないデータ項目は選べません。ポリシーのデータ項目から選んでください。", "Choose data categories the policy in force declares."),
        ErrorCode.IncidentUnknownCause => ("原因を選んでください。", "Choose the cause."),
        ErrorCode.IncidentClosed => ("終了したインシデントです。事実を変更するには再開してください。", "The incident is closed; reopen it before changing its facts."),
        ErrorCode.InvalidValue when e.Reason == "timeline-kind" => ("経過の種類を選んでください。", "Choose the kind of entry."),
        ErrorCode.InvalidValue when e.Reason == "timeline-text" => ("経過の内容を20,000文字以内で入力してください。", "Write the entry (at most 20,000 characters)."),
        ErrorCode.IncidentInvalidStatus => ("状況の指定が正しくありません。", "Unknown status."),
        ErrorCode.IncidentFinalReportIncomplete => (
            $"確報に必要な事項が未記入のため、確報の提出は記録できません。事実を編集して記入してください: {string.Join("、", e.ReasonArgs.Select(k => Incidents.IncidentDocuments.MissingName(k).Ja))}。",
            $"The final report cannot be recorded as sent while items are missing; edit the facts to fill them in: {string.Join("; ", e.ReasonArgs.Select(k => Incidents.IncidentDocuments.MissingName(k).En))}."),
        ErrorCode.IncidentPreliminaryNotReported => (
            "速報の提出がまだ記録されていません。先に「速報を提出した」を記録してください（1回の報告で速報と確報を兼ねた場合も、両方を記録します）。",
            "The preliminary report is not recorded as sent yet: record it first (where one report served as both, record both)."),
        ErrorCode.IncidentNotReportable => e.Reason switch
        {
            "report" => ("報告義務のないインシデントのため、個人情報保護委員会への報告は記録できません。", "The incident is not reportable, so no report to the PPC is recorded."),
            "notice" => ("報告義務のないインシデントのため、本人への通知は不要です。", "The incident is not reportable, so no notice to the persons is required."),
            _ => ("報告義務のないインシデントです。", "The incident is not reportable."),
        },
        ErrorCode.IncidentInvalidActor => ("対象のAPIキーまたは利用者を選んでください。", "Choose the API key or user."),
        ErrorCode.IncidentUnknownActor => e.Reason == "user"
            ? ("その利用者はこの事業者に登録されていません。一覧から選んでください。", "That user is not registered for this business; choose one from the list.")
            : ("そのAPIキーはこの事業者に登録されていません。一覧から選んでください。", "That API key is not registered for this business; choose one from the list."),
        ErrorCode.IncidentInvalidWindow => e.Reason switch
        {
            "order" => ("開始は終了より前の日時にしてください。", "The start must be before the end."),
            "too-long" when e.ReasonArgs is [var days] => ($"期間は{days}日以内にしてください。", $"The window is at most {days} days."),
            _ => ("開始と終了の日時を日本時間で入力してください（例: 2026-04-01T09:00）。", "Give the start and the end in Japan time, e.g. 2026-04-01T09:00."),
        },
        ErrorCode.IncidentInvalidExport => e.Reason switch
        {
            "too-large" when e.ReasonArgs is [var mb] =>
                ($"ファイルが{mb}MBを超えています。代わりにファイルのSHA-256（sha256sum FILE）を入力してください。", $"The file is larger than {mb} MB; give its SHA-256 instead (sha256sum FILE)."),
            "sha256" => ("SHA-256は16進数64桁で入力してください。", "The SHA-256 is 64 hexadecimal digits."),
            _ => ("漏えいしたエクスポートを、ファイル（またはSHA-256）か、種類とIDで指定してください。", "Name the leaked export by its file (or SHA-256), or by its kind and id."),
        },
        ErrorCode.IncidentExportNotFound => ("Mamoriが作成したエクスポートで、このファイル・IDに一致するものはありません（表計算ソフト等で保存し直したファイルはSHA-256が変わります。その場合はIDで指定してください）。",
            "No export produced by Mamori matches this file or id (a file saved again, e.g. by a spreadsheet, has another digest; name the export by its id instead)."),
        ErrorCode.IncidentExportTraceMismatch => ("エクスポートの索引が監査ログの記録と一致しません。索引が改ざんされたおそれがあります。結果を用いる前に調査してください。",
            "The export index does not match the audit log; it may have been altered. Investigate before trusting any answer."),
        ErrorCode.IncidentNoAffectedSubjects => ("影響を受けた本人がまだ記録されていません。先に影響範囲を算定してください。", "No affected persons are recorded yet: compute the blast radius first."),
        ErrorCode.IncidentChainBroken => ("監査ログのハッシュチェーンが破損しているため、影響範囲を算定しませんでした（経過に記録しました）。「mamori audit verify」で確認し、調査してください。",
            "The audit chain is broken, so the blast radius was not computed (recorded in the timeline); run 'mamori audit verify' and investigate."),

        // Internal audits and entrustee supervision.
        ErrorCode.AuditPlanInvalid => e.Reason switch
        {
            "frequency" => ("頻度を選んでください。", "Choose the frequency."),
            "kind" => ("監査の種類を選んでください。", "Choose the kind of audit."),
            "grace-days" when e.ReasonArgs is [var max] => ($"猶予日数は0〜{max}の整数で入力してください。", $"Grace days are a whole number from 0 to {max}."),
            "scheduled-on" => ("実施予定日は2000年から2200年までの日付で入力してください。", "The scheduled date must be between 2000 and 2200."),
            "recipient-missing" => ("委託先監査では委託先を選んでください。", "Choose the entrustee of an entrustee audit."),
            "recipient-internal" => ("委託先を選べるのは委託先監査だけです。", "Only an entrustee audit names an entrustee."),
            "stopped" => ("この計画は終了しています（1回のみの計画は実施済みです）。新しい計画を作成してください。", "The plan is stopped (or its one audit was held); create a new plan."),
            _ => null,
        },
        ErrorCode.AuditPlanNotFound => ("その監査計画はありません。", "There is no such audit plan."),
        ErrorCode.AuditRunNotFound => ("その監査はありません。", "There is no such audit."),
        ErrorCode.AuditRunOpen => ("この計画の監査が実施中です。先に完了してください。", "An audit of this plan is in progress; complete it first."),
        ErrorCode.AuditRunCompleted => ("完了した監査の記録は変更できません。", "The audit is completed; its record no longer changes."),
        ErrorCode.ChecklistItemUnknown => ("チェックリストにその項目はありません。", "The checklist has no such item."),
        ErrorCode.ChecklistIncomplete => e.Reason switch
        {
            "unanswered" when e.ReasonArgs is [var n] => ($"未回答のチェック項目が{n}件あります。すべて判定してから完了してください。", $"{n} checklist item(s) are not answered yet; answer them all first."),
            "finding-missing" => (
                $"不適合の項目には、先に指摘事項を登録してください（{string.Join("、", e.ReasonArgs.Select(k => Governance.InternalAudits.AuditChecklist.Title(k).Ja))}）。",
                $"Raise a finding for each non-conforming item first ({string.Join("; ", e.ReasonArgs.Select(k => Governance.InternalAudits.AuditChecklist.Title(k).En))})."),
            _ => ("チェックリストが完了していません。", "The checklist is not complete."),
        },
        ErrorCode.InvalidValue when e.Reason == "checklist-result" => ("判定を選んでください。", "Choose the result."),
        ErrorCode.FindingInvalid when e.Reason == "severity" => ("区分を選んでください。", "Choose the severity."),
        ErrorCode.FindingInvalid when e.Reason == "checklist-without-run" => ("チェック項目は、監査の中でだけ指定できます。", "A checklist item is named only within its audit."),
        ErrorCode.FindingNotFound => ("その指摘事項はありません。", "There is no such finding."),
        ErrorCode.FindingClosed => ("完了した指摘事項は変更できません。", "The finding is closed."),
        ErrorCode.FindingActionsOpen => e.Reason == "no-action"
            ? ("不適合の指摘事項は、是正処置を完了してから完了できます。", "A nonconformity closes only after a corrective action is done.")
            : ("すべての是正処置が完了してから、指摘事項を完了してください。", "Every corrective action must be done before the finding closes."),
        ErrorCode.CorrectiveActionInvalid when e.Reason == "action-status" => ("状態の指定が正しくありません。", "Unknown status."),
        ErrorCode.CorrectiveActionNotFound => ("その是正処置はありません。", "The finding has no such corrective action."),
        ErrorCode.EntrusteeNotFound => ("その委託先はありません。", "There is no such entrustee."),
        ErrorCode.RecordExportInvalidFilter when e.Reason == "order" =>
            ("開始日が終了日より後になっています。開始日は終了日と同じか、それより前の日にしてください。", "The start day is after the end day; choose a start on or before the end."),
        ErrorCode.AssessmentInvalid when e.Reason == "criterion" => ("評価基準の指定が正しくありません。", "Unknown criterion."),
        ErrorCode.AssessmentInvalid when e.Reason == "criterion-twice" => ("同じ基準に2回回答しています。", "A criterion is answered twice."),
        ErrorCode.AssessmentInvalid when e.Reason == "criterion-applies" => ("必須（*）の基準には「該当なし」を選べません。", "A required (*) criterion cannot be not applicable."),
        ErrorCode.AssessmentInvalid when e.Reason == "criterion-met-and-not-applicable" => ("1つの基準に「満たす」と「該当なし」を同時には選べません。", "A criterion is either met or not applicable, not both."),
        ErrorCode.AssessmentInvalid when e.Reason == "criterion-applies-abroad" =>
            ("外国で取り扱う委託先のため、「外国で取り扱う場合、その国の個人情報保護制度の把握」は該当なしにできません。", "The entrustee handles the data abroad, so knowing the foreign protection system applies."),
        ErrorCode.AssessmentInvalid when e.Reason == "criteria-required" => ("必須（*）の基準すべてに「満たす」か「満たさない」を選んでください。", "Answer every required (*) criterion: met or not met."),
        ErrorCode.ReviewPeriodInvalid => e.Reason switch
        {
            "year" => ("年は2000〜2200で入力してください。", "The year is 2000-2200."),
            "start-month" => ("開始月は1〜12で入力してください（4月始まりの年度は4）。", "The starting month is 1-12 (4 for a fiscal year from April)."),
            "not-started" => ("その期間はまだ始まっていません。", "The period has not started yet."),
            _ => ("対象期間の指定が正しくありません。", "The period is not valid."),
        },

        // Organisation, access reviews, training.
        ErrorCode.UnknownDepartment => e.Reason switch
        {
            "department" => ("その部門はありません。", "There is no such department."),
            "undeclared-department" => ("ポリシーにない部門です。追加する場合は名称（日本語）も入力してください。", "The policy declares no such department; give its name to add it."),
            "user" => ("そのスタッフはいません。", "There is no such staff user."),
            _ => ("その部門（またはユーザー）はありません。", "There is no such department (or user)."),
        },
        ErrorCode.NotDepartmentReviewer => ("この部門の棚卸しを開始・記録できるのは、部門の個人情報管理者と管理責任者だけです。担当は「組織」のページで指名します。",
            "Only the department's personal-information manager or the management representative may act on its access review; they are named on the Organisation page."),
        ErrorCode.NotDepartmentManager => ("この部門のページを開けるのは、部門の個人情報管理者、管理責任者、組織を閲覧できる役割の人だけです。",
            "Only the department's personal-information manager, the management representative or staff who read the organisation may open the department's page."),
        ErrorCode.AccessReviewOwnLine => ("ご自身の権限は承認できません。管理責任者（管理責任者がご自身の場合は部門の個人情報管理者）が承認します。",
            "You may not confirm your own access; the management representative (or the department's manager, when the representative is you) confirms it."),
        ErrorCode.AccessReviewAlreadyOpen => ("この部門には実施中の棚卸しがあります。", "The department already has an open access review."),
        ErrorCode.AccessReviewIncomplete => e.ReasonArgs is [var pending]
            ? ($"判断していない行が{pending}件あります。すべての行を判断してから完了してください。", $"{pending} line(s) are not decided yet; decide every line, then complete the review.")
            : ("判断していない行が残っています。すべての行を判断してから完了してください。", "Some lines are not decided yet; decide every line, then complete the review."),
        ErrorCode.AccessReviewClosed => e.Reason == "decided"
            ? ("この行はすでに判断済みです。", "The line was already decided.")
            : ("この棚卸しはすでに完了しています。", "The review is already completed."),
        ErrorCode.AccessReviewChainBroken => ("監査ログのハッシュチェーンが破損しているため、棚卸しを作成しませんでした。「mamori audit verify」で確認してください。",
            "The audit chain is broken, so the review was not computed; run 'mamori audit verify'."),
        ErrorCode.UnknownTrainingCourse => ("その研修はありません。", "There is no such training course."),
        ErrorCode.UnknownPolicyItem => ("施行中のポリシーにその項目はありません。", "The policy in force has no such item."),
        ErrorCode.InvalidGovernanceSetting => e.Reason switch
        {
            "department-id" => ("部門IDは1〜64文字で入力してください。", "A department id is 1-64 characters."),
            "review-every" => ("棚卸しの周期は1〜60か月で入力してください。", "The review frequency is 1-60 months."),
            "grace-days" when e.ReasonArgs is [var max] => ($"猶予は0〜{max}日で入力してください。", $"The grace period is 0-{max} days."),
            "thresholds" => ("日数は1〜3650日で入力してください。", "Thresholds are 1-3650 days."),
            "disabled-user" => ("無効なユーザーには担当を割り当てられません。", "A disabled user cannot be given a governance duty."),
            "course-code" => ("コードは半角英数字・「-」・「_」の1〜64文字で入力してください。", "A course code is 1-64 letters, digits, '-' or '_'."),
            "course-title" => ("名称は1〜200文字で入力してください。", "A course title is 1-200 characters."),
            "course-every" => ("受講周期は0（1回のみ）〜60か月で入力してください。", "The frequency is 0 (once) to 60 months."),
            "unknown-role" => ("役割の指定が正しくありません。", "Unknown role."),
            "period-order" => ("受講日の範囲は、開始日を終了日以前にしてください。", "The start day must be on or before the end day."),
            "not-future" => null,
            _ => ("入力が設定できる範囲を外れています（期間、日数、コードや名称の長さ、無効なユーザーなど）。",
                "A value is outside what the setting allows (a period, a number of days, a code or name length, a disabled user…)."),
        },
        ErrorCode.TrainingCompletionTooEarly when e.ReasonArgs is [var from] =>
            ($"受講日は、講座を登録した日（{from}）以降の日付にしてください。", $"The completion date must be on or after {from}, when the course was registered."),
        ErrorCode.InvalidValue when e.Reason == "choose-user" => ("スタッフを選んでください。", "Choose a staff member."),

        // Pseudonymized and anonymized datasets.
        ErrorCode.MissingField when e.Reason == "key-delete-confirm" => ("鍵を削除する場合は、確認の欄にチェックを入れてください。", "To delete the key, tick the box to confirm."),
        ErrorCode.DatasetNotFound => ("そのデータセットはありません。", "There is no such dataset."),
        ErrorCode.DatasetKindMismatch => ("このデータセットの種類（仮名加工情報・匿名加工情報）では、この操作はできません。", "This cannot be done with this kind of dataset."),
        ErrorCode.PseudonymizationKeyDeleted => ("この鍵はすでに削除されています。", "The key has already been deleted."),

        // Staff accounts, API keys, policy publication, subjects.
        ErrorCode.UnknownUser => ("その利用者はいません。", "There is no such user."),
        ErrorCode.InvalidValue when e.Reason == "key-name" => ("名前は1〜100文字で入力してください。", "A key name is 1-100 characters."),
        ErrorCode.InvalidValue when e.Reason == "key-expiry" => ("有効日数は1〜3650の整数で入力してください（空欄は無期限）。", "Valid for days is a whole number from 1 to 3650 (empty: no expiry)."),
        ErrorCode.UnknownRole => ("役割を選んでください。", "Choose a role."),
        ErrorCode.OfficerRoleGrantedByOfficer => (OfficerGrant.Ja, OfficerGrant.En),
        ErrorCode.AdminRoleGrantedByAdmin => ("職務の分離のため、管理者の役割を付与できるのは管理者だけです。管理者に作成を依頼してください。",
            "Separation of duties: only an admin grants the admin role. Ask an admin to create it."),
        ErrorCode.ExternalAuditorGrantedByOfficerOrAdmin => ("外部監査人の役割を付与できるのは、管理者か個人情報保護管理者だけです。どちらかに作成を依頼してください。",
            "Only an admin or a privacy officer grants the external-auditor role. Ask one of them to create it."),
        ErrorCode.InvalidValue when e.Reason == "effective-before" && e.ReasonArgs is [var version, var from] =>
            ($"施行日は、第{version}版の施行日（{from}）以降にしてください。", $"The effective date must not come before version {version}'s ({from})."),
        ErrorCode.InvalidValue when e.Reason == "announced-after-effective" => ("告知日が施行日より後です。変更は施行前に告知します。", "The announcement date comes after the effective date: a change is announced before it takes effect."),
        ErrorCode.InvalidValue when e.Reason == "subject-id" => ("ID の形式が正しくありません。", "That is not a valid id."),
        ErrorCode.InvalidValue when e.Reason == "search" => ("検索の方法を選んでください。", "Choose what to search by."),
        ErrorCode.InvalidFieldValue when e.Reason == "birth-date" =>
            ("生年月日は、1900年以降の実在する日付を 2010-09-01 の形で入力してください。", "A date of birth is a real day from 1900 on, written as 2010-09-01."),
        ErrorCode.InvalidFieldValue => ("値の形式が正しくありません。", "The value is not in a valid form."),
        ErrorCode.SubjectNotFound => ("その本人はいません。", "There is no such subject."),
        ErrorCode.SubjectErased => ("この本人のデータは消去されています。", "The subject's data was erased."),
        ErrorCode.SubjectDataLost when e.Reason == "request-key-lost" => ("この請求の請求者情報・提出書類・回答ファイルは、暗号鍵の紛失により開けなくなりました。",
            "This request's requester details, documents and answer files can no longer be opened: their key was lost."),
        ErrorCode.SubjectDataLost when e.ReasonArgs is [var key, var day] =>
            ($"この本人のデータは、保護していた鍵 {key} の紛失により {day} に復元できなくなりました（本人の請求による消去ではありません）。漏えい等の事案として評価してください（mamori incident assess）。",
             $"This person's data was lost on {day}: the key {key} that protected it was lost (no erasure was requested). Assess it as an incident (mamori incident assess)."),
        ErrorCode.RetentionEventUnknown => ("この本人に示した利用目的には、その日から保存期間を数えるものがありません。", "No purpose shown to this person counts its retention from that event."),
        ErrorCode.RetentionEventDate when e.Reason == "too-early" => ("1900年より前の日付です。年を確認してください。", "The day is before 1900: check the year."),
        ErrorCode.RetentionEventEndsRetention => ("この日付から数えると、保存期間がすでに満了している項目があります。記録すると次回の廃棄処理（数分以内）で消去され、元に戻せません。日付を確認してください。",
            "Counted from this day, the retention of some items has already ended: recording it destroys them at the next sweep (within minutes), for good. Check the day."),
        ErrorCode.RetentionEventDate when e.Reason == "future" => ("起算日が未来の日付です。その日を過ぎてから記録してください。", "The day is in the future: record it once it has happened."),
        ErrorCode.RetentionEventDate => ("日付を入力してください（例: 2027-03-31）。", "Enter the day (e.g. 2027-03-31)."),
        ErrorCode.InvalidReason when e.Reason == "correction" =>
            ("記録済みの起算日を訂正するには、訂正の理由（半角英小文字・数字・「-」、例: wrong-date）を入力してください。", "The day is already recorded: to correct it, enter a reason code (lower-case letters, digits and '-', e.g. wrong-date)."),
        ErrorCode.AccessDenied => Denied(e.Reason),
        ErrorCode.NotFound => ("見つかりません。", e.Message),
        _ => null,
    };

    /// <summary>Why the access decision refused a read (<see cref="DecisionReasons"/>), as staff need to hear it.</summary>
    private static (string Ja, string En) Denied(string? reason) => reason switch
    {
        DecisionReasons.PurposeUndeclared => ("その利用目的はポリシーにありません。", "The policy declares no such purpose."),
        DecisionReasons.PurposeNotForSubjectType => ("この本人の種別には、その利用目的は定められていません。", "The purpose is not declared for this kind of person."),
        DecisionReasons.CategoryNotInPurpose => ("その利用目的では、この項目は利用できません。", "The purpose does not cover these items."),
        DecisionReasons.ConsentMissing => ("必要な本人の同意がありません。", "The person's consent is missing."),
        DecisionReasons.Suspended => ("本人の求めにより利用を停止しています。", "Use is suspended at the person's request."),
        DecisionReasons.UnmaskNotAllowed => ("あなたの役割では、この項目をマスクなしで表示できません。", "Your role may not see these items unmasked."),
        DecisionReasons.MyNumberWrongPurpose => ("個人番号は、番号法で定められた事務の目的でのみ利用できます。", "My Number is used only for the purposes the My Number Act allows."),
        DecisionReasons.MyNumberRole => ("個人番号を扱えるのは、指定された役割の担当者だけです。", "Only the designated roles may handle My Number."),
        DecisionReasons.ExceptionWithoutJustification => ("法令に基づく例外による利用には、その根拠の記載が必要です。", "A use under a legal exception needs its justification."),
        DecisionReasons.ErasedLegalHold => ("消去請求済み（法定保存のみ）です。残る項目は法令で保存しているだけで、その法令のための利用（法令に基づく例外、根拠の記載が必要）と本人の請求への対応にしか使えません。",
            "Erased on request (statutory retention only): what remains is kept only because a law requires it, and serves only that law (the legal exception 'law', with its justification) and the person's own requests."),
        DecisionReasons.SubjectDataLost => ("この本人のデータは、暗号鍵の紛失（mamori keys forget）により失われました（消去の請求によるものではありません）。",
            "This person's data was lost with a forgotten key (mamori keys forget), not erased on request."),
        DecisionReasons.ProvisionBasisMissing => ("第三者提供のための閲覧は、提供の記録と根拠の確認を経て行ってください。", "A read for third-party provision goes through a provision and its basis check."),
        _ => ("この閲覧は許可されていません。", "This read is not allowed."),
    };

    /// <summary>
    /// Rules shared by many console forms, said by field: 「名称を200文字以内で入力してください。」. The reason names the rule
    /// (<c>required</c>, <c>too-long</c>, <c>date</c>, <c>not-future</c>, <c>today-or-later</c>) and its arguments the field and limit.
    /// </summary>
    private static (string Ja, string En)? Fields(MamoriException e) => (e.Reason, e.ReasonArgs) switch
    {
        ("required", [var f, var max]) => ($"{StaffField(f).Ja}を{max}文字以内で入力してください。", $"{StaffField(f).En} is required (at most {max} characters)."),
        ("too-long", [var f, var max]) => ($"{StaffField(f).Ja}は{max}文字以内で入力してください。", $"{StaffField(f).En} may be at most {max} characters."),
        ("number", [var f]) => ($"{StaffField(f).Ja}は整数で入力してください。", $"{StaffField(f).En} is a whole number."),
        ("date", [var f]) => ($"{StaffField(f).Ja}を年月日で入力してください（例: 2026-04-01）。", $"{StaffField(f).En} is a date, e.g. 2026-04-01."),
        ("not-future", [var f]) => ($"{StaffField(f).Ja}に未来の日付は指定できません。", $"{StaffField(f).En} cannot be in the future."),
        ("today-or-later", [var f]) => ($"{StaffField(f).Ja}は今日以降の日付にしてください。", $"{StaffField(f).En} must be today or later."),
        _ => null,
    };

    /// <summary>A console form's field by its label.</summary>
    private static (string Ja, string En) StaffField(string field) => field switch
    {
        "title" => ("名称", "The title"),
        "scope" => ("範囲", "The scope"),
        "auditor" => ("監査責任者", "The auditor"),
        "scheduledOn" => ("実施予定日", "The scheduled date"),
        "description" => ("内容", "The description"),
        "owner" => ("担当", "The owner"),
        "dueOn" => ("期限", "The due date"),
        "reference" => ("根拠", "The reference"),
        "note" => ("メモ", "The note"),
        "summary" => ("総括", "The summary"),
        "closureNote" => ("有効性の確認", "The effectiveness check"),
        "assessor" => ("評価者", "The assessor"),
        "assessedOn" => ("評価日", "The assessment date"),
        "assessmentNote" => ("所見", "The note"),
        "criterionNote" => ("基準ごとのメモ", "A criterion's note"),
        "checker" => ("確認者", "The checker"),
        "checkedOn" => ("確認日", "The check date"),
        "contractRef" => ("契約の参照番号", "The contract reference"),
        "completedOn" => ("受講日", "The completion date"),
        "from" => ("開始日", "The start day"),
        "to" => ("終了日", "The end day"),
        "recipient" => ("提供先 ID", "The recipient id"),
        "reviewEveryMonths" => ("棚卸しの周期（月）", "The review frequency (months)"),
        "reviewGraceDays" or "courseGraceDays" => ("猶予（日）", "The grace period (days)"),
        "nextReviewOn" => ("次回の実施日", "The next review date"),
        "courseEveryMonths" => ("受講周期（月、0 = 1回のみ）", "The frequency (months, 0 = once)"),
        "unusedDays" => ("未使用とみなす日数", "The number of days before access counts as unused"),
        "keyMaxAgeDays" => ("API キーの使用期限の目安（日）", "The API key age limit (days)"),
        "graceDays" => ("猶予日数", "The grace days"),
        _ => (field, field),
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
}
