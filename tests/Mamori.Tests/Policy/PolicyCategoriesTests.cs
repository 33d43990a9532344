using Mamori.Policy;
using Shouldly;

namespace Mamori.Tests.Policy;

/// <summary>
/// The one lookup of a policy's data categories by id (pages, reports, certificates, incident checks). Five places used to build
/// their own dictionary from the model, one of them on every call.
/// </summary>
public sealed class PolicyCategoriesTests
{
    private static DataCategory Category(string id, string ja, string? en = null) => new() { Id = id, Name = new LocalizedText(ja, en) };

    private static readonly PolicyModel Model = new()
    {
        Company = new Company(),
        DataCategories = [Category("name", "氏名", "Name"), Category("email", "電子メールアドレス", "Email address")],
        Services =
        [
            new ServicePolicy { Id = "sms", Name = new LocalizedText("SMS認証"), DataCategories = [Category("sms-phone", "携帯電話番号"), Category("name", "お名前", "Your name")] },
        ],
    };

    [Fact]
    public void Of_CompanyAndServiceCategories_OnceEachInDeclarationOrderFirstNameWins()
    {
        var categories = PolicyCategories.Of(Model);
        categories.All.Select(c => c.Id).ShouldBe(["name", "email", "sms-phone"]);
        categories.Name("name", NoticeLanguage.Ja).ShouldBe("氏名");
        categories.Name("sms-phone", NoticeLanguage.En).ShouldBe("携帯電話番号"); // no English name: the Japanese one
        categories.Declares("sms-phone").ShouldBeTrue();
        categories.Declares("payment-card").ShouldBeFalse();
    }

    [Fact]
    public void Names_UndeclaredId_KeptAsRecordedListedInTheLanguage()
    {
        PolicyCategories.Of(Model).Names(["email", "payment-card", "name"], NoticeLanguage.Ja).ShouldBe("電子メールアドレス、payment-card、氏名");
        PolicyCategories.Of(Model).Names(["email", "name"], NoticeLanguage.En).ShouldBe("Email address, Name");
        PolicyCategories.Of(null).Names(["email"], NoticeLanguage.Ja).ShouldBe("email");
    }

    [Fact]
    public void Of_SameModel_BuiltOnce()
    {
        PolicyCategories.Of(Model).ShouldBeSameAs(PolicyCategories.Of(Model));
        PolicyCategories.Of(Model with { DataCategories = [] }).Declares("email").ShouldBeFalse();
    }
}
