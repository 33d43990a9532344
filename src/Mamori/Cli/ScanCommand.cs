using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mamori.Discovery;
using Mamori.Discovery.Redaction;

namespace Mamori.Cli;

/// <summary>
/// <c>mamori scan PATH... [--format json|sarif|table] [--redact MODE] [--output DIR]</c>: finds personal
/// data in text, CSV, JSON lines and logs of any size (streamed in blocks; memory stays bounded).
/// Exit codes: 0 nothing found, 1 findings reported, 2 usage error, 3 input or output error or a file left unscanned.
/// </summary>
public static class ScanCommand
{
    public const int ExitClean = 0, ExitFindings = 1, ExitUsage = 2, ExitIo = 3;

    public static Command Create()
    {
        var paths = new Argument<string[]>("PATH") { Description = "Files or directories to scan ('-' reads standard input). / 走査するファイルまたはディレクトリ", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format") { Description = "json (one finding per line), sarif (SARIF 2.1.0) or table. / 出力形式", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("json", "sarif", "table");
        var redact = new Option<string?>("--redact") { Description = "Write redacted copies: replace, redact, mask, hash or encrypt (needs --output). / マスキング方式" };
        var output = new Option<string?>("--output") { Description = "Directory for redacted copies. / マスキング済みファイルの出力先" };
        var threshold = new Option<double>("--threshold") { Description = "Minimum score (0–1) to report; default 0.5. / 報告する最低スコア", DefaultValueFactory = _ => 0.5 };
        var entities = new Option<string?>("--entities") { Description = "Comma-separated entity names to report (default: all). / 対象エンティティ" };
        var keyFile = new Option<string?>("--key-file") { Description = "Key for hash/encrypt (≥32 bytes, raw or base64); or set MAMORI_DISCOVERY_KEY (base64). / 鍵ファイル" };
        var regions = new Option<string?>("--phone-regions") { Description = "Extra phone regions besides JP, e.g. US,GB. / 追加の電話番号地域" };
        var encoding = new Option<string>("--encoding") { Description = "auto (UTF-8/UTF-16 by BOM, else Shift_JIS when the bytes are not all UTF-8), utf-8, shift_jis or euc-jp; also for '-'. / 文字コード", DefaultValueFactory = _ => "auto" };
        encoding.AcceptOnlyFromAmong("auto", "utf-8", "shift_jis", "euc-jp");
        // PATH takes any word, so a mistyped option became a missing file (exit 3); a file really named like an option
        // is still scanned when it exists (or name it ./-x).
        paths.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (token.Value.Length > 1 && token.Value[0] == '-' && !File.Exists(token.Value) && !Directory.Exists(token.Value))
                    result.AddError($"unknown option '{token.Value}'.");
        });

        var cmd = new Command("scan", "Find personal information in files (Japanese first) and optionally write redacted copies. / ファイル内の個人情報を検出・マスキングする")
        {
            paths, format, redact, output, threshold, entities, keyFile, regions, encoding,
        };
        cmd.SetAction((ParseResult r, CancellationToken ct) =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var stderr = r.InvocationConfiguration.Error;
            try
            {
                var settings = new ScanSettings(
                    r.GetValue(paths) ?? [], r.GetValue(format) ?? "table", r.GetValue(redact), r.GetValue(output), r.GetValue(threshold),
                    r.GetValue(entities), r.GetValue(keyFile), r.GetValue(regions), r.GetValue(encoding) ?? "auto");
                return Task.FromResult(Run(settings, stdout, stderr, ct));
            }
            catch (DiscoveryException e)
            {
                stderr.WriteLine($"mamori: scan: {e.Detail} ({e.Code})");
                return Task.FromResult(e.Code is DiscoveryErrors.PathNotFound or DiscoveryErrors.FileUnreadable or DiscoveryErrors.OutputUnwritable ? ExitIo : ExitUsage);
            }
        });
        return cmd;
    }

    internal sealed record ScanSettings(string[] Paths, string Format, string? Redact, string? Output, double Threshold,
        string? Entities, string? KeyFile, string? PhoneRegions, string Encoding = "auto");

    internal static int Run(ScanSettings s, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (s.Threshold is < 0 or > 1) throw new DiscoveryException(DiscoveryErrors.InvalidOption, "--threshold must be between 0 and 1.");
        HashSet<string>? entitySet = null;
        if (!string.IsNullOrWhiteSpace(s.Entities))
        {
            entitySet = new HashSet<string>(s.Entities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
            foreach (var e in entitySet)
                if (!EntityTypes.IsKnown(e)) throw new DiscoveryException(DiscoveryErrors.UnknownEntity, $"unknown entity '{e}'.");
        }
        var regionList = new List<string> { "JP" };
        if (!string.IsNullOrWhiteSpace(s.PhoneRegions)) regionList.AddRange(s.PhoneRegions.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var analyzer = new PiiAnalyzer(new AnalyzerOptions { Entities = entitySet, ScoreThreshold = s.Threshold, PhoneRegions = regionList });

        TextRedactor? redactor = null;
        if (s.Redact is not null)
        {
            if (s.Output is null) throw new DiscoveryException(DiscoveryErrors.InvalidRedactMode, "--redact needs --output DIR.");
            redactor = new TextRedactor(new RedactionOptions { Default = BuildOperator(s.Redact, s.KeyFile) }, analyzer);
        }
        else if (s.Output is not null) throw new DiscoveryException(DiscoveryErrors.InvalidRedactMode, "--output needs --redact MODE.");

        var notices = new List<ScanNotice>();
        void Report(ScanNotice n)
        {
            notices.Add(n);
            stderr.WriteLine($"mamori: scan: {n.Message} ({n.Code})");
        }
        var inputs = new ScanInputs(Report).Expand(s.Paths);
        // Every copy is placed, and checked against the inputs, before anything is written.
        var copies = redactor is null ? null : ScanInputs.PlanCopies(s.Paths, inputs, s.Output!);
        if (redactor is not null)
        {
            try { Directory.CreateDirectory(s.Output!); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            { throw new DiscoveryException(DiscoveryErrors.OutputUnwritable, "the output directory cannot be created."); }
        }
        // Console.Out flushes on every write; findings go through one buffered writer instead.
        using var buffered = ReferenceEquals(stdout, Console.Out) ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) : null;
        if (buffered is not null) stdout = buffered;
        var sink = FindingSink.Create(s.Format, stdout);
        var scanner = new StreamingScanner(analyzer);
        var showProgress = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        long total = 0;
        foreach (var input in inputs)
        {
            ct.ThrowIfCancellationRequested();
            var (path, display) = (input.Path, input.Display);
            try
            {
                using var stream = path == "-" ? Console.OpenStandardInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
                if (path != "-" && LooksBinary(stream))
                {
                    Report(new ScanNotice(display, DiscoveryErrors.NotPlainText,
                        $"skipped '{display}': not plain text (binary, archive or office file, or UTF-16 without a BOM){(copies is null ? "" : "; no redacted copy written")}", Incomplete: true));
                    continue;
                }
                using var reader = OpenReader(stream, s.Encoding, out var encoding);
                using var copy = copies is null ? null : new RedactedCopy(copies[input], encoding);
                var length = stream.CanSeek ? stream.Length : 0;
                var watch = Stopwatch.StartNew();
                var lastReport = 0L;
                Action<long>? progress = showProgress && length > 0
                    ? _ =>
                    {
                        if (watch.ElapsedMilliseconds - lastReport < 500) return;
                        lastReport = watch.ElapsedMilliseconds;
                        stderr.Write($"\r{display}: {stream.Position * 100 / Math.Max(1, length)}% ({stream.Position / (1 << 20)} MiB)   ");
                    }
                    : null;
                scanner.Scan(reader, f => { total++; sink.Write(display, f); }, redactor, copy, progress, ct);
                copy?.Commit();
                if (progress is not null) stderr.Write("\r" + new string(' ', Math.Min(120, display.Length + 30)) + "\r");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Report(new ScanNotice(display, DiscoveryErrors.FileUnreadable, $"cannot read '{display}' ({e.GetType().Name})", Incomplete: true));
            }
        }
        sink.Complete(notices);
        stdout.Flush();
        // A file left unscanned (unreadable, not text, not a regular file) means the result is not "clean".
        if (notices.Any(n => n.Incomplete)) return ExitIo;
        return total > 0 ? ExitFindings : ExitClean;
    }

    private static RedactionOperator BuildOperator(string mode, string? keyFile)
    {
        switch (mode.ToLowerInvariant())
        {
            case "replace": return RedactionOperator.Replace();
            case "redact": return new RedactionOperator { Mode = RedactionMode.Redact };
            case "mask": return RedactionOperator.Mask();
            case "hash": return RedactionOperator.Hash(LoadKey(keyFile));
            case "encrypt":
            {
                var key = LoadKey(keyFile);
                return RedactionOperator.Encrypt(new AesGcmTokenizer(key[..32]).AsTokenizer());
            }
            default:
                throw new DiscoveryException(DiscoveryErrors.InvalidRedactMode, $"unknown --redact mode '{mode}' (replace, redact, mask, hash, encrypt).");
        }
    }

    private static byte[] LoadKey(string? keyFile)
    {
        byte[]? key = null;
        if (keyFile is not null)
        {
            if (!File.Exists(keyFile)) throw new DiscoveryException(DiscoveryErrors.PathNotFound, "the key file does not exist.");
            var raw = File.ReadAllBytes(keyFile);
            var text = Encoding.ASCII.GetString(raw).Trim();
            key = TryBase64(text) ?? raw;
        }
        else if (Environment.GetEnvironmentVariable("MAMORI_DISCOVERY_KEY") is { Length: > 0 } env)
        {
            key = TryBase64(env.Trim()) ?? throw new DiscoveryException(DiscoveryErrors.HashKeyMissing, "MAMORI_DISCOVERY_KEY must be base64.");
        }
        if (key is null || key.Length < 32)
            throw new DiscoveryException(DiscoveryErrors.HashKeyMissing, "hash and encrypt need a key of at least 32 bytes (--key-file or MAMORI_DISCOVERY_KEY).");
        return key;
    }

    private static byte[]? TryBase64(string text)
    {
        var buf = new byte[text.Length];
        return Convert.TryFromBase64String(text, buf, out var n) && n >= 32 ? buf[..n] : null;
    }

    /// <summary>
    /// A reader for one input and the encoding its redacted copy is written in (the input's own, BOM included, so a
    /// CP932 CSV stays CP932). <c>--encoding auto</c>: a BOM wins; otherwise a file is UTF-8 only when all of it is
    /// valid UTF-8 (a Shift_JIS byte after the first 64 KiB used to give mojibake), and standard input, which cannot be
    /// read twice, decides at its first non-ASCII byte (<see cref="DetectingReader"/>).
    /// </summary>
    private static TextReader OpenReader(Stream stream, string name, out Func<Encoding> copyEncoding)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Encoding? forced = name switch
        {
            "utf-8" => new UTF8Encoding(false),
            "shift_jis" => Encoding.GetEncoding(932),
            "euc-jp" => Encoding.GetEncoding(51932),
            _ => null,
        };
        if (!stream.CanSeek)
        {
            var detecting = new DetectingReader(stream, forced);
            copyEncoding = () => detecting.CurrentEncoding;
            return detecting;
        }
        Span<byte> head = stackalloc byte[3];
        var n = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false);
        stream.Position = 0;
        var encoding = DetectingReader.ByBom(head[..n]) ?? forced ?? (IsUtf8(stream) ? new UTF8Encoding(false) : Encoding.GetEncoding(932));
        copyEncoding = () => encoding;
        return new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>Whether the whole rest of <paramref name="stream"/> is valid UTF-8; the position is restored.</summary>
    private static bool IsUtf8(Stream stream)
    {
        var buffer = new byte[1 << 16];
        var carry = 0;
        var valid = true;
        int read;
        while (valid && (read = stream.Read(buffer, carry, buffer.Length - carry)) > 0)
        {
            var length = carry + read;
            var complete = DetectingReader.CompletePrefix(buffer.AsSpan(0, length));
            valid = System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, complete));
            carry = length - complete;
            buffer.AsSpan(complete, carry).CopyTo(buffer);
        }
        stream.Position = 0;
        return valid && System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, carry));
    }

    private static bool LooksBinary(Stream stream)
    {
        Span<byte> head = stackalloc byte[4096];
        var n = stream.Read(head);
        stream.Position = 0;
        var h = head[..n];
        if (n >= 2 && ((h[0] == 0xFF && h[1] == 0xFE) || (h[0] == 0xFE && h[1] == 0xFF))) return false;
        return h.Contains((byte)0);
    }

    /// <summary>Writes findings in one of the output formats. Values are never printed, only positions.</summary>
    private abstract class FindingSink
    {
        public static FindingSink Create(string format, TextWriter w) => format switch
        {
            "json" => new JsonLines(w),
            "sarif" => new Sarif(w),
            _ => new Table(w),
        };

        public abstract void Write(string path, StreamFinding f);
        public virtual void Complete(IReadOnlyList<ScanNotice> notices) { }

        protected static string Score(double s) => Math.Round(s, 2).ToString("0.0#", CultureInfo.InvariantCulture);

        private sealed class JsonLines(TextWriter w) : FindingSink
        {
            private string? lastPath;
            private string encodedPath = "";

            public override void Write(string path, StreamFinding f)
            {
                if (!ReferenceEquals(path, lastPath)) { lastPath = path; encodedPath = JsonSerializer.Serialize(path); }
                w.Write("{\"path\":");
                w.Write(encodedPath);
                w.Write(",\"start\":");
                w.Write(f.Start.ToString(CultureInfo.InvariantCulture));
                w.Write(",\"end\":");
                w.Write(f.End.ToString(CultureInfo.InvariantCulture));
                w.Write(",\"entity\":\"");
                w.Write(f.Finding.Entity);
                w.Write("\",\"score\":");
                w.Write(Score(f.Finding.Score));
                w.Write("}\n");
            }
        }

        private sealed class Table(TextWriter w) : FindingSink
        {
            private bool header;

            public override void Write(string path, StreamFinding f)
            {
                if (!header) { w.WriteLine("PATH\tLINE:COL\tSTART\tEND\tENTITY\tSCORE"); header = true; }
                w.WriteLine($"{path}\t{f.Line}:{f.Column}\t{f.Start}\t{f.End}\t{f.Finding.Entity}\t{Score(f.Finding.Score)}");
            }
        }

        private sealed class Sarif : FindingSink
        {
            private readonly TextWriter w;
            private readonly Utf8JsonWriter json;
            private readonly MemoryStream buffer = new();

            public Sarif(TextWriter w)
            {
                this.w = w;
                json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false });
                json.WriteStartObject();
                json.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
                json.WriteString("version", "2.1.0");
                json.WriteStartArray("runs");
                json.WriteStartObject();
                json.WriteStartObject("tool");
                json.WriteStartObject("driver");
                json.WriteString("name", "mamori-scan");
                json.WriteString("version", MamoriCli.Version);
                json.WriteStartArray("rules");
                foreach (var e in EntityTypes.All)
                {
                    json.WriteStartObject();
                    json.WriteString("id", e);
                    json.WriteStartObject("shortDescription");
                    json.WriteString("text", e == EntityTypes.SpecialCare ? "Special-care personal information (要配慮個人情報): a labelled value such as a diagnosis, or a keyword" : $"Personal information: {e}");
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartArray("results");
                Drain();
            }

            public override void Write(string path, StreamFinding f)
            {
                json.WriteStartObject();
                json.WriteString("ruleId", f.Finding.Entity);
                json.WriteString("level", f.Finding.Score >= 0.8 ? "error" : "warning");
                json.WriteStartObject("message");
                json.WriteString("text", $"{f.Finding.Entity} detected (score {Score(f.Finding.Score)}, {f.Finding.Recognizer})");
                json.WriteEndObject();
                json.WriteStartArray("locations");
                json.WriteStartObject();
                json.WriteStartObject("physicalLocation");
                json.WriteStartObject("artifactLocation");
                json.WriteString("uri", path.Replace('\\', '/'));
                json.WriteEndObject();
                json.WriteStartObject("region");
                json.WriteNumber("startLine", f.Line);
                json.WriteNumber("startColumn", f.Column);
                json.WriteNumber("charOffset", f.Start);
                json.WriteNumber("charLength", f.End - f.Start);
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteStartObject("properties");
                json.WriteNumber("score", Math.Round(f.Finding.Score, 2));
                json.WriteEndObject();
                json.WriteEndObject();
                if (buffer.Length > 1 << 16) Drain();
            }

            public override void Complete(IReadOnlyList<ScanNotice> notices)
            {
                json.WriteEndArray();
                // Files the scan could not read or skipped, so a SARIF viewer does not show an incomplete run as clean.
                json.WriteStartArray("invocations");
                json.WriteStartObject();
                json.WriteBoolean("executionSuccessful", !notices.Any(n => n.Incomplete));
                json.WriteStartArray("toolExecutionNotifications");
                foreach (var n in notices)
                {
                    json.WriteStartObject();
                    json.WriteString("level", n.Code == DiscoveryErrors.FileUnreadable ? "error" : n.Incomplete ? "warning" : "note");
                    json.WriteStartObject("message");
                    json.WriteString("text", n.Message);
                    json.WriteEndObject();
                    json.WriteStartObject("descriptor");
                    json.WriteString("id", n.Code);
                    json.WriteEndObject();
                    json.WriteStartArray("locations");
                    json.WriteStartObject();
                    json.WriteStartObject("physicalLocation");
                    json.WriteStartObject("artifactLocation");
                    json.WriteString("uri", n.Path.Replace('\\', '/'));
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndObject();
                    json.WriteEndArray();
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                Drain();
                w.WriteLine();
            }

            private void Drain()
            {
                json.Flush();
                w.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                buffer.SetLength(0);
            }
        }
    }
}
