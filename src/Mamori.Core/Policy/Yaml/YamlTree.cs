using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Mamori.Policy.Yaml;

/// <summary>A position in a policy file (1-based).</summary>
internal readonly record struct SourcePos(string File, int Line, int Column);

/// <summary>A YAML node with its position. Policies need no anchors, aliases or tags.</summary>
internal abstract class YNode(SourcePos pos)
{
    public SourcePos Pos { get; } = pos;
    public abstract string Kind { get; }
}

internal sealed class YScalar(SourcePos pos, string value, bool plain) : YNode(pos)
{
    public string Value { get; } = value;
    /// <summary>Unquoted; only plain scalars can be null/bool/number.</summary>
    public bool Plain { get; } = plain;
    public bool IsNull => Plain && (Value.Length == 0 || Value is "~" or "null" or "Null" or "NULL");
    public override string Kind => "a scalar";
}

internal sealed class YSequence(SourcePos pos, IReadOnlyList<YNode> items) : YNode(pos)
{
    public IReadOnlyList<YNode> Items { get; } = items;
    public override string Kind => "a list";
}

internal sealed class YMapping(SourcePos pos, IReadOnlyList<KeyValuePair<YScalar, YNode>> entries) : YNode(pos)
{
    public IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries { get; } = entries;
    public override string Kind => "a mapping";

    public YNode? Get(string key)
    {
        foreach (var e in Entries) if (e.Key.Value == key) return e.Value;
        return null;
    }
}

/// <summary>Limits that keep a hostile or broken file from exhausting memory or stack.</summary>
internal static class YamlLimits
{
    public const int MaxFileBytes = 1024 * 1024;
    public const int MaxTotalBytes = 8 * 1024 * 1024;
    public const int MaxServiceFiles = 200;
    public const int MaxDepth = 32;
    public const int MaxNodesPerFile = 200_000;
}

/// <summary>
/// Reads one YAML document into <see cref="YNode"/>s from YamlDotNet's event parser, keeping the
/// position of every node. Aliases are refused (no alias expansion, so no "billion laughs"),
/// nesting depth and node count are bounded, syntax errors become diagnostics.
/// </summary>
internal static partial class SafeYamlReader
{
    public static YNode? Read(string text, string file, DiagnosticBag diags)
    {
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Frame>();
        YNode? root = null;
        var nodes = 0;
        var documents = 0;
        try
        {
            while (parser.MoveNext())
            {
                var ev = parser.Current!;
                var pos = new SourcePos(file, (int)ev.Start.Line, (int)ev.Start.Column);
                switch (ev)
                {
                    case StreamStart or StreamEnd or DocumentEnd or Comment:
                        continue;
                    case DocumentStart:
                        if (++documents > 1)
                        {
                            diags.Error(pos, PolicyCodes.NotASingleMapping, "A policy file holds exactly one YAML document.");
                            return null;
                        }
                        continue;
                    case AnchorAlias:
                        diags.Error(pos, PolicyCodes.AliasNotAllowed, "YAML aliases (*name) are not allowed in policy files (protects against alias expansion bombs).");
                        return null;
                }
                if (ev is NodeEvent ne && !ne.Tag.IsEmpty && !ne.Tag.IsNonSpecific)
                {
                    diags.Error(pos, PolicyCodes.TagNotAllowed, $"YAML tag '{ne.Tag.Value}' is not allowed in policy files.");
                    return null;
                }
                if (++nodes > YamlLimits.MaxNodesPerFile)
                {
                    diags.Error(pos, PolicyCodes.InputTooLarge, $"Too many YAML nodes (more than {YamlLimits.MaxNodesPerFile}).");
                    return null;
                }
                YNode? done = null;
                switch (ev)
                {
                    case Scalar s:
                        done = new YScalar(pos, s.Value, s.Style is ScalarStyle.Plain or ScalarStyle.Any);
                        break;
                    case MappingStart:
                    case SequenceStart:
                        if (stack.Count >= YamlLimits.MaxDepth)
                        {
                            diags.Error(pos, PolicyCodes.NestingTooDeep, $"YAML nesting deeper than {YamlLimits.MaxDepth} levels.");
                            return null;
                        }
                        stack.Push(new Frame(pos, ev is MappingStart));
                        continue;
                    case MappingEnd:
                    {
                        var f = stack.Pop();
                        done = new YMapping(f.Pos, f.Entries!);
                        break;
                    }
                    case SequenceEnd:
                    {
                        var f = stack.Pop();
                        done = new YSequence(f.Pos, f.Items!);
                        break;
                    }
                    default:
                        continue;
                }
                if (stack.Count == 0)
                {
                    root = done;
                    continue;
                }
                if (!stack.Peek().Add(done, diags)) return null;
            }
        }
        catch (YamlException ex)
        {
            var pos = new SourcePos(file, (int)ex.Start.Line, (int)ex.Start.Column);
            diags.Error(pos, PolicyCodes.YamlSyntax, "YAML syntax error: " + CleanMessage(ex));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) for some broken flow collections,
            // e.g. an unclosed "{ a" followed by more lines; fuzzing found it.
            var at = parser.Current?.Start;
            diags.Error(new SourcePos(file, (int)(at?.Line ?? 1), (int)(at?.Column ?? 1)), PolicyCodes.YamlSyntax, "YAML syntax error: an unclosed flow collection or quoted scalar.");
            return null;
        }
        return root;
    }

    private static string CleanMessage(YamlException ex)
    {
        var msg = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
        return PositionPrefix().Replace(msg, "").Trim();
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    private sealed class Frame(SourcePos pos, bool mapping)
    {
        public SourcePos Pos { get; } = pos;
        public List<KeyValuePair<YScalar, YNode>>? Entries { get; } = mapping ? [] : null;
        public List<YNode>? Items { get; } = mapping ? null : [];
        private YScalar? _pendingKey;
        private HashSet<string>? _keys;

        public bool Add(YNode node, DiagnosticBag diags)
        {
            if (Items is not null)
            {
                Items.Add(node);
                return true;
            }
            if (_pendingKey is null)
            {
                if (node is not YScalar key)
                {
                    diags.Error(node.Pos, PolicyCodes.WrongType, "Mapping keys must be plain text.");
                    return false;
                }
                _keys ??= new HashSet<string>(StringComparer.Ordinal);
                if (!_keys.Add(key.Value))
                {
                    diags.Error(key.Pos, PolicyCodes.DuplicateKey, $"Duplicate key '{key.Value}'.");
                    return false;
                }
                _pendingKey = key;
                return true;
            }
            Entries!.Add(new(_pendingKey, node));
            _pendingKey = null;
            return true;
        }
    }
}

/// <summary>Collects diagnostics, dropping exact duplicates (a company entry is bound once per service).</summary>
internal sealed class DiagnosticBag
{
    private readonly List<PolicyDiagnostic> _items = [];
    private readonly HashSet<PolicyDiagnostic> _seen = [];

    public IReadOnlyList<PolicyDiagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.IsError);

    public void Error(SourcePos pos, string code, string message) => Add(pos, code, DiagnosticSeverity.Error, message);
    public void Warning(SourcePos pos, string code, string message) => Add(pos, code, DiagnosticSeverity.Warning, message);

    public void Add(SourcePos pos, string code, DiagnosticSeverity severity, string message)
    {
        var d = new PolicyDiagnostic(pos.File, pos.Line, pos.Column, code, severity, message);
        if (_seen.Add(d)) _items.Add(d);
    }
}
