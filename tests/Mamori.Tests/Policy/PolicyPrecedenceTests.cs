using Mamori.Policy;
using Shouldly;

namespace Mamori.Tests.Policy;

/// <summary>S-03: a service's document wins over the company policy field by field; S-04: the My Number basic policy wins over both.</summary>
public sealed class PolicyPrecedenceTests
{
    private static PolicyModel Load()
    {
        var result = PolicyLoader.LoadDirectory(PolicyFixtureTests.FixtureDir("precedence"));
        result.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        return result.Policy.ShouldNotBeNull();
    }

    [Fact]
    public void Resolve_ServiceOverridesRetention_ServiceValueWinsAndOtherFieldsInherited()
    {
        var policy = Load();

        var company = policy.Purposes.Single(p => p.Id == "support");
        var shop = policy.Resolve("shop").Purposes.Single(p => p.Id == "support");

        company.Retention!.Period.ToString().ShouldBe("P3Y");
        shop.Retention!.Period.ToString().ShouldBe("P1Y");
        shop.Name.ShouldBe(company.Name);
        shop.Categories.ShouldBe(company.Categories);
    }

    [Fact]
    public void Resolve_ServiceOverridesContactPhone_EmailAndNameInherited()
    {
        var policy = Load();

        var contact = policy.Resolve("shop").Contact!;

        contact.Phone.ShouldBe("03-1111-2222");
        contact.Email.ShouldBe(policy.Contact!.Email);
        contact.Name.ShouldBe(policy.Contact.Name);
        policy.Contact.Phone.ShouldBeNull();
    }

    [Fact]
    public void Resolve_ServiceRedefinesMyNumberCategory_MyNumberPolicyWins()
    {
        var policy = Load();

        var inService = policy.Resolve("shop").DataCategories.Single(c => c.Id == "my-number");
        var inCompany = policy.DataCategories.Single(c => c.Id == "my-number");

        inService.Viewers.ShouldBe(["payroll-officer"]);
        inService.Name.Ja.ShouldBe("個人番号");
        inService.MyNumber.ShouldBeTrue();
        inCompany.Viewers.ShouldBe(inService.Viewers);
        inCompany.Name.ShouldBe(inService.Name);
        policy.Purposes.ShouldContain(p => p.Id == "payroll-tax" && p.Kind == PurposeKind.Tax);
    }

    [Fact]
    public void Resolve_ServiceOwnLists_HoldOnlyDeclaredEntries()
    {
        var policy = Load();

        var shop = policy.FindService("shop")!;

        shop.Purposes.Select(p => p.Id).ShouldBe(["support"]);
        shop.DataCategories.Select(c => c.Id).ShouldBe(["my-number"]);
        policy.Resolve("shop").Purposes.Select(p => p.Id).ShouldBe(["support", "payroll-tax"]);
    }
}
