using Mamori.Discovery.Redaction;
using Microsoft.Extensions.Compliance.Redaction;

namespace Mamori.Discovery.Logging;

/// <summary>
/// A <see cref="Redactor"/> for Microsoft.Extensions.Compliance: a value classified as personal data is scanned and shown
/// by what it holds (<c>&lt;PHONE_NUMBER&gt;</c>) when detection accounts for all of it, and redacted whole
/// (<c>&lt;PERSONAL_DATA&gt;</c>) otherwise: the classification says the value is personal, so what detection does not
/// recognise (a bare name) must not reach the log either (<see cref="TextRedactor.RedactClassified"/>). Register it with
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
        var r = redactor.RedactClassified(s);
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
