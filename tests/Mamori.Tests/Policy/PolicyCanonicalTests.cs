using FsCheck.Xunit;
using Mamori.Policy;
using Shouldly;

namespace Mamori.Tests.Policy;

public sealed class PolicyCanonicalTests
{
    [Fact]
    public void ToJson_SamePolicyLoadedTwice_SameBytesAndHash()
    {
        var a = PolicyRendererTests.Demo();
        var b = PolicyRendererTests.Demo();

        PolicyCanonical.ToJson(a).ShouldBe(PolicyCanonical.ToJson(b));
        PolicyCanonical.ContentHash(a).ShouldBe(PolicyCanonical.ContentHash(b));
        PolicyCanonical.ContentHash(a).ShouldMatch("^[0-9a-f]{64}$");
    }

    [Fact]
    public void FromJson_DemoCanonicalJson_RoundTripsToSameHash()
    {
        var demo = PolicyRendererTests.Demo();
        var json = PolicyCanonical.ToJson(demo);

        var back = PolicyCanonical.FromJson(json);

        PolicyCanonical.ToJson(back).ShouldBe(json);
        back.Resolve("sms-verify").OptOut!.PpcNotifiedOn.ShouldBe(new DateOnly(2025, 8, 20));
        back.Purposes.First(p => p.Id == "partner-contract").Retention!.LegalHold!.Period.ToString().ShouldBe("P7Y");
        json.ShouldContain("\"period\":\"P7Y\"");
        json.ShouldContain("\"kind\":\"socialSecurity\"");
        json.ShouldContain("株式会社サクラネット");
    }

    [Fact]
    public void FromJson_IndentedJson_SameModel()
    {
        var demo = PolicyRendererTests.Demo();

        var back = PolicyCanonical.FromJson(PolicyCanonical.ToJson(demo, indented: true));

        PolicyCanonical.ContentHash(back).ShouldBe(PolicyCanonical.ContentHash(demo));
    }

    [Property(MaxTest = 60)]
    public void FromJson_GeneratedPolicy_RoundTrips(int seed)
    {
        var policy = PolicyGenerator.Generate(seed);
        var json = PolicyCanonical.ToJson(policy);

        PolicyCanonical.ToJson(PolicyCanonical.FromJson(json)).ShouldBe(json);
        PolicyDiff.Compare(policy, PolicyCanonical.FromJson(json)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("{\"company\":{},\"unknownSection\":1}")]
    [InlineData("{\"company\":{},\"purposes\":[{\"id\":\"x\",\"name\":{\"ja\":\"a\"},\"retention\":{\"period\":\"7 years\"}}]}")]
    public void FromJson_NotAPolicy_ThrowsFormatExceptionWithCode(string json)
    {
        var ex = Should.Throw<FormatException>(() => PolicyCanonical.FromJson(json));

        ex.Message.ShouldStartWith(PolicyCodes.CanonicalJsonInvalid);
    }

    [Fact]
    public void Compare_SamePolicy_NoChanges() =>
        PolicyDiff.Compare(PolicyRendererTests.Demo(), PolicyRendererTests.Demo()).ShouldBeEmpty();

    [Fact]
    public void Compare_ServiceRetentionChanged_NamesPathWithOldAndNew()
    {
        var old = PolicyRendererTests.Demo();
        var isp = old.FindService("isp")!;
        var support = isp.Purposes.Single(p => p.Id == "support");
        var changed = old with
        {
            Services = old.Services.Select(s => s.Id != "isp" ? s : s with
            {
                Purposes = s.Purposes.Select(p => p.Id != "support" ? p : p with { Retention = p.Retention! with { Period = IsoPeriod.Parse("P2Y") } }).ToList(),
            }).ToList(),
        };

        var change = PolicyDiff.Compare(old, changed).ShouldHaveSingleItem();

        change.Path.ShouldBe("services.isp.purposes.support.retention.period");
        change.Kind.ShouldBe(PolicyChangeKind.Changed);
        (change.OldValue, change.NewValue).ShouldBe((support.Retention!.Period.ToString(), "P2Y"));
        change.ToString().ShouldBe("~ services.isp.purposes.support.retention.period: P1Y → P2Y");
    }

    [Fact]
    public void Compare_PurposeAddedAndTagRemoved_ReportsBoth()
    {
        var old = PolicyRendererTests.Demo();
        var added = old.Purposes[0] with { Id = "newsletter", Name = new LocalizedText("メールマガジンの配信", "Newsletter") };
        var changed = old with
        {
            Purposes = [.. old.Purposes, added],
            ExternalTags = old.ExternalTags.Where(t => t.Id != "ads").ToList(),
            Amendments = [.. old.Amendments, new Amendment(new DateOnly(2027, 1, 1), new LocalizedText("改定", "Amended"))],
        };

        var changes = PolicyDiff.Compare(old, changed);

        changes.ShouldContain(c => c.Path == "purposes.newsletter" && c.Kind == PolicyChangeKind.Added && c.NewValue!.Contains("メールマガジンの配信"));
        changes.ShouldContain(c => c.Path == "externalTags.ads" && c.Kind == PolicyChangeKind.Removed);
        changes.ShouldContain(c => c.Path == $"amendments[{old.Amendments.Count}]" && c.Kind == PolicyChangeKind.Added);
        changes.Count.ShouldBe(3);
    }

    [Fact]
    public void Compare_EditedYamlOnDisk_DiffNamesTheEditedField()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mamori-policy-" + Guid.NewGuid().ToString("N"));
        CopyDir(PolicyRendererTests.DemoDir(), dir);
        try
        {
            var before = PolicyLoader.LoadDirectory(dir).Policy.ShouldNotBeNull();
            var file = Path.Combine(dir, "company.yaml");
            File.WriteAllText(file, File.ReadAllText(file).Replace("phone: 03-0000-1234", "phone: 03-0000-9999", StringComparison.Ordinal));
            var after = PolicyLoader.LoadDirectory(dir).Policy.ShouldNotBeNull();

            PolicyCanonical.ContentHash(after).ShouldNotBe(PolicyCanonical.ContentHash(before));
            // The SMS service overrides only the contact's name and email, so its phone changes too.
            PolicyDiff.Compare(before, after).Select(c => c.ToString()).ShouldBe(
            [
                "~ contact.phone: 03-0000-1234 → 03-0000-9999",
                "~ services.sms-verify.contact.phone: 03-0000-1234 → 03-0000-9999",
            ]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Regression (walkthrough 3, M3): the public change history showed `contact.phone`, `P3Y → P2Y` and whole JSON objects for an
    // added entrustee or tag: the page data subjects read to learn what changed.
    [Fact]
    public void Describe_PhoneRetentionAndNewEntrustee_InTheNoticesWords()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mamori-policy-" + Guid.NewGuid().ToString("N"));
        CopyDir(PolicyRendererTests.DemoDir(), dir);
        try
        {
            var before = PolicyLoader.LoadDirectory(dir).Policy.ShouldNotBeNull();
            var file = Path.Combine(dir, "company.yaml");
            var yaml = File.ReadAllText(file)
                .Replace("phone: 03-0000-1234", "phone: 03-0000-5678", StringComparison.Ordinal)
                .Replace("retention: {period: P3Y, from: {event: inquiry-closed", "retention: {period: P2Y, from: {event: inquiry-closed", StringComparison.Ordinal)
                .Replace("  entrustees:\n", "  entrustees:\n    call-center:\n      name: {ja: さくらコールセンター株式会社（電話受付業務）, en: Sakura Call Center K.K.}\n      task: {ja: お問合せの電話受付, en: Answering calls}\n      categories: [name, phone]\n      contract: {confidentiality: true, auditRights: true, safeguardsAtLeastOwn: true}\n", StringComparison.Ordinal);
            File.WriteAllText(file, yaml);
            var after = PolicyLoader.LoadDirectory(dir).Policy.ShouldNotBeNull();

            var ja = PolicyChangeText.Describe(before, after, NoticeLanguage.Ja);
            ja.ShouldContain(c => c.Item == "お問合せ窓口 › 電話番号" && c.Before == "03-0000-1234" && c.After == "03-0000-5678");
            ja.ShouldContain(c => c.Item == "利用目的「お問合せ・苦情への対応」 › 保存期間 › 期間" && c.Before == "3年" && c.After == "2年", string.Join("\n", ja));
            var added = ja.Single(c => c.Path == "recipients.entrustees.call-center");
            added.Kind.ShouldBe(PolicyChangeKind.Added);
            added.Item.ShouldBe("提供先 › 委託先「さくらコールセンター株式会社（電話受付業務）」");
            added.After.ShouldBe("さくらコールセンター株式会社（電話受付業務）");
            ja.ShouldAllBe(c => !c.Item.Contains('{') && (c.After == null || !c.After.Contains('{')));

            var en = PolicyChangeText.Describe(before, after, NoticeLanguage.En);
            en.ShouldContain(c => c.Before == "3 years" && c.After == "2 years" && c.Item.EndsWith("Retention › Period", StringComparison.Ordinal));
            en.Single(c => c.Path == "recipients.entrustees.call-center").After.ShouldBe("Sakura Call Center K.K.");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Regression (walkthrough 7, finding 8): the public change history said 「開示等の請求の手続 › channels」 and
    // 「certifiedMail → certifiedMail、webForm」 on the Japanese page: the field and its values by their ids in the policy file.
    [Fact]
    public void Describe_RequestChannelsAndTypes_NamedAsTheNoticeNamesThem()
    {
        var before = PolicyLoader.LoadDirectory(PolicyRendererTests.DemoDir()).Policy.ShouldNotBeNull();
        var after = before with
        {
            RequestProcedures = before.RequestProcedures! with
            {
                Channels = [RequestChannel.CertifiedMail, RequestChannel.WebForm],
                NotAccepted = [RequestChannel.Phone],
                Types = [.. before.RequestProcedures.Types.Where(t => t != RequestType.Portability)],
            },
        };

        var ja = PolicyChangeText.Describe(before, after, NoticeLanguage.Ja);
        ja.ShouldContain(c => c.Item == "開示等の請求の手続 › 受付方法" && c.Before == "簡易書留等の郵送" && c.After == "簡易書留等の郵送、Webフォーム", string.Join("\n", ja));
        ja.ShouldContain(c => c.Item == "開示等の請求の手続 › 受け付けない方法" && c.Before == "電話、FAX、電子メール" && c.After == "電話");
        ja.ShouldContain(c => c.Item.StartsWith("開示等の請求の手続 › 請求できる事項", StringComparison.Ordinal));
        ja.ShouldAllBe(c => !System.Text.RegularExpressions.Regex.IsMatch(c.Item + c.Before + c.After, "certifiedMail|webForm|channels|notAccepted|portability|types"));

        var en = PolicyChangeText.Describe(before, after, NoticeLanguage.En);
        en.ShouldContain(c => c.Item == "Request procedures › How to send a request" && c.After == "registered mail, web form");
    }

    internal static void CopyDir(string from, string to)
    {
        foreach (var d in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(d.Replace(from, to, StringComparison.Ordinal));
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(f, f.Replace(from, to, StringComparison.Ordinal));
    }
}
