using Mamori.Governance.Organisation;
using Mamori.Policy;
using Mamori.Requests;
using Shouldly;

namespace Mamori.Tests.Requests;

/// <summary>The rules that route a new request to its department (担当部門), on the example policy.</summary>
public sealed class RequestRoutingTests
{
    private static readonly PolicyModel Model = PolicyLoader.LoadDirectory(Vault.VaultScenario.ExamplesDir).Policy!;
    private static readonly HashSet<string> Departments = ["isp", "hr", "registry", "sms"];

    private static DataResponsibility Answers(ResponsibilityKind kind, string item, string department) =>
        new() { TenantId = Guid.Empty, Kind = kind, ItemId = item, DepartmentId = department };

    private static RequestRoute? Route(string? service, RequesterDetails details, params DataResponsibility[] saved) =>
        RequestRouting.Route(Model, saved, Departments, service, details);

    [Fact]
    public void Route_ServiceCategoryOwnedByOneDepartment_ThatDepartment()
    {
        // connection-log is a category the ISP service declares itself.
        var route = Route("isp", new RequesterDetails(), Answers(ResponsibilityKind.Category, "connection-log", "isp"), Answers(ResponsibilityKind.Category, "resume", "hr"))!;
        (route.DepartmentId, route.Rule).ShouldBe(("isp", DepartmentRoute.Service));
        route.Items.ShouldBe(["isp"]);
    }

    [Fact]
    public void Route_ResponsibleDepartmentNoLongerExists_NotCountedAndNothingRouted()
    {
        Route("isp", new RequesterDetails(), Answers(ResponsibilityKind.Purpose, "service-provision", "closed-division")).ShouldBeNull();
        // The one department left decides.
        Route("isp", new RequesterDetails(), Answers(ResponsibilityKind.Purpose, "service-provision", "closed-division"), Answers(ResponsibilityKind.Purpose, "support", "isp"))!
            .DepartmentId.ShouldBe("isp");
    }

    [Fact]
    public void Route_ServiceInDoubtButItemsOfOneDepartment_RoutedByItems()
    {
        var route = Route("isp", new RequesterDetails { Categories = ["credit"] },
            Answers(ResponsibilityKind.Purpose, "service-provision", "isp"), Answers(ResponsibilityKind.Purpose, "support", "hr"), Answers(ResponsibilityKind.Category, "credit", "isp"))!;
        route.DepartmentId.ShouldBe("isp");
        route.Rule.ShouldBe(DepartmentRoute.Categories);
        route.Items.ShouldBe(["credit"]);
    }

    [Fact]
    public void Route_UnknownServiceOrNothingSaved_Null()
    {
        Route("no-such-service", new RequesterDetails(), Answers(ResponsibilityKind.Purpose, "service-provision", "isp")).ShouldBeNull();
        Route("isp", new RequesterDetails { Categories = ["credit"] }).ShouldBeNull();
    }
}
