using System.Net.Http.Json;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Requests;

/// <summary>S-40: a person asks that their stored data be generalized (or masked); staff execute it through the request workflow.</summary>
public sealed class ProcessingRequestTests(PostgresCluster cluster)
{
    private async Task<(RequestScenario S, Guid Request, Guid Subject, Person P)> VerifiedAsync(string provider, object extra)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        var p = NewPerson();
        var subject = await s.App.InTenantAsync(s.Tenant, async (sp, _) =>
            (await sp.GetRequiredService<Subjects>().CreateAsync(new CreateSubjectRequest("customer", "web-form", ["service-provision"],
                new Dictionary<string, string> { ["name"] = p.Name, ["email"] = p.Email, ["address"] = p.Address, ["contract"] = "2024-03-01" }, "isp"), Actor.System, Ct)).Id);
        var (id, _, _) = await s.LetterAsync("anonymization", p, extra);
        await s.PostAsync(id, "start");
        await s.CheckIdentityDocumentsAsync(id, RequestScenario.Today(s.App));
        await s.PostAsync(id, "verify");
        return (s, id, subject, p);
    }

    private static Task<IReadOnlyDictionary<string, string>> ReadAsync(RequestScenario s, Guid subject, string[] categories) =>
        s.App.InTenantAsync(s.Tenant, async (sp, _) => (await sp.GetRequiredService<Subjects>().ReadAsync(
            new DecisionRequest(subject, "service-provision", categories, [Roles.PrivacyOfficer]), Actor.System, Ct)).Values);

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymization_Generalize_AddressToPrefectureDateToYearAudited(string provider)
    {
        var (s, id, subject, p) = await VerifiedAsync(provider, new { categories = new[] { "address", "contract", "name" }, processing = "generalize" });
        await using var _ = s.App;
        var answered = await s.PostAsync(id, "execute");
        answered.GetProperty("status").GetString().ShouldBe("answered");
        var values = await ReadAsync(s, subject, ["address", "contract", "name", "email"]);
        values["address"].ShouldBe("東京都");
        values["contract"].ShouldBe("2024");
        values["name"].ShouldBe(p.Name.Split(' ')[0] + " *");
        values["email"].ShouldBe(p.Email);
        var processed = await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.SubjectFieldsProcessed).ToListAsync(Ct));
        processed.Count.ShouldBe(1);
        processed[0].SubjectId.ShouldBe(subject.ToString());
        processed[0].TargetId.ShouldBe(id.ToString());
        processed[0].ReasonCode.ShouldBe("generalize");
        processed[0].Categories.ShouldBe("address,contract,name");
        (await s.VerifyAuditAsync()).Intact.ShouldBeTrue();
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymization_StaffOverrideToMask_AddressMasked(string provider)
    {
        var (s, id, subject, _) = await VerifiedAsync(provider, new { categories = new[] { "address" }, processing = "generalize" });
        await using var _ = s.App;
        await s.PostAsync(id, "execute", new { processing = "mask" });
        (await ReadAsync(s, subject, ["address"]))["address"].ShouldBe("東京都 ***");
        var reason = await s.App.InTenantAsync(s.Tenant, (_, db) => db.AuditEvents.Where(e => e.Code == AuditCode.SubjectFieldsProcessed).Select(e => e.ReasonCode).SingleAsync(Ct));
        reason.ShouldBe("mask");
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Anonymization_UnknownProcessing_Refused5022(string provider)
    {
        var s = await RequestScenario.StartAsync(provider, cluster);
        await using var _ = s.App;
        var response = await s.Staff.PostAsJsonAsync("/api/requests", new
        {
            kind = "anonymization", channel = "certified-mail", name = "試験 花子", email = "x@example.jp", categories = new[] { "address" }, processing = "shuffle",
        }, Ct);
        await response.ShouldBeProblemAsync(System.Net.HttpStatusCode.BadRequest, "MAMORI-5022");
    }
}
