using System.Text;

namespace Mamori.Policy.Rendering;

/// <summary>
/// Writes a <see cref="NoticeDocument"/> as a standalone, accessible HTML page: semantic sections
/// with a heading outline, a table of contents, captioned tables with header scopes, the page
/// language in <c>lang</c>, print styles, no script and no external resource.
/// </summary>
internal static class HtmlNoticeWriter
{
    public static string Write(NoticeDocument doc, bool fragment)
    {
        var sb = new StringBuilder(64 * 1024);
        var lang = doc.Lang == NoticeLanguage.Ja ? "ja" : "en";
        if (!fragment)
        {
            sb.Append("<!DOCTYPE html>\n<html lang=\"").Append(lang).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
              .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
            Esc(sb, doc.Subtitle is null ? doc.Title : $"{doc.Title} | {doc.Subtitle}");
            sb.Append("</title>\n<style>\n").Append(PolicyRenderer.Css).Append("</style>\n</head>\n<body>\n")
              .Append("<a class=\"skip\" href=\"#main\">").Append(doc.Lang == NoticeLanguage.Ja ? "本文へ移動" : "Skip to content").Append("</a>\n");
        }
        sb.Append("<article class=\"mamori-notice\" lang=\"").Append(lang).Append("\">\n<header>\n<h1>");
        Esc(sb, doc.Title);
        sb.Append("</h1>\n");
        if (doc.Subtitle is not null) { sb.Append("<p class=\"subtitle\">"); Esc(sb, doc.Subtitle); sb.Append("</p>\n"); }
        foreach (var b in doc.Preamble) Block(sb, b);
        sb.Append("</header>\n<nav aria-labelledby=\"toc-title\" class=\"toc\">\n<h2 id=\"toc-title\">")
          .Append(doc.Lang == NoticeLanguage.Ja ? "目次" : "Contents").Append("</h2>\n<ol>\n");
        foreach (var s in doc.Sections)
        {
            sb.Append("<li><a href=\"#").Append(s.Id).Append("\">");
            Esc(sb, s.Heading);
            sb.Append("</a></li>\n");
        }
        sb.Append("</ol>\n</nav>\n<main id=\"main\">\n");
        foreach (var s in doc.Sections) Section(sb, s, 2);
        sb.Append("</main>\n</article>\n");
        if (!fragment) sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, NoticeSection s, int level)
    {
        var h = Math.Min(level, 6);
        sb.Append("<section id=\"").Append(s.Id).Append("\" aria-labelledby=\"h-").Append(s.Id).Append("\">\n<h").Append(h)
          .Append(" id=\"h-").Append(s.Id).Append("\">");
        Esc(sb, s.Heading);
        sb.Append("</h").Append(h).Append(">\n");
        foreach (var b in s.Blocks) Block(sb, b);
        foreach (var sub in s.Subsections) Section(sb, sub, level + 1);
        sb.Append("</section>\n");
    }

    private static void Block(StringBuilder sb, NoticeBlock b)
    {
        switch (b)
        {
            case ParagraphBlock pb:
                sb.Append("<p>"); Esc(sb, pb.Text); sb.Append("</p>\n");
                break;
            case NoteBlock nb:
                sb.Append("<p class=\"note\" role=\"note\">"); Esc(sb, nb.Text); sb.Append("</p>\n");
                break;
            case ListBlock lb:
                sb.Append(lb.Ordered ? "<ol>\n" : "<ul>\n");
                foreach (var i in lb.Items) { sb.Append("<li>"); Esc(sb, i); sb.Append("</li>\n"); }
                sb.Append(lb.Ordered ? "</ol>\n" : "</ul>\n");
                break;
            case FactsBlock fb:
                sb.Append("<dl>\n");
                foreach (var (k, v) in fb.Facts)
                {
                    if (string.IsNullOrEmpty(v)) continue;
                    sb.Append("<dt>"); Esc(sb, k); sb.Append("</dt><dd>"); Value(sb, v); sb.Append("</dd>\n");
                }
                sb.Append("</dl>\n");
                break;
            case TableBlock tb:
                sb.Append("<div class=\"table\"><table>\n<caption>"); Esc(sb, tb.Caption); sb.Append("</caption>\n<thead><tr>");
                foreach (var hd in tb.Headers) { sb.Append("<th scope=\"col\">"); Esc(sb, hd); sb.Append("</th>"); }
                sb.Append("</tr></thead>\n<tbody>\n");
                foreach (var row in tb.Rows)
                {
                    sb.Append("<tr>");
                    for (var i = 0; i < row.Count; i++)
                    {
                        sb.Append(i == 0 ? "<th scope=\"row\">" : "<td>");
                        if (row[i].Length == 0) sb.Append("—"); else Value(sb, row[i]);
                        sb.Append(i == 0 ? "</th>" : "</td>");
                    }
                    sb.Append("</tr>\n");
                }
                sb.Append("</tbody>\n</table></div>\n");
                break;
        }
    }

    private static void Value(StringBuilder sb, string v)
    {
        if (v.StartsWith("https://", StringComparison.Ordinal) && !v.Contains(' ', StringComparison.Ordinal))
        {
            sb.Append("<a href=\""); Esc(sb, v); sb.Append("\">"); Esc(sb, v); sb.Append("</a>");
        }
        else if (v.Contains('@', StringComparison.Ordinal) && !v.Contains(' ', StringComparison.Ordinal) && v.IndexOf('@') > 0)
        {
            sb.Append("<a href=\"mailto:"); Esc(sb, v); sb.Append("\">"); Esc(sb, v); sb.Append("</a>");
        }
        else Esc(sb, v);
    }

    internal static void Esc(StringBuilder sb, string s)
    {
        foreach (var ch in s)
        {
            switch (ch)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default: sb.Append(ch); break;
            }
        }
    }
}

/// <summary>Writes a <see cref="NoticeDocument"/> as CommonMark/GFM Markdown.</summary>
internal static class MarkdownNoticeWriter
{
    public static string Write(NoticeDocument doc)
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("# ").Append(Esc(doc.Title)).Append("\n\n");
        if (doc.Subtitle is not null) sb.Append(Esc(doc.Subtitle)).Append("\n\n");
        foreach (var b in doc.Preamble) Block(sb, b);
        sb.Append(doc.Lang == NoticeLanguage.Ja ? "## 目次\n\n" : "## Contents\n\n");
        var n = 1;
        foreach (var s in doc.Sections) sb.Append(n++).Append(". [").Append(Esc(s.Heading)).Append("](#").Append(s.Id).Append(")\n");
        sb.Append('\n');
        foreach (var s in doc.Sections) Section(sb, s, 2);
        return sb.ToString();
    }

    private static void Section(StringBuilder sb, NoticeSection s, int level)
    {
        sb.Append('#', Math.Min(level, 6)).Append(' ').Append(Esc(s.Heading)).Append(" <a id=\"").Append(s.Id).Append("\"></a>\n\n");
        foreach (var b in s.Blocks) Block(sb, b);
        foreach (var sub in s.Subsections) Section(sb, sub, level + 1);
    }

    private static void Block(StringBuilder sb, NoticeBlock b)
    {
        switch (b)
        {
            case ParagraphBlock pb: sb.Append(Esc(pb.Text)).Append("\n\n"); break;
            case NoteBlock nb: sb.Append("> ").Append(Esc(nb.Text)).Append("\n\n"); break;
            case ListBlock lb:
                var i = 1;
                foreach (var item in lb.Items) sb.Append(lb.Ordered ? $"{i++}. " : "- ").Append(Esc(item)).Append('\n');
                sb.Append('\n');
                break;
            case FactsBlock fb:
                foreach (var (k, v) in fb.Facts)
                    if (!string.IsNullOrEmpty(v)) sb.Append("- **").Append(Esc(k)).Append("**: ").Append(Esc(v)).Append('\n');
                sb.Append('\n');
                break;
            case TableBlock tb:
                sb.Append("**").Append(Esc(tb.Caption)).Append("**\n\n| ");
                sb.AppendJoin(" | ", tb.Headers.Select(Cell)).Append(" |\n|");
                foreach (var _ in tb.Headers) sb.Append(" --- |");
                sb.Append('\n');
                foreach (var row in tb.Rows) sb.Append("| ").AppendJoin(" | ", row.Select(c => c.Length == 0 ? "—" : Cell(c))).Append(" |\n");
                sb.Append('\n');
                break;
        }
    }

    private static string Cell(string s) => Esc(s).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>Escapes the characters that would change the meaning of Markdown text.</summary>
    internal static string Esc(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var ch in s)
        {
            if (ch is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '|' or '#') sb.Append('\\');
            sb.Append(ch);
        }
        return sb.ToString();
    }
}
