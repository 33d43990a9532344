using System.CommandLine;
using Mamori.Vault;

namespace Mamori.Cli;

/// <summary><c>mamori import FILE.csv --type T --purpose P</c>: bring existing customers into the vault.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "CSV with a header row of data-category ids (name,email,phone,…)" };
        var type = new Option<string>("--type") { Description = "Subject type id from the policy", Required = true };
        var purpose = new Option<string[]>("--purpose") { Description = "Purpose id(s) shown at acquisition", Required = true, AllowMultipleArgumentsPerToken = true };
        var acquisition = new Option<string>("--acquisition") { Description = "Acquisition method id, one the purposes list for every column (default: the only such method; required when there are several)" };
        var service = new Option<string?>("--service") { Description = "Service id whose policy applies" };
        var allowDuplicates = new Option<bool>("--allow-duplicates")
        {
            Description = "Import rows whose email, phone or My Number the vault already holds for a subject of the same type (different people sharing one)",
        };
        var encoding = new Option<string>("--encoding")
        {
            Description = "The file's text encoding: utf-8 (default; Excel's 「CSV UTF-8」) or shift_jis (Excel's 「CSV（コンマ区切り）」); a file that does not decode is refused before any row",
            DefaultValueFactory = _ => "utf-8",
        };
        encoding.AcceptOnlyFromAmong("utf-8", "shift_jis");
        var guardian = new Option<string?>("--guardian-consent")
        {
            Description = "The minors in this file provided their data with a guardian's consent, kept as this evidence id (e.g. guardian-forms-2026); "
                + "without it, a person younger than the privacy notice's age for guardian consent who provided their own data is rejected",
            HelpName = "EVIDENCE-REF",
        };
        var json = CliSupport.Json();
        var actor = CliSupport.ActorOption();
        var cmd = new Command("import",
            "Import subjects from a CSV file: streaming, resumable; rejected rows are reported by line and written to FILE.rejected-RUN.csv (one per import run) to correct and import; exit 3 when a row was rejected")
        {
            file, type, purpose, acquisition, service, allowDuplicates, encoding, guardian, json, actor,
        };
        cmd.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var importer = await CliSupport.ActorAsync(r, actor, sp, ct);
            var err = r.InvocationConfiguration.Error;
            var terminal = !Console.IsErrorRedirected && !r.GetValue(json);
            ImportResult result;
            try
            {
                result = await sp.GetRequiredService<SubjectImport>().RunAsync(r.GetValue(file)!,
                    new ImportOptions(r.GetValue(type)!, r.GetValue(purpose)!.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList(), r.GetValue(acquisition), r.GetValue(service),
                        AllowDuplicates: r.GetValue(allowDuplicates), Encoding: r.GetValue(encoding) == "shift_jis" ? ImportEncoding.ShiftJis : ImportEncoding.Utf8,
                        GuardianEvidenceRef: r.GetValue(guardian)),
                    importer,
                    terminal ? (done, total) => err.Write($"\r{Bar(done, total)}") : null, ct);
            }
            catch (Errors.MamoriException e)
            {
                // The operator reads Japanese first, as on every page; the English detail names the file, line or option.
                throw new Errors.MamoriException(e.Code, $"{Japanese(e.Code, row: false)} / {e.Message}", e.Status);
            }
            if (terminal) await err.WriteLineAsync();
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(r, new
                {
                    result.Imported, result.Rejected, result.ResumedAfterLine, result.Retried, result.ImportedBefore, rejectedRows = result.RejectedRows, result.RejectedFile,
                    result.Run, result.OtherRuns,
                });
            }
            else
            {
                var o = r.InvocationConfiguration.Output;
                if (result.Retried > 0)
                    o.WriteLine($"Tried again the {result.Retried} rows an earlier run of this file rejected as already in the vault.");
                else if (result.ImportedBefore)
                    o.WriteLine(result.Run.Purposes is null
                        ? $"This file was imported before, on {Jst(result.Run.FinishedAt!.Value)} (through line {result.ResumedAfterLine}), by a version of Mamori that did not record an import's options; nothing was imported again."
                        : $"This file was imported before with the same options, on {Jst(result.Run.FinishedAt!.Value)} (through line {result.ResumedAfterLine}); nothing was imported again.");
                else if (result.ResumedAfterLine > 0)
                    o.WriteLine($"Resumed after line {result.ResumedAfterLine}, where an earlier run of this file with the same options stopped on {Jst(result.Run.StartedAt)}.");
                foreach (var other in result.OtherRuns)
                {
                    o.WriteLine($"An import of this file as {r.GetValue(type)} with other options ({Options(other)}) "
                        + (other.FinishedAt is { } finished ? $"finished on {Jst(finished)}" : $"stopped after line {other.LastLine} (started {Jst(other.StartedAt)})")
                        + $" and brought in {other.Imported} subjects; it is left as it was and this is a separate import.");
                }
                o.WriteLine($"Imported {result.Imported} subjects; rejected {result.Rejected} rows.");
                foreach (var row in result.RejectedRows.Take(1000))
                    o.WriteLine($"  {row.Line}行目: {Japanese(CodeOf(row.Code), row: true)} / line {row.Line}: {row.Reason} ({row.Code})");
                if (result.RejectedRows.Count > 1000) o.WriteLine($"  … and {result.RejectedRows.Count - 1000} more (--json lists them all).");
                if (result.RejectedFile is { } rejectedFile)
                    o.WriteLine($"直す行は {rejectedFile} にあります（取り込み {result.Run.Id}）。そのファイルで直し、同じオプションで取り込んでください。 / "
                        + $"The header and the rows to correct are in {rejectedFile} (import run {result.Run.Id}): correct them there and import that file with the same options.");
                if (result.RejectedRows.Any(x => x.Code == Errors.ErrorCodes.Format(Errors.ErrorCode.DuplicateSubject)))
                {
                    o.WriteLine(result.OtherRuns.Count > 0
                        ? "Rows already in the vault (MAMORI-3016) were not imported. Those the import of this file with other options brought in are the same people, "
                            + "who keep the options they were imported with: --allow-duplicates would import them a second time."
                        : "Rows already in the vault (MAMORI-3016) were not imported; if they are different people, run the same command again with --allow-duplicates.");
                }
            }
            return result.Rejected > 0 ? 3 : 0;
        }));
        return cmd;
    }

    /// <summary>The Japanese of an import's refusal, by its code; the English beside it gives the detail (file, line, column, option).</summary>
    private static string Japanese(Errors.ErrorCode? code, bool row) => code switch
    {
        Errors.ErrorCode.InvalidFieldValue => "値の形式が正しくありません",
        Errors.ErrorCode.UnknownCategory => row ? "ポリシーにない項目か、示した利用目的で取得しない項目です" : "見出しの列に、ポリシーにない項目か、示した利用目的で取得しない項目があります",
        Errors.ErrorCode.DuplicateSubject => "同じメールアドレス・電話番号・マイナンバーの人がすでに登録されています",
        Errors.ErrorCode.SpecialCareWithoutConsent => "要配慮個人情報の取得に本人の同意がありません",
        Errors.ErrorCode.MyNumberPurposeRequired => "マイナンバーは、その利用目的では取得できません",
        Errors.ErrorCode.AcquisitionNotForPurpose => "その取得方法は、示した利用目的で使えません",
        Errors.ErrorCode.UnknownAcquisitionMethod => "取得方法（--acquisition）がポリシーにありません",
        Errors.ErrorCode.UnknownSubjectType => "本人の種類（--type）がポリシーにありません",
        Errors.ErrorCode.UnknownPurpose => "利用目的（--purpose）がポリシーにありません",
        Errors.ErrorCode.UnknownService => "サービス（--service）がポリシーにありません",
        Errors.ErrorCode.GuardianConsentRequired => "プライバシーポリシーで法定代理人の同意が必要とされる年齢未満の方です（同意を確認のうえ --guardian-consent で取り込んでください）",
        Errors.ErrorCode.InvalidEvidenceRef => "--guardian-consent には証跡の ID（英数字と - _ . / : # のみ）を指定してください",
        Errors.ErrorCode.BirthDateConflict or Errors.ErrorCode.BirthDateCategoryMissing => "生年月日を確認してください",
        Errors.ErrorCode.ImportFailed => row ? "行の形式が正しくありません" : "ファイルを取り込めませんでした（何も取り込んでいません）",
        _ => row ? "この行は取り込めませんでした" : "取り込めませんでした",
    };

    private static Errors.ErrorCode? CodeOf(string code) =>
        code.StartsWith("MAMORI-", StringComparison.Ordinal) && int.TryParse(code.AsSpan(7), System.Globalization.CultureInfo.InvariantCulture, out var n) ? (Errors.ErrorCode)n : null;

    private static string Jst(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, Policy.PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm 'JST'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A run's options as the command line gives them, so the operator recognises the earlier command.</summary>
    private static string Options(ImportRunSummary run) => run.Purposes is null
        ? "options not recorded by the version of Mamori that ran it"
        : $"--purpose {string.Join(',', run.Purposes)} --acquisition {run.Acquisition}" + (run.Service is null ? "" : $" --service {run.Service}") + $" --encoding {run.Encoding}"
          + (run.GuardianEvidenceRef is null ? "" : $" --guardian-consent {run.GuardianEvidenceRef}");

    private static string Bar(long done, long total)
    {
        var fraction = total == 0 ? 1 : (double)done / total;
        var filled = (int)(fraction * 30);
        return $"[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction:P0}";
    }
}
