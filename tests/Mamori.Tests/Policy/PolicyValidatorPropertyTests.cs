using FsCheck.Xunit;
using Mamori.Policy;
using Shouldly;

namespace Mamori.Tests.Policy;

/// <summary>Generated valid policies validate cleanly, and each seeded defect is caught with its code.</summary>
public sealed class PolicyValidatorPropertyTests
{
    private static readonly (string Code, Func<PolicyModel, PolicyModel> Break)[] Defects =
    [
        (PolicyCodes.RetentionMissing, p => p with { Purposes = [p.Purposes[0] with { Retention = null }, .. p.Purposes.Skip(1)] }),
        (PolicyCodes.SpecialCareWithoutConsent, p => p with
        {
            DataCategories = [.. p.DataCategories, new DataCategory { Id = "medical", Name = new("病歴", "Medical history"), SpecialCare = true }],
            Purposes = [p.Purposes[0] with { ConsentRequired = false, Categories = [.. p.Purposes[0].Categories, "medical"] }, .. p.Purposes.Skip(1)],
        }),
        (PolicyCodes.MyNumberPurposeNotAllowed, p => p with
        {
            MyNumber = new MyNumberPolicy { Statement = new("基本方針", "Basic policy"), DesignatedRoles = ["payroll"] },
            DataCategories = [.. p.DataCategories, new DataCategory { Id = "my-number", Name = new("個人番号", "My Number"), MyNumber = true, Viewers = ["payroll"] }],
            Purposes = [p.Purposes[0] with { Kind = PurposeKind.General, Categories = [.. p.Purposes[0].Categories, "my-number"] }, .. p.Purposes.Skip(1)],
        }),
        (PolicyCodes.ForeignBasisMissing, p => p with
        {
            Recipients = p.Recipients with { Foreign = [new ForeignRecipient { Id = "abroad", Name = new("海外社", "Abroad Inc."), Basis = null }] },
        }),
        (PolicyCodes.SharedUseItemMissing, p => p with
        {
            Recipients = p.Recipients with { SharedUse = [new SharedUse { Id = "group", Categories = [p.DataCategories[0].Id], Purposes = new("目的", "Purpose") }] },
        }),
        (PolicyCodes.RequestTypeMissing, p => p with
        {
            RequestProcedures = p.RequestProcedures! with { Types = p.RequestProcedures.Types.Where(t => t != RequestType.StopProvision).ToList() },
        }),
        (PolicyCodes.UnknownReference, p => p with { Purposes = [p.Purposes[0] with { SubjectTypes = ["nobody"] }, .. p.Purposes.Skip(1)] }),
        (PolicyCodes.PublicMatterMissing, p => p with { Company = p.Company with { Representative = null } }),
    ];

    [Property(MaxTest = 80)]
    public void Validate_GeneratedPolicy_HasNoErrors(int seed) =>
        PolicyValidator.Validate(PolicyGenerator.Generate(seed)).Where(d => d.IsError).ShouldBeEmpty();

    [Property(MaxTest = 120)]
    public void Validate_GeneratedPolicyWithDefect_ReportsItsCode(int seed, byte which)
    {
        var (code, breakIt) = Defects[which % Defects.Length];

        var diagnostics = PolicyValidator.Validate(breakIt(PolicyGenerator.Generate(seed)));

        diagnostics.ShouldContain(d => d.IsError && d.Code == code);
    }
}
