using System.Net;
using System.Text;

namespace Mamori.Web;

/// <summary>Server-rendered HTML: every interpolated value is encoded; raw markup is explicit.</summary>
public readonly record struct Html(string Value)
{
    public static Html Raw(string markup) => new(markup);

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public override string ToString() => Value;

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public static implicit operator Html(FormattableHtml f) => f.Build();
}

/// <summary>An interpolated string whose holes are HTML-encoded unless they are <see cref="Html"/>.</summary>
[System.Runtime.CompilerServices.InterpolatedStringHandler]
public ref struct FormattableHtml
{
    private readonly StringBuilder _sb;

    public FormattableHtml(int literalLength, int formattedCount) => _sb = new StringBuilder(literalLength + formattedCount * 16);

    public readonly void AppendLiteral(string s) => _sb.Append(s);

    public readonly void AppendFormatted(Html h) => _sb.Append(h.Value);

    public readonly void AppendFormatted(Html? h) => _sb.Append(h?.Value);

    public readonly void AppendFormatted(IEnumerable<Html> hs)
    {
        foreach (var h in hs) _sb.Append(h.Value);
    }

    // Without these, a List<Html> or Html[] would bind to the generic overload and be encoded as text.
    public readonly void AppendFormatted(List<Html> hs) => AppendFormatted((IEnumerable<Html>)hs);

    public readonly void AppendFormatted(Html[] hs) => AppendFormatted((IEnumerable<Html>)hs);

    public readonly void AppendFormatted<T>(T value) => _sb.Append(Html.Encode(value?.ToString()));

    public readonly void AppendFormatted<T>(T value, string? format) where T : IFormattable =>
        _sb.Append(Html.Encode(value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));

    public readonly Html Build() => new(_sb.ToString());
}

public static class H
{
    public static Html F(FormattableHtml f) => f.Build();
}
