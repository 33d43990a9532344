using System.Text.Json;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Datasets;
using Mamori.Tests.Infrastructure;
using Mamori.Tests.Provision;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;

namespace Mamori.Tests.Anonymization;

/// <summary><c>mamori pseudonymize</c>, <c>mamori anonymize --register</c> and <c>mamori datasets</c> against a real database.</summary>
public sealed class DatasetCommandTests(PostgresCluster cluster)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var code = await MamoriCli.RunAsync(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_Cli_RegistersDatasetKeyInRingExportRefused(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var dir = app.Database.DataDir;
        var input = Path.Combine(dir, "orders.csv");
        await File.WriteAllTextAsync(input, "customer_id,email,my_number,plan\nC-1,taro@example.jp,123456789012,fiber\nC-2,hanako@example.jp,123456789013,mobile\nC-1,taro@example.jp,123456789012,mobile\n", Ct);
        var config = Path.Combine(dir, "p.yaml");
        await File.WriteAllTextAsync(config, """
            name: 購買分析
            purposes: [marketing]
            columns:
              customer_id: { kind: identifier, domain: customer }
              email:       identifier
              my_number:   { kind: identification-code }
            """, Ct);
        var output = Path.Combine(dir, "out.csv");
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", dir, "--tenant", "acme" };

        var run = await RunAsync(["pseudonymize", input, "--config", config, "--output", output, "--json", .. env]);
        run.Code.ShouldBe(0, run.Err);
        var dataset = JsonDocument.Parse(run.Out).RootElement;
        var id = dataset.GetProperty("id").GetGuid();
        var keyId = dataset.GetProperty("keyId").GetString()!;
        var lines = await File.ReadAllLinesAsync(output, Ct);
        lines[0].ShouldBe("customer_id,email,plan");
        lines[1].Split(',')[0].ShouldBe(lines[3].Split(',')[0]);
        string.Join("\n", lines).ShouldNotContain("taro");
        string.Join("\n", lines).ShouldNotContain("123456789012");
        KeyRing.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "keys.json"), Ct), "t").FindPseudonymizationKey(keyId).ShouldNotBeNull();

        var export = await RunAsync(["datasets", "export-key", id.ToString(), .. env]);
        export.Code.ShouldBe(1);
        export.Err.ShouldContain("(MAMORI-8052)");
        var list = await RunAsync(["datasets", "list", "--json", .. env]);
        list.Out.ShouldContain(id.ToString());
        var status = await RunAsync(["keys", "status", "--json", .. env]);
        status.Code.ShouldBe(0, status.Err);
        var pseudonymizationKey = JsonDocument.Parse(status.Out).RootElement.GetProperty("pseudonymizationKeys").EnumerateArray().Single();
        pseudonymizationKey.GetProperty("id").GetString().ShouldBe(keyId);
        pseudonymizationKey.GetProperty("datasets").EnumerateArray().Single().GetProperty("id").GetGuid().ShouldBe(id);

        await File.WriteAllTextAsync(config, "name: x\npurposes: [marketing]\ncolumns:\n  email: keep\n", Ct);
        var contact = await RunAsync(["pseudonymize", input, "--config", config, "--output", output, .. env]);
        contact.Code.ShouldBe(1);
        contact.Err.ShouldContain("(MAMORI-8055)");
        await File.WriteAllTextAsync(config, "name: x\npurposes: [marketing]\ncolumns:\n  email: { kind: shuffle }\n", Ct);
        var bad = await RunAsync(["pseudonymize", input, "--config", config, "--output", output, .. env]);
        bad.Code.ShouldBe(1);
        bad.Err.ShouldContain("p.yaml:4:");
        bad.Err.ShouldContain("(MAMORI-8051)");

        var deleted = await RunAsync(["datasets", "delete-key", id.ToString(), .. env]);
        deleted.Code.ShouldBe(0, deleted.Err);
        KeyRing.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "keys.json"), Ct), "t").FindPseudonymizationKey(keyId).ShouldBeNull();
        var after = await RunAsync(["keys", "status", .. env]);
        after.Out.ShouldNotContain(keyId);
        after.Out.ShouldNotContain("pseudonymization");

        // A pseudonymized dataset has no method of provision to publish (it is not provided to third parties).
        var method = await RunAsync(["datasets", "provision-method", id.ToString(), "--method", "暗号化して送付", .. env]);
        method.Code.ShouldBe(1);
        method.Err.ShouldContain("(MAMORI-8058)");
    }

    [Fact]
    public async Task DatasetsProvisionMethod_AnonymizedDataset_SetAndPublished()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var d = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProcessedDatasets>().RegisterAnonymizedAsync(
            new("年代別利用傾向", ["age-band"], "k-anonymity (k = 10)", 5000, 10, Labels: new Dictionary<string, Mamori.Policy.LocalizedText> { ["age-band"] = new("年代", "Age band") }),
            Actor.System, Ct));
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir, "--tenant", "acme" };
        var set = await RunAsync(["datasets", "provision-method", d.Id.ToString(), "--method", "CSVファイルを暗号化して送付", .. env]);
        set.Code.ShouldBe(0, set.Err);
        set.Out.ShouldContain(d.Id.ToString());
        (await app.Client().GetStringAsync("/privacy", Ct)).ShouldContain("CSVファイルを暗号化して送付");
    }

    // Bug M6, as the user saw it: exit 0, 「replaced customer_id; deleted nothing」 and the mail and phone number in the output.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_Cli_ContactColumnNotInConfig_RefusedNothingWritten(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var dir = app.Database.DataDir;
        var input = Path.Combine(dir, "q.csv");
        // Column names that say nothing: a column called mail or tel is refused by its name (8055) before its values are read.
        await File.WriteAllTextAsync(input, "customer_id,contact,reach,amount\nC-1,taro@example.jp,090-1234-5678,1200\n", Ct);
        var config = Path.Combine(dir, "q.yaml");
        await File.WriteAllTextAsync(config, "name: 分析\npurposes: [marketing]\ncolumns:\n  customer_id: { kind: identifier, domain: customer }\n", Ct);
        var output = Path.Combine(dir, "qo.csv");

        var run = await RunAsync("pseudonymize", input, "--config", config, "--output", output, "--db", app.Database.CliValue, "--data-dir", dir, "--tenant", "acme");
        run.Code.ShouldBe(1);
        run.Err.ShouldContain("(MAMORI-8059)");
        run.Err.ShouldContain("'contact' (e-mail addresses)");
        run.Err.ShouldContain("'reach' (phone numbers)");
        run.Err.ShouldNotContain("taro");
        File.Exists(output).ShouldBeFalse();
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProcessedDatasets>().ListAsync(Ct))).ShouldBeEmpty();
    }

    // Regression: 氏名 (or a column called name, a policy category) and 住所 left out of the plan stayed readable in pseudonymized
    // information; only English category ids such as address were recognised.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Pseudonymize_Cli_NameOrAddressColumnKept_Refused(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var dir = app.Database.DataDir;
        var input = Path.Combine(dir, "ps.csv");
        await File.WriteAllTextAsync(input, "顧客ID,氏名,住所,年齢\nC-1,田中 一郎,東京都千代田区丸の内1-8,69\nC-2,山田 花子,大阪府大阪市北区梅田1-1,44\n", Ct);
        var config = Path.Combine(dir, "ps.yaml");
        var output = Path.Combine(dir, "pso.csv");
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", dir, "--tenant", "acme" };
        async Task<(int Code, string Out, string Err)> Run(string columns)
        {
            await File.WriteAllTextAsync(config, "name: 分析\npurposes: [marketing]\ncolumns:\n" + columns, Ct);
            return await RunAsync(["pseudonymize", input, "--config", config, "--output", output, .. env]);
        }

        var name = await Run("  顧客ID: identifier\n  住所: identifier\n");
        name.Code.ShouldBe(1);
        name.Err.ShouldContain("'氏名' is a person's name");
        name.Err.ShouldContain("(MAMORI-8060)");
        name.Err.ShouldNotContain("田中");
        var address = await Run("  顧客ID: identifier\n  氏名: identifier\n");
        address.Code.ShouldBe(1);
        address.Err.ShouldContain("'住所' is a contact item");
        address.Err.ShouldContain("(MAMORI-8055)");
        File.Exists(output).ShouldBeFalse();
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProcessedDatasets>().ListAsync(Ct))).ShouldBeEmpty();

        await File.WriteAllTextAsync(input, "customer,name,age\nC-1,Taro Tanaka,69\n", Ct);
        var english = await Run("  customer: identifier\n");
        english.Err.ShouldContain("'name' is a person's name");
        english.Err.ShouldContain("(MAMORI-8060)");

        (await Run("  customer: identifier\n  name: identifier\n")).Code.ShouldBe(0);
    }

    // Bug M10: --register published 「age、zip、pref、disease」 on the notice; a published column now needs a label.
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymize_RegisterWithoutLabels_RefusedNamingColumnsAndPosition(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var dir = app.Database.DataDir;
        var input = Path.Combine(dir, "in.csv");
        await File.WriteAllTextAsync(input, "name,age,zip,pref,disease,visits\n" + string.Join("\n",
            Enumerable.Range(0, 40).Select(i => $"p{i},{20 + i % 10},100-000{i % 3},東京都,{(i % 2 == 0 ? "糖尿病" : "高血圧")},{i % 4}")) + "\n", Ct);
        var config = Path.Combine(dir, "cfg.yaml");
        await File.WriteAllTextAsync(config, """
            attributes:
              name:    { kind: identifying }
              age:     { kind: quasi, hierarchy: { intervals: [20] }, label: 年齢（20歳刻み） }
              zip:     { kind: quasi, hierarchy: { mask: { step: 1 } } }
              pref:    { kind: quasi }
              disease: { kind: sensitive }
            models:
              - k-anonymity: { k: 5 }
            """, Ct);
        var output = Path.Combine(dir, "out.csv");
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", dir, "--tenant", "acme" };
        var run = await RunAsync(["anonymize", input, "--config", config, "--output", output, "--register", "健康診断分析 2026", .. env]);
        run.Code.ShouldBe(1);
        run.Err.ShouldContain("cfg.yaml:4:3:");
        run.Err.ShouldContain("give zip, pref, disease, visits a label");
        run.Err.ShouldContain("visits is not under attributes");
        run.Err.ShouldContain("(MAMORI-8051)");
        File.Exists(output).ShouldBeFalse();
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProcessedDatasets>().ListAsync(Ct))).ShouldBeEmpty();

        // Without --register nothing is published, so no label is needed.
        (await RunAsync(["anonymize", input, "--config", config, "--output", output, .. env])).Code.ShouldBe(0);
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymize_Register_ItemsAndMeasuresRegisteredAndPublished(string provider)
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(provider, cluster);
        await using var _ = app;
        var dir = app.Database.DataDir;
        var input = Path.Combine(dir, "in.csv");
        await File.WriteAllTextAsync(input, "name;age;disease\n" + string.Join("\n",
            Enumerable.Range(0, 40).Select(i => $"p{i};{20 + i % 10};{(i % 2 == 0 ? "flu" : "cold")}")) + "\n", Ct);
        await File.WriteAllTextAsync(Path.Combine(dir, "age.csv"), string.Join("\n", Enumerable.Range(20, 10).Select(a => $"{a};{a / 5 * 5}-{a / 5 * 5 + 4};*")) + "\n", Ct);
        var config = Path.Combine(dir, "a.yaml");
        await File.WriteAllTextAsync(config, """
            delimiter: ";"
            attributes:
              name:    { kind: identifying }
              age:     { kind: quasi, hierarchy: age.csv, label: {ja: 年齢（5歳刻み）, en: Age (5-year bands)} }
              disease: { kind: sensitive, label: 病名 }
            models:
              - k-anonymity: { k: 5 }
            suppressionLimit: 0
            metric: loss
            """, Ct);
        var env = new[] { "--db", app.Database.CliValue, "--data-dir", dir, "--tenant", "acme" };
        var run = await RunAsync(["anonymize", input, "--config", config, "--output", Path.Combine(dir, "out.csv"), "--json",
            "--register", "年代別傾向", "--provision-method", "暗号化したファイルの送付", .. env]);
        run.Code.ShouldBe(0, run.Err);
        JsonDocument.Parse(run.Out).RootElement.GetProperty("levels").GetProperty("age").GetInt32().ShouldBeGreaterThanOrEqualTo(0);
        run.Err.ShouldContain("registered anonymized dataset");

        var all = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<ProcessedDatasets>().ListAsync(Ct));
        var d = all.ShouldHaveSingleItem();
        d.Kind.ShouldBe("anonymized");
        d.Items.ShouldBe(["age", "disease"]);
        d.Deleted.ShouldBe(["name"]);
        d.RowCount.ShouldBe(40);
        d.SafetyMeasures.ShouldContain("k-anonymity (k = 5)");
        d.SafetyMeasures.ShouldContain("identifying columns removed: name");
        d.ProvisionMethod.ShouldBe("暗号化したファイルの送付");
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.DatasetAnonymizedRegistered, Ct))).ShouldBe(1);
        var page = await app.Client().GetStringAsync("/privacy", Ct);
        page.ShouldContain("年代別傾向");
        page.ShouldContain("年齢（5歳刻み）、病名");
        d.Labels["age"].En.ShouldBe("Age (5-year bands)");

        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config, Ct)).Replace("k: 5", "k: 2", StringComparison.Ordinal), Ct);
        var weak = await RunAsync(["anonymize", input, "--config", config, "--output", Path.Combine(dir, "out2.csv"), "--register", "弱い", .. env]);
        weak.Code.ShouldBe(1);
        weak.Err.ShouldContain("(MAMORI-8051)");
        // Regression: the output was written before the registration was refused.
        File.Exists(Path.Combine(dir, "out2.csv")).ShouldBeFalse();
        File.Exists(Path.Combine(dir, "out2.csv.pending")).ShouldBeFalse();
    }
}
