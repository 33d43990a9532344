using Mamori.Audit;
using Mamori.Cli;
using Mamori.Errors;
using Mamori.Notifications;
using Mamori.Requests;
using Mamori.Tests.Infrastructure;
using Mamori.Vault;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Shouldly;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Vault;

/// <summary>
/// Regression: the key ring's usage, re-wrap and forget knew only persons' data keys. A request's details and files and a queued
/// message's envelope are sealed under their own data keys wrapped by the same ring, so after 'keys rotate' the re-wrap left them
/// under the old key, 'keys retire' (which waited for persons only) removed it, and every such request became unreadable.
/// </summary>
public sealed class KeyRingCoverageTests(PostgresCluster cluster)
{
    private static Task<(Guid Request, List<Guid> Messages)> LetterAsync(TestApp app, Guid tenant) => app.InTenantAsync(tenant, async (sp, db) =>
    {
        var created = await sp.GetRequiredService<DataSubjectRequests>().SubmitAsync(new RequestIntake
        {
            Kind = "disclosure", Channel = Mamori.Policy.RequestChannel.CertifiedMail, Name = "試験 花子", Email = "hanako@example.jp", Address = "東京都千代田区1-2-3",
        }, Actor.System, Ct);
        var messages = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Topic == "request:" + created.Request.Id).Select(m => m.Id).ToListAsync(Ct);
        messages.ShouldNotBeEmpty("the letter queues its acknowledgement");
        return (created.Request.Id, messages);
    });

    /// <summary>The key ids of the request and of its messages (distinct).</summary>
    private static Task<(string? Request, string[] Messages)> KeyIdsAsync(TestApp app, Guid tenant, Guid request, List<Guid> messages) => app.InTenantAsync(tenant, async (_, db) => (
        await db.Set<DataSubjectRequest>().AsNoTracking().Where(r => r.Id == request).Select(r => r.KeyId).SingleAsync(Ct),
        (await db.Set<OutboxMessage>().AsNoTracking().Where(m => messages.Contains(m.Id)).Select(m => m.KeyId).ToListAsync(Ct)).Distinct().Select(k => k ?? "null").ToArray()));

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task RotateThenRetire_RequestAndQueuedMessage_RewrappedAndStillReadable(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        var old = keys.Current.Primary.Id;
        var (request, messages) = await LetterAsync(app, tenant);
        var (requestKey, messageKeys) = await KeyIdsAsync(app, tenant, request, messages);
        (requestKey, messageKeys.Single()).ShouldBe((old, old));
        // No person's data key anywhere: the old key is still in use by the request and its messages, so retiring waits.
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(Ct))).GetValueOrDefault(old).ShouldBe(1 + messages.Count);

        keys.Save(keys.Current.WithNewKey(app.Clock));
        var primary = keys.Current.Primary.Id;
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().RewrapAsync(Actor.System, Ct))).ShouldBe(1 + messages.Count);
        (requestKey, messageKeys) = await KeyIdsAsync(app, tenant, request, messages);
        (requestKey, messageKeys.Single()).ShouldBe((primary, primary));
        (await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().KeyUsageAsync(Ct))).ContainsKey(old).ShouldBeFalse();

        keys.Save(keys.Current.Without(old));
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            var requests = sp.GetRequiredService<DataSubjectRequests>();
            requests.Details(await requests.GetAsync(request, Ct)).Name.ShouldBe("試験 花子");
            foreach (var m in await db.Set<OutboxMessage>().AsNoTracking().Where(m => messages.Contains(m.Id)).ToListAsync(Ct))
                Outbox.Open(keys.Current, m).To.ShouldBe("hanako@example.jp");
            return 0;
        });
        (await app.InTenantAsync(tenant, (_, db) => db.AuditEvents.CountAsync(e => e.Code == AuditCode.KeyRotated && e.ReasonCode == "rewrap-requests", Ct))).ShouldBe(1);
    }

    /// <summary>Requests and messages written before the key id column get it from their wrapped key (<c>v1:&lt;keyId&gt;:…</c>).</summary>
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Migrate_RowsFromBeforeTheColumn_KeyIdReadFromTheirWrappedKey(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var key = app.App.Services.GetRequiredService<KeyRingProvider>().Current.Primary.Id;
        var (request, messages) = await LetterAsync(app, tenant);
        await app.InTenantAsync(Guid.Empty, async (_, db) =>
        {
            await db.GetService<IMigrator>().MigrateAsync("RequestDepartment", cancellationToken: Ct);
            await db.Database.MigrateAsync(Ct);
            return 0;
        });
        var (requestKey, messageKeys) = await KeyIdsAsync(app, tenant, request, messages);
        (requestKey, messageKeys.Single()).ShouldBe((key, key));
    }

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ForgetKey_RequestAndQueuedMessageUnderIt_DetailsLostMessageGivenUpServerStarts(string provider)
    {
        var (app, tenant) = await StartAsync(provider, cluster);
        await using var _ = app;
        var keys = app.App.Services.GetRequiredService<KeyRingProvider>();
        var lost = keys.Current.Primary.Id;
        var (request, messages) = await LetterAsync(app, tenant);
        keys.Save(keys.Current.WithNewKey(app.Clock).Without(lost));
        (await Should.ThrowAsync<MamoriException>(() => ServeCommand.RefuseOutdatedKeyRingAsync(app.App.Services, keys.Current, Ct))).Code.ShouldBe(ErrorCode.KeysMissing);

        var report = await app.InTenantAsync(tenant, (sp, _) => sp.GetRequiredService<VaultMaintenance>().ForgetKeyAsync(lost, Actor.System, Ct));
        report.ShouldBe(new KeyForgetReport(0, 1, messages.Count));

        await ServeCommand.RefuseOutdatedKeyRingAsync(app.App.Services, keys.Current, Ct);
        await app.InTenantAsync(tenant, async (sp, db) =>
        {
            var requests = sp.GetRequiredService<DataSubjectRequests>();
            var r = await requests.GetAsync(request, Ct);
            (r.WrappedKey, r.KeyId).ShouldBe((null, null));
            var refused = Should.Throw<MamoriException>(() => requests.Details(r));
            (refused.Code, refused.Status).ShouldBe((ErrorCode.SubjectDataLost, 410));
            (await requests.ViewAsync(r, Ct)).Reference.ShouldBe(r.Reference); // the request itself, its status and deadline stay
            foreach (var m in await db.Set<OutboxMessage>().AsNoTracking().Where(x => messages.Contains(x.Id)).ToListAsync(Ct))
                (m.KeyId, m.LastError, m.DeadAt is not null).ShouldBe((null, VaultMaintenance.KeyLostReason, true));
            (await db.AuditEvents.CountAsync(e => e.Code == AuditCode.RequestFilesDestroyed && e.TargetId == request.ToString() && e.ReasonCode == VaultMaintenance.KeyLostReason, Ct)).ShouldBe(1);
            (await db.AuditEvents.SingleAsync(e => e.Code == AuditCode.KeyForgotten, Ct)).ReasonCode.ShouldBe($"requests-1-messages-{messages.Count}");
            return 0;
        });
        // Its console page still shows the request, and says what was lost.
        var page = await (await app.SignedInAsync(tenant, Staff.Roles.PrivacyOfficer)).GetAsync($"/console/requests/{request}", Ct);
        page.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(Ct)).ShouldContain("この請求の請求者情報・提出書類・回答ファイルは、暗号鍵の紛失（mamori keys forget）により開けなくなりました。");
    }
}
