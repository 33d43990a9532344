using Mamori.Policy;
using Mamori.Requests;
using Shouldly;

namespace Mamori.Tests.Requests;

/// <summary>One wording of document lists for the console, the pages and the messages: alternatives as one group, as the notice words them.</summary>
public sealed class DocumentListTests
{
    private static readonly MissingDocument Juminhyo = new(DocumentGroup.Identity, "住民票の写し", "Residence certificate", false, "P1M");
    private static readonly MissingDocument Licence = new(DocumentGroup.Identity, "運転免許証の写し", "Driving licence", true, null);
    private static readonly MissingDocument Passport = new(DocumentGroup.Identity, "旅券の写し", "Passport", true, null);
    private static readonly MissingDocument Attorney = new(DocumentGroup.Proxy, "委任状", null, false, null);

    [Fact]
    public void Inline_RequiredAndAlternatives_AlternativesAsOneGroup()
    {
        DocumentList.Inline([Juminhyo, Licence, Passport], NoticeLanguage.Ja).ShouldBe("住民票の写し（発行から1か月以内のもの）、および次のいずれか1点（運転免許証の写し、旅券の写し）");
        DocumentList.Inline([Juminhyo, Licence, Passport], NoticeLanguage.En).ShouldBe("Residence certificate (issued within 1 month), and one of: Driving licence / Passport");
        DocumentList.Inline([Licence, Passport], NoticeLanguage.Ja).ShouldBe("次のいずれか1点（運転免許証の写し、旅券の写し）");
    }

    [Fact]
    public void Inline_SeveralGroups_EachAfterItsName()
    {
        DocumentList.Inline([Licence, Passport, Attorney], NoticeLanguage.Ja).ShouldBe("ご本人確認の書類：次のいずれか1点（運転免許証の写し、旅券の写し）／代理人の書類：委任状");
        // No English name: the Japanese one.
        DocumentList.Inline([Juminhyo, Attorney], NoticeLanguage.En).ShouldBe("Documents to verify your identity: Residence certificate (issued within 1 month); Documents of the agent: 委任状");
    }

    [Fact]
    public void Lines_LoneAlternative_SimplyNeeded()
    {
        // One alternative left of a group is no choice: it is listed as needed, without a lead line.
        DocumentList.Lines([Juminhyo, Licence], NoticeLanguage.Ja).ShouldBe("・住民票の写し（発行から1か月以内のもの）\n・運転免許証の写し");
        DocumentList.Lines([Licence, Passport], NoticeLanguage.En).ShouldBe("One of the following:\n- Driving licence\n- Passport");
        DocumentList.Lines([Juminhyo, Licence, Passport, Attorney], NoticeLanguage.Ja).ShouldBe(
            "ご本人確認の書類：\n・住民票の写し（発行から1か月以内のもの）\n上記に加え、次のいずれか1点：\n・運転免許証の写し\n・旅券の写し\n代理人の書類：\n・委任状");
    }
}
