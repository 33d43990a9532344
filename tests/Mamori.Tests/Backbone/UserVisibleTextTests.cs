using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Shouldly;

namespace Mamori.Tests.Backbone;

/// <summary>
/// Text people outside the dev team read (pages, PDFs, mails, API errors, policy diagnostics, CLI help) cites the
/// law, never the specification's ids: nobody outside the team knows appi.md's L-08 or the seed promise S-35.
/// Every string literal in src is checked; the ids stay in comments and docs.
/// </summary>
public sealed partial class UserVisibleTextTests
{
    [GeneratedRegex(@"\b[LSW]-\d{2}\b|appi\.md|seed-requirements")]
    private static partial Regex SpecId();

    [Fact]
    public void SourceStrings_InternalSpecificationIds_NoneInUserVisibleText()
    {
        var src = Path.Combine(ServerTests.RepoRoot(), "src");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "obj" or "bin")) continue;
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: relative, cancellationToken: TestContext.Current.CancellationToken)
                .GetRoot(TestContext.Current.CancellationToken);
            foreach (var token in root.DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.StringLiteralToken) && !token.IsKind(SyntaxKind.InterpolatedStringTextToken)
                    && !token.IsKind(SyntaxKind.SingleLineRawStringLiteralToken) && !token.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)
                    && !token.IsKind(SyntaxKind.Utf8StringLiteralToken)) continue;
                if (SpecId().Match(token.Text) is { Success: true } m)
                    found.Add($"{relative}:{token.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {m.Value}");
            }
        }
        found.ShouldBeEmpty(string.Join("\n", found));
    }
}
