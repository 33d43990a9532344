using Mamori.Anonymization;
using Shouldly;

namespace Mamori.Tests.Anonymization;

public sealed class PseudonymizerTests
{
    private static readonly byte[] KeyA = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Apply_Plan_ReplacesIdentifiersAndDeletesCodesAndPaymentItems()
    {
        var table = new Table(["customer", "my_number", "card", "purchase"],
            [["C-001", "123456789018", "4111111111111111", "book"], ["C-002", "987654321098", "5500000000000004", "tea"]]);
        using var p = new Pseudonymizer(KeyA, "key-2026-01");

        var (output, report) = p.Apply(table, new Dictionary<string, PseudonymColumn>
        {
            ["customer"] = new(PseudonymColumnKind.Identifier),
            ["my_number"] = new(PseudonymColumnKind.IdentificationCode),
            ["card"] = new(PseudonymColumnKind.PropertyDamageItem),
        });

        output.Header.ShouldBe(["customer", "purchase"]);
        output.Rows[0][0].ShouldBe(p.Pseudonym("customer", "C-001"));
        output.Rows[0][0].Length.ShouldBe(32);
        output.Rows[0][1].ShouldBe("book");
        report.KeyId.ShouldBe("key-2026-01");
        report.Replaced.ShouldBe(["customer"]);
        report.Deleted.ShouldBe(["my_number", "card"]);
    }

    [Fact]
    public void Pseudonym_FullWidthAndHalfWidth_AreTheSame()
    {
        using var p = new Pseudonymizer(KeyA, "k");
        p.Pseudonym("customer", "ＡＢＣ１２３").ShouldBe(p.Pseudonym("customer", "ABC123"));
    }

    [Fact]
    public void Pseudonym_DifferentDomains_Differ()
    {
        using var p = new Pseudonymizer(KeyA, "k");
        p.Pseudonym("customer", "42").ShouldNotBe(p.Pseudonym("order", "42"));
    }

    [Fact]
    public void Constructor_ShortKey_ThrowsKeyInvalid()
    {
        Should.Throw<AnonymizationException>(() => new Pseudonymizer(new byte[16], "k")).Code.ShouldBe("MAMORI-8030");
    }

    [Fact]
    public void Pseudonym_AfterDispose_Throws()
    {
        var p = new Pseudonymizer(KeyA, "k");
        p.Dispose();
        Should.Throw<ObjectDisposedException>(() => p.Pseudonym("customer", "x"));
    }

    [Fact]
    public void Apply_UnknownColumn_ThrowsColumnUnknown()
    {
        using var p = new Pseudonymizer(KeyA, "k");
        var table = new Table(["a"], [["1"]]);
        Should.Throw<AnonymizationException>(() => p.Apply(table, new Dictionary<string, PseudonymColumn> { ["b"] = new(PseudonymColumnKind.Identifier) }))
            .Code.ShouldBe("MAMORI-8031");
    }
}
