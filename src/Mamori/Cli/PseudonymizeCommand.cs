using System.CommandLine;
using Mamori.Anonymization;
using Mamori.Datasets;
using Mamori.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori pseudonymize INPUT.csv --config FILE.yaml --output OUT.csv [--json]</c>: pseudonymized
/// information (仮名加工情報, L-25). Identifiers become keyed pseudonyms under a new key in the key ring
/// (or an earlier dataset's key), identification codes and card numbers are deleted, and the dataset is
/// registered with its purposes; the processing is in the audit chain (docs/anonymization.md).
/// </summary>
public static class PseudonymizeCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("INPUT") { Description = "Delimiter-separated input with a header line" };
        var config = new Option<FileInfo>("--config") { Description = "YAML: name, purposes, delimiter, columns (identifier | identification-code | property-damage | keep)", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the pseudonymized table", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the registered dataset as JSON" };
        var actor = CliSupport.ActorOption();
        var encoding = CsvInput.EncodingOption();
        var cmd = new Command("pseudonymize", "Pseudonymize a table with a key from the key ring and register it as pseudonymized information (Art.41)")
        {
            input, config, output, json, actor, encoding,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) => await CliSupport.RunAsync(r, ct, async sp =>
        {
            var file = PseudonymizeConfigFile.Load(r.GetValue(config)!.FullName);
            Table table;
            try
            {
                table = await CsvInput.ReadAsync(r.GetValue(input)!.FullName, file.Delimiter, r.GetValue(encoding)!, ct);
            }
            catch (AnonymizationException e)
            {
                throw new MamoriException(ErrorCode.DatasetProcessingFailed, $"pseudonymize: {e.Detail} ({e.Code})");
            }
            await CliSupport.UseTenantAsync(r, sp, ct);
            var registrant = await CliSupport.ActorAsync(r, actor, sp, ct);
            var result = await sp.GetRequiredService<ProcessedDatasets>().PseudonymizeAsync(
                new PseudonymizeRequest(file.Name, file.Purposes, file.Columns, table, file.SameKeyAs), registrant, ct);
            var path = r.GetValue(output)!.FullName;
            try
            {
                using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(true));
                result.Output.WriteCsv(writer, file.Delimiter);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MamoriException(ErrorCode.DatasetProcessingFailed, $"pseudonymize: cannot write {path}: {e.GetType().Name} (dataset {result.Dataset.Id} is registered; delete its key with 'mamori datasets delete-key')");
            }
            var d = result.Dataset;
            if (r.GetValue(json)) CliSupport.WriteJson(r, d);
            else r.InvocationConfiguration.Output.WriteLine(
                $"pseudonymized {d.RowCount} rows into dataset {d.Id} (key {d.KeyId}): replaced {string.Join(", ", d.Replaced)}; deleted {(d.Deleted.Count == 0 ? "nothing" : string.Join(", ", d.Deleted))}");
            return 0;
        }));
        return cmd;
    }
}

/// <summary>
/// The pseudonymize configuration (YAML); errors name file, line and column:
/// <code>
/// name: 購買分析 2026-11
/// purposes: [analytics]
/// delimiter: ","
/// sameKeyAs: 0193...   # optional: the key of an earlier dataset, so that pseudonyms link
/// columns:
///   customer_id: { kind: identifier, domain: customer }
///   name:        { kind: identifier }
///   my_number:   { kind: identification-code }
///   card:        { kind: property-damage }
///   mail:        { kind: identifier, category: email }
/// </code>
/// </summary>
internal sealed class PseudonymizeConfigFile
{
    private string _path = "";
    public string Name { get; private set; } = "";
    public List<string> Purposes { get; } = [];
    public char Delimiter { get; private set; } = ',';
    public Guid? SameKeyAs { get; private set; }
    public Dictionary<string, PseudonymColumnSpec> Columns { get; } = new(StringComparer.Ordinal);

    public static PseudonymizeConfigFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MamoriException(ErrorCode.DatasetInvalid, $"pseudonymize: cannot read {path}: {e.GetType().Name}");
        }
        return Parse(text, path);
    }

    public static PseudonymizeConfigFile Parse(string text, string path)
    {
        var file = new PseudonymizeConfigFile { _path = path };
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new MamoriException(ErrorCode.DatasetInvalid, $"pseudonymize: {path}:{e.Start.Line}:{e.Start.Column}: not valid YAML");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw file.Error(null, "the configuration must be a mapping");
        foreach (var (k, v) in root.Children)
        {
            var key = file.Scalar(k);
            switch (key)
            {
                case "name": file.Name = file.Scalar(v); break;
                case "delimiter":
                    var d = file.Scalar(v);
                    file.Delimiter = d == "\\t" ? '\t' : d.Length == 1 ? d[0] : throw file.Error(v, "delimiter must be one character");
                    break;
                case "purposes":
                    if (v is not YamlSequenceNode seq) throw file.Error(v, "purposes is a list of policy purpose ids");
                    foreach (var p in seq.Children) file.Purposes.Add(file.Scalar(p));
                    break;
                case "sameKeyAs":
                    file.SameKeyAs = Guid.TryParse(file.Scalar(v), out var g) ? g : throw file.Error(v, "sameKeyAs is a dataset id");
                    break;
                case "columns":
                    if (v is not YamlMappingNode cols) throw file.Error(v, "columns is a mapping of column name to { kind, domain, category }");
                    foreach (var (ck, cv) in cols.Children) file.Columns[file.Scalar(ck)] = file.Column(cv);
                    break;
                default:
                    throw file.Error(k, $"unknown key '{key}'");
            }
        }
        if (file.Name.Length == 0) throw file.Error(root, "'name' is required");
        if (file.Purposes.Count == 0) throw file.Error(root, "'purposes' is required: the policy purposes the data is used for (Art.41(3))");
        if (file.Columns.Count == 0) throw file.Error(root, "'columns' is required");
        return file;
    }

    private PseudonymColumnSpec Column(YamlNode node)
    {
        if (node is YamlScalarNode) return new PseudonymColumnSpec(Kind(node));
        if (node is not YamlMappingNode m) throw Error(node, "a column is { kind, domain, category }");
        PseudonymColumnKind? kind = null;
        string? domain = null, category = null;
        foreach (var (k, v) in m.Children)
        {
            switch (Scalar(k))
            {
                case "kind": kind = Kind(v); break;
                case "domain": domain = Scalar(v); break;
                case "category": category = Scalar(v); break;
                default: throw Error(k, $"unknown key '{Scalar(k)}' (kind, domain, category)");
            }
        }
        return new PseudonymColumnSpec(kind ?? throw Error(node, "a column needs a kind"), domain, category);
    }

    private PseudonymColumnKind Kind(YamlNode node) => Scalar(node) switch
    {
        "identifier" => PseudonymColumnKind.Identifier,
        "identification-code" => PseudonymColumnKind.IdentificationCode,
        "property-damage" or "property-damage-item" => PseudonymColumnKind.PropertyDamageItem,
        "keep" => PseudonymColumnKind.Keep,
        _ => throw Error(node, "kind must be identifier, identification-code, property-damage or keep"),
    };

    private string Scalar(YamlNode node) =>
        node is YamlScalarNode { Value: { } s } ? s.Trim() : throw Error(node, "expected a single value");

    private MamoriException Error(YamlNode? node, string message) => new(ErrorCode.DatasetInvalid,
        node is null ? $"pseudonymize: {_path}: {message}" : $"pseudonymize: {_path}:{node.Start.Line}:{node.Start.Column}: {message}");
}
