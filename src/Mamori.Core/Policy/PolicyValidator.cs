using Mamori.Policy.Yaml;

namespace Mamori.Policy;

/// <summary>
/// The legal and referential rules a bound policy must satisfy (appi.md L-05, L-12…L-14, L-18,
/// L-22, L-28; seeds S-04, S-32…S-35, S-61). Runs on the company scope and on every service's
/// effective scope. docs/errors.md lists each code.
/// </summary>
public static class PolicyValidator
{
    /// <summary>Validates a model built in code (no positions: diagnostics carry line 0).</summary>
    public static IReadOnlyList<PolicyDiagnostic> Validate(PolicyModel policy)
    {
        var diags = new DiagnosticBag();
        Validate(policy, new SourceMap(), diags, new SourcePos("policy", 0, 0));
        return diags.Items;
    }

    internal static void Validate(PolicyModel p, SourceMap map, DiagnosticBag diags, SourcePos fallback)
    {
        var v = new Checker(p, map, diags, fallback);
        v.CheckPublicMatters();
        v.CheckScope(p, "company policy");
        foreach (var s in p.Services) v.CheckScope(p.Resolve(s.Id), $"service '{s.Id}'");
        v.CheckGlobal();
        v.CheckRoles();
    }

    private sealed class Checker(PolicyModel p, SourceMap map, DiagnosticBag diags, SourcePos fallback)
    {
        private SourcePos At(object? entity, string? field = null) =>
            entity is null ? fallback : (field is null ? map.Of(entity) : map.Of(entity, field)) ?? fallback;

        private void Error(object? entity, string? field, string code, string message) => diags.Error(At(entity, field), code, message);

        /// <summary>Art.32(1) and Order 10: the matters every business keeps accessible (L-18).</summary>
        public void CheckPublicMatters()
        {
            var c = p.Company;
            var missing = new List<string>();
            if (c.LegalName is null) missing.Add("legalName");
            if (c.Address is null) missing.Add("address");
            if (c.Representative is null) missing.Add("representative");
            if (missing.Count > 0)
                Error(c, null, PolicyCodes.PublicMatterMissing, $"Art.32(1)(i) requires the company's {string.Join(", ", missing)}.");
            if (p.Purposes.Count == 0 && p.Services.All(s => s.Purposes.Count == 0))
                Error(null, null, PolicyCodes.PublicMatterMissing, "Art.32(1)(ii) requires the purposes of use of all retained personal data; no purpose is declared.");
            if (p.RequestProcedures is null)
                Error(null, null, PolicyCodes.PublicMatterMissing, "Art.32(1)(iii) requires the request procedures (and fees): 'requestProcedures' is missing.");
            else
            {
                var rp = p.RequestProcedures;
                var m2 = new List<string>();
                if (rp.Channels.Count == 0) m2.Add("channels");
                if (rp.IdentityDocuments.Count == 0) m2.Add("identityDocuments");
                if (rp.AnswerMethod is null) m2.Add("answerMethod");
                if (rp.Fees.Count > 0 && rp.PaymentMethod is null) m2.Add("paymentMethod");
                if (m2.Count > 0)
                    Error(rp, null, PolicyCodes.PublicMatterMissing, $"Art.32(1)(iii) request procedures lack: {string.Join(", ", m2)}.");
            }
            var sm = p.SecurityMeasures;
            if (sm is null)
                Error(null, null, PolicyCodes.PublicMatterMissing, "Art.32(1)(iv) and Order 10(1) require the security measures: 'securityMeasures' is missing.");
            else
            {
                var m3 = new List<string>();
                if (sm.Organizational.Count == 0) m3.Add("organizational");
                if (sm.Human.Count == 0) m3.Add("human");
                if (sm.Physical.Count == 0) m3.Add("physical");
                if (sm.Technical.Count == 0) m3.Add("technical");
                if (m3.Count > 0)
                    Error(sm, null, PolicyCodes.PublicMatterMissing, $"Art.32(1)(iv) security measures lack: {string.Join(", ", m3)}.");
            }
            if (p.Contact is null)
                Error(null, null, PolicyCodes.PublicMatterMissing, "Order 10(2) requires the complaint contact: 'contact' is missing.");
            else if (p.Contact.Name is null || (p.Contact.Phone is null && p.Contact.Email is null && p.Contact.Address is null))
                Error(p.Contact, null, PolicyCodes.PublicMatterMissing, "Order 10(2) complaint contact needs a 'name' and a phone, email or address.");
        }

        public void CheckScope(IPolicyScope s, string where)
        {
            var cats = s.DataCategories.ToDictionary(c => c.Id, StringComparer.Ordinal);
            var subjects = s.SubjectTypes.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
            var methods = s.AcquisitionMethods.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);
            var purposes = s.Purposes.Select(x => x.Id).ToHashSet(StringComparer.Ordinal);

            void Refs(object owner, string field, IReadOnlyList<string> ids, HashSet<string> known, string kind, string ownerName)
            {
                for (var i = 0; i < ids.Count; i++)
                    if (!known.Contains(ids[i]))
                        Error(owner, $"{field}[{i}]", PolicyCodes.UnknownReference, $"Unknown {kind} '{ids[i]}' in {ownerName} ({where}).");
            }
            var catIds = cats.Keys.ToHashSet(StringComparer.Ordinal);

            foreach (var c in s.DataCategories)
            {
                if (c.SmsPhone && c.Viewers.Count == 0)
                    Error(c, null, PolicyCodes.SmsPhoneViewersMissing, $"SMS phone category '{c.Id}' must name the roles allowed to view numbers in 'viewers'.");
                if (c.MyNumber)
                {
                    if (c.Viewers.Count == 0)
                        Error(c, null, PolicyCodes.MyNumberViewersMissing, $"My Number category '{c.Id}' must name the designated staff roles in 'viewers' (My Number Act Art.12).");
                    if (p.MyNumber is null)
                        Error(c, null, PolicyCodes.MyNumberPolicyMissing, $"My Number category '{c.Id}' requires the basic policy in mynumber.yaml.");
                    else
                        for (var i = 0; i < c.Viewers.Count; i++)
                            if (!p.MyNumber.DesignatedRoles.Contains(c.Viewers[i]))
                                Error(c, $"viewers[{i}]", PolicyCodes.MyNumberViewerNotDesignated,
                                    $"Role '{c.Viewers[i]}' may view My Number category '{c.Id}' but is not in mynumber.yaml basicPolicy.designatedRoles.");
                }
            }

            foreach (var pu in s.Purposes)
            {
                var name = $"purpose '{pu.Id}'";
                Refs(pu, "subjectTypes", pu.SubjectTypes, subjects, "subject type", name);
                Refs(pu, "categories", pu.Categories, catIds, "data category", name);
                Refs(pu, "acquisitionMethods", pu.AcquisitionMethods, methods, "acquisition method", name);
                if (pu.Retention is null)
                    Error(pu, null, PolicyCodes.RetentionMissing, $"Purpose '{pu.Id}' has no 'retention' (Art.22).");
                var hasBrowsing = false;
                for (var i = 0; i < pu.Categories.Count; i++)
                {
                    if (!cats.TryGetValue(pu.Categories[i], out var c)) continue;
                    hasBrowsing |= c.Browsing;
                    if (c.SpecialCare && !pu.ConsentRequired)
                        Error(pu, $"categories[{i}]", PolicyCodes.SpecialCareWithoutConsent,
                            $"Special-care category '{c.Id}' is used by purpose '{pu.Id}', which does not set consentRequired: true (Art.20(2)).");
                    if (c.MyNumber && pu.Kind == PurposeKind.General)
                        Error(pu, $"categories[{i}]", PolicyCodes.MyNumberPurposeNotAllowed,
                            $"My Number category '{c.Id}' is used by purpose '{pu.Id}', whose kind is not tax, socialSecurity or disaster (My Number Act Art.9).");
                }
                if (pu.CombinesBrowsing && !hasBrowsing)
                    Error(pu, "combinesBrowsing", PolicyCodes.BrowsingNotDeclared,
                        $"Purpose '{pu.Id}' combines browsing data but uses no category with browsing: true.");
            }

            foreach (var e in s.Recipients.Entrustees)
            {
                var name = $"entrustee '{e.Id}'";
                Refs(e, "categories", e.Categories, catIds, "data category", name);
                Refs(e, "purposes", e.Purposes, purposes, "purpose", name);
                var k = e.Contract;
                var missing = new List<string>();
                if (!k.Confidentiality) missing.Add("confidentiality");
                if (!k.AuditRights) missing.Add("auditRights");
                if (!k.SafeguardsAtLeastOwn) missing.Add("safeguardsAtLeastOwn");
                if (!k.SubEntrustmentRequiresPermission && e.Categories.Any(id => cats.TryGetValue(id, out var c) && c.MyNumber))
                    missing.Add("subEntrustmentRequiresPermission (My Number Act Art.10)");
                if (missing.Count > 0)
                    Error(e, "contract", PolicyCodes.EntrustmentContractIncomplete,
                        $"Entrustee '{e.Id}' contract must state {string.Join(", ", missing)} (Art.25).");
            }

            foreach (var su in s.Recipients.SharedUse)
            {
                Refs(su, "categories", su.Categories, catIds, "data category", $"shared use '{su.Id}'");
                var missing = new List<string>();
                if (su.Categories.Count == 0) missing.Add("categories (shared items)");
                if (su.Scope is null) missing.Add("scope");
                if (su.Purposes is null) missing.Add("purposes");
                if (su.ResponsibleParty?.Name is null) missing.Add("responsibleParty.name");
                if (su.ResponsibleParty?.Address is null) missing.Add("responsibleParty.address");
                if (su.ResponsibleParty?.Representative is null) missing.Add("responsibleParty.representative");
                if (missing.Count > 0)
                    Error(su, null, PolicyCodes.SharedUseItemMissing,
                        $"Shared use '{su.Id}' must publish {string.Join(", ", missing)} (Art.27(5)(iii)).");
                MyNumberNotProvided(su, su.Categories, cats, $"shared use '{su.Id}'");
            }

            foreach (var t in s.Recipients.ThirdParties)
            {
                Refs(t, "categories", t.Categories, catIds, "data category", $"third party '{t.Id}'");
                if (t.Basis != ProvisionBasis.Law) MyNumberNotProvided(t, t.Categories, cats, $"third party '{t.Id}'");
            }

            foreach (var f in s.Recipients.Foreign)
            {
                var name = $"foreign recipient '{f.Id}'";
                Refs(f, "categories", f.Categories, catIds, "data category", name);
                Refs(f, "purposes", f.Purposes, purposes, "purpose", name);
                if (f.Basis is null)
                    Error(f, null, PolicyCodes.ForeignBasisMissing,
                        $"Foreign recipient '{f.Id}' must state its 'basis': consent, equivalentMeasures, adequateCountry or lawException (Art.28).");
                else if (f.Basis == ForeignProvisionBasis.Consent)
                {
                    var missing = new List<string>();
                    if (f.Country is null) missing.Add("country");
                    if (f.CountrySystem is null) missing.Add("countrySystem");
                    if (f.RecipientMeasures is null) missing.Add("recipientMeasures");
                    if (missing.Count > 0)
                        Error(f, null, PolicyCodes.ForeignConsentInfoMissing,
                            $"Consent to foreign provision needs the person told {string.Join(", ", missing)} (Art.28(2), Rules Art.17).");
                }
                else if (f.Basis == ForeignProvisionBasis.EquivalentMeasures && (f.Country is null || f.RecipientMeasures is null))
                    Error(f, null, PolicyCodes.ForeignConsentInfoMissing,
                        $"Foreign recipient '{f.Id}' with equivalent measures must state 'country' and 'recipientMeasures' (Art.28(3), Rules Art.18).");
                MyNumberNotProvided(f, f.Categories, cats, name);
            }

            if (s.OptOut is { } o)
            {
                Refs(o, "categories", o.Categories, catIds, "data category", "optOut");
                Refs(o, "acquisitionMethods", o.AcquisitionMethods, methods, "acquisition method", "optOut");
                if (o.Purpose is not null && !purposes.Contains(o.Purpose))
                    Error(o, "purpose", PolicyCodes.UnknownReference, $"Unknown purpose '{o.Purpose}' in optOut ({where}).");
                for (var i = 0; i < o.Categories.Count; i++)
                    if (cats.TryGetValue(o.Categories[i], out var c) && (c.SpecialCare || c.MyNumber))
                        Error(o, $"categories[{i}]", PolicyCodes.OptOutForbiddenCategory,
                            $"Category '{c.Id}' is {(c.SpecialCare ? "special-care" : "My Number")} data and can never be provided by opt-out (Art.27(2){(c.MyNumber ? ", My Number Act Art.19" : "")}).");
                var missing = new List<string>();
                if (o.Purpose is null) missing.Add("purpose");
                if (o.Categories.Count == 0) missing.Add("categories");
                if (o.AcquisitionMethods.Count == 0) missing.Add("acquisitionMethods");
                if (o.DeliveryMethods.Count == 0) missing.Add("deliveryMethods");
                if (o.StopOnRequest is null) missing.Add("stopOnRequest");
                if (o.RequestMethod is null) missing.Add("requestMethod");
                if (o.UpdateMethod is null) missing.Add("updateMethod");
                if (o.StartDate is null) missing.Add("startDate");
                if (o.PpcNotifiedOn is null) missing.Add("ppcNotifiedOn");
                if (missing.Count > 0)
                    Error(o, null, PolicyCodes.OptOutItemMissing, $"Opt-out provision lacks {string.Join(", ", missing)} (Art.27(2), Rules Art.11).");
                if (o is { PpcNotifiedOn: { } n, StartDate: { } sd } && n > sd)
                    Error(o, "ppcNotifiedOn", PolicyCodes.OptOutNotNotifiedBeforeStart,
                        "Opt-out provision must be notified to the PPC before its start date (Art.27(2)).");
            }

            if (s.RequestProcedures is { } rp)
            {
                var required = new[] { RequestType.PurposeNotification, RequestType.Disclosure, RequestType.Correction, RequestType.Suspension, RequestType.StopProvision };
                var missing = required.Where(t => !rp.Types.Contains(t)).Select(t => MapReader.CamelCase(t.ToString())).ToList();
                if (missing.Count > 0)
                    Error(rp, "types", PolicyCodes.RequestTypeMissing,
                        $"Request procedures must accept {string.Join(", ", missing)} (Art.32-35).");
                foreach (var fee in rp.Fees)
                    if (fee.Type is not (RequestType.PurposeNotification or RequestType.Disclosure or RequestType.ProvisionRecords))
                        Error(fee, null, PolicyCodes.FeeNotAllowed,
                            $"A fee may be charged only for purpose notification and disclosure, not for {MapReader.CamelCase(fee.Type.ToString())} (Art.38).");
                // Requests may be made by an agent (Art.37(3)); without documents proving the representation Mamori takes none.
                if (rp.ProxyDocuments.Count == 0)
                    diags.Warning(At(rp), PolicyCodes.RepresentationDocumentsMissing,
                        "Request procedures name no proxyDocuments: requests by an agent (Art.37(3)) are not taken until they do.");
                if (rp.LegalRepresentativeDocuments.Count == 0)
                    diags.Warning(At(rp), PolicyCodes.RepresentationDocumentsMissing,
                        "Request procedures name no legalRepresentativeDocuments: requests by a statutory representative (Art.37(3)) are not taken until they do.");
            }
        }

        private void MyNumberNotProvided(object owner, IReadOnlyList<string> categories, Dictionary<string, DataCategory> cats, string name)
        {
            for (var i = 0; i < categories.Count; i++)
                if (cats.TryGetValue(categories[i], out var c) && c.MyNumber)
                    Error(owner, $"categories[{i}]", PolicyCodes.MyNumberProvisionNotAllowed,
                        $"My Number category '{c.Id}' may not be provided to {name} (My Number Act Art.19).");
        }

        /// <summary>
        /// Roles: a built-in role cannot be renamed; a role the policy refers to without a name is warned once, at its first
        /// reference, since staff would otherwise choose among bare ids (「sms-manager」) on the users and training pages.
        /// </summary>
        public void CheckRoles()
        {
            var declared = new HashSet<string>(StringComparer.Ordinal);
            foreach (var r in p.Roles ?? [])
            {
                declared.Add(r.Id);
                if (Staff.Roles.IsBuiltIn(r.Id))
                    Error(r, null, PolicyCodes.RoleBuiltIn, $"Role '{r.Id}' is built in and named by Mamori; declare only the policy's own roles.");
            }
            var warned = new HashSet<string>(StringComparer.Ordinal);
            void Referenced(object owner, string field, IReadOnlyList<string> roles)
            {
                for (var i = 0; i < roles.Count; i++)
                    if (!Staff.Roles.IsBuiltIn(roles[i]) && !declared.Contains(roles[i]) && warned.Add(roles[i]))
                        diags.Warning(At(owner, $"{field}[{i}]"), PolicyCodes.RoleUnnamed,
                            $"Role '{roles[i]}' has no name: declare it under 'roles' in company.yaml with name {{ja, en}}.");
            }
            foreach (var c in p.DataCategories.Concat(p.Services.SelectMany(s => s.DataCategories))) Referenced(c, "viewers", c.Viewers);
            if (p.MyNumber is { } mn) Referenced(mn, "designatedRoles", mn.DesignatedRoles);
        }

        /// <summary>Hygiene across all scopes: unused categories, subject types without purposes and a guardian age nobody's age is known for are warned.</summary>
        public void CheckGlobal()
        {
            var allPurposes = p.Purposes.Concat(p.Services.SelectMany(s => s.Purposes)).ToList();
            var used = allPurposes.SelectMany(x => x.Categories).ToHashSet(StringComparer.Ordinal);
            foreach (var c in p.DataCategories.Concat(p.Services.SelectMany(s => s.DataCategories)))
                if (!used.Contains(c.Id))
                    diags.Warning(At(c), PolicyCodes.CategoryUnused, $"Data category '{c.Id}' is used by no purpose.");
            // The notice promises a guardian's consent under an age, but Mamori tells a minor only by a birth date it holds.
            if (p.Company.GuardianConsentUnderAge is { } age && !p.DataCategories.Concat(p.Services.SelectMany(s => s.DataCategories)).Any(c => c.BirthDate))
                diags.Warning(At(p.Company, "guardianConsentUnderAge"), PolicyCodes.BirthDateCategoryMissing,
                    $"Guardians consent under {age}, but no data category carries 'birthDate: true': no consent is checked for the person's age, and the API refuses a separate birthDate.");
            var subjects = allPurposes.SelectMany(x => x.SubjectTypes).ToHashSet(StringComparer.Ordinal);
            foreach (var st in p.SubjectTypes.Concat(p.Services.SelectMany(s => s.SubjectTypes)))
                if (!subjects.Contains(st.Id))
                    diags.Warning(At(st), PolicyCodes.SubjectTypeWithoutPurpose, $"Subject type '{st.Id}' has no purpose (Art.21).");
        }
    }
}
