using Mamori.Anonymization;
using Shouldly;

namespace Mamori.Tests.Anonymization;

public sealed class HierarchyTests
{
    [Fact]
    public void ReadArxCsv_ValidRows_ReadsLevels()
    {
        var h = Hierarchy.ReadArxCsv(new StringReader("1;0-4;*\n2;0-4;*\n5;5-9;*\n"), ';');
        h.Count.ShouldBe(3);
        h.Levels.ShouldBe(3);
        h.Row(2).ShouldBe(["5", "5-9", "*"]);
    }

    [Fact]
    public void ReadArxCsv_RaggedRows_ThrowsMalformed()
    {
        var e = Should.Throw<AnonymizationException>(() => Hierarchy.ReadArxCsv(new StringReader("1;0-4;*\n2;*\n"), ';'));
        e.Code.ShouldBe("MAMORI-8001");
    }

    [Fact]
    public void FromRows_DuplicateValue_ThrowsDuplicate()
    {
        var e = Should.Throw<AnonymizationException>(() => Hierarchy.FromRows([["a", "*"], ["a", "*"]]));
        e.Code.ShouldBe("MAMORI-8003");
    }

    [Fact]
    public void FromRows_NotATree_ThrowsInconsistent()
    {
        var e = Should.Throw<AnonymizationException>(() => Hierarchy.FromRows([["a", "x", "1"], ["b", "x", "2"]]));
        e.Code.ShouldBe("MAMORI-8002");
    }

    [Fact]
    public void Intervals_IntegerWidths_LabelsLikeArx()
    {
        var h = HierarchyBuilder.Intervals(["3", "17", "42"], [5, 10, 20]);
        h.Levels.ShouldBe(5);
        h.Row(0).ShouldBe(["3", "0-4", "0-9", "0-19", "*"]);
        h.Row(2).ShouldBe(["42", "40-44", "40-49", "40-59", "*"]);
    }

    [Fact]
    public void Intervals_WidthNotAMultiple_ThrowsRuleInvalid()
    {
        Should.Throw<AnonymizationException>(() => HierarchyBuilder.Intervals(["1"], [5, 7])).Code.ShouldBe("MAMORI-8012");
    }

    [Fact]
    public void Intervals_NonNumericValue_ThrowsRuleInvalidWithoutTheValue()
    {
        var e = Should.Throw<AnonymizationException>(() => HierarchyBuilder.Intervals(["1", "Yamada"], [5]));
        e.Code.ShouldBe("MAMORI-8012");
        e.Message.ShouldNotContain("Yamada");
    }

    [Fact]
    public void Dates_MonthYearDecade_BuildsTree()
    {
        var h = HierarchyBuilder.Dates(["1987-04-12", "1989-11-30"], [DateStep.Month, DateStep.Year, DateStep.Decade]);
        h.Row(0).ShouldBe(["1987-04-12", "1987-04", "1987", "1980s", "*"]);
        h.Row(1).ShouldBe(["1989-11-30", "1989-11", "1989", "1980s", "*"]);
    }

    [Fact]
    public void PrefixMask_PostalCode_KeepsHyphenAndMasksFromTheRight()
    {
        var h = HierarchyBuilder.PrefixMask(["123-4567", "123-4999"], step: 2);
        h.Row(0).ShouldBe(["123-4567", "123-45**", "123-****", "1**-****", "***-****", "*"]);
    }
}
