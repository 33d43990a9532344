using Mamori.Policy;

namespace Mamori.Tests.Policy;

/// <summary>
/// Builds a random valid policy from a seed (FsCheck supplies the seeds). Texts are unique per
/// field and carry characters that HTML and Markdown must escape, so "the notice contains X" checks
/// cannot pass by accident.
/// </summary>
internal sealed class PolicyGenerator
{
    private readonly Random _rng;
    private int _n;
    private static readonly string[] Specials = ["&", "<", ">", "\"", "'", "|", "*", "_", "[", "]", "#", "`", "\\", "、", "（", "）"];
    private static readonly string[] Words = ["個人情報", "利用", "提供", "安全", "顧客", "サービス", "privacy", "data", "use", "safe", "ｶﾅ", "漢字"];

    private PolicyGenerator(int seed) => _rng = new Random(seed);

    public static PolicyModel Generate(int seed) => new PolicyGenerator(seed).Build();

    private string Word() => Words[_rng.Next(Words.Length)] + (_rng.Next(3) == 0 ? Specials[_rng.Next(Specials.Length)] : "");

    private LocalizedText Text(string kind)
    {
        var n = ++_n;
        var body = string.Join(_rng.Next(2) == 0 ? " " : "", Enumerable.Range(0, _rng.Next(1, 4)).Select(_ => Word()));
        return new LocalizedText($"{kind}{n}「{body}」", $"{kind}{n} \"{body}\"");
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

    private IReadOnlyList<T> Some<T>(IReadOnlyList<T> items, int min = 1)
    {
        var k = _rng.Next(Math.Min(min, items.Count), items.Count + 1);
        return items.OrderBy(_ => _rng.Next()).Take(k).ToList();
    }

    private IsoPeriod Period() => new(_rng.Next(0, 8), _rng.Next(0, 12), 0, _rng.Next(1, 30));

    private Purpose Purpose(string id, IReadOnlyList<SubjectType> subjects, IReadOnlyList<DataCategory> cats, IReadOnlyList<AcquisitionMethod> methods)
    {
        var used = Some(cats);
        return new Purpose
        {
            Id = id,
            Name = Text("目的"),
            Description = _rng.Next(2) == 0 ? Text("説明") : null,
            SubjectTypes = Some(subjects).Select(s => s.Id).ToList(),
            Categories = used.Select(c => c.Id).ToList(),
            AcquisitionMethods = Some(methods).Select(m => m.Id).ToList(),
            ConsentRequired = used.Any(c => c.SpecialCare) || _rng.Next(3) == 0,
            CombinesBrowsing = used.Any(c => c.Browsing) && _rng.Next(2) == 0,
            Disclosable = _rng.Next(5) != 0,
            Retention = new Retention
            {
                Period = Period(),
                From = _rng.Next(2) == 0 ? Text("起算") : null,
                LegalHold = _rng.Next(3) == 0 ? new LegalHold(Text("法令"), Period()) : null,
            },
        };
    }

    private IReadOnlyList<DataCategory> Categories(string prefix, int count)
    {
        var list = new List<DataCategory>();
        for (var i = 0; i < count; i++)
        {
            var sms = _rng.Next(8) == 0;
            list.Add(new DataCategory
            {
                Id = $"{prefix}cat-{i}",
                Name = Text("項目"),
                SpecialCare = _rng.Next(6) == 0,
                PaymentCard = _rng.Next(6) == 0,
                Browsing = _rng.Next(5) == 0,
                CallRecording = _rng.Next(8) == 0,
                SmsPhone = sms,
                Viewers = sms || _rng.Next(4) == 0 ? ["manager"] : [],
            });
        }
        return list;
    }

    private ForeignRecipient Foreign(string id, IReadOnlyList<DataCategory> cats) => new()
    {
        Id = id,
        Name = Text("外国提供先"),
        Country = new Country("US", Text("国")),
        Basis = _rng.Next(2) == 0 ? ForeignProvisionBasis.Consent : ForeignProvisionBasis.EquivalentMeasures,
        CountrySystem = Text("制度"),
        RecipientMeasures = Text("措置"),
        Categories = Some(cats.Where(c => !c.SpecialCare).ToList(), 0).Select(c => c.Id).ToList(),
    };

    private PolicyModel Build()
    {
        var subjects = Enumerable.Range(0, _rng.Next(1, 4)).Select(i => new SubjectType($"subject-{i}", Text("区分"))).ToList();
        var cats = Categories("", _rng.Next(1, 7));
        var methods = Enumerable.Range(0, _rng.Next(1, 3)).Select(i => new AcquisitionMethod { Id = $"method-{i}", Name = Text("方法"), Direct = _rng.Next(2) == 0 }).ToList();
        var purposes = Enumerable.Range(0, _rng.Next(1, 5)).Select(i => Purpose($"purpose-{i}", subjects, cats, methods)).ToList();
        var plain = cats.Where(c => !c.SpecialCare).ToList();

        var services = new List<ServicePolicy>();
        for (var s = 0; s < _rng.Next(0, 4); s++)
        {
            var own = Categories($"s{s}-", _rng.Next(0, 3));
            var all = cats.Concat(own).ToList();
            var ownPurposes = Enumerable.Range(0, _rng.Next(1, 3)).Select(i => Purpose($"s{s}-purpose-{i}", subjects, all, methods)).ToList();
            var optOutCats = all.Where(c => !c.SpecialCare && !c.MyNumber).ToList();
            services.Add(new ServicePolicy
            {
                Id = $"service-{s}",
                Name = Text("サービス"),
                Description = Text("サービス説明"),
                DataCategories = own,
                Purposes = ownPurposes,
                Recipients = new Recipients { Foreign = _rng.Next(2) == 0 ? [Foreign($"s{s}-foreign", all)] : [] },
                OptOut = _rng.Next(2) == 0 && optOutCats.Count > 0 ? new OptOutProvision
                {
                    Purpose = ownPurposes[0].Id,
                    Categories = Some(optOutCats).Select(c => c.Id).ToList(),
                    ItemsNote = Text("項目注記"),
                    Recipients = Text("提供先"),
                    AcquisitionMethods = [methods[0].Id],
                    DeliveryMethods = Some(Enum.GetValues<DeliveryMethod>()),
                    StopOnRequest = Text("停止"),
                    RequestMethod = Text("受付"),
                    UpdateMethod = Text("更新"),
                    StartDate = new DateOnly(2026, 5, 1),
                    PpcNotifiedOn = new DateOnly(2026, 3, 1),
                } : null,
                ExternalTags = _rng.Next(2) == 0 ? [Tag($"s{s}-tag")] : [],
            });
        }

        return new PolicyModel
        {
            Company = new Company { LegalName = Text("会社"), Address = Text("住所"), Representative = Text("代表者"), CorporateNumber = "1011101234567" },
            Contact = new Contact { Name = Text("窓口"), Phone = $"03-{_rng.Next(1000, 9999)}-0000", Email = $"desk{_rng.Next(100)}@example.test", Hours = Text("受付時間") },
            PrivacyManagers = new PrivacyManagers { Overall = new Manager(Text("管理者")), Departments = [new DepartmentManager("dept", Text("部門"), Text("部長"))] },
            SubjectTypes = subjects,
            DataCategories = cats,
            AcquisitionMethods = methods,
            Purposes = purposes,
            Recipients = new Recipients
            {
                Entrustees = _rng.Next(2) == 0 ? [new Entrustee { Id = "entrustee", Name = Text("委託先"), Task = Text("業務"), Categories = Some(cats).Select(c => c.Id).ToList(),
                    Contract = new EntrustmentContract { Confidentiality = true, AuditRights = true, SafeguardsAtLeastOwn = true, SubEntrustmentRequiresPermission = true } }] : [],
                SharedUse = _rng.Next(2) == 0 && plain.Count > 0 ? [new SharedUse { Id = "group", Name = Text("共同利用"), Categories = Some(plain).Select(c => c.Id).ToList(),
                    Scope = Text("範囲"), Purposes = Text("共同目的"), ResponsibleParty = new ResponsibleParty { Name = Text("責任者"), Address = Text("責任者住所"), Representative = Text("責任者代表") } }] : [],
                Foreign = _rng.Next(2) == 0 ? [Foreign("foreign", cats)] : [],
            },
            RequestProcedures = new RequestProcedures
            {
                Types = Enum.GetValues<RequestType>().Where(t => t != RequestType.ProvisionRecords || _rng.Next(2) == 0).ToList(),
                Channels = Some(Enum.GetValues<RequestChannel>()),
                IdentityDocuments = Enumerable.Range(0, _rng.Next(1, 4)).Select(_ => new RequiredDocument { Name = Text("本人確認書類"),
                    MaxAge = _rng.Next(2) == 0 ? new IsoPeriod(0, 1, 0, 0) : null, Requirement = _rng.Next(2) == 0 ? DocumentRequirement.All : DocumentRequirement.OneOf }).ToList(),
                ProxyDocuments = _rng.Next(2) == 0 ? [new RequiredDocument { Name = Text("委任状") }] : [],
                Fees = _rng.Next(2) == 0 ? [new RequestFee { Type = RequestType.Disclosure, AmountYen = _rng.Next(0, 20000), Per = Text("単位") }] : [],
                PaymentMethod = Text("支払"),
                AnswerMethod = Text("回答"),
            },
            Cookies = new CookiePolicy { Notice = Text("Cookie") },
            ExternalTags = Enumerable.Range(0, _rng.Next(0, 3)).Select(i => Tag($"tag-{i}")).ToList(),
            SecurityMeasures = new SecurityMeasures
            {
                Organizational = [Text("組織的")], Human = [Text("人的")], Physical = [Text("物理的")], Technical = [Text("技術的")],
                ForeignEnvironment = _rng.Next(2) == 0 ? [Text("外的環境")] : [],
            },
            Established = new DateOnly(2020, 1, 1),
            Amendments = [new Amendment(new DateOnly(2024, 4, 1), Text("改定"))],
            Services = services,
        };
    }

    private ExternalTag Tag(string id) => new()
    {
        Id = id,
        Name = Text("タグ"),
        Recipient = Text("送信先"),
        InformationSent = Text("送信情報"),
        Purpose = Text("送信目的"),
        Category = Pick(Enum.GetValues<TagCategory>()),
    };
}
