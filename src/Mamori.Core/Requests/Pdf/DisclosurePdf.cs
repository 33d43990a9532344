using System.Collections.Concurrent;
using SkiaSharp;

namespace Mamori.Requests;

public enum PdfLineStyle
{
    Title,
    Meta,
    Heading,
    Subheading,
    Body,
}

/// <summary>The PDF step's result: the bytes, or why there are none (the HTML and JSON are produced regardless).</summary>
public sealed record PdfResult(byte[]? Bytes, string? Problem, string? FontPath)
{
    public bool Produced => Bytes is not null;
}

/// <summary>
/// Writes a package's lines as an A4 PDF with SkiaSharp, in a Japanese TrueType font found on the
/// machine (IPAGothic by default), subset to the glyphs used by <see cref="Pdf.TrueTypeSubsetter"/>.
/// Without a usable font it says so and produces nothing.
/// </summary>
public static class DisclosurePdf
{
    public static readonly IReadOnlyList<string> FontCandidates =
    [
        "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/truetype/vlgothic/VL-Gothic-Regular.ttf",
        "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf",
    ];

    private static readonly ConcurrentDictionary<string, Pdf.TrueTypeSubsetter?> Fonts = new(StringComparer.Ordinal);

    /// <summary>The configured font, else the first candidate present that is a TrueType font with Japanese glyphs.</summary>
    public static (Pdf.TrueTypeSubsetter? Font, string? Path, string? Problem) FindFont(string? configured)
    {
        var candidates = string.IsNullOrWhiteSpace(configured) ? FontCandidates : [configured];
        foreach (var path in candidates)
        {
            if (!File.Exists(path)) continue;
            var font = Fonts.GetOrAdd(path, p => Pdf.TrueTypeSubsetter.TryLoad(File.ReadAllBytes(p)));
            if (font is not null && font.HasGlyph('開') && font.HasGlyph('あ')) return (font, path, null);
        }
        return (null, null, string.IsNullOrWhiteSpace(configured)
            ? "No Japanese TrueType font was found (looked for IPAGothic and others; install fonts-ipafont-gothic or set Mamori:Requests:PdfFont). The HTML and JSON answers were produced; the PDF was not."
            : "The configured PDF font (Mamori:Requests:PdfFont) is missing, not a TrueType (glyf) font, or has no Japanese glyphs. The HTML and JSON answers were produced; the PDF was not.");
    }

    public static PdfResult Render(IEnumerable<(PdfLineStyle Style, string Text)> lines, string title, string? configuredFont)
    {
        var (font, path, problem) = FindFont(configuredFont);
        if (font is null) return new PdfResult(null, problem, null);
        var all = lines.ToList();
        var codePoints = new HashSet<int>();
        foreach (var (_, text) in all)
            foreach (var r in text.EnumerateRunes()) codePoints.Add(r.Value);
        foreach (var r in "0123456789/- ".EnumerateRunes()) codePoints.Add(r.Value);
        var subset = font.Subset(codePoints);
        using var data = SKData.CreateCopy(subset);
        using var typeface = SKTypeface.FromData(data);
        if (typeface is null) return new PdfResult(null, "The subset font could not be loaded by the PDF writer.", path);

        const float pageWidth = 595f, pageHeight = 842f, margin = 50f;
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream, new SKDocumentPdfMetadata { Title = title, Creator = "Mamori", Producer = "Mamori" }))
        {
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var fonts = new Dictionary<PdfLineStyle, SKFont>
            {
                [PdfLineStyle.Title] = new SKFont(typeface, 18f),
                [PdfLineStyle.Meta] = new SKFont(typeface, 9f),
                [PdfLineStyle.Heading] = new SKFont(typeface, 13f),
                [PdfLineStyle.Subheading] = new SKFont(typeface, 11f),
                [PdfLineStyle.Body] = new SKFont(typeface, 10f),
            };
            try
            {
                SKCanvas? canvas = null;
                var y = 0f;
                var page = 0;
                void NewPage()
                {
                    if (canvas is not null)
                    {
                        document.EndPage();
                    }
                    canvas = document.BeginPage(pageWidth, pageHeight);
                    page++;
                    y = margin;
                    var footer = fonts[PdfLineStyle.Meta];
                    canvas.DrawText($"- {page} -", pageWidth / 2, pageHeight - 25f, SKTextAlign.Center, footer, paint);
                }
                NewPage();
                foreach (var (style, text) in all)
                {
                    var f = fonts[style];
                    var lineHeight = f.Size * 1.5f;
                    var before = style switch { PdfLineStyle.Heading => 10f, PdfLineStyle.Subheading => 6f, _ => 0f };
                    var wrapped = Wrap(text, f, pageWidth - 2 * margin);
                    y += before;
                    foreach (var line in wrapped)
                    {
                        if (y + lineHeight > pageHeight - margin) NewPage();
                        y += lineHeight;
                        canvas!.DrawText(line, margin, y - f.Size * 0.4f, SKTextAlign.Left, f, paint);
                    }
                    if (style == PdfLineStyle.Title) y += 6f;
                }
                document.EndPage();
                document.Close();
            }
            finally
            {
                foreach (var f in fonts.Values) f.Dispose();
            }
        }
        return new PdfResult(stream.ToArray(), null, path);
    }

    /// <summary>Greedy wrapping by character width (Japanese has no spaces to break at).</summary>
    private static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        var start = 0;
        var current = 0f;
        var widths = new float[text.Length];
        font.GetGlyphWidths(text, widths, null);
        var glyphWidths = widths;
        // GetGlyphWidths returns one width per glyph; for BMP text that is one per char.
        if (glyphWidths.Length != text.Length)
        {
            glyphWidths = new float[text.Length];
            for (var i = 0; i < text.Length; i++) glyphWidths[i] = font.MeasureText(text.AsSpan(i, 1));
        }
        for (var i = 0; i < text.Length; i++)
        {
            if (current + glyphWidths[i] > width && i > start)
            {
                lines.Add(text[start..i]);
                start = i;
                current = 0;
            }
            current += glyphWidths[i];
        }
        lines.Add(text[start..]);
        return lines;
    }
}
