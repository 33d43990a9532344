namespace Mamori.Policy.Rendering;

public enum NoticeFormat { Html, Markdown }

/// <summary>
/// Renders the public privacy notice from a validated <see cref="PolicyModel"/>: the whole policy
/// (company, every service, My Number, request procedures, contact) or one service's page, as HTML
/// (standalone page or an <c>&lt;article&gt;</c> fragment for a host layout) or Markdown, in Japanese
/// or English. The Japanese text prevails, and every notice says so.
/// </summary>
public static class PolicyRenderer
{
    // today (JST), when given, words dates relative to it: an opt-out start date already passed is 「提供の開始日」, not the planned day.

    /// <summary>The whole notice (for /privacy and /en/privacy).</summary>
    public static string Render(PolicyModel policy, NoticeLanguage lang, NoticeFormat format, bool htmlFragment = false, DateOnly? today = null) =>
        Write(BuildDocument(policy, lang, today), format, htmlFragment);

    /// <summary>One service's notice (for /privacy/services/{id}); throws ArgumentException for an unknown id.</summary>
    public static string RenderService(PolicyModel policy, string serviceId, NoticeLanguage lang, NoticeFormat format, bool htmlFragment = false, DateOnly? today = null) =>
        Write(new NoticeBuilder(policy, lang, today).BuildService(serviceId), format, htmlFragment);

    /// <summary>The format-neutral document, for hosts that lay the notice out themselves.</summary>
    public static NoticeDocument BuildDocument(PolicyModel policy, NoticeLanguage lang, DateOnly? today = null) => new NoticeBuilder(policy, lang, today).BuildFull();

    private static string Write(NoticeDocument doc, NoticeFormat format, bool fragment) => format switch
    {
        NoticeFormat.Html => HtmlNoticeWriter.Write(doc, fragment),
        _ => MarkdownNoticeWriter.Write(doc),
    };

    /// <summary>The notice's stylesheet (inlined in standalone pages; serve it yourself with fragments).</summary>
    public const string Css = """
        :root { color-scheme: light; --fg: #1a1a1a; --muted: #555; --line: #c8c8c8; --accent: #8a1538; }
        body { margin: 0; font-family: "Hiragino Sans", "Noto Sans JP", "IPAGothic", "Yu Gothic", system-ui, sans-serif; color: var(--fg); background: #fff; line-height: 1.75; }
        .mamori-notice { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; outline: 3px solid var(--accent); }
        h1 { font-size: 1.75rem; line-height: 1.3; margin: 0 0 .25rem; }
        h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem; margin-top: 2.5rem; }
        h3 { font-size: 1.15rem; margin-top: 1.75rem; }
        h4, h5, h6 { font-size: 1rem; margin-top: 1.25rem; }
        .subtitle { color: var(--muted); margin-top: 0; }
        .note { border-left: 4px solid var(--accent); padding: .5rem .75rem; background: #f7f2f4; }
        a { color: var(--accent); overflow-wrap: break-word; }
        a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        /* minmax(0, 1fr), not 1fr: a 1fr track is never narrower than its longest word, and an address such as
           https://www.example.jp/privacy/contact pushed a phone's page 40 px wider than the screen. dd breaks such a word. */
        dl { display: grid; grid-template-columns: minmax(8rem, 16rem) minmax(0, 1fr); gap: .25rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
        .table { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; margin: .75rem 0; font-size: .95rem; }
        caption { text-align: left; font-weight: 600; padding: .25rem 0; }
        th, td { border: 1px solid var(--line); padding: .4rem .5rem; vertical-align: top; text-align: left; }
        thead th { background: #f0f0f0; }
        tbody th { font-weight: 500; }
        .toc ol { columns: 2; }
        @media (max-width: 40rem) { dl { grid-template-columns: minmax(0, 1fr); } .toc ol { columns: 1; } }
        /* Japanese wraps at any character, so a table of four or more columns would squeeze into a phone's width one character
           a line; it keeps a readable width and scrolls sideways in its .table instead. */
        @media screen and (max-width: 40rem) { .table table:has(tr > :nth-child(4)) { min-width: 36rem; } }
        @media print {
          body { font-size: 10.5pt; }
          .skip, .toc { display: none; }
          .mamori-notice { max-width: none; padding: 0; }
          a { color: inherit; text-decoration: none; }
          h2, h3, h4 { break-after: avoid; }
          tr, dl, .note { break-inside: avoid; }
          thead { display: table-header-group; }
        }

        """;
}
