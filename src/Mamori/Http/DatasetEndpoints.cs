using Mamori.Anonymization;
using Mamori.Auth;
using Mamori.Datasets;
using Mamori.Errors;
using Mamori.Staff;

namespace Mamori.Http;

/// <summary>Pseudonymized and anonymized datasets (仮名加工情報・匿名加工情報, L-25, L-26; docs/anonymization.md).</summary>
public static class DatasetEndpoints
{
    public sealed record PseudonymizeBody(
        string Name, IReadOnlyList<string> Purposes, IReadOnlyDictionary<string, PseudonymColumnSpec> Columns, string Csv,
        string? Delimiter = null, Guid? SameKeyAs = null);

    public sealed record PseudonymizeResponse(DatasetView Dataset, string Csv);

    public sealed record UseBody(string Purpose, bool ContactsPersons = false);

    public sealed record PseudonymsBody(string Domain, IReadOnlyList<string> Values);

    public sealed record ProvisionMethodBody(string? Method);

    public static RouteGroupBuilder MapDatasets(this RouteGroupBuilder api)
    {
        var g = api.MapGroup("/datasets").WithTags("Datasets");

        g.MapGet("", async (HttpContext http, ProcessedDatasets datasets) => TypedResults.Ok(await datasets.ListAsync(http.RequestAborted)))
            .RequirePermission(Permission.ReadDatasets).WithSummary("Registered pseudonymized and anonymized datasets: items, purposes, measures, key ids (never keys).");

        g.MapGet("/{id:guid}", async (Guid id, HttpContext http, ProcessedDatasets datasets) => TypedResults.Ok(await datasets.GetAsync(id, http.RequestAborted)))
            .RequirePermission(Permission.ReadDatasets).WithSummary("One registered dataset.");

        g.MapPost("/pseudonymize", async (PseudonymizeBody b, HttpContext http, ProcessedDatasets datasets) =>
        {
            var delimiter = Delimiter(b.Delimiter);
            Table input;
            try
            {
                input = Table.ReadCsv(new StringReader(b.Csv ?? ""), delimiter, "csv");
            }
            catch (AnonymizationException e)
            {
                throw new MamoriException(ErrorCode.DatasetProcessingFailed, $"{e.Detail} ({e.Code})");
            }
            var r = await datasets.PseudonymizeAsync(new PseudonymizeRequest(b.Name, b.Purposes ?? [], b.Columns ?? new Dictionary<string, PseudonymColumnSpec>(),
                input, b.SameKeyAs), http.Actor(), http.RequestAborted);
            var csv = new StringWriter();
            r.Output.WriteCsv(csv, delimiter);
            return TypedResults.Created($"/api/datasets/{r.Dataset.Id}", new PseudonymizeResponse(r.Dataset, csv.ToString()));
        }).RequirePermission(Permission.ManageDatasets)
          .WithSummary("Pseudonymize CSV under a new key (or an earlier dataset's): identifiers replaced, identification codes and card numbers deleted; registers the dataset.");

        g.MapPost("/anonymized", async (AnonymizedRegistration b, HttpContext http, ProcessedDatasets datasets) =>
        {
            var view = await datasets.RegisterAnonymizedAsync(b, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/datasets/{view.Id}", view);
        }).RequirePermission(Permission.ManageDatasets)
          .WithSummary("Register an anonymized dataset with its items, safety measures and method of provision; the privacy notice lists them (Art.43(3)).");

        g.MapPost("/{id:guid}/use", async (Guid id, UseBody b, HttpContext http, ProcessedDatasets datasets) =>
            TypedResults.Ok(await datasets.UseAsync(id, b.Purpose, b.ContactsPersons, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.UseDatasets)
            .WithSummary("Check and record a use: a pseudonymized dataset only for its registered purposes, never to contact the persons.");

        g.MapPost("/{id:guid}/pseudonyms", async (Guid id, PseudonymsBody b, HttpContext http, ProcessedDatasets datasets) =>
            TypedResults.Ok(await datasets.PseudonymsAsync(id, b.Domain ?? "", b.Values ?? [], http.RequestAborted)))
            .RequirePermission(Permission.ManageDatasets)
            .WithSummary("Pseudonyms of values under the dataset's key (to add records by the same rule); the key never leaves.");

        g.MapPost("/{id:guid}/provide", async (Guid id, DatasetProvisionRequest b, HttpContext http, ProcessedDatasets datasets) =>
        {
            var record = await datasets.ProvideAsync(id, b, http.Actor(), http.RequestAborted);
            return TypedResults.Created($"/api/provisions/records/{record.Id}", record);
        }).RequirePermission(Permission.ProvideData)
          .WithSummary("Provide a dataset and write its record: pseudonymized only by entrustment, shared use or succession; anonymized with the notice to the recipient.");

        g.MapPut("/{id:guid}/provision-method", async (Guid id, ProvisionMethodBody b, HttpContext http, ProcessedDatasets datasets) =>
            TypedResults.Ok(await datasets.SetProvisionMethodAsync(id, b.Method, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.ManageDatasets)
            .WithSummary("Set or change an anonymized dataset's method of provision; the privacy notice publishes it with the items (Art.44).");

        g.MapDelete("/{id:guid}/key", async (Guid id, HttpContext http, ProcessedDatasets datasets) =>
            TypedResults.Ok(await datasets.DeleteKeyAsync(id, http.Actor(), http.RequestAborted)))
            .RequirePermission(Permission.ManageDatasets)
            .WithSummary("Delete a pseudonymized dataset's key from the key ring: its pseudonyms become unlinkable for good.");

        g.MapPost("/{id:guid}/key/export", async Task<IResult> (Guid id, HttpContext http, ProcessedDatasets datasets) =>
        {
            await datasets.ExportKeyAsync(id, http.Actor(), http.RequestAborted);
            return TypedResults.NoContent();
        }).RequirePermission(Permission.ManageDatasets)
          .WithSummary("Always refused (MAMORI-8052) and recorded: the pseudonymization key never leaves the key ring.");
        return api;
    }

    private static char Delimiter(string? d) => d switch
    {
        null or "" => ',',
        { Length: 1 } => d[0],
        "\\t" => '\t',
        _ => throw new MamoriException(ErrorCode.DatasetInvalid, "The delimiter is one character."),
    };
}
