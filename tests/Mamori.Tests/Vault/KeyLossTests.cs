using System.Net;
using System.Net.Http.Json;
using Mamori.Access;
using Mamori.Audit;
using Mamori.Cli;
using Mamori.Errors;
using Mamori.Staff;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using static Mamori.Tests.Reliability.BackupSupport;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// A key-encryption key lost for good (file deleted, no backup): 'mamori serve' refused to start (MAMORI-3000) with no way out.
/// 'mamori keys forget KEY --confirm' records the persons' data as lost, audited under the privacy officer's name, and servers start.
/// </summary>
public sealed class KeyLossTests(PostgresCluster cluster)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task KeysForget_KeyLostWithoutBackup_DataRecordedLostAuditedAndServerStarts(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var lostSms = await SmsUserAsync(app, tenant, NewPerson());
        var lostCustomer = await IspCustomerAsync(app, tenant, NewPerson());
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        var lostKey = keys.Current.Primary.Id;
        // A rotation whose re-wrap never ran, then the old key deleted with no backup anywhere.
        keys.Save(keys.Current.WithNewKey(app.Clock));
        var kept = await SmsUserAsync(app, tenant, NewPerson());
        keys.Save(keys.Current.Without(lostKey));
        (await Should.ThrowAsync<MamoriException>(() => ServeCommand.RefuseOutdatedKeyRingAsync(app.App.Services, keys.Current, Ct))).Code.ShouldBe(ErrorCode.KeysMissing);
        var officer = await app.UserAsync(tenant, Roles.PrivacyOfficer);
        var operatorUser = await app.UserAsync(tenant, Roles.Operator);
        string[] Cli(params string[] args) => [.. args, "--db", app.Database.CliValue, "--data-dir", app.Database.DataDir];

        var report = await CliAsync(Cli("keys", "forget", lostKey));
        report.Code.ShouldNotBe(0);
        report.Out.ShouldContain($"Key {lostKey} wraps 2 data key(s) (of persons, requests and queued messages).");
        report.Err.ShouldContain("(MAMORI-3025)");
        (await CliAsync(Cli("keys", "forget", lostKey, "--confirm"))).Err.ShouldContain("(MAMORI-3027)");
        (await CliAsync(Cli("keys", "forget", lostKey, "--confirm", "--actor", operatorUser.Email))).Err.ShouldContain("(MAMORI-3027)");
        (await CliAsync(Cli("keys", "forget", keys.Current.Primary.Id, "--confirm", "--actor", officer.Email))).Err.ShouldContain("(MAMORI-3026)");
        (await app.InTenantAsync(tenant, (_, db) => db.Set<DataSubject>().CountAsync(s => s.KeyId == lostKey, Ct))).ShouldBe(2);

        var forgot = await CliAsync(Cli("keys", "forget", lostKey, "--confirm", "--actor", officer.Email));
        forgot.Code.ShouldBe(0, forgot.Err);
        forgot.Out.ShouldContain("the data of 2 person(s) is recorded as lost");
        forgot.Out.ShouldContain("mamori incident assess");

        await app.InTenantAsync(tenant, async (_, db) =>
        {
            foreach (var id in new[] { lostSms, lostCustomer })
            {
                var s = await db.Set<DataSubject>().AsNoTracking().SingleAsync(x => x.Id == id, Ct);
                s.WrappedKey.ShouldBeNull();
                s.KeyId.ShouldBeNull();
                s.ErasedAt.ShouldNotBeNull(); // the CLI runs on the system clock, not the test's
                (await db.Set<SubjectField>().CountAsync(f => f.SubjectId == id, Ct)).ShouldBe(0);
                (await db.Set<SubjectLookup>().CountAsync(l => l.SubjectId == id, Ct)).ShouldBe(0);
                var certificate = await db.Set<DestructionCertificate>().AsNoTracking().SingleAsync(c => c.SubjectId == id, Ct);
                (certificate.Kind, certificate.DestroyedKeyId, certificate.Reason).ShouldBe((DestructionKind.KeyLost, lostKey, VaultMaintenance.KeyLostReason));
            }
            var events = await db.Set<AuditEvent>().AsNoTracking().Where(e => e.Code == AuditCode.SubjectDataLost || e.Code == AuditCode.KeyForgotten).ToListAsync(Ct);
            events.Where(e => e.Code == AuditCode.SubjectDataLost).Select(e => Guid.Parse(e.SubjectId!)).Order().ShouldBe(new[] { lostSms, lostCustomer }.Order());
            events.ShouldAllBe(e => e.ActorKind == ActorKind.User && e.ActorId == officer.Id.ToString());
            var forgotten = events.Single(e => e.Code == AuditCode.KeyForgotten);
            (forgotten.TargetId, forgotten.Categories).ShouldBe((lostKey, "2"));
            return 0;
        });

        // The servers start again; the lost persons answer a clear problem, the others are read as before.
        await ServeCommand.RefuseOutdatedKeyRingAsync(app.App.Services, keys.Current, Ct);
        var client = await app.SignedInAsync(operatorUser);
        var problem = await (await client.GetAsync($"/api/subjects/{lostSms}?purpose=verification", Ct)).ShouldBeProblemAsync(HttpStatusCode.Gone, "MAMORI-3024");
        problem.GetProperty("detail").GetString()!.ShouldContain(lostKey);
        // An integrator asking for a decision hears that the data was lost, not that the person asked for an erasure.
        var decided = await client.PostAsJsonAsync("/api/decisions", new { subjectId = lostSms, purpose = "verification" }, Ct);
        (await decided.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("reason").GetString().ShouldBe(DecisionReasons.SubjectDataLost);
        var many = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<AccessDecisions>()
            .DecideManyAsync([new DecisionRequest(lostSms, "verification", null, [Roles.Operator]), new DecisionRequest(kept, "verification", null, [Roles.Operator])], Actor.System, false, Ct));
        many.Decisions.Select(d => d.Reason).ShouldBe([DecisionReasons.SubjectDataLost, DecisionReasons.Allowed]);
        var read = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Subjects>()
            .ReadAsync(new DecisionRequest(kept, "verification", null, [Roles.Operator]), Actor.System, Ct));
        read.Values.Keys.ShouldContain("sms-phone");
        (await CliAsync(Cli("audit", "verify"))).Code.ShouldBe(0);
    }

    [Fact]
    public async Task Disclosure_SubjectDataLostWithKey_SaysLostNotErased()
    {
        var (app, tenant) = await StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var id = await SmsUserAsync(app, tenant, NewPerson());
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        var lostKey = keys.Current.Primary.Id;
        keys.Save(keys.Current.WithNewKey(app.Clock).Without(lostKey));
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().ForgetKeyAsync(lostKey, Actor.System, Ct))).Persons.ShouldBe(1);

        var package = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<Mamori.Requests.DisclosureBuilder>()
            .BuildAsync("R-TEST-0001", Mamori.Requests.RequestKind.Disclosure, [id], Actor.System, Ct));
        var subject = package.Subjects.ShouldHaveSingleItem();
        (subject.Erased, subject.DataLost).ShouldBe((true, true));
        subject.Destructions.ShouldHaveSingleItem().Kind.ShouldBe(nameof(DestructionKind.KeyLost));
        Mamori.Requests.DisclosureHtml.Render(package, english: true).ShouldContain("暗号鍵の紛失により消失");
    }
}
