using System.CommandLine;
using Mamori.Policy;
using Mamori.Provision;

namespace Mamori.Cli;

/// <summary><c>mamori optout notice</c>: the L-13 items to notify to the PPC, from the policy in force.</summary>
public static class OptOutCommand
{
    public static Command Create()
    {
        var json = CliSupport.Json();
        var notice = new Command("notice", "Print the items of each opt-out notice to be filed with the PPC (Art.27(2), Rules 11)") { json };
        notice.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var current = await sp.GetRequiredService<PolicyStore>().RequireCurrentAsync(ct);
            var notices = OptOutNotices.From(current.Model);
            if (r.GetValue(json))
            {
                CliSupport.WriteJson(r, new { policyVersion = current.Version.Number, notices });
                return 0;
            }
            var o = r.InvocationConfiguration.Output;
            if (notices.Count == 0) o.WriteLine("The policy declares no opt-out provision.");
            foreach (var n in notices)
            {
                o.WriteLine($"== {n.Service ?? "company"} (policy version {current.Version.Number})");
                o.WriteLine($"(1) {n.BusinessName} / {n.BusinessAddress} / {n.Representative}");
                o.WriteLine($"(2) {n.ProvisionPurpose}");
                o.WriteLine($"(3) {string.Join("、", n.Items)} {n.ItemsNote}");
                o.WriteLine($"(4) {string.Join("、", n.AcquisitionMethods)}");
                o.WriteLine($"(5) {string.Join(", ", n.DeliveryMethods)}");
                o.WriteLine($"(6) {n.StopOnRequest}");
                o.WriteLine($"(7) {n.RequestMethod}");
                o.WriteLine($"(8) {n.UpdateMethod}");
                o.WriteLine($"(9) {n.StartDate:yyyy-MM-dd}");
                if (n.Missing.Count > 0) o.WriteLine($"missing: {string.Join(", ", n.Missing)}");
            }
            return 0;
        }));
        return new Command("optout", "Opt-out provision (Art.27(2))") { notice };
    }
}
