using FsCheck;
using FsCheck.Fluent;
using Mamori.Discovery;
using Mamori.Discovery.Logging;
using Mamori.Discovery.Redaction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Shouldly;

namespace Mamori.Tests.Discovery;

public sealed class RedactionTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Redact_Replace_UsesEntityPlaceholder() =>
        new TextRedactor().Redact("電話 090-1234-5678 まで").ShouldBe("電話 <PHONE_NUMBER> まで");

    [Fact]
    public void Redact_Mask_KeepsLastFourDigitsAndSeparators() =>
        new TextRedactor(new RedactionOptions { Default = RedactionOperator.Mask() }).Redact("カード 4111-1111-1111-1111")
            .ShouldBe("カード ****-****-****-1111");

    [Fact]
    public void Redact_Hash_IsStablePerKeyAndDiffersAcrossKeys()
    {
        var a = new TextRedactor(new RedactionOptions { Default = RedactionOperator.Hash(Key) });
        var b = new TextRedactor(new RedactionOptions { Default = RedactionOperator.Hash(Key.Reverse().ToArray()) });
        const string text = "mail taro@example.jp";
        a.Redact(text).ShouldBe(a.Redact(text));
        a.Redact(text).ShouldNotBe(b.Redact(text));
        a.Redact(text).ShouldStartWith("mail <EMAIL_ADDRESS:");
    }

    [Fact]
    public void Redact_HashWithoutKey_FailsWithStableCode() =>
        Should.Throw<DiscoveryException>(() => new TextRedactor(new RedactionOptions { Default = new RedactionOperator { Mode = RedactionMode.Hash } }))
            .Code.ShouldBe(DiscoveryErrors.HashKeyMissing);

    [Fact]
    public void Redact_EncryptWithAesGcmTokenizer_RoundTrips()
    {
        var tokenizer = new AesGcmTokenizer(Key);
        var redactor = new TextRedactor(new RedactionOptions { Default = RedactionOperator.Encrypt(tokenizer.AsTokenizer()) with { Label = false } });
        var result = redactor.Redact("個人番号 123456789018", PiiAnalyzer.Default.Analyze("個人番号 123456789018"));
        var item = result.Items.Single();
        result.Text.ShouldNotContain("123456789018");
        tokenizer.Detokenize(EntityTypes.JpMyNumber, item.Text).ShouldBe("123456789018");
        Should.Throw<DiscoveryException>(() => tokenizer.Detokenize(EntityTypes.PhoneNumber, item.Text)).Code.ShouldBe(DiscoveryErrors.TokenInvalid);
    }

    [Fact]
    public void Redact_PluggableTokenizer_ReceivesEntityAndValue()
    {
        var seen = new List<(string, string)>();
        var redactor = new TextRedactor(new RedactionOptions
        {
            Default = RedactionOperator.Encrypt((e, v) => { seen.Add((e, v)); return "vault:42"; }),
        });
        redactor.Redact("TEL 03-1234-5678").ShouldBe("TEL <PHONE_NUMBER:vault:42>");
        seen.ShouldBe([(EntityTypes.PhoneNumber, "03-1234-5678")]);
    }

    private static readonly string[] Pii =
    [
        "090-1234-5678", "123456789018", "5010401067252", "4111 1111 1111 1111", "taro@example.co.jp", "192.168.10.20",
        "〒100-0001", "０３－１２３４－５６７８", "マイナンバー 314159265352", "3530111333300000", "+81 90-1234-5678",
    ];

    private static readonly string[] Filler = ["こんにちは。", " and ", "\n", "ログ: ", "abc ", "値=", "、", " 2024年 ", "東京"];

    public static Arbitrary<string> Texts() =>
        Gen.ListOf(Gen.OneOf(Gen.Elements(Pii), Gen.Elements(Filler)))
            .Select(parts => string.Concat(parts))
            .ToArbitrary();

    private static string DigitsOf(string s) => new(s.Where(c => char.IsAsciiDigit(c) || c is >= '０' and <= '９').Select(c => c > '9' ? (char)(c - '０' + '0') : c).ToArray());

    [FsCheck.Xunit.Property(Arbitrary = [typeof(RedactionTests)], MaxTest = 300)]
    public bool Redact_AnyMode_RemovesSpanDigitsAndKeepsOutsideText(string text)
    {
        var findings = PiiAnalyzer.Default.Analyze(text);
        foreach (var op in new[] { RedactionOperator.Replace(), new RedactionOperator { Mode = RedactionMode.Redact }, RedactionOperator.Hash(Key), RedactionOperator.Encrypt(new AesGcmTokenizer(Key).AsTokenizer()) })
        {
            var result = new TextRedactor(new RedactionOptions { Default = op }).Redact(text, findings);
            // Outside spans: the text between findings appears unchanged, in order, between the items.
            var pos = 0;
            var outPos = 0;
            for (var k = 0; k < findings.Count; k++)
            {
                var gap = text[pos..findings[k].Start];
                if (result.Text.Substring(outPos, gap.Length) != gap) return false;
                outPos = result.Items[k].End;
                if (result.Items[k].Start != outPos - result.Items[k].Text.Length) return false;
                pos = findings[k].End;
            }
            if (result.Text[outPos..] != text[pos..]) return false;
            // Inside spans (the only place that changed): no digit run of the detected value survives.
            for (var k = 0; k < findings.Count; k++)
            {
                var digits = DigitsOf(text[findings[k].Start..findings[k].End]);
                var replaced = result.Items[k].Text;
                if (digits.Length >= 4 && (replaced.Contains(digits, StringComparison.Ordinal) || DigitsOf(replaced) == digits)) return false;
                foreach (var c in text[findings[k].Start..findings[k].End])
                    if (c is >= '０' and <= '９' && replaced.Contains(c)) return false;
            }
        }
        return true;
    }

    [FsCheck.Xunit.Property(Arbitrary = [typeof(RedactionTests)], MaxTest = 200)]
    public bool Redact_Mask_LeavesAtMostLastFourDigitsOfEachSpan(string text)
    {
        var findings = PiiAnalyzer.Default.Analyze(text);
        var result = new TextRedactor(new RedactionOptions { Default = RedactionOperator.Mask() }).Redact(text, findings);
        for (var k = 0; k < findings.Count; k++)
        {
            var original = DigitsOf(text[findings[k].Start..findings[k].End]);
            var masked = DigitsOf(result.Items[k].Text);
            if (masked.Length > 4 || !original.EndsWith(masked, StringComparison.Ordinal)) return false;
        }
        return result.Text.Length == text.Length;
    }

    [Fact]
    public void PiiRedactor_ValueDetectionAccountsFor_ShownByWhatItHolds()
    {
        var redactor = new PiiRedactor();
        redactor.Redact("taro@example.jp").ShouldBe("<EMAIL_ADDRESS>");
        redactor.Redact(" 090-1234-5678, taro@example.jp ").ShouldBe(" <PHONE_NUMBER>, <EMAIL_ADDRESS> ");
        redactor.Redact("").ShouldBe("");
    }

    // Regression (discovery review F4): a value the application classified as personal was logged in clear when detection
    // found nothing in it (a bare name has no context word), and the text around a detected span was kept.
    [Theory]
    [InlineData("山田太郎")]
    [InlineData("Taro Yamada")]
    [InlineData("1985-04-01 生")]
    [InlineData("user taro@example.jp logged in")]
    [InlineData("連絡先 090-1234-5678 (携帯)")]
    public void PiiRedactor_ClassifiedValueDetectionDoesNotAccountFor_RedactedWhole(string value) =>
        new PiiRedactor().Redact(value).ShouldBe("<PERSONAL_DATA>");

    [Fact]
    public void RedactClassified_HashOperator_WholeValueHashedUnderPersonalData()
    {
        var redactor = new TextRedactor(new RedactionOptions { Default = RedactionOperator.Hash(Key) });
        var first = redactor.RedactClassified("山田太郎");
        first.ShouldNotContain("山田");
        redactor.RedactClassified("山田太郎").ShouldBe(first); // the same person correlates across lines
        redactor.RedactClassified("山田花子").ShouldNotBe(first);
    }

    [Fact]
    public void RedactingLoggerProvider_FormattedMessage_ReachesInnerRedacted()
    {
        var collector = new FakeLogCollector();
        using var inner = new FakeLoggerProvider(collector);
        using var factory = LoggerFactory.Create(b => b.AddProvider(new RedactingLoggerProvider(inner)));
        var logger = factory.CreateLogger("test");
        logger.LogInformation("注文者 {Phone} {Mail}", "090-1234-5678", "hanako@example.jp");
        var record = collector.LatestRecord;
        record.Message.ShouldBe("注文者 <PHONE_NUMBER> <EMAIL_ADDRESS>");
        record.Message.ShouldNotContain("5678");
    }

    // Regression (discovery review F13): the inner provider got a plain string, so JSON and OpenTelemetry exporters lost the
    // named values and the template, a dictionary scope arrived as its type name, and the exception was dropped.
    [Fact]
    public void RedactingLoggerProvider_StructuredMessageScopeAndException_KeptWithTextsRedacted()
    {
        var collector = new FakeLogCollector();
        using var inner = new FakeLoggerProvider(collector);
        using var factory = LoggerFactory.Create(b => b.AddProvider(new RedactingLoggerProvider(inner)));
        var logger = factory.CreateLogger("test");
        var failure = new InvalidOperationException("no account for hanako@example.jp", new FormatException("bad phone 090-1234-5678"));
        using (logger.BeginScope(new Dictionary<string, object?> { ["Order"] = 42, ["Mail"] = "hanako@example.jp" }))
            logger.LogError(failure, "注文 {Order} の連絡先 {Mail}", 42, "hanako@example.jp");

        var record = collector.LatestRecord;
        record.Message.ShouldBe("注文 42 の連絡先 <EMAIL_ADDRESS>");
        record.StructuredState!.ShouldContain(new KeyValuePair<string, string?>("Order", "42"));
        record.StructuredState!.ShouldContain(new KeyValuePair<string, string?>("Mail", "<EMAIL_ADDRESS>"));
        record.StructuredState!.ShouldContain(new KeyValuePair<string, string?>("{OriginalFormat}", "注文 {Order} の連絡先 {Mail}"));
        var scope = record.Scopes.Single().ShouldBeAssignableTo<IEnumerable<KeyValuePair<string, object?>>>()!.ToList();
        scope.ShouldContain(new KeyValuePair<string, object?>("Order", 42)); // a number stays a number
        scope.ShouldContain(new KeyValuePair<string, object?>("Mail", "<EMAIL_ADDRESS>"));
        var exception = record.Exception.ShouldNotBeNull();
        exception.Message.ShouldBe("no account for <EMAIL_ADDRESS>");
        exception.InnerException!.Message.ShouldBe("bad phone <PHONE_NUMBER>");
        exception.ToString().ShouldStartWith("System.InvalidOperationException: no account for <EMAIL_ADDRESS> ---> System.FormatException: bad phone <PHONE_NUMBER>");
        exception.ToString().ShouldNotContain("hanako");
    }
}

public sealed class ComplianceRedactionIntegrationTests
{
    private static readonly Microsoft.Extensions.Compliance.Classification.DataClassification Personal = new("MamoriTest", "Personal");

    [Fact]
    public void AddRedaction_PiiRedactorForPersonalClassification_RedactsThroughRedactorProvider()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        Microsoft.Extensions.DependencyInjection.RedactionServiceCollectionExtensions.AddRedaction(services,
            r => r.SetRedactor<PiiRedactor>(new Microsoft.Extensions.Compliance.Classification.DataClassificationSet(Personal)));
        using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var redactors = (Microsoft.Extensions.Compliance.Redaction.IRedactorProvider)provider.GetService(typeof(Microsoft.Extensions.Compliance.Redaction.IRedactorProvider))!;
        var redactor = redactors.GetRedactor(Personal);
        redactor.ShouldBeOfType<PiiRedactor>();
        redactor.Redact("090-1234-5678").ShouldBe("<PHONE_NUMBER>");
        redactor.Redact("連絡先 090-1234-5678 (携帯)").ShouldBe("<PERSONAL_DATA>");
    }
}
