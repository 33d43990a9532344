using System.CommandLine;
using Mamori.Datasets;

namespace Mamori.Cli;

/// <summary><c>mamori datasets list|delete-key|export-key</c>: registered pseudonymized and anonymized datasets (L-25, L-26).</summary>
public static class DatasetsCommand
{
    public static Command Create()
    {
        var listJson = CliSupport.Json();
        var list = new Command("list", "Registered datasets: kind, name, items, purposes, key id (never the key)") { listJson };
        list.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var all = await sp.GetRequiredService<ProcessedDatasets>().ListAsync(ct);
            if (r.GetValue(listJson)) CliSupport.WriteJson(r, all);
            else foreach (var d in all)
                r.InvocationConfiguration.Output.WriteLine($"{d.Id}\t{d.Kind}\t{d.Name}\t{string.Join(",", d.Items)}\t{(d.KeyId is null ? "" : d.KeyDeleted ? "key deleted" : "key " + d.KeyId)}");
            return 0;
        }));

        var deleteId = new Argument<Guid>("id") { Description = "The pseudonymized dataset" };
        var deleteActor = CliSupport.ActorOption();
        var deleteKey = new Command("delete-key", "Delete a pseudonymized dataset's key from the key ring: its pseudonyms become unlinkable for good") { deleteId, deleteActor };
        deleteKey.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, deleteActor, sp, ct);
            var d = await sp.GetRequiredService<ProcessedDatasets>().DeleteKeyAsync(r.GetValue(deleteId), actor, ct);
            r.InvocationConfiguration.Output.WriteLine($"Deleted key {d.KeyId} of dataset {d.Id}; its pseudonyms can no longer be linked.");
            return 0;
        }));

        var methodId = new Argument<Guid>("id") { Description = "The anonymized dataset" };
        var methodText = new Option<string>("--method") { Description = "The method of provision, as the privacy notice publishes it / 提供の方法", Required = true };
        var methodActor = CliSupport.ActorOption();
        var setMethod = new Command("provision-method", "Set or change an anonymized dataset's method of provision (published on the privacy notice)") { methodId, methodText, methodActor };
        setMethod.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, methodActor, sp, ct);
            var d = await sp.GetRequiredService<ProcessedDatasets>().SetProvisionMethodAsync(r.GetValue(methodId), r.GetValue(methodText), actor, ct);
            r.InvocationConfiguration.Output.WriteLine($"Dataset {d.Id}: method of provision set; the privacy notice publishes it with the items.");
            return 0;
        }));

        var exportId = new Argument<Guid>("id") { Description = "The pseudonymized dataset" };
        // The refusal is recorded in the audit chain, with who asked.
        var exportActor = CliSupport.ActorOption();
        var exportKey = new Command("export-key", "Always refused (MAMORI-8052): the pseudonymization key never leaves the key ring") { exportId, exportActor };
        exportKey.SetAction(async (r, ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            await CliSupport.UseTenantAsync(r, sp, ct);
            var actor = await CliSupport.ActorAsync(r, exportActor, sp, ct);
            await sp.GetRequiredService<ProcessedDatasets>().ExportKeyAsync(r.GetValue(exportId), actor, ct);
            return 0;
        }));
        return new Command("datasets", "Pseudonymized and anonymized datasets (仮名加工情報・匿名加工情報)") { list, setMethod, deleteKey, exportKey };
    }
}
