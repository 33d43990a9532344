using System.Text.Json;
using Mamori.Cli;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

public sealed class ImportTests(PostgresCluster cluster)
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await MamoriCli.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_BadRows_ReportedByLineGoodRowsImportedRerunResumes(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "customers.csv");
        await File.WriteAllTextAsync(csv, string.Join("\n",
            "name,email,phone",
            "\"山田, 太郎\",taro@example.jp,090-1111-2222",
            "佐藤 花子,not-an-email,090-3333-4444",
            "\"鈴木\n一郎\",ichiro@example.jp,03-1234-5678",
            "田中 次郎,jiro@example.jp",
            "高橋 三郎,saburo@example.jp,080-5555-6666",
            // Regression: a NUL inside a name was imported (the HTTP door refuses it; the CSV path did not).
            "伊藤\0四郎,shiro@example.jp,090-7777-8888") + "\n", Ct);
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme" };
        var first = await RunAsync(["import", csv, "--type", "customer", "--service", "isp", "--purpose", "service-provision", "--acquisition", "paper", "--json", .. env]);
        first.Code.ShouldBe(3, first.Err);
        var result = JsonDocument.Parse(first.Out).RootElement;
        result.GetProperty("imported").GetInt64().ShouldBe(3);
        var rejected = result.GetProperty("rejectedRows").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("code").GetString())).ToList();
        rejected.ShouldBe([(3L, "MAMORI-3003"), (6L, "MAMORI-3015"), (8L, "MAMORI-3003")]);
        first.Out.ShouldNotContain("not-an-email");

        // Regression: a rerun of the unchanged file said "rejected 0 rows" and exited 0, and the rejected rows were no longer mentioned.
        var second = await RunAsync(["import", csv, "--type", "customer", "--service", "isp", "--purpose", "service-provision", "--acquisition", "paper", .. env]);
        second.Code.ShouldBe(3, second.Err);
        second.Out.ShouldContain("This file was imported before");
        second.Out.ShouldContain("Imported 0 subjects; rejected 3 rows.");
        // Japanese first, the English detail beside it, one line a row.
        second.Out.ShouldContain("  3行目: 値の形式が正しくありません / line 3: An email field is not a valid address. (MAMORI-3003)\n");
        second.Out.ShouldContain("line 8:");
        second.Out.ShouldContain(RejectedFile(app, "customers"));
        var subjects = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct));
        subjects.ShouldBe(3);
        var found = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().LookupAsync(LookupKind.Email, "ichiro@example.jp", "service-provision", ["operator"], Mamori.Audit.Actor.System, Ct));
        found.Count.ShouldBe(1);
        var name = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(new Mamori.Access.DecisionRequest(found[0], "service-provision", ["name"], ["operator"]), Mamori.Audit.Actor.System, Ct));
        name.Values["name"].ShouldBe("鈴木\n一郎");
    }

    /// <summary>The one rejected-rows file of <paramref name="name"/>.csv's imports, named after its run.</summary>
    private static string RejectedFile(TestApp app, string name) =>
        Directory.GetFiles(app.Database.DataDir, $"{name}.rejected-*.csv").ShouldHaveSingleItem();

    private static string[] Import(TestApp app, string csv, params string[] more) =>
        ["import", csv, "--type", "customer", "--service", "isp", "--purpose", "service-provision", "--acquisition", "paper",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme", .. more];

    private static Task<IReadOnlyList<Guid>> LookupEmailAsync(TestApp app, Guid tenant, string email) => app.InTenantAsync(tenant, (sp, _) =>
        sp.GetRequiredService<Subjects>().LookupAsync(LookupKind.Email, email, "service-provision", ["operator"], Mamori.Audit.Actor.System, Ct));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_RejectedRowsFileCorrectedAndImported_ImportsOnlyThoseRows(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "imp.csv");
        await File.WriteAllTextAsync(csv, "name,email,phone\n山田 太郎,taro@example.jp,090-1111-2222\n佐藤 花子,hanako-at-example.jp,090-3333-4444\n"
            + "\"鈴木, 一郎\",ichiro.example.jp,03-1234-5678\n高橋 三郎,saburo@example.jp,080-5555-6666\n", Ct);
        var first = await RunAsync(Import(app, csv));
        first.Code.ShouldBe(3, first.Err);
        var runId = await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().Select(r => r.Id).SingleAsync(Ct));
        var rejectedFile = Path.Combine(app.Database.DataDir, $"imp.rejected-{runId}.csv");
        first.Out.ShouldContain($"The header and the rows to correct are in {rejectedFile} (import run {runId}): correct them there and import that file with the same options.");
        first.Out.ShouldContain($"直す行は {rejectedFile} にあります（取り込み {runId}）。");
        (await File.ReadAllTextAsync(rejectedFile, Ct)).ShouldBe("name,email,phone\r\n佐藤 花子,hanako-at-example.jp,090-3333-4444\r\n\"鈴木, 一郎\",ichiro.example.jp,03-1234-5678\r\n");
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(rejectedFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var corrected = (await File.ReadAllTextAsync(rejectedFile, Ct)).Replace("hanako-at-example.jp", "hanako@example.jp", StringComparison.Ordinal)
            .Replace("ichiro.example.jp,", "ichiro@example.jp,", StringComparison.Ordinal);
        await File.WriteAllTextAsync(rejectedFile, corrected, Ct);
        var second = await RunAsync(Import(app, rejectedFile));
        second.Code.ShouldBe(0, second.Out + second.Err);
        second.Out.ShouldContain("Imported 2 subjects; rejected 0 rows.");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(4);
        (await LookupEmailAsync(app, tenant, "ichiro@example.jp")).Count.ShouldBe(1);
        Directory.GetFiles(app.Database.DataDir, "imp.rejected*").ShouldBe([rejectedFile]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_OriginalFileCorrectedAndImportedAgain_RowsAlreadyImportedRejectedAsDuplicates(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "imp.csv");
        await File.WriteAllTextAsync(csv, "name,email,phone\n山田 太郎,taro@example.jp,090-1111-2222\n鈴木 一郎,ichiro.example.jp,03-1234-5678\n", Ct);
        (await RunAsync(Import(app, csv))).Code.ShouldBe(3);
        var taro = (await LookupEmailAsync(app, tenant, "taro@example.jp")).ShouldHaveSingleItem();

        // Regression: the corrected file was a new import, and 山田 was imported a second time.
        await File.WriteAllTextAsync(csv, "name,email,phone\n山田 太郎,TARO@example.jp,090-1111-2222\n鈴木 一郎,ichiro@example.jp,03-1234-5678\n", Ct);
        var second = await RunAsync(Import(app, csv, "--json"));
        second.Code.ShouldBe(3, second.Err);
        var result = JsonDocument.Parse(second.Out).RootElement;
        result.GetProperty("imported").GetInt64().ShouldBe(1);
        var row = result.GetProperty("rejectedRows").EnumerateArray().ShouldHaveSingleItem();
        row.GetProperty("line").GetInt64().ShouldBe(2);
        row.GetProperty("code").GetString().ShouldBe("MAMORI-3016");
        row.GetProperty("reason").GetString().ShouldBe($"The vault already holds subject {taro} of this type with the same 'email'.");
        (await LookupEmailAsync(app, tenant, "taro@example.jp")).ShouldBe([taro]);
        (await LookupEmailAsync(app, tenant, "ichiro@example.jp")).Count.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_PhoneAlreadyInVaultOrEarlierRow_RejectedUnlessAllowDuplicates(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var existing = await IspCustomerAsync(app, tenant, NewPerson() with { Phone = "03-1234-5678" });
        var csv = Path.Combine(app.Database.DataDir, "family.csv");
        await File.WriteAllTextAsync(csv, "name,phone\n鈴木 一郎,0312345678\n鈴木 二郎,090-2222-3333\n鈴木 三郎,09022223333\n", Ct);
        var first = await RunAsync(Import(app, csv));
        first.Code.ShouldBe(3, first.Err);
        first.Out.ShouldContain("Imported 1 subjects; rejected 2 rows.");
        first.Out.ShouldContain($"line 2: The vault already holds subject {existing} of this type with the same 'phone'. (MAMORI-3016)");
        first.Out.ShouldContain("line 4: Line 3 has the same 'phone'. (MAMORI-3016)");
        first.Out.ShouldContain("if they are different people, run the same command again with --allow-duplicates.");
        Directory.GetFiles(app.Database.DataDir, "family.rejected*").ShouldBeEmpty("a duplicate needs no correction");

        // Different people sharing a home phone: the operator says so, and only the rows rejected as duplicates are tried again.
        var second = await RunAsync(Import(app, csv, "--allow-duplicates"));
        second.Code.ShouldBe(0, second.Out + second.Err);
        second.Out.ShouldContain("Tried again the 2 rows");
        second.Out.ShouldContain("Imported 2 subjects; rejected 0 rows.");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(4);
        var third = await RunAsync(Import(app, csv, "--allow-duplicates"));
        third.Code.ShouldBe(0);
        third.Out.ShouldContain("Imported 0 subjects; rejected 0 rows.");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(4);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_EmailInVaultForAnotherSubjectType_Imported(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var person = NewPerson();
        await IspCustomerAsync(app, tenant, person);
        var csv = Path.Combine(app.Database.DataDir, "inquirers.csv");
        await File.WriteAllTextAsync(csv, $"name,email\n{person.Name},{person.Email}\n", Ct);
        var run = await RunAsync(["import", csv, "--type", "inquirer", "--purpose", "inquiries", "--acquisition", "web-form", "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        run.Code.ShouldBe(0, run.Out + run.Err);
        run.Out.ShouldContain("Imported 1 subjects; rejected 0 rows.");
    }

    private static readonly System.Text.Encoding ShiftJis = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(932)!;

    [Fact]
    public async Task Import_ShiftJisFileWithoutEncoding_RefusedBeforeAnyRowSayingHowToSave()
    {
        // Regression: Excel's 「CSV（コンマ区切り）」 (Shift_JIS) was read as UTF-8: names stored as U+FFFD, exit 0, and the file counted as imported.
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "sjis.csv");
        await File.WriteAllBytesAsync(csv, ShiftJis.GetBytes("name,email,phone\r\nsato,sato@example.jp,090-1212-3434\r\n松本 清,kiyoshi@example.jp,090-4545-6767\r\n"), Ct);
        var run = await RunAsync(Import(app, csv));
        run.Code.ShouldBe(1, run.Out);
        run.Err.Trim().ShouldBe($"mamori: ファイルを取り込めませんでした（何も取り込んでいません） / {csv}: line 3 is not UTF-8 text, so nothing was imported. Excel's 「CSV（コンマ区切り）」 saves Shift_JIS: "
            + "import the file with --encoding shift_jis, or save it from Excel as 「CSV UTF-8（コンマ区切り）」. (MAMORI-3015)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(0);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().CountAsync(Ct))).ShouldBe(0);

        var again = await RunAsync(Import(app, csv, "--encoding", "shift_jis"));
        again.Code.ShouldBe(0, again.Out + again.Err);
        again.Out.ShouldContain("Imported 2 subjects; rejected 0 rows.");
        var found = (await LookupEmailAsync(app, tenant, "kiyoshi@example.jp")).ShouldHaveSingleItem();
        var name = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(new Mamori.Access.DecisionRequest(found, "service-provision", ["name"], ["operator"]), Mamori.Audit.Actor.System, Ct));
        name.Values["name"].ShouldBe("松本 清");
    }

    [Fact]
    public async Task Import_Utf8FileWithShiftJisEncoding_RefusedBeforeAnyRow()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "utf8.csv");
        await File.WriteAllTextAsync(csv, "name,email\n松本 清,kiyoshi@example.jp\n", new System.Text.UTF8Encoding(false), Ct);
        var run = await RunAsync(Import(app, csv, "--encoding", "shift_jis"));
        run.Code.ShouldBe(1, run.Out);
        run.Err.ShouldContain("the file is UTF-8 text, not Shift_JIS, so nothing was imported: import it without --encoding. (MAMORI-3015)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task Import_ShiftJisRejectedRowsFileImportedWithSameOptions_ReadAsUtf8()
    {
        // The rejected-rows file is UTF-8 with a byte-order mark: "import that file with the same options" (--encoding shift_jis) must read it right.
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "kana.csv");
        await File.WriteAllBytesAsync(csv, ShiftJis.GetBytes("name,email\r\n高橋 美咲,misaki-at-example.jp\r\n"), Ct);
        (await RunAsync(Import(app, csv, "--encoding", "shift_jis"))).Code.ShouldBe(3);
        var rejected = RejectedFile(app, "kana");
        await File.WriteAllTextAsync(rejected, (await File.ReadAllTextAsync(rejected, Ct)).Replace("misaki-at-", "misaki@", StringComparison.Ordinal), new System.Text.UTF8Encoding(true), Ct);
        var run = await RunAsync(Import(app, rejected, "--encoding", "shift_jis"));
        run.Code.ShouldBe(0, run.Out + run.Err);
        var found = (await LookupEmailAsync(app, tenant, "misaki@example.jp")).ShouldHaveSingleItem();
        var name = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(new Mamori.Access.DecisionRequest(found, "service-provision", ["name"], ["operator"]), Mamori.Audit.Actor.System, Ct));
        name.Values["name"].ShouldBe("高橋 美咲");
    }

    [Fact]
    public async Task Import_MisspelledAndCapitalisedColumns_OneErrorNamingThemBeforeAnyRowNoRun()
    {
        // Regression: 'Name,E-mail' was reported on every row as '(a value that is not an id)', exit 3, and the file was then "imported before" for good.
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "unk.csv");
        await File.WriteAllTextAsync(csv, "Name,E-mail,favourite\n木村,kimura2@example.jp,x\n", Ct);
        var run = await RunAsync(Import(app, csv));
        run.Code.ShouldBe(1, run.Out);
        run.Err.Trim().ShouldBe($"mamori: 見出しの列に、ポリシーにない項目か、示した利用目的で取得しない項目があります / {csv}: the header row names data categories; column 1 'Name' is not a data category of the policy; did you mean 'name'?; "
            + "column 2 'E-mail' is not a data category of the policy; did you mean 'email'?; column 3 'favourite' is not a data category of the policy. Nothing was imported. (MAMORI-3005)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().CountAsync(Ct))).ShouldBe(0);

        await File.WriteAllTextAsync(csv, "name,email\n木村,kimura2@example.jp\n", Ct);
        var fixedRun = await RunAsync(Import(app, csv));
        fixedRun.Code.ShouldBe(0, fixedRun.Out + fixedRun.Err);
        fixedRun.Out.ShouldContain("Imported 1 subjects; rejected 0 rows.");
    }

    [Fact]
    public async Task Import_ColumnNoPurposeGivenUses_OneErrorNamingThePurposesThatUseIt()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "sms.csv");
        await File.WriteAllTextAsync(csv, "sms-phone,coupon-usage\n090-5656-7878,x\n", Ct);
        var run = await RunAsync(["import", csv, "--type", "sms-user", "--service", "sms-verify", "--purpose", "coupon-management",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        run.Code.ShouldBe(0, run.Out + run.Err);
        var wrong = await RunAsync(["import", csv, "--type", "sms-user", "--service", "sms-verify", "--purpose", "verification",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        wrong.Code.ShouldBe(1, wrong.Out);
        wrong.Err.ShouldContain("column 2 'coupon-usage' is used by none of the purposes given (verification), so it may not be collected; purposes that use it: coupon-management. Nothing was imported. (MAMORI-3005)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().CountAsync(Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task Import_NoAcquisitionGiven_PurposesOnlyMethodRecordedOrSeveralRefused()
    {
        // Regression: import recorded the policy's first method (web-form) for SMS numbers the policy acquires only by self-input.
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "acq.csv");
        await File.WriteAllTextAsync(csv, "sms-phone\n090-5656-1111\n", Ct);
        string[] Sms(params string[] more) => ["import", csv, "--type", "sms-user", "--service", "sms-verify",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme", .. more];
        var wrong = await RunAsync(Sms("--purpose", "coupon-management", "--acquisition", "web-form"));
        wrong.Code.ShouldBe(1, wrong.Out);
        wrong.Err.ShouldContain("Category 'sms-phone' is acquired for 'coupon-management' by 'self-input' only, not by 'web-form', as the policy declares. (MAMORI-3019)");
        // The verification log is acquired automatically or by the person's input: the file must say which.
        var logs = Path.Combine(app.Database.DataDir, "log.csv");
        await File.WriteAllTextAsync(logs, "verification-log\n2026-11-01 ok\n", Ct);
        var several = await RunAsync(["import", logs, "--type", "sms-user", "--service", "sms-verify", "--purpose", "verification",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        several.Code.ShouldBe(1, several.Out);
        several.Err.ShouldContain("the purposes given allow several acquisition methods for these columns (automatic, self-input): say how the data was acquired with --acquisition. (MAMORI-3019)");
        // An SMS number never comes from a log (S-14), even for a purpose that also acquires automatically.
        var logged = await RunAsync(Sms("--purpose", "verification", "--acquisition", "automatic"));
        logged.Code.ShouldBe(1, logged.Out);
        logged.Err.ShouldContain("Category 'sms-phone' is a phone number for SMS verification: it is acquired only from the person (an acquisition method with direct: true), not by 'automatic'. (MAMORI-3019)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().CountAsync(Ct))).ShouldBe(0);

        var run = await RunAsync(Sms("--purpose", "coupon-management"));
        run.Code.ShouldBe(0, run.Out + run.Err);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Select(s => s.AcquisitionMethod).SingleAsync(Ct))).ShouldBe("self-input");
        // For verification the number's only possible method is the person's input, so the file need not say it.
        var other = Path.Combine(app.Database.DataDir, "other.csv");
        await File.WriteAllTextAsync(other, "sms-phone\n090-5656-2222\n", Ct);
        var inferred = await RunAsync(["import", other, "--type", "sms-user", "--service", "sms-verify", "--purpose", "verification",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        inferred.Code.ShouldBe(0, inferred.Out + inferred.Err);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Select(s => s.AcquisitionMethod).ToListAsync(Ct))).ShouldBe(["self-input", "self-input"]);
    }

    [Fact]
    public async Task Import_UnknownSubjectType_OneErrorNoRowRead()
    {
        var (app, _) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "imp.csv");
        await File.WriteAllTextAsync(csv, "name,email\n山田 太郎,taro@example.jp\n", Ct);
        var run = await RunAsync(["import", csv, "--type", "custmer", "--purpose", "service-provision", "--service", "isp",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        run.Code.ShouldBe(1);
        run.Err.ShouldContain("MAMORI-3004");
        run.Err.ShouldContain("本人の種類（--type）がポリシーにありません / ");
        run.Err.Trim().Split('\n').ShouldHaveSingleItem();
        Directory.GetFiles(app.Database.DataDir, "imp.rejected*").ShouldBeEmpty();
    }

    private static string Jst(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, Mamori.Policy.PolicyStore.Jst).ToString("yyyy-MM-dd HH:mm 'JST'", System.Globalization.CultureInfo.InvariantCulture);

    private static Task<List<ImportRun>> RunsAsync(TestApp app, Guid tenant) =>
        app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().AsNoTracking().OrderBy(r => r.StartedAt).ToListAsync(Ct));

    /// <summary>Imports 450 rows in batches of 100 and stops after the first batch, like an import interrupted by Ctrl+C. Returns the subjects committed.</summary>
    private static async Task<int> InterruptedImportAsync(TestApp app, Guid tenant, string csv, ImportOptions options)
    {
        using var cts = new CancellationTokenSource();
        await Should.ThrowAsync<OperationCanceledException>(() => app.InTenantAsync(tenant, (sp, _) =>
            sp.GetRequiredService<SubjectImport>().RunAsync(csv, options, Mamori.Audit.Actor.System, (_, _) => cts.Cancel(), cts.Token)));
        return await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct));
    }

    private static async Task<string> ManyAsync(TestApp app)
    {
        var csv = Path.Combine(app.Database.DataDir, "many.csv");
        await File.WriteAllLinesAsync(csv, ["name,email", .. Enumerable.Range(0, 450).Select(i => $"試験 {i},user{i}@example.jp")], Ct);
        return csv;
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_InterruptedThenSameOptions_ResumesAndFinishedRerunSaysImportedBeforeWithDate(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = await ManyAsync(app);
        var afterCrash = await InterruptedImportAsync(app, tenant, csv, new ImportOptions("customer", ["service-provision"], "paper", "isp", BatchSize: 100));
        afterCrash.ShouldBeGreaterThan(0);

        var resumed = await RunAsync(Import(app, csv));
        resumed.Code.ShouldBe(0, resumed.Out + resumed.Err);
        resumed.Out.ShouldContain($"Resumed after line {afterCrash + 1}, where an earlier run of this file with the same options stopped");
        resumed.Out.ShouldNotContain("other options");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(450);

        var run = (await RunsAsync(app, tenant)).ShouldHaveSingleItem();
        (run.Purposes, run.Acquisition, run.ServiceId, run.Encoding).ShouldBe(("service-provision", "paper", "isp", "utf-8"));
        var again = await RunAsync(Import(app, csv));
        again.Code.ShouldBe(0, again.Out + again.Err);
        again.Out.ShouldContain($"This file was imported before with the same options, on {Jst(run.FinishedAt!.Value)} (through line 451); nothing was imported again.");
        (await RunsAsync(app, tenant)).Count.ShouldBe(1);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SameFileWithOtherAcquisitionOrService_NewRunNotSkippedAsImportedBefore(string provider)
    {
        // Regression: runs were keyed by the file and the subject type only, so the file imported again with other options was
        // "imported before" and the options were silently lost.
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "opts.csv");
        await File.WriteAllTextAsync(csv, "name,email,phone\n山田 太郎,taro@example.jp,090-1111-2222\n佐藤 花子,hanako@example.jp,090-3333-4444\n", Ct);
        (await RunAsync(Import(app, csv))).Code.ShouldBe(0);
        var first = (await RunsAsync(app, tenant)).ShouldHaveSingleItem();

        // The same people, told acquired by web form: a new run, whose rows the vault already holds for this type and service.
        var webForm = await RunAsync(["import", csv, "--type", "customer", "--service", "isp", "--purpose", "service-provision", "--acquisition", "web-form",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        webForm.Code.ShouldBe(3, webForm.Out + webForm.Err);
        webForm.Out.ShouldNotContain("imported before");
        webForm.Out.ShouldContain($"An import of this file as customer with other options (--purpose service-provision --acquisition paper --service isp --encoding utf-8) "
            + $"finished on {Jst(first.FinishedAt!.Value)} and brought in 2 subjects; it is left as it was and this is a separate import.");
        webForm.Out.ShouldContain("line 2: The vault already holds subject");
        webForm.Out.ShouldContain("--allow-duplicates would import them a second time.");
        webForm.Out.ShouldNotContain("run the same command again with --allow-duplicates");

        // The file for the company's inquiries (no service): other people for the vault, imported.
        var inquiries = await RunAsync(["import", csv, "--type", "customer", "--purpose", "inquiries", "--acquisition", "web-form", "--json",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        inquiries.Code.ShouldBe(0, inquiries.Out + inquiries.Err);
        var result = JsonDocument.Parse(inquiries.Out).RootElement;
        result.GetProperty("imported").GetInt64().ShouldBe(2);
        result.GetProperty("importedBefore").GetBoolean().ShouldBeFalse();
        result.GetProperty("otherRuns").GetArrayLength().ShouldBe(2);
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(s => s.ServiceId == null, Ct))).ShouldBe(2);
        (await RunsAsync(app, tenant)).Select(r => (r.Acquisition, r.ServiceId)).ShouldBe([("paper", "isp"), ("web-form", "isp"), ("web-form", null)]);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_InterruptedThenOtherPurposes_NewRunFromFirstLineAndOldRunKeepsItsOptions(string provider)
    {
        // Regression: a half-done run was resumed with the options of the new command, so one run stored rows under two sets of purposes.
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = await ManyAsync(app);
        var afterCrash = await InterruptedImportAsync(app, tenant, csv, new ImportOptions("customer", ["service-provision"], "web-form", "isp", BatchSize: 100));
        var other = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<SubjectImport>().RunAsync(csv,
            new ImportOptions("customer", ["support", "service-provision"], "web-form", "isp"), Mamori.Audit.Actor.System, null, Ct));
        other.ResumedAfterLine.ShouldBe(0);
        other.Imported.ShouldBe(450 - afterCrash);
        other.RejectedRows.Count.ShouldBe(afterCrash);
        other.RejectedRows.ShouldAllBe(r => r.Code == "MAMORI-3016");
        other.Run.Purposes.ShouldBe(["service-provision", "support"]);
        var unfinished = other.OtherRuns.ShouldHaveSingleItem();
        unfinished.FinishedAt.ShouldBeNull();
        unfinished.LastLine.ShouldBe(afterCrash + 1);
        var purposes = await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().Select(s => s.PurposesShown).ToListAsync(Ct));
        purposes.Count(p => p.Count == 2).ShouldBe(450 - afterCrash);

        // The same purposes in another order are the same options.
        var reordered = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<SubjectImport>().RunAsync(csv,
            new ImportOptions("customer", ["service-provision", "support"], "web-form", "isp"), Mamori.Audit.Actor.System, null, Ct));
        reordered.ImportedBefore.ShouldBeTrue();
        (await RunsAsync(app, tenant)).Count.ShouldBe(2);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_RunRecordedBeforeOptions_ResumesWithTheOptionsGivenAndRecordsThem(string provider)
    {
        // An import interrupted before the upgrade that records the options (the migration leaves them null) still resumes.
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = await ManyAsync(app);
        var afterCrash = await InterruptedImportAsync(app, tenant, csv, new ImportOptions("customer", ["service-provision"], "paper", "isp", BatchSize: 100));
        await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().ExecuteUpdateAsync(u => u
            .SetProperty(r => r.Purposes, (string?)null).SetProperty(r => r.Acquisition, (string?)null)
            .SetProperty(r => r.ServiceId, (string?)null).SetProperty(r => r.Encoding, (string?)null), Ct));

        var resumed = await RunAsync(Import(app, csv));
        resumed.Code.ShouldBe(0, resumed.Out + resumed.Err);
        resumed.Out.ShouldContain($"Resumed after line {afterCrash + 1}");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(Ct))).ShouldBe(450);
        var run = (await RunsAsync(app, tenant)).ShouldHaveSingleItem();
        (run.Purposes, run.Acquisition, run.ServiceId, run.Encoding).ShouldBe(("service-provision", "paper", "isp", "utf-8"));

        // A finished run without options is reported as imported before, whatever the options: reading it again would import
        // a second time every row with no e-mail, phone or My Number to recognise it by.
        await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().ExecuteUpdateAsync(u => u.SetProperty(r => r.Purposes, (string?)null), Ct));
        var again = await RunAsync(["import", csv, "--type", "customer", "--purpose", "inquiries", "--acquisition", "web-form",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        again.Code.ShouldBe(0, again.Out + again.Err);
        again.Out.ShouldContain($"This file was imported before, on {Jst(run.FinishedAt!.Value)} (through line 451), by a version of Mamori that did not record an import's options");
        (await RunsAsync(app, tenant)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Import_ExcelPaddedColumnsBlankRowsAndSpaceCells_ImportedNotRejected()
    {
        // Regression: a sheet saved by Excel with a stray cell to the right ("name,email,phone,address,,") was refused for
        // unnamed columns, a cleared row (",,,,,") was rejected and written to the rejected-rows file, and a cell of a full-width
        // space rejected its row as an empty field while spaces around a name were stored.
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "excel.csv");
        await File.WriteAllTextAsync(csv, "name,email,phone,address,,\r\n"
            + "山田　太郎,taro@example.jp,０９０－１１１１－２２２２,\"東京都新宿区西新宿１－１\r\nサクラマンション101\",,\r\n"
            + ",,,,,\r\n"
            + " 佐藤 花子　,hanako@example.jp,　,大阪府大阪市北区梅田1-1,,\r\n"
            + "鈴木 一郎,ichiro@example.jp,090-3333-4444,福岡県福岡市,,メモ\r\n", new System.Text.UTF8Encoding(true), Ct);
        var run = await RunAsync(Import(app, csv, "--json"));
        run.Code.ShouldBe(3, run.Out + run.Err);
        var result = JsonDocument.Parse(run.Out).RootElement;
        result.GetProperty("imported").GetInt64().ShouldBe(2);
        var rejected = result.GetProperty("rejectedRows").EnumerateArray().ShouldHaveSingleItem();
        rejected.GetProperty("line").GetInt64().ShouldBe(6);
        rejected.GetProperty("reason").GetString().ShouldBe("expected 4 columns, found 6");

        var hanako = (await LookupEmailAsync(app, tenant, "hanako@example.jp")).ShouldHaveSingleItem();
        var read = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(
            new Mamori.Access.DecisionRequest(hanako, "service-provision", ["name", "phone"], ["operator"]), Mamori.Audit.Actor.System, Ct));
        read.Values["name"].ShouldBe("佐藤 花子");
        read.Values.ShouldNotContainKey("phone");
        var found = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().LookupAsync(LookupKind.Phone, "09011112222", "service-provision", ["operator"], Mamori.Audit.Actor.System, Ct));
        found.Count.ShouldBe(1, "full-width digits are the same phone number");
    }

    /// <summary>
    /// Regression: a rejected-rows file was one per source file (customers.rejected.csv): an import of the same file with other
    /// options overwrote the one the operator was correcting, and its rows mixed with the other run's. Each run has its own, named
    /// after the run.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_SameFileWithOtherOptions_EachRunKeepsItsOwnRejectedRowsFile(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "twice.csv");
        await File.WriteAllTextAsync(csv, "name,email\n山田 太郎,taro@example.jp\n佐藤 花子,hanako-at-example.jp\n", Ct);
        var first = await RunAsync(Import(app, csv, "--json"));
        first.Code.ShouldBe(3, first.Err);
        var firstFile = JsonDocument.Parse(first.Out).RootElement.GetProperty("rejectedFile").GetString()!;
        await File.WriteAllTextAsync(firstFile, (await File.ReadAllTextAsync(firstFile, Ct)) + "being corrected", Ct);

        var second = await RunAsync(["import", csv, "--type", "customer", "--service", "isp", "--purpose", "service-provision", "--acquisition", "web-form", "--json",
            "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme"]);
        second.Code.ShouldBe(3, second.Err);
        var secondResult = JsonDocument.Parse(second.Out).RootElement;
        var secondFile = secondResult.GetProperty("rejectedFile").GetString()!;
        secondFile.ShouldBe(Path.Combine(app.Database.DataDir, $"twice.rejected-{secondResult.GetProperty("run").GetProperty("id").GetGuid()}.csv"));
        secondFile.ShouldNotBe(firstFile);
        (await File.ReadAllTextAsync(firstFile, Ct)).ShouldEndWith("being corrected");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<ImportRun>().CountAsync(Ct))).ShouldBe(2);
    }

    /// <summary>
    /// Regression: an import stored an e-mail address or phone number in the width it was typed (０９０－…, ｔａｒｏ＠…) while the
    /// console and the API stored the same person's half-width value; a full-width address could not be written to. Every way in
    /// stores the value as the person gave it (its format, its capitals) in ordinary width; lookups find either way of writing it.
    /// </summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Import_FullWidthAndUpperCaseContacts_StoredAsGivenInOrdinaryWidth(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var csv = Path.Combine(app.Database.DataDir, "width.csv");
        await File.WriteAllTextAsync(csv, "name,email,phone\n山田 太郎,Ｔａｒｏ．Ｙａｍａｄａ＠Example.JP,０９０－１２３４－５６７８\n佐藤 花子,Hanako@Example.jp,+81 90 3333 4444\n", Ct);
        var run = await RunAsync(Import(app, csv));
        run.Code.ShouldBe(0, run.Out + run.Err);
        async Task<IReadOnlyDictionary<string, string>> ReadAsync(string email)
        {
            var id = (await LookupEmailAsync(app, tenant, email)).ShouldHaveSingleItem();
            return (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>().ReadAsync(
                new Mamori.Access.DecisionRequest(id, "service-provision", ["email", "phone"], ["privacy-officer"]), Mamori.Audit.Actor.System, Ct))).Values;
        }
        var taro = await ReadAsync("taro.yamada@example.jp");
        taro["email"].ShouldBe("Taro.Yamada@Example.JP");
        taro["phone"].ShouldBe("090-1234-5678");
        var hanako = await ReadAsync("hanako@example.jp");
        hanako["email"].ShouldBe("Hanako@Example.jp");
        hanako["phone"].ShouldBe("+81 90 3333 4444");
    }
}
