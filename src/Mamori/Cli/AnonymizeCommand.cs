using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Mamori.Anonymization;
using Mamori.Errors;
using Mamori.Policy;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori anonymize INPUT.csv --config FILE.yaml --output OUT.csv [--json]</c>: k-anonymity,
/// l-diversity and t-closeness by the globally optimal full-domain generalization (docs/anonymization.md).
/// </summary>
public static class AnonymizeCommand
{
    public static Command Create()
    {
        var input = new Argument<FileInfo>("INPUT") { Description = "Delimiter-separated input with a header line" };
        var config = new Option<FileInfo>("--config") { Description = "YAML configuration (attributes, models, suppressionLimit, metric)", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the anonymized table", Required = true };
        var json = new Option<bool>("--json") { Description = "Print {\"levels\", \"suppressed\", \"loss\", \"classes\"} as JSON" };
        var register = new Option<string?>("--register")
        {
            Description = "Register the output as anonymized information (匿名加工情報, Art.43) under this name: its items are published on the privacy notice by their labels (every kept column needs label: in the configuration)",
        };
        var provisionMethod = new Option<string?>("--provision-method")
        {
            Description = "With --register: how the dataset is provided to third parties (published with the items before any provision, Art.44)",
        };
        var actor = new Option<string?>("--actor")
        {
            Description = "With --register: the staff user accountable for the registration, by sign-in email (default: your operating-system account, shown as 'CLI: NAME')",
        };
        var encoding = CsvInput.EncodingOption();
        var cmd = new Command("anonymize", "Anonymize a table: optimal generalization with suppression (ARX-compatible)")
        {
            input, config, output, json, register, provisionMethod, actor, encoding,
        };
        cmd.SetAction(async (ParseResult r, CancellationToken ct) =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            try
            {
                var file = AnonymizeConfigFile.Load(r.GetValue(config)!.FullName);
                var table = await CsvInput.ReadAsync(r.GetValue(input)!.FullName, file.Delimiter, r.GetValue(encoding)!, ct);
                if (table.RowCount == 0)
                    throw new AnonymizationException(AnonymizationErrors.CsvMalformed, $"{table.Source}: the input has a header but no data rows; nothing to anonymize");
                file.RefuseIdentifyingColumns(table);
                var name = r.GetValue(register);
                var labels = name is null ? null : file.RequireLabels(table);
                if (name is not null)
                {
                    // What registration needs is checked before the search and before anything is written.
                    var settings = new Datasets.DatasetSettings();
                    Hosting.MamoriSettings.LoadConfiguration().GetSection(Datasets.DatasetSettings.Section).Bind(settings);
                    Datasets.ProcessedDatasets.RequireMinK(ImpliedK(file.Models), settings.AnonymizationMinK);
                }
                var interactive = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
                var progress = interactive ? new TerminalProgress(stderr) : null;
                AnonymizationResult result;
                try
                {
                    result = Anonymizer.Anonymize(table, file.ToEngineConfig(table), progress, ct);
                }
                catch (OutOfMemoryException)
                {
                    // A limit of this machine, not a bug: say what to change. The search's tables are garbage by now.
                    throw new MamoriException(ErrorCode.AnonymizationOutOfMemory,
                        $"not enough memory to search the generalizations of {table.RowCount} rows; use fewer quasi-identifiers or coarser hierarchies, "
                        + "split the input, or run on a machine with more memory. Nothing was written.");
                }
                progress?.Done();
                // Columns the configuration does not name are kept as they are: an e-mail column would go out "anonymized".
                if (Datasets.DirectIdentifiers.Find(result.Output, result.Output.Header) is { Count: > 0 } found)
                    throw new MamoriException(ErrorCode.DatasetIdentifiersInValues,
                        $"columns of the output hold direct identifiers in their values: {string.Join(", ", found)}. Mark them kind: identifying "
                        + "to remove them, or generalize them as quasi-identifiers; anonymized information keeps no identifier (Rules 34). Nothing was written.");
                // Free text kept as it is (備考: 山田太郎様より…) is an identifying description too (Rules 34(i)).
                if (Datasets.DirectIdentifiers.FindInText(result.Output, result.Output.Header) is { Count: > 0 } text)
                    throw new MamoriException(ErrorCode.DatasetIdentifiersInValues,
                        $"text in the output identifies persons: {string.Join(", ", text.Select(t => $"'{t.Column}' line {table.LineOf(t.Row)} ({Datasets.DirectIdentifiers.Describe(t.Entity)})"))}. "
                        + "Mark such a column kind: identifying to remove it, or remove the names and addresses from the input; anonymized information keeps no "
                        + "identifying description (Rules 34(i)). Nothing was written.");
                var target = r.GetValue(output)!.FullName;
                if (name is null) WriteOutput(target, result.Output, file.Delimiter);
                else
                {
                    // Written beside the target and moved into place only once registered: a refused registration leaves no output.
                    var pending = target + ".pending";
                    WriteOutput(pending, result.Output, file.Delimiter);
                    var engine = file.ToEngineConfig(table);
                    int code;
                    try
                    {
                        code = await CliSupport.RunAsync(r, ct, async sp =>
                    {
                        await CliSupport.UseTenantAsync(r, sp, ct);
                        var registrant = await CliSupport.ActorAsync(r, actor, sp, ct);
                        var settings = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Datasets.DatasetSettings>>().Value;
                        Hosting.MamoriSettings.LoadConfiguration().GetSection(Datasets.DatasetSettings.Section).Bind(settings);
                        var view = await sp.GetRequiredService<Datasets.ProcessedDatasets>().RegisterAnonymizedAsync(
                            Registration(name, r.GetValue(provisionMethod), engine, table, result, labels, file), registrant, ct);
                        stderr.WriteLine($"registered anonymized dataset {view.Id} ({view.Items.Count} items)");
                        return 0;
                    });
                    }
                    catch
                    {
                        File.Delete(pending);
                        throw;
                    }
                    if (code != 0)
                    {
                        File.Delete(pending);
                        return code;
                    }
                    File.Move(pending, target, overwrite: true);
                }
                if (r.GetValue(json))
                {
                    stdout.WriteLine(ToJson(result));
                }
                else
                {
                    var levels = string.Join(", ", result.LevelsByAttribute.Select(kv => $"{kv.Key}={kv.Value}"));
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"anonymized {table.RowCount} rows: levels {levels}; {result.Suppressed} suppressed; {result.Classes} classes; loss {result.Loss}"));
                }
                return 0;
            }
            catch (AnonymizationException e)
            {
                stderr.WriteLine($"mamori: anonymize: {e.Detail} ({e.Code})");
                return 1;
            }
            catch (MamoriException e)
            {
                stderr.WriteLine($"mamori: anonymize: {e.Message} ({ErrorCodes.Format(e.Code)})");
                return 1;
            }
        });
        return cmd;
    }

    /// <summary>The registration of an anonymized output: its items and the method's safety measures (Art.43(1), Rules 34), no values.</summary>
    internal static Datasets.AnonymizedRegistration Registration(string name, string? provisionMethod, AnonymizationConfig config, Table input,
        AnonymizationResult result, IReadOnlyDictionary<string, LocalizedText>? labels, AnonymizeConfigFile file)
    {
        var k = ImpliedK(config.Models);
        var models = string.Join("; ", config.Models.Select(m => m switch
        {
            KAnonymity x => string.Create(CultureInfo.InvariantCulture, $"k-anonymity (k = {x.K})"),
            DistinctLDiversity x => string.Create(CultureInfo.InvariantCulture, $"distinct l-diversity of {x.SensitiveAttribute} (l = {x.L})"),
            EntropyLDiversity x => string.Create(CultureInfo.InvariantCulture, $"entropy l-diversity of {x.SensitiveAttribute} (l = {x.L})"),
            EqualDistanceTCloseness x => string.Create(CultureInfo.InvariantCulture, $"t-closeness of {x.SensitiveAttribute} (t = {x.T})"),
            _ => m.GetType().Name,
        }));
        if (!config.Models.OfType<KAnonymity>().Any(m => m.K == k))
            models += string.Create(CultureInfo.InvariantCulture, $"; every equivalence class therefore has at least {k} records (k = {k})");
        var removed = config.Attributes.Where(a => a.Value == AttributeKind.Identifying).Select(a => a.Key).Where(a => input.IndexOf(a) >= 0).ToList();
        var levels = string.Join(", ", result.LevelsByAttribute.Select(kv =>
            $"{kv.Key} level {kv.Value}: {file.DescribeLevel(kv.Key, kv.Value, config.Hierarchies.TryGetValue(kv.Key, out var h) ? h.Levels : 2)}"));
        var measures = string.Create(CultureInfo.InvariantCulture,
            $"{models}; globally optimal full-domain generalization of the quasi-identifiers ({levels}); record suppression limit {config.SuppressionLimit:0.####} ({result.Suppressed} of {input.RowCount} records suppressed); identifying columns removed: {(removed.Count == 0 ? "none" : string.Join(", ", removed))}");
        // The row count of what is published: suppressed records stay in the output (their quasi-identifiers as *).
        return new Datasets.AnonymizedRegistration(name, [.. result.Output.Header], measures, result.Output.RowCount, k, removed, provisionMethod, labels);
    }

    /// <summary>
    /// The least class size the models guarantee: k-anonymity's k, and l for l-diversity, since l different sensitive values need
    /// l records (entropy l-diversity needs more than l − 1 different values); ARX counts l-diversity as l-anonymity the same way.
    /// </summary>
    internal static int ImpliedK(IEnumerable<PrivacyModel> models) => models.Select(m => m switch
    {
        KAnonymity x => x.K,
        DistinctLDiversity x => x.L,
        EntropyLDiversity x => (int)Math.Ceiling(x.L),
        _ => 0,
    }).DefaultIfEmpty(0).Max();

    internal static string ToJson(AnonymizationResult result)
    {
        using var stream = new MemoryStream();
        // Japanese attribute names as they are, not \uXXXX, like the CLI's other JSON.
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("levels");
            foreach (var (name, level) in result.LevelsByAttribute) w.WriteNumber(name, level);
            w.WriteEndObject();
            w.WriteNumber("suppressed", result.Suppressed);
            w.WriteNumber("loss", result.Loss.Value);
            w.WriteNumber("classes", result.Classes);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteOutput(string path, Table table, char delimiter)
    {
        try
        {
            // With a BOM, like the console's CSV exports: Excel in Japan reads UTF-8 without one as Shift_JIS.
            using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(true));
            table.WriteCsv(writer, delimiter);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AnonymizationException(AnonymizationErrors.FileUnreadable, $"cannot write {path}: {e.GetType().Name}");
        }
    }

    /// <summary>A one-line progress indicator, only used when stderr is a terminal.</summary>
    private sealed class TerminalProgress(TextWriter stderr) : IProgress<double>
    {
        private int _last = -1;

        public void Report(double value)
        {
            var percent = (int)(value * 100);
            if (percent == _last) return;
            _last = percent;
            stderr.Write(string.Create(CultureInfo.InvariantCulture, $"\rsearching the lattice: {percent,3}%"));
        }

        public void Done()
        {
            if (_last >= 0) stderr.WriteLine();
        }
    }
}

/// <summary>
/// The anonymize configuration file (YAML). Every error names the file, line and column:
/// <code>
/// delimiter: ";"
/// attributes:
///   age:        { kind: quasi, hierarchy: adult_hierarchy_age.csv }
///   zip:        { kind: quasi, hierarchy: { mask: { step: 1 } } }
///   occupation: { kind: sensitive, label: 職業 }
///   name:       { kind: identifying }
/// models:
///   - k-anonymity: { k: 5 }
///   - l-diversity: { attribute: occupation, l: 3, variant: distinct }
/// suppressionLimit: 0.04
/// metric: entropy
/// </code>
/// </summary>
internal sealed class AnonymizeConfigFile
{
    private readonly List<(string Name, AttributeKind Kind, YamlNode? Hierarchy, double? Weight, Mark Where)> _attributes = [];
    private readonly Dictionary<string, LocalizedText> _labels = new(StringComparer.Ordinal);
    private Mark _attributesAt = Mark.Empty;
    private readonly List<PrivacyModel> _models = [];
    private string _path = "";

    public char Delimiter { get; private set; } = ',';
    /// <summary>The data delimiter unless hierarchyDelimiter is set (docs/anonymization.md).</summary>
    public char HierarchyDelimiter { get; private set; } = ',';
    public IReadOnlyList<PrivacyModel> Models => _models;
    public double SuppressionLimit { get; private set; }
    public QualityMetric Metric { get; private set; } = QualityMetric.Entropy();

    public static AnonymizeConfigFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AnonymizationException(AnonymizationErrors.FileUnreadable, $"cannot read {path}: {e.GetType().Name}");
        }
        return Parse(text, path);
    }

    /// <summary>Deepest nesting a configuration may have; real ones use four levels.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most YAML nodes a configuration may have (a hierarchy for every value of a large column fits).</summary>
    public const int MaxNodes = 1_000_000;

    /// <summary>
    /// Streams the events once before the tree is built: YamlDotNet's tree loader recurses per level, so
    /// deep nesting overflowed the stack and killed the process (fuzzing found it); aliases are refused so an
    /// alias bomb cannot multiply the work of reading hierarchies.
    /// </summary>
    private static void CheckShape(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        var nodes = 0;
        while (parser.MoveNext())
        {
            var ev = parser.Current!;
            switch (ev)
            {
                case YamlDotNet.Core.Events.AnchorAlias:
                    throw new AnonymizationException(AnonymizationErrors.ConfigInvalid, $"{path}:{ev.Start.Line}:{ev.Start.Column}: YAML aliases (*name) are not allowed");
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxDepth)
                        throw new AnonymizationException(AnonymizationErrors.ConfigInvalid, $"{path}:{ev.Start.Line}:{ev.Start.Column}: nesting deeper than {MaxDepth} levels");
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
            if (ev is YamlDotNet.Core.Events.NodeEvent && ++nodes > MaxNodes)
                throw new AnonymizationException(AnonymizationErrors.ConfigInvalid, $"{path}: more than {MaxNodes} YAML nodes");
        }
    }

    public static AnonymizeConfigFile Parse(string text, string path)
    {
        var file = new AnonymizeConfigFile { _path = path };
        var stream = new YamlStream();
        try
        {
            CheckShape(text, path);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new AnonymizationException(AnonymizationErrors.ConfigInvalid,
                $"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this for some broken flow collections (fuzzing found it).
            throw new AnonymizationException(AnonymizationErrors.ConfigInvalid, $"{path}: not valid YAML (an unclosed flow collection or quoted scalar)");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw file.Error(null, "the configuration must be a mapping");
        var delimiterSeen = false;
        foreach (var (k, v) in root.Children)
        {
            var key = file.Scalar(k);
            switch (key)
            {
                case "delimiter":
                    file.Delimiter = file.Char(v);
                    if (!delimiterSeen) file.HierarchyDelimiter = file.Delimiter;
                    break;
                case "hierarchyDelimiter":
                    file.HierarchyDelimiter = file.Char(v);
                    delimiterSeen = true;
                    break;
                case "attributes":
                    file.ReadAttributes(v);
                    break;
                case "models":
                    file.ReadModels(v);
                    break;
                case "suppressionLimit":
                    file.SuppressionLimit = file.Number(v);
                    if (file.SuppressionLimit is < 0 or > 1) throw file.Error(v, "suppressionLimit must be in [0, 1]");
                    break;
                case "metric":
                    file.Metric = file.Scalar(v) switch
                    {
                        "entropy" => QualityMetric.Entropy(),
                        "loss" => QualityMetric.Loss(),
                        "precision" => QualityMetric.Precision(),
                        "discernibility" => QualityMetric.Discernibility(),
                        "aecs" => QualityMetric.Aecs(),
                        "height" => QualityMetric.Height(),
                        _ => throw file.Error(v, "metric must be entropy, loss, precision, discernibility, aecs or height"),
                    };
                    break;
                default:
                    throw file.Error(k, $"unknown key '{key}'");
            }
        }
        if (file._models.Count == 0) throw file.Error(root, "at least one privacy model is required under 'models'");
        if (!file._attributes.Any(a => a.Kind == AttributeKind.QuasiIdentifying))
            throw file.Error(root, "at least one attribute must have kind: quasi");
        return file;
    }

    /// <summary>The engine configuration for this table; hierarchy files are read relative to the configuration file.</summary>
    public AnonymizationConfig ToEngineConfig(Table table)
    {
        var config = new AnonymizationConfig { SuppressionLimit = SuppressionLimit, Metric = Metric };
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(_path)) ?? ".";
        foreach (var (name, kind, hierarchy, weight, where) in _attributes)
        {
            var column = table.IndexOf(name);
            if (column < 0) throw Error(where, $"attribute '{name}' is not in the input header");
            config.Attributes[name] = kind;
            if (weight is { } w) config.Weights[name] = w;
            if (hierarchy is null) continue;
            var values = table.Rows.Select(r => r[column]);
            config.Hierarchies[name] = hierarchy switch
            {
                YamlScalarNode s => Hierarchy.ReadArxCsv(Path.Combine(baseDir, s.Value ?? ""), HierarchyDelimiter),
                YamlMappingNode m => BuildRule(m, values, table, name),
                _ => throw Error(hierarchy, "hierarchy must be a file name or a rule"),
            };
        }
        config.Models.AddRange(_models);
        return config;
    }

    private Hierarchy BuildRule(YamlMappingNode rule, IEnumerable<string> values, Table table, string column)
    {
        if (rule.Children.Count != 1) throw Error(rule, "a hierarchy rule has exactly one of intervals, dates, mask");
        var (k, v) = rule.Children.First();
        try
        {
            switch (Scalar(k))
            {
                case "intervals":
                    if (v is not YamlSequenceNode widths) throw Error(v, "intervals takes a list of widths");
                    return HierarchyBuilder.Intervals(values, widths.Select(Number).ToList());
                case "dates":
                    if (v is not YamlSequenceNode steps) throw Error(v, "dates takes a list of month, year, decade");
                    return HierarchyBuilder.Dates(values, steps.Select(s => Scalar(s) switch
                    {
                        "month" => DateStep.Month,
                        "year" => DateStep.Year,
                        "decade" => DateStep.Decade,
                        _ => throw Error(s, "date steps are month, year, decade"),
                    }).ToList());
                case "mask":
                {
                    var step = 1;
                    var keep = "-";
                    if (v is YamlMappingNode options)
                    {
                        foreach (var (ok, ov) in options.Children)
                        {
                            switch (Scalar(ok))
                            {
                                case "step": step = (int)Number(ov); break;
                                case "keep": keep = Scalar(ov); break;
                                default: throw Error(ok, "mask options are step and keep");
                            }
                        }
                    }
                    return HierarchyBuilder.PrefixMask(values, step, '*', keep);
                }
                default:
                    throw Error(k, "a hierarchy rule is intervals, dates or mask");
            }
        }
        catch (AnonymizationException e) when (e.Code == AnonymizationErrors.RuleInvalid && e.Row is { } row)
        {
            // A value of the input that does not fit the rule: point at the input, not at the rule.
            throw new AnonymizationException(AnonymizationErrors.RuleInvalid,
                $"{table.Where(row)}: column '{column}': {e.Detail[$"row {row + 1}: ".Length..]} for its {Scalar(k)} rule");
        }
        catch (AnonymizationException e) when (e.Code == AnonymizationErrors.RuleInvalid)
        {
            throw Error(v, e.Detail);
        }
    }

    /// <summary>
    /// What a level of an attribute's hierarchy does, in words, for the safety-measure record (Rules 34): "level 3"
    /// alone does not say how the data was processed. The rule was checked when the hierarchy was built.
    /// </summary>
    public string DescribeLevel(string name, int level, int levels)
    {
        if (level == 0) return "not generalized";
        if (level == levels - 1) return "fully generalized to *";
        var hierarchy = _attributes.First(a => a.Name == name).Hierarchy;
        if (hierarchy is YamlMappingNode { Children.Count: 1 } rule)
        {
            var (k, v) = rule.Children.First();
            switch (Scalar(k))
            {
                case "intervals" when v is YamlSequenceNode widths:
                    return string.Create(CultureInfo.InvariantCulture, $"intervals of {Number(widths[level - 1])}");
                case "dates" when v is YamlSequenceNode steps:
                    return Scalar(steps[level - 1]) switch
                    {
                        "month" => "year and month",
                        "year" => "year",
                        _ => "decade",
                    };
                case "mask":
                    var step = v is YamlMappingNode options && options.Children.FirstOrDefault(o => Scalar(o.Key) == "step").Value is { } sv ? (int)Number(sv) : 1;
                    return string.Create(CultureInfo.InvariantCulture, $"last {level * step} characters masked");
            }
        }
        return hierarchy is YamlScalarNode file
            ? string.Create(CultureInfo.InvariantCulture, $"level {level} of the hierarchy {Path.GetFileName(file.Value)}")
            : string.Create(CultureInfo.InvariantCulture, $"level {level}");
    }

    /// <summary>
    /// For <c>--register</c>: the label of every column the output keeps (the input's columns but the identifying
    /// ones), which the privacy notice publishes in words (Art.43(3)). Refused, naming the columns, when one has none.
    /// </summary>
    public IReadOnlyDictionary<string, LocalizedText> RequireLabels(Table table)
    {
        var identifying = _attributes.Where(a => a.Kind == AttributeKind.Identifying).Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        var items = table.Header.Where(h => !identifying.Contains(h)).ToList();
        var missing = items.Where(i => !_labels.ContainsKey(i)).ToList();
        if (missing.Count == 0) return items.ToDictionary(i => i, i => _labels[i], StringComparer.Ordinal);
        var unlisted = missing.Where(m => !_attributes.Any(a => a.Name == m)).ToList();
        var where = _attributes.FirstOrDefault(a => missing.Contains(a.Name)) is { Name: not null } first ? first.Where : _attributesAt;
        throw new MamoriException(ErrorCode.DatasetInvalid,
            $"{_path}:{where.Line}:{where.Column}: --register publishes every item in words on the privacy notice (Art.43(3)); give "
            + $"{string.Join(", ", missing)} a label (label: 年齢（20歳刻み）, or label: {{ja: 年齢（20歳刻み）, en: Age (20-year bands)}})"
            + (unlisted.Count == 0 ? "" : $"; {string.Join(", ", unlisted)} {(unlisted.Count == 1 ? "is" : "are")} not under attributes: list {(unlisted.Count == 1 ? "it" : "them")} there with its kind and a label"));
    }

    /// <summary>
    /// Anonymized information keeps no identifying description and no linking code (Rules 34(i)(iii), L-26): a column whose name
    /// says it is a name, a contact item, a code such as 顧客ID or 会員番号, an identification code or a card number, and a column
    /// kept as it is whose values are all different codes, must be removed (kind: identifying). An address may be generalized as a
    /// quasi-identifier with a hierarchy (東京都千代田区… → 東京都); what stays readable is checked in the output. Checked before
    /// anything is computed or written.
    /// </summary>
    public void RefuseIdentifyingColumns(Table table)
    {
        if (_attributes.FirstOrDefault(a => table.IndexOf(a.Name) < 0) is { Name: not null } absent)
            throw Error(absent.Where, $"attribute '{absent.Name}' is not in the input header");
        AttributeKind KindOf(string column) => _attributes.FirstOrDefault(a => a.Name == column) is { Name: not null } a ? a.Kind : AttributeKind.Insensitive;
        bool Generalized(string column) => _attributes.Any(a => a.Name == column && a.Kind == AttributeKind.QuasiIdentifying && a.Hierarchy is not null);
        var named = Datasets.DirectIdentifiers.FindByHeader(table.Header.Where(h => KindOf(h) != AttributeKind.Identifying))
            .Where(c => !(c.What == Datasets.IdentifierHeader.Address && Generalized(c.Column))).ToList();
        var flagged = named.Select(c => c.Column).ToHashSet(StringComparer.Ordinal);
        var codes = Datasets.DirectIdentifiers.FindLinkingCodes(table,
            table.Header.Where(h => KindOf(h) is AttributeKind.Insensitive or AttributeKind.Sensitive && !flagged.Contains(h)));
        flagged.UnionWith(codes);
        if (flagged.Count == 0) return;
        var list = named.Select(c => c.ToString()).Concat(codes.Select(c => $"'{c}' (every value a different code: a linking code / 連結符号)"));
        var first = _attributes.FirstOrDefault(a => flagged.Contains(a.Name));
        var where = first.Name is not null ? first.Where : _attributesAt;
        throw new MamoriException(ErrorCode.DatasetIdentifyingColumn,
            $"{_path}:{where.Line}:{where.Column}: these columns identify persons or link to their records and would stay in the output: {string.Join(", ", list)}. "
            + "Anonymized information keeps no identifying description and no linking code (Rules 34(i)(iii)): mark them kind: identifying to remove them"
            + " (an address may instead be generalized: kind: quasi with a hierarchy). Nothing was written.");
    }

    private LocalizedText Label(YamlNode node)
    {
        string? ja = null, en = null;
        if (node is YamlScalarNode) ja = Scalar(node);
        else if (node is YamlMappingNode m)
        {
            foreach (var (k, v) in m.Children)
            {
                switch (Scalar(k))
                {
                    case "ja": ja = Scalar(v); break;
                    case "en": en = Scalar(v); break;
                    default: throw Error(k, "a label is text, or {ja: …, en: …}");
                }
            }
        }
        else throw Error(node, "a label is text, or {ja: …, en: …}");
        if (string.IsNullOrWhiteSpace(ja)) throw Error(node, "a label needs its Japanese text");
        if (ja.Trim().Length > 100 || en?.Trim().Length > 200) throw Error(node, "a label has at most 100 characters (English 200)");
        return new LocalizedText(ja.Trim(), string.IsNullOrWhiteSpace(en) ? null : en.Trim());
    }

    private void ReadAttributes(YamlNode node)
    {
        if (node is not YamlMappingNode map) throw Error(node, "attributes must be a mapping of column name to { kind: ... }");
        _attributesAt = node.Start;
        foreach (var (k, v) in map.Children)
        {
            var name = Scalar(k);
            if (v is not YamlMappingNode props) throw Error(v, $"attribute '{name}' must be a mapping such as {{ kind: quasi }}");
            AttributeKind? kind = null;
            YamlNode? hierarchy = null;
            double? weight = null;
            foreach (var (pk, pv) in props.Children)
            {
                switch (Scalar(pk))
                {
                    case "kind":
                        kind = Scalar(pv) switch
                        {
                            "quasi" or "quasi-identifying" => AttributeKind.QuasiIdentifying,
                            "sensitive" => AttributeKind.Sensitive,
                            "identifying" => AttributeKind.Identifying,
                            "insensitive" => AttributeKind.Insensitive,
                            _ => throw Error(pv, "kind must be quasi, sensitive, identifying or insensitive"),
                        };
                        break;
                    case "hierarchy":
                        hierarchy = pv;
                        break;
                    case "weight":
                        weight = Number(pv);
                        if (weight < 0) throw Error(pv, "weight must not be negative");
                        break;
                    case "label":
                        _labels[name] = Label(pv);
                        break;
                    default:
                        throw Error(pk, $"unknown attribute property '{Scalar(pk)}'");
                }
            }
            if (kind is null) throw Error(v, $"attribute '{name}' needs a kind");
            if (hierarchy is not null && kind != AttributeKind.QuasiIdentifying)
                throw Error(hierarchy, "only quasi-identifiers take a hierarchy");
            _attributes.Add((name, kind.Value, hierarchy, weight, k.Start));
        }
    }

    private void ReadModels(YamlNode node)
    {
        if (node is not YamlSequenceNode list) throw Error(node, "models must be a list");
        foreach (var item in list)
        {
            if (item is not YamlMappingNode m || m.Children.Count != 1)
                throw Error(item, "each model is one of k-anonymity, l-diversity, t-closeness");
            var (k, v) = m.Children.First();
            if (v is not YamlMappingNode p) throw Error(v, "model parameters must be a mapping");
            string[]? known = Scalar(k) switch
            {
                "k-anonymity" => ["k"],
                "l-diversity" => ["attribute", "l", "variant"],
                "t-closeness" => ["attribute", "t"],
                _ => null,
            };
            // A typo (varient: entropy) silently gave the weaker default model, and that is what was registered.
            if (known is not null && p.Children.Keys.FirstOrDefault(x => !known.Contains(Scalar(x), StringComparer.Ordinal)) is { } unknown)
                throw Error(unknown, $"unknown key '{Scalar(unknown)}' in {Scalar(k)} (it takes {string.Join(", ", known)})");
            string Get(string name) =>
                p.Children.TryGetValue(new YamlScalarNode(name), out var x) ? Scalar(x) : throw Error(v, $"missing '{name}'");
            YamlNode At(string name) => p.Children[new YamlScalarNode(name)];
            PrivacyModel model = Scalar(k) switch
            {
                "k-anonymity" => new KAnonymity(Integer(Get("k"), At("k"))),
                "l-diversity" => (p.Children.TryGetValue(new YamlScalarNode("variant"), out var variant) ? Scalar(variant) : "distinct") switch
                {
                    "distinct" => new DistinctLDiversity(Get("attribute"), Integer(Get("l"), At("l"))),
                    "entropy" => new EntropyLDiversity(Get("attribute"), Number(At("l"))),
                    _ => throw Error(variant, "l-diversity variant must be distinct or entropy"),
                },
                "t-closeness" => new EqualDistanceTCloseness(Get("attribute"), Number(At("t"))),
                _ => throw Error(k, "a model is k-anonymity, l-diversity or t-closeness"),
            };
            try
            {
                ValidateModel(model);
            }
            catch (AnonymizationException e)
            {
                throw Error(item, e.Detail);
            }
            if (model.Attribute is { } a && !_attributes.Any(x => x.Name == a && x.Kind == AttributeKind.Sensitive))
                throw Error(item, $"'{a}' must be listed under attributes with kind: sensitive");
            _models.Add(model);
        }
    }

    private static void ValidateModel(PrivacyModel model)
    {
        // The engine validates again; this gives the error a position in the file.
        switch (model)
        {
            case KAnonymity { K: < 1 }: throw new AnonymizationException(AnonymizationErrors.InvalidParameter, "k must be at least 1");
            case DistinctLDiversity { L: < 1 }: throw new AnonymizationException(AnonymizationErrors.InvalidParameter, "l must be at least 1");
            case EntropyLDiversity e when !(e.L >= 1): throw new AnonymizationException(AnonymizationErrors.InvalidParameter, "l must be at least 1");
            case EqualDistanceTCloseness t when !(t.T is >= 0 and <= 1): throw new AnonymizationException(AnonymizationErrors.InvalidParameter, "t must be in [0, 1]");
        }
    }

    private AnonymizationException Error(YamlNode? node, string message) => Error(node?.Start ?? Mark.Empty, message);

    private AnonymizationException Error(Mark where, string message) =>
        new(AnonymizationErrors.ConfigInvalid, $"{_path}:{where.Line}:{where.Column}: {message}");

    private string Scalar(YamlNode node) =>
        node is YamlScalarNode { Value: { } s } ? s : throw Error(node, "expected a single value");

    private char Char(YamlNode node)
    {
        var s = Scalar(node);
        if (s == "\\t" || s == "tab") return '\t';
        return s.Length == 1 ? s[0] : throw Error(node, "delimiter must be one character");
    }

    private double Number(YamlNode node) =>
        double.TryParse(Scalar(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsNaN(d)
            ? d
            : throw Error(node, "expected a number");

    private int Integer(string text, YamlNode node) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw Error(node, "expected an integer");
}
