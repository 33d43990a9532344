using Mamori.Policy;
using Mamori.Requests;
using Microsoft.Extensions.Primitives;

namespace Mamori.Web;

/// <summary>
/// What the two forms that open a request share, the person's (<c>/requests</c>, <c>/en/requests</c>) and staff's
/// (<c>/console/requests/new</c>): the service, the fields only some kinds take (the correction's item and correct content, the
/// items to anonymise), rendered and read the same way, and the submission id that makes a form's POST single-use. Before, the
/// console form had none of the first and refused every correction and anonymisation request it was given (MAMORI-5022).
/// </summary>
public static class RequestForm
{
    /// <summary>The hidden field that carries a form's submission id.</summary>
    public const string SubmissionField = "submission";

    /// <summary>
    /// The service and the kind's own fields as posted: <c>service</c>, <c>correctionItem</c>, <c>correctionValue</c>, and one
    /// <c>categories</c> per item ticked. Intake ignores what the chosen kind does not take.
    /// </summary>
    public sealed record Scope(string? Service, string? CorrectionItem, string? CorrectionValue, IReadOnlyList<string> Categories)
    {
        public static readonly Scope Empty = new(null, null, null, []);

        public static Scope Read(IFormCollection form) => new(Value(form["service"]), Value(form["correctionItem"]), Value(form["correctionValue"]),
            [.. form["categories"].Where(c => !string.IsNullOrEmpty(c)).Select(c => c!)]);

        /// <summary><paramref name="intake"/> with this service, correction and items.</summary>
        public RequestIntake AddTo(RequestIntake intake) => intake with
        {
            Service = string.IsNullOrEmpty(Service) ? null : Service,
            Corrections = string.IsNullOrWhiteSpace(CorrectionItem) ? null : new Dictionary<string, string> { [CorrectionItem] = CorrectionValue ?? "" },
            Categories = Categories.Count > 0 ? [.. Categories] : null,
        };

        private static string? Value(StringValues v) => v.Count == 0 ? null : v.ToString();
    }

    /// <summary>
    /// A hidden random id, new each time a form is rendered (a refused form too: nothing was opened under the old one). Sent as the
    /// request's idempotency key (<see cref="IdempotencyKey"/>): posting the same form again, a reload of its answer included,
    /// answers the request it opened instead of opening another (and sends no second receipt).
    /// </summary>
    public static Html Submission() => H.F($"""<input type="hidden" name="{SubmissionField}" value="{Staff.SecretTokens.New()}">""");

    /// <summary>
    /// The idempotency key of a posted form (<see cref="DataSubjectRequests.SubmitAsync(RequestIntake, Audit.Actor, string?, CancellationToken)"/>):
    /// its submission id, kept apart from the keys an API client chooses; null for a post without one (opened as before).
    /// </summary>
    public static string? IdempotencyKey(IFormCollection form) =>
        form[SubmissionField].ToString() is { Length: > 0 } id ? "form:" + id : null;

    /// <summary>
    /// The attributes of the field a refusal is about: invalid, described by the error block, and focused when the page opens
    /// (the page has no script), so that a screen reader and a phone land on it instead of the top of a long page.
    /// </summary>
    public static Html Invalid(string? field, string id) =>
        field == id ? Html.Raw($" aria-invalid=\"true\" aria-describedby=\"{FormErrors.BlockId}\" autofocus") : default;

    private static Html Selected(bool on) => on ? Html.Raw(" selected") : default;

    private static Html Checked(bool on) => on ? Html.Raw(" checked") : default;

    private static string L(NoticeLanguage lang, string ja, string en) => lang == NoticeLanguage.En ? en : ja;

    /// <summary>The service a request is about (optional: all of them), when the policy has services; <paramref name="field"/> the refused field.</summary>
    public static Html Service(PolicyModel? model, NoticeLanguage lang, Scope? typed, string? field) => model is null || model.Services.Count == 0 ? default : H.F($"""
        <label for="service">{L(lang, "対象のサービス（任意）", "Service (optional)")}</label>
        <select id="service" name="service"{Invalid(field, "service")}><option value="">{L(lang, "すべて", "All")}</option>{model.Services.Select(s => H.F($"""<option value="{s.Id}"{Selected(typed?.Service == s.Id)}>{s.Name.Get(lang)}</option>"""))}</select>
        """);

    /// <summary>
    /// Fields that only some of <paramref name="kinds"/> take (intake ignores them for the others): <paramref name="fields"/> given those
    /// kinds' ids for its <c>data-kinds</c>, which the stylesheet hides while another kind is chosen; nothing when no kind takes them.
    /// </summary>
    public static Html ForKinds(IEnumerable<RequestKind> kinds, Func<RequestKind, bool> takes, Func<string, Html> fields) =>
        kinds.Where(takes).Select(RequestKinds.Id).ToList() is { Count: > 0 } ids ? fields(string.Join(' ', ids)) : default;

    /// <summary>
    /// The fields only some kinds take: the correction (item and correct content) and the items to process, each shown only when
    /// <paramref name="kinds"/> (what the form offers) has such a kind, and marked with those kinds so that the stylesheet hides them
    /// while another kind is chosen (CSS <c>:has()</c>; no script, and a browser without <c>:has()</c> shows every field).
    /// </summary>
    public static Html KindFields(PolicyModel? model, IReadOnlyCollection<RequestKind> kinds, NoticeLanguage lang, Scope? typed, string? field)
    {
        var categories = PolicyCategories.Of(model).All;
        return H.F($"""
            {ForKinds(kinds, RequestKinds.TakesCorrections, ids => H.F($"""
            <fieldset data-kinds="{ids}" class="stack"><legend>{L(lang, "訂正の内容（訂正の場合）", "The correction (for correction)")}</legend>
              <label for="correctionItem">{L(lang, "訂正する項目", "Item to correct")}</label>
              <select id="correctionItem" name="correctionItem"{Invalid(field, "correctionItem")}><option value=""></option>{categories.Select(c => H.F($"""<option value="{c.Id}"{Selected(typed?.CorrectionItem == c.Id)}>{c.Name.Get(lang)}</option>"""))}</select>
              <label for="correctionValue">{L(lang, "正しい内容", "Correct content")}</label>
              <input id="correctionValue" name="correctionValue" maxlength="2000" value="{typed?.CorrectionValue}"{Invalid(field, "correctionValue")}>
            </fieldset>
            """))}
            {ForKinds(kinds, RequestKinds.TakesCategories, ids => H.F($"""
            <fieldset data-kinds="{ids}"><legend>{L(lang, "加工する項目（匿名化等の場合）", "Items to process (for anonymisation)")}</legend>
              {categories.Select(c => H.F($"""<label><input type="checkbox" name="categories" value="{c.Id}"{Checked(typed?.Categories.Contains(c.Id) == true)}> {c.Name.Get(lang)}</label>"""))}
            </fieldset>
            """))}
            """);
    }
}
