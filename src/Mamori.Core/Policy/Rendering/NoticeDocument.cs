namespace Mamori.Policy.Rendering;

/// <summary>
/// A format-neutral public notice: the builder decides the content once, the HTML and Markdown
/// writers only lay it out, so both formats always say the same thing.
/// </summary>
public sealed record NoticeDocument(
    NoticeLanguage Lang,
    string Title,
    string? Subtitle,
    IReadOnlyList<NoticeBlock> Preamble,
    IReadOnlyList<NoticeSection> Sections);

public sealed record NoticeSection(string Id, string Heading, IReadOnlyList<NoticeBlock> Blocks, IReadOnlyList<NoticeSection> Subsections)
{
    public NoticeSection(string id, string heading, IReadOnlyList<NoticeBlock> blocks) : this(id, heading, blocks, []) { }
}

public abstract record NoticeBlock;

public sealed record ParagraphBlock(string Text) : NoticeBlock;

/// <summary>A note that stands out (e.g. "the Japanese text prevails").</summary>
public sealed record NoteBlock(string Text) : NoticeBlock;

public sealed record ListBlock(IReadOnlyList<string> Items, bool Ordered = false) : NoticeBlock;

/// <summary>Term/value pairs (名称, 住所, …). Values that are URLs or email addresses become links in HTML.</summary>
public sealed record FactsBlock(IReadOnlyList<KeyValuePair<string, string>> Facts) : NoticeBlock;

public sealed record TableBlock(string Caption, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : NoticeBlock;
