using System.Globalization;

namespace Mamori.Policy.Yaml;

/// <summary>The sections a company, service or My Number file may declare (see docs/policy-reference.md).</summary>
internal sealed record ScopeSections
{
    public Contact? Contact { get; init; }
    public IReadOnlyList<SubjectType> SubjectTypes { get; init; } = [];
    public IReadOnlyList<DataCategory> DataCategories { get; init; } = [];
    public IReadOnlyList<AcquisitionMethod> AcquisitionMethods { get; init; } = [];
    public IReadOnlyList<Purpose> Purposes { get; init; } = [];
    public Recipients Recipients { get; init; } = new();
    public OptOutProvision? OptOut { get; init; }
    public RequestProcedures? RequestProcedures { get; init; }
    public CookiePolicy? Cookies { get; init; }
    public IReadOnlyList<ExternalTag> ExternalTags { get; init; } = [];
}

/// <summary>Binds merged YAML trees to the immutable model, one section at a time.</summary>
internal static class PolicyBinder
{
    public static readonly string[] KeyedSections = ["subjectTypes", "dataCategories", "acquisitionMethods", "purposes", "externalTags"];
    public static readonly string[] RecipientGroups = ["entrustees", "sharedUse", "thirdParties", "foreign"];
    public static readonly string[] SingleSections = ["contact", "optOut", "requestProcedures", "cookies"];
    public static readonly string[] ScopeKeys = [.. KeyedSections, .. SingleSections, "recipients"];
    public static readonly string[] CompanyOnlyKeys = ["formatVersion", "company", "privacyManagers", "roles", "securityMeasures", "established", "amendments"];
    public static readonly string[] MyNumberScopeKeys = ["dataCategories", "purposes", "recipients"];

    public static ScopeSections BindScope(MapReader top)
    {
        var recipients = top.Map("recipients", "recipients");
        var sections = new ScopeSections
        {
            Contact = top.Map("contact", "contact") is { } c ? BindContact(c) : null,
            SubjectTypes = top.Keyed("subjectTypes", "subject type", (id, r) => r.Finish(new SubjectType(id, r.Text("name", true) ?? Empty))),
            DataCategories = top.Keyed("dataCategories", "data category", BindCategory),
            AcquisitionMethods = top.Keyed("acquisitionMethods", "acquisition method", (id, r) => r.Finish(new AcquisitionMethod
            {
                Id = id,
                Name = r.Text("name", true) ?? Empty,
                Direct = r.Bool("direct"),
            })),
            Purposes = top.Keyed("purposes", "purpose", BindPurpose),
            Recipients = recipients is null ? new Recipients() : BindRecipients(recipients),
            OptOut = top.Map("optOut", "optOut") is { } o ? BindOptOut(o) : null,
            RequestProcedures = top.Map("requestProcedures", "requestProcedures") is { } rp ? BindRequests(rp) : null,
            Cookies = top.Map("cookies", "cookies") is { } ck ? ck.Finish(new CookiePolicy
            {
                Notice = ck.Text("notice", true) ?? Empty,
                SessionCookies = ck.Text("sessionCookies"),
            }) : null,
            ExternalTags = top.Keyed("externalTags", "external tag", (id, r) => r.Finish(new ExternalTag
            {
                Id = id,
                Name = r.Text("name", true) ?? Empty,
                Recipient = r.Text("recipient", true) ?? Empty,
                InformationSent = r.Text("informationSent", true) ?? Empty,
                Purpose = r.Text("purpose", true) ?? Empty,
                Category = r.Enum<TagCategory>("category", true) ?? TagCategory.Analytics,
                OptOutUrl = r.Str("optOutUrl"),
                ConsentRequired = r.Bool("consentRequired"),
            })),
        };
        return sections;
    }

    private static readonly LocalizedText Empty = new("", "");

    public static Contact BindContact(MapReader r) => r.Finish(new Contact
    {
        Name = r.Text("name"),
        Phone = r.Str("phone"),
        Email = r.Str("email"),
        Hours = r.Text("hours"),
        Address = r.Text("address"),
        FormUrl = r.Str("formUrl"),
    });

    private static DataCategory BindCategory(string id, MapReader r) => r.Finish(new DataCategory
    {
        Id = id,
        Name = r.Text("name", true) ?? Empty,
        Description = r.Text("description"),
        SpecialCare = r.Bool("specialCare"),
        MyNumber = r.Bool("myNumber"),
        PaymentCard = r.Bool("paymentCard"),
        SmsPhone = r.Bool("smsPhone"),
        Browsing = r.Bool("browsing"),
        CallRecording = r.Bool("callRecording"),
        BirthDate = r.Bool("birthDate"),
        Viewers = r.Ids("viewers"),
    });

    private static Purpose BindPurpose(string id, MapReader r)
    {
        var ret = r.Map("retention", $"retention of purpose '{id}'");
        Retention? retention = null;
        if (ret is not null)
        {
            var period = ret.Period("period", true);
            var (from, fromEvent) = BindFrom(ret, id);
            var hold = ret.Map("legalHold", $"legalHold of purpose '{id}'");
            LegalHold? legalHold = null;
            if (hold is not null)
            {
                var law = hold.Text("law", true);
                var hp = hold.Period("period", true);
                legalHold = hold.Finish(law is not null && hp is { } p2 ? new LegalHold(law, p2) : null);
            }
            retention = ret.Finish(period is { } p ? new Retention { Period = p, From = from, Event = fromEvent, LegalHold = legalHold } : null);
        }
        return r.Finish(new Purpose
        {
            Id = id,
            Name = r.Text("name", true) ?? Empty,
            Description = r.Text("description"),
            Kind = r.Enum<PurposeKind>("kind") ?? PurposeKind.General,
            SubjectTypes = r.Ids("subjectTypes"),
            Categories = r.Ids("categories"),
            AcquisitionMethods = r.Ids("acquisitionMethods"),
            ConsentRequired = r.Bool("consentRequired"),
            CombinesBrowsing = r.Bool("combinesBrowsing"),
            Disclosable = r.Bool("disclosable", true),
            Retention = retention,
        });
    }

    /// <summary>
    /// <c>retention.from</c>: <c>{event: contract-end, name: {ja: 契約終了日, en: …}}</c>, or <c>{event: acquisition}</c> (name optional).
    /// A bare text (the form before events) still loads, counting from acquisition, with a warning saying so: the notice names a day
    /// the system cannot know.
    /// </summary>
    private static (LocalizedText? Name, string? Event) BindFrom(MapReader ret, string purposeId)
    {
        var node = ret.Node("from");
        if (node is null) return (null, null);
        if (node is not YMapping m || m.Get("event") is null)
        {
            var text = ret.ReadText(node, "from");
            if (text is not null)
                ret.Diags.Warning(node.Pos, PolicyCodes.RetentionFromText,
                    $"'from' of purpose '{purposeId}' is a text only, so its retention counts from acquisition: write {{event: acquisition, name: ...}}, " +
                    "or name the event it counts from, recorded per person: {event: contract-end, name: {ja: 契約終了日, en: the end of the contract}}.");
            return (text, null);
        }
        var r = new MapReader(m, ret.Diags, ret.Sources, $"'from' of purpose '{purposeId}'");
        var ev = r.Str("event", true);
        if (ev is not null && !MapReader.IsValidId(ev))
        {
            r.Diags.Error(r.FieldPos("event"), PolicyCodes.InvalidId,
                $"'event' of purpose '{purposeId}' must be '{Retention.Acquisition}' or an id (lower-case letters, digits, '-'), not '{(ev.Length <= 40 ? ev : ev[..40] + "…")}'.");
            ev = null;
        }
        var isAcquisition = ev == Retention.Acquisition;
        // The notice must say what an event is; acquisition speaks for itself.
        var name = r.Text("name", required: ev is not null && !isAcquisition);
        r.Finish<object?>(null);
        return (name, isAcquisition ? null : ev);
    }

    private static Recipients BindRecipients(MapReader r) => r.Finish(new Recipients
    {
        Entrustees = r.Keyed("entrustees", "entrustee", (id, e) =>
        {
            var c = e.Map("contract", $"contract of entrustee '{id}'");
            var contract = c is null ? new EntrustmentContract() : c.Finish(new EntrustmentContract
            {
                Confidentiality = c.Bool("confidentiality"),
                AuditRights = c.Bool("auditRights"),
                SafeguardsAtLeastOwn = c.Bool("safeguardsAtLeastOwn"),
                SubEntrustmentRequiresPermission = c.Bool("subEntrustmentRequiresPermission"),
                ContractDate = c.Date("contractDate"),
                Supervision = c.Text("supervision"),
            });
            return e.Finish(new Entrustee
            {
                Id = id,
                Name = e.Text("name", true) ?? Empty,
                Task = e.Text("task"),
                Categories = e.Ids("categories"),
                Purposes = e.Ids("purposes"),
                Contract = contract,
            });
        }),
        SharedUse = r.Keyed("sharedUse", "shared use", (id, e) =>
        {
            var rp = e.Map("responsibleParty", $"responsibleParty of shared use '{id}'");
            return e.Finish(new SharedUse
            {
                Id = id,
                Name = e.Text("name"),
                Categories = e.Ids("categories"),
                Scope = e.Text("scope"),
                Purposes = e.Text("purposes"),
                ResponsibleParty = rp?.Finish(new ResponsibleParty
                {
                    Name = rp.Text("name"),
                    Address = rp.Text("address"),
                    Representative = rp.Text("representative"),
                }),
                Since = e.Date("since"),
            });
        }),
        ThirdParties = r.Keyed("thirdParties", "third party", (id, e) => e.Finish(new ThirdParty
        {
            Id = id,
            Name = e.Text("name", true) ?? Empty,
            Categories = e.Ids("categories"),
            Purpose = e.Text("purpose"),
            Basis = e.Enum<ProvisionBasis>("basis", true) ?? ProvisionBasis.Consent,
            Publication = e.Bool("publication"),
            Url = e.Str("url"),
        })),
        Foreign = r.Keyed("foreign", "foreign recipient", (id, e) =>
        {
            var cn = e.Map("country", $"country of foreign recipient '{id}'");
            Country? country = null;
            if (cn is not null)
            {
                var code = cn.Str("code", true);
                var name = cn.Text("name", true);
                country = cn.Finish(code is not null && name is not null ? new Country(code, name) : null);
            }
            return e.Finish(new ForeignRecipient
            {
                Id = id,
                Name = e.Text("name", true) ?? Empty,
                Country = country,
                Basis = e.Enum<ForeignProvisionBasis>("basis"),
                CountrySystem = e.Text("countrySystem"),
                RecipientMeasures = e.Text("recipientMeasures"),
                Task = e.Text("task"),
                Categories = e.Ids("categories"),
                Purposes = e.Ids("purposes"),
                MeasuresCheck = e.Text("measuresCheck"),
            });
        }),
    });

    private static OptOutProvision BindOptOut(MapReader r) => r.Finish(new OptOutProvision
    {
        Purpose = r.Str("purpose"),
        Categories = r.Ids("categories"),
        ItemsNote = r.Text("itemsNote"),
        Recipients = r.Text("recipients"),
        AcquisitionMethods = r.Ids("acquisitionMethods"),
        DeliveryMethods = r.Enums<DeliveryMethod>("deliveryMethods"),
        StopOnRequest = r.Text("stopOnRequest"),
        RequestMethod = r.Text("requestMethod"),
        UpdateMethod = r.Text("updateMethod"),
        StartDate = r.Date("startDate"),
        PpcNotifiedOn = r.Date("ppcNotifiedOn"),
    });

    private static RequestProcedures BindRequests(MapReader r)
    {
        IReadOnlyList<RequiredDocument> Docs(string key)
        {
            var items = r.Seq(key);
            var list = new List<RequiredDocument>();
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not YMapping m)
                {
                    r.Diags.Error(items[i].Pos, PolicyCodes.WrongType, $"'{key}[{i}]' in requestProcedures must be a mapping with 'name'.");
                    continue;
                }
                var d = new MapReader(m, r.Diags, r.Sources, $"{key}[{i}]");
                list.Add(d.Finish(new RequiredDocument
                {
                    Name = d.Text("name", true) ?? Empty,
                    MaxAge = d.Period("maxAge"),
                    Requirement = d.Enum<DocumentRequirement>("requirement") ?? DocumentRequirement.All,
                }));
            }
            return list;
        }

        var fees = new List<RequestFee>();
        if (r.Map("fees", "fees") is { } f)
        {
            foreach (var type in Enum.GetValues<RequestType>())
            {
                var key = MapReader.CamelCase(type.ToString());
                if (f.Map(key, $"fee for {key}") is not { } fr) continue;
                var amount = fr.Int("amountYen", true);
                fees.Add(fr.Finish(new RequestFee
                {
                    Type = type,
                    AmountYen = amount ?? 0,
                    TaxIncluded = fr.Bool("taxIncluded", true),
                    Per = fr.Text("per"),
                }));
            }
            f.Finish(fees);
        }
        return r.Finish(new RequestProcedures
        {
            Types = r.Enums<RequestType>("types"),
            Channels = r.Enums<RequestChannel>("channels"),
            NotAccepted = r.Enums<RequestChannel>("notAccepted"),
            Forms = r.Text("forms"),
            IdentityDocuments = Docs("identityDocuments"),
            ProxyDocuments = Docs("proxyDocuments"),
            LegalRepresentativeDocuments = Docs("legalRepresentativeDocuments"),
            Fees = fees,
            PaymentMethod = r.Text("paymentMethod"),
            AnswerMethod = r.Text("answerMethod"),
            ResponseTime = r.Text("responseTime"),
            SendTo = r.Text("sendTo"),
            VerifyByEmailCode = r.Bool("verifyByEmailCode", true) ? null : false,
        });
    }

    public static Company BindCompany(MapReader r)
    {
        var ab = r.Map("accreditedBody", "accreditedBody");
        AccreditedBody? body = null;
        if (ab is not null)
        {
            var n = ab.Text("name", true);
            var c = ab.Text("contact");
            body = ab.Finish(n is null ? null : new AccreditedBody(n, c));
        }
        var number = r.Str("corporateNumber");
        if (number is not null && !Mamori.Discovery.Checksums.IsValidCorporateNumber(number))
            r.Diags.Error(r.FieldPos("corporateNumber"), PolicyCodes.InvalidCorporateNumber,
                "'corporateNumber' must be a 13-digit corporate number (法人番号) with a valid check digit.");
        return r.Finish(new Company
        {
            LegalName = r.Text("legalName"),
            Address = r.Text("address"),
            Representative = r.Text("representative"),
            CorporateNumber = number,
            Website = r.Str("website"),
            AccreditedBody = body,
            GuardianConsentUnderAge = r.Int("guardianConsentUnderAge"),
        });
    }

    /// <summary>The company's <c>roles</c> section; null when absent, so a policy without one keeps its canonical form and hash.</summary>
    public static IReadOnlyList<StaffRole>? BindRoles(MapReader top)
    {
        var roles = top.Keyed("roles", "role", (id, r) => r.Finish(new StaffRole(id, r.Text("name", true) ?? Empty, r.Text("description"))));
        return roles.Count == 0 ? null : roles;
    }

    public static PrivacyManagers? BindManagers(MapReader r)
    {
        var o = r.Map("overall", "overall privacy manager", required: true);
        Manager? overall = null;
        if (o is not null)
        {
            var title = o.Text("title", true);
            var name = o.Text("name");
            overall = o.Finish(title is null ? null : new Manager(title, name));
        }
        var depts = r.Keyed("departments", "department manager", (id, d) =>
        {
            var dep = d.Text("department", true);
            var title = d.Text("title", true);
            return d.Finish(dep is null || title is null ? null : new DepartmentManager(id, dep, title));
        });
        return r.Finish(overall is null ? null : new PrivacyManagers { Overall = overall, Departments = depts });
    }

    public static SecurityMeasures BindSecurity(MapReader r) => r.Finish(new SecurityMeasures
    {
        BasicPolicy = r.Texts("basicPolicy"),
        Rules = r.Texts("rules"),
        Organizational = r.Texts("organizational"),
        Human = r.Texts("human"),
        Physical = r.Texts("physical"),
        Technical = r.Texts("technical"),
        ForeignEnvironment = r.Texts("foreignEnvironment"),
    });

    public static IReadOnlyList<Amendment> BindAmendments(MapReader top)
    {
        var items = top.Seq("amendments");
        var list = new List<Amendment>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not YMapping m)
            {
                top.Diags.Error(items[i].Pos, PolicyCodes.WrongType, $"'amendments[{i}]' must be a mapping with 'date' and 'summary'.");
                continue;
            }
            var r = new MapReader(m, top.Diags, top.Sources, $"amendments[{i}]");
            var date = r.Date("date", true);
            var summary = r.Text("summary", true);
            var a = r.Finish(date is { } d && summary is not null ? new Amendment(d, summary) : null);
            if (a is not null) list.Add(a);
        }
        return list;
    }

    public static MyNumberPolicy? BindMyNumber(MapReader r)
    {
        var statement = r.Text("statement", true);
        var compliance = r.Text("compliance");
        var roles = r.Ids("designatedRoles");
        var sec = r.Map("securityMeasures", "My Number securityMeasures");
        var contact = r.Map("contact", "My Number contact");
        var measures = sec is null ? null : BindSecurity(sec);
        var contactValue = contact is null ? null : BindContact(contact);
        return r.Finish(statement is null ? null : new MyNumberPolicy
        {
            Statement = statement,
            Compliance = compliance,
            DesignatedRoles = roles,
            SecurityMeasures = measures,
            Contact = contactValue,
        });
    }

    internal static string Format(int n) => n.ToString(CultureInfo.InvariantCulture);
}
