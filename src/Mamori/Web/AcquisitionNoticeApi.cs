using Mamori.Auth;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Policy.Rendering;

namespace Mamori.Web;

/// <summary>
/// What a company's own form shows before it collects (S-11, APPI Art.21(2): the purposes stated explicitly beforehand), from
/// the policy in force: the purposes for the kind of person, the items each uses, which need consent (and the consent scope to
/// send back), how long each keeps. The form renders it, then sends the ids it showed as <c>purposesShown</c> with the policy
/// version, so the record says what the person was shown. Public, as the notice is; any origin may read it.
/// </summary>
public static class AcquisitionNoticeApi
{
    public sealed record NoticeItem(string Id, string Name);

    /// <param name="ConsentScope">The scope to send in <c>consents</c> when the person agrees; null when the purpose needs no consent.</param>
    public sealed record NoticePurpose(string Id, string Name, string? Description, bool ConsentRequired, string? ConsentScope,
        IReadOnlyList<NoticeItem> Items, string? Retention);

    /// <param name="NoticeUrl">The full privacy notice (relative to Mamori's public address), to link from the form.</param>
    public sealed record AcquisitionNotice(int PolicyVersion, string Language, string Company, string SubjectType, string SubjectTypeName,
        string? Service, string? ServiceName, string? Acquisition, string NoticeUrl, IReadOnlyList<NoticePurpose> Purposes);

    public static void MapAcquisitionNotice(this WebApplication app)
    {
        app.MapGet("/api/public/notice/acquisition", async (HttpContext http, string? type, string? service, string? acquisition, string? lang) =>
        {
            http.Response.Headers.AccessControlAllowOrigin = "*";
            await http.RequestServices.GetRequiredService<PublicTenant>().UseAsync(http);
            var current = await http.RequestServices.GetRequiredService<PolicyStore>().RequireCurrentAsync(http.RequestAborted);
            var model = current.Model;
            var declared = service is null ? null : model.FindService(service);
            if (service is not null && declared is null)
                throw new MamoriException(ErrorCode.UnknownService, $"The policy declares no service '{ErrorText.Id(service)}'.");
            IPolicyScope scope = service is null ? model : Access.PolicyScopes.For(model, service);
            var subjectType = scope.SubjectTypes.FirstOrDefault(t => t.Id == type)
                ?? throw new MamoriException(ErrorCode.UnknownSubjectType,
                    $"Give the kind of person (type): one of {string.Join(", ", scope.SubjectTypes.Select(t => t.Id))}.");
            if (acquisition is not null && scope.AcquisitionMethods.All(m => m.Id != acquisition))
                throw new MamoriException(ErrorCode.UnknownAcquisitionMethod, $"The policy declares no acquisition method '{ErrorText.Id(acquisition)}'.");
            var language = lang == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;
            var categories = scope.DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
            // The purposes for this kind of person; with an acquisition method, those that acquire by it (what this form collects for).
            var purposes = scope.Purposes
                .Where(p => p.SubjectTypes.Count == 0 || p.SubjectTypes.Contains(subjectType.Id))
                .Where(p => acquisition is null || p.AcquisitionMethods.Count == 0 || p.AcquisitionMethods.Contains(acquisition))
                .Select(p => new NoticePurpose(p.Id, p.Name.Get(language), p.Description?.Get(language), p.ConsentRequired,
                    p.ConsentRequired ? Consent.ConsentScopes.Purpose(p.Id) : null,
                    [.. p.Categories.Select(c => new NoticeItem(c, categories.TryGetValue(c, out var d) ? d.Name.Get(language) : c))],
                    p.Retention is null ? null : NoticePhrases.Retention(p.Retention, language)))
                .ToList();
            http.Response.Headers.CacheControl = "public, max-age=300";
            var notice = language == NoticeLanguage.En ? "/en/privacy" : "/privacy";
            return TypedResults.Ok(new AcquisitionNotice(current.Version.Number, language == NoticeLanguage.En ? "en" : "ja",
                model.Company?.LegalName?.Get(language) ?? "", subjectType.Id, subjectType.Name.Get(language), service,
                declared?.Name.Get(language), acquisition,
                service is null ? notice : $"{notice}/services/{Uri.EscapeDataString(service)}", purposes));
        }).AllowAnonymous().RequireRateLimiting("public").WithTags("Public")
          .WithSummary("What a form shows before it collects (Art.21(2)): the purposes for a kind of person (?type=, ?service=, ?acquisition= the form's method, ?lang=en), "
              + "with their items, consent scope and retention, from the policy in force. Send the ids shown as purposesShown. Public; any origin may read it.");
    }
}
