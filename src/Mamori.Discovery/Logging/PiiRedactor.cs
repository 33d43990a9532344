using Mamori.Discovery.Redaction;
using Microsoft.Extensions.Compliance.Redaction;

namespace Mamori.Discovery.Logging;

/// <summary>
/// A <see cref="Redactor"/> for Microsoft.Extensions.Compliance: values classified as personal data are
/// scanned and only the detected spans are rewritten, so a log line keeps its shape. Register it with
/// <c>services.AddRedaction(r =&gt; r.SetRedactor&lt;PiiRedactor&gt;(classifications))</c> and <c>EnableRedaction()</c>.
/// </summary>
public sealed class PiiRedactor : Redactor
{
    private readonly TextRedactor redactor;

    public PiiRedactor() : this(new TextRedactor()) { }

    public PiiRedactor(TextRedactor redactor) => this.redactor = redactor ?? throw new ArgumentNullException(nameof(redactor));

    [ThreadStatic] private static string? lastInput;
    [ThreadStatic] private static string? lastOutput;
    [ThreadStatic] private static TextRedactor? lastRedactor;

    private string RedactCached(ReadOnlySpan<char> input)
    {
        if (lastRedactor == redactor && lastInput is not null && input.SequenceEqual(lastInput)) return lastOutput!;
        var s = input.ToString();
        var r = redactor.Redact(s);
        lastInput = s;
        lastOutput = r;
        lastRedactor = redactor;
        return r;
    }

    public override int GetRedactedLength(ReadOnlySpan<char> input) => input.IsEmpty ? 0 : RedactCached(input).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        if (source.IsEmpty) return 0;
        var r = RedactCached(source);
        r.AsSpan().CopyTo(destination);
        return r.Length;
    }
}
