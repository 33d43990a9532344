using System.Globalization;

namespace Mamori.Policy;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>One problem found in a policy, at a position in a file (1-based line and column).</summary>
public sealed record PolicyDiagnostic(string File, int Line, int Column, string Code, DiagnosticSeverity Severity, string Message)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <summary><c>file:line:column: MAMORI-nnnn message</c> (warnings say so after the code).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{File}:{Line}:{Column}: {Code} {(IsError ? "" : "warning: ")}{Message}");
}

/// <summary>The result of loading a policy directory: the model when there is no error, and every diagnostic.</summary>
public sealed record PolicyLoadResult(PolicyModel? Policy, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
