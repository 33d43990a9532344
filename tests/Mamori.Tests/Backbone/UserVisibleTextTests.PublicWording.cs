using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>
/// One spelling on the pages people read: the privacy notice, written in the law's style, says 「又は」 and 「申出」 (苦情の申出先),
/// while the request, opt-out and error texts said 「または」 and 「お申し出」, so one page mixed both. The public texts follow the
/// notice; the verb keeps its okurigana (「申し出る」), as in the notice's own style.
/// </summary>
public sealed partial class UserVisibleTextTests
{
    [GeneratedRegex(@"または|申し出(?![るてたなまれ])")]
    private static partial Regex OtherSpelling();

    /// <summary>Where the public pages, their error texts, the messages and answers to people and the notice take their words from.</summary>
    private static readonly string[] PublicTextSources =
    [
        "src/Mamori/Web/Pages.cs", "src/Mamori/Web/PrivacyPages.cs", "src/Mamori/Web/RequestPages.cs", "src/Mamori/Web/ConsentPages.cs",
        "src/Mamori/Web/CookiePages.cs", "src/Mamori/Web/FormErrors.cs", "src/Mamori/Http/ProvisionEndpoints.cs", "src/Mamori/Http/RequestEndpoints.cs",
        "src/Mamori.Core/Policy/Rendering", "src/Mamori.Core/Requests",
    ];

    [Fact]
    public void PublicTexts_OtherSpellingThanTheNotice_None()
    {
        var root = ServerTests.RepoRoot();
        var files = PublicTextSources.Select(p => Path.Combine(root, p))
            .SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*.cs", SearchOption.AllDirectories) : [p]).ToList();
        files.Count.ShouldBeGreaterThan(PublicTextSources.Length);
        var found = new List<string>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(root, file);
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: relative, cancellationToken: TestContext.Current.CancellationToken);
            foreach (var token in tree.GetRoot(TestContext.Current.CancellationToken).DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.StringLiteralToken) && !token.IsKind(SyntaxKind.InterpolatedStringTextToken)
                    && !token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) && !token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)) continue;
                if (OtherSpelling().Match(token.Text) is { Success: true } m)
                    found.Add($"{relative}:{token.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {m.Value}");
            }
        }
        // The demo policy is what the notice renders: it must keep the same spelling.
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "policy"), "*.yaml", SearchOption.AllDirectories))
            foreach (var (line, i) in File.ReadLines(file).Select((l, i) => (l, i)))
                if (OtherSpelling().Match(line) is { Success: true } m) found.Add($"{Path.GetRelativePath(root, file)}:{i + 1}: {m.Value}");
        found.ShouldBeEmpty(string.Join("\n", found));
    }
}
