using FsCheck;
using FsCheck.Fluent;
using Mamori.Audit;
using Mamori.Consent;
using Mamori.Data;
using Mamori.Tests.Infrastructure;
using Shouldly;
using static Mamori.Tests.Provision.ProvisionScenario;
using static Mamori.Tests.Vault.VaultScenario;

namespace Mamori.Tests.Provision;

/// <summary>
/// "What held at time T" against a reference model: for each scope, among the operations whose time is
/// at or before T, the latest one (at equal times the one recorded last); nothing before the first.
/// Operations are recorded out of time order (paper consents entered late), so the model is not trivial.
/// </summary>
public sealed class ConsentLedgerPropertyTests(PostgresCluster cluster)
{
    private static readonly string[] Scopes = ["provision:carriers", "cookies:analytics"];

    public sealed record Op(int Minute, int Scope, bool Grant);

    private static Gen<Op[]> Sequences() =>
        from n in Gen.Choose(1, 8)
        from ops in Gen.ArrayOf(from m in Gen.Choose(0, 20) from s in Gen.Choose(0, 1) from g in Gen.Elements(true, false) select new Op(m, s, g), n)
        select ops;

    private static bool? Reference(IEnumerable<Op> ops, int scope, int minute) =>
        ops.Select((o, i) => (Op: o, Order: i)).Where(x => x.Op.Scope == scope && x.Op.Minute <= minute)
            .OrderBy(x => x.Op.Minute).ThenBy(x => x.Order).Select(x => (bool?)x.Op.Grant).LastOrDefault();

    [Fact]
    public async Task At_GrantWithdrawRegrantSequences_MatchReferenceModel()
    {
        var (app, tenant) = await ProvisionScenario.StartAsync(Providers.Sqlite, cluster);
        await using var _ = app;
        var origin = app.Clock.GetUtcNow().AddHours(-1);
        var cases = Sequences().Sample(40, 60);
        foreach (var ops in cases)
        {
            var subject = await IspCustomerAsync(app, tenant, NewPerson());
            foreach (var op in ops)
            {
                var at = origin.AddMinutes(op.Minute);
                if (op.Grant) await GrantAsync(app, tenant, subject, Scopes[op.Scope], at: at);
                else await WithdrawAsync(app, tenant, subject, Scopes[op.Scope], at: at);
            }
            for (var minute = -1; minute <= 21; minute++)
            {
                // Exactly at an operation's minute on even minutes, half a minute after it on odd ones.
                var t = origin.AddMinutes(minute).AddSeconds(30 * (minute & 1));
                var states = (await In(app, tenant, sp => sp.GetRequiredService<Consents>().AtAsync(subject, t, Ct))).ToDictionary(s => s.Scope, s => (bool?)s.Granted);
                for (var s = 0; s < Scopes.Length; s++)
                {
                    var expected = Reference(ops, s, minute);
                    var label = $"ops=[{string.Join(' ', ops.Select(o => $"{o.Minute}:{o.Scope}:{(o.Grant ? "+" : "-")}"))}] scope={s} minute={minute}";
                    states.GetValueOrDefault(Scopes[s]).ShouldBe(expected, label);
                    var holds = await In(app, tenant, sp => new ConsentLedger(sp.GetRequiredService<MamoriDbContext>()).HoldsAsync(subject, Scopes[s], t, Ct));
                    holds.ShouldBe(expected == true, label);
                }
            }
        }
    }
}
