using System.Globalization;

namespace Mamori.Policy.Rendering;

/// <summary>
/// Builds the public notice from the model in the structure of the seed policies: basic policy,
/// business, managers, items, acquisition, purposes per kind of person, browsing data, provision
/// (entrustment, shared use, third parties, foreign, opt-out), cookies and external transmission,
/// security measures, request procedures with fees, contact, each service, the My Number basic
/// policy and the amendment history. Covers Art.21 and Art.32 / Order 10 items (appi.md L-04, L-18).
/// </summary>
internal sealed class NoticeBuilder(PolicyModel p, NoticeLanguage lang, DateOnly? today = null)
{
    private string T(string ja, string en) => lang == NoticeLanguage.Ja ? ja : en;
    private string X(LocalizedText? t) => t?.Get(lang) ?? "";
    private string Company => X(p.Company.LegalName);
    private string Sep => T("、", ", ");

    public NoticeDocument BuildFull()
    {
        var sections = new List<NoticeSection>
        {
            Business(),
        };
        if (p.PrivacyManagers is not null) sections.Add(Managers());
        sections.Add(Categories("items", T("取得する個人情報の項目", "Personal information we acquire"), p.DataCategories));
        sections.Add(Acquisition(p.AcquisitionMethods));
        sections.Add(Purposes("purposes", p, p.Purposes));
        if (Browsing(p.Purposes, p) is { } b) sections.Add(b);
        sections.Add(Provision("provision", p.Recipients, p.OptOut, p, general: true));
        sections.Add(Cookies("cookies", p.Cookies, p.ExternalTags));
        if (p.SecurityMeasures is not null) sections.Add(Security("security", T("安全管理措置", "Security measures"), p.SecurityMeasures));
        if (p.RequestProcedures is not null) sections.Add(Requests("requests", p.RequestProcedures));
        sections.Add(ContactSection("contact", p.Contact, withAccreditedBody: true));
        if (p.Services.Count > 0)
            sections.Add(new NoticeSection("services", T("各サービスにおける個人情報の取扱い", "Handling in each service"),
                [new ParagraphBlock(T("以下の各サービスの定めが本方針と異なる場合は、各サービスの定めが優先します。",
                    "Where a service's terms below differ from this policy, the service's terms prevail."))],
                p.Services.Select(s => ServiceSection(s, $"service-{s.Id}")).ToList()));
        if (p.MyNumber is not null) sections.Add(MyNumber());
        sections.Add(History());
        var title = T("個人情報保護方針（プライバシーポリシー）", "Privacy Policy");
        return new NoticeDocument(lang, title, Company, Preamble(), sections);
    }

    public NoticeDocument BuildService(string serviceId)
    {
        var s = p.FindService(serviceId) ?? throw new ArgumentException($"No service with id '{serviceId}'.", nameof(serviceId));
        var eff = p.Resolve(serviceId);
        var pre = new List<NoticeBlock>
        {
            new ParagraphBlock(T(
                $"本書は、{Company}（以下「当社」といいます。）の「{X(s.Name)}」における個人情報の取扱いを定めるものです。本書に定めのない事項は当社の個人情報保護方針によります。本書と個人情報保護方針の内容が異なる場合は本書が優先し、特定個人情報等の取扱いについては「特定個人情報等の適正な取扱いに関する基本方針」が優先します。",
                $"This document sets out how {Company} (\"we\") handles personal information in \"{X(s.Name)}\". Matters not covered here follow our Privacy Policy; where they differ, this document prevails, and the Basic Policy on Specific Personal Information prevails for My Number.")),
            LanguageNote(),
        };
        var sections = new List<NoticeSection> { ServiceSection(s, "service", eff) };
        if (eff.RequestProcedures is not null) sections.Add(Requests("requests", eff.RequestProcedures));
        sections.Add(ContactSection("contact", eff.Contact, withAccreditedBody: false));
        return new NoticeDocument(lang, X(s.Name) + T("における個人情報の取扱い", ": handling of personal information"), Company, pre, sections);
    }

    private NoteBlock LanguageNote() => new(T(
        "本方針は日本語を正文とします。英語版は参考のための翻訳であり、日本語版と英語版の内容に相違がある場合は日本語版が優先します。",
        "This English version is a translation provided for convenience only. The Japanese text is authoritative: if the Japanese and English versions differ, the Japanese version prevails."));

    private List<NoticeBlock> Preamble()
    {
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T(
                $"{Company}（以下「当社」といいます。）は、個人情報を適切に保護することが社会的責務であると考え、個人情報の保護に関する法律その他の関係法令、個人情報保護委員会のガイドライン及び本方針を遵守して、個人情報を取り扱います。",
                $"{Company} (\"we\") considers the proper protection of personal information a social responsibility, and handles it in compliance with the Act on the Protection of Personal Information, other applicable laws, the guidelines of the Personal Information Protection Commission and this policy.")),
        };
        if (p.Services.Count > 0)
            blocks.Add(new ParagraphBlock(T(
                "当社の各サービスにおいて個人情報の取扱いを別に定めている場合、その定めと本方針の内容が相反するときは、各サービスの定めが優先します。",
                "Where one of our services has its own terms on personal information that conflict with this policy, the service's terms prevail.")));
        if (p.MyNumber is not null)
            blocks.Add(new ParagraphBlock(T(
                "特定個人情報等（個人番号を含む個人情報）の取扱いについては、「特定個人情報等の適正な取扱いに関する基本方針」が本方針及び各サービスの定めに優先します。",
                "For specific personal information (personal information including My Number), the Basic Policy on the Proper Handling of Specific Personal Information prevails over this policy and every service's terms.")));
        var dates = new List<KeyValuePair<string, string>>();
        if (p.Established is { } est) dates.Add(new(T("制定日", "Established"), Date(est)));
        if (p.Amendments.Count > 0) dates.Add(new(T("最終改定日", "Last amended"), Date(p.Amendments.Max(a => a.Date))));
        if (dates.Count > 0) blocks.Add(new FactsBlock(dates));
        blocks.Add(LanguageNote());
        return blocks;
    }

    private string Date(DateOnly d) => NoticePhrases.Date(d, lang);

    private string Yen(int amount) => lang == NoticeLanguage.Ja
        ? amount.ToString("#,0", CultureInfo.InvariantCulture) + "円"
        : "JPY " + amount.ToString("#,0", CultureInfo.InvariantCulture);

    private NoticeSection Business()
    {
        var c = p.Company;
        var facts = new List<KeyValuePair<string, string>>
        {
            new(T("名称", "Name"), X(c.LegalName)),
            new(T("住所", "Address"), X(c.Address)),
            new(T("代表者", "Representative"), X(c.Representative)),
        };
        if (c.CorporateNumber is not null) facts.Add(new(T("法人番号", "Corporate number"), c.CorporateNumber));
        if (c.Website is not null) facts.Add(new(T("Webサイト", "Website"), c.Website));
        return new NoticeSection("business", T("事業者の名称・住所・代表者", "Business operator"), [new FactsBlock(facts)]);
    }

    private NoticeSection Managers()
    {
        var m = p.PrivacyManagers!;
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T(
                $"当社が取り扱う個人情報については、{X(m.Overall.Title)}{(m.Overall.Name is null ? "" : "（" + X(m.Overall.Name) + "）")}が総括的な管理責任を負い、個人情報を取り扱う部門ごとに管理責任者を置きます。",
                $"The {X(m.Overall.Title)}{(m.Overall.Name is null ? "" : " (" + X(m.Overall.Name) + ")")} is responsible overall for the personal information we handle, with a manager in each department that handles it.")),
        };
        if (m.Departments.Count > 0)
            blocks.Add(new TableBlock(T("部門ごとの管理責任者", "Managers by department"), [T("部門", "Department"), T("管理責任者", "Manager")],
                m.Departments.Select(d => (IReadOnlyList<string>)[X(d.Department), X(d.Title)]).ToList()));
        return new NoticeSection("managers", T("個人情報保護管理者", "Privacy managers"), blocks);
    }

    private string Flags(DataCategory c)
    {
        var f = new List<string>();
        if (c.SpecialCare) f.Add(T("要配慮個人情報（取得にはご本人の同意が必要です）", "special-care information (acquired only with your consent)"));
        if (c.MyNumber) f.Add(T("個人番号（番号法に定める事務に限り取り扱います）", "My Number (used only for the affairs the My Number Act allows)"));
        if (c.PaymentCard) f.Add(T("決済情報", "payment data"));
        if (c.SmsPhone) f.Add(T("SMS認証に用いる携帯電話番号（ご本人の入力により取得）", "mobile number for SMS verification (entered by you)"));
        if (c.Browsing) f.Add(T("閲覧情報", "browsing data"));
        if (c.CallRecording) f.Add(T("通話録音", "call recording"));
        if (c.Viewers.Count > 0) f.Add(T("閲覧は当社が定める管理責任者・担当者に限ります", "viewable only by the staff we designate"));
        return string.Join(Sep, f);
    }

    private NoticeSection Categories(string id, string heading, IReadOnlyList<DataCategory> cats)
    {
        var rows = cats.Select(c => (IReadOnlyList<string>)[X(c.Name) + (c.Description is null ? "" : T("：", ": ") + X(c.Description)), Flags(c)]).ToList();
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T("当社は、必要な範囲で次の個人情報を取得します。", "We acquire the following personal information as needed.")),
            new TableBlock(T("取得する個人情報の項目", "Items of personal information"), [T("項目", "Item"), T("取扱い上の区分", "Notes")], rows),
        };
        if (id == "items")
            blocks.Add(new ParagraphBlock(T("このほか、各サービスにおける取扱いで定める項目及びこれらに準ずる情報を取得することがあります。",
                "We may also acquire the items named for each service below and information similar to the above.")));
        return new NoticeSection(id, heading, blocks);
    }

    private NoticeSection Acquisition(IReadOnlyList<AcquisitionMethod> methods)
    {
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T("当社は、適法かつ公正な手段により、次の方法で個人情報を取得します。",
                "We acquire personal information lawfully and fairly, by the following methods.")),
            new ListBlock(methods.Select(m => X(m.Name) + (m.Direct ? T("（ご本人から直接取得）", " (directly from you)") : "")).ToList()),
        };
        if (methods.Any(m => m.Direct))
            blocks.Add(new ParagraphBlock(T("契約書その他の書面やWebフォームなどによりご本人から直接個人情報を取得する場合は、あらかじめ利用目的を明示します。",
                "When we acquire personal information directly from you through a contract, another document or a web form, we show you the purpose beforehand.")));
        blocks.Add(new ParagraphBlock(T("要配慮個人情報は、法令に定める場合を除き、あらかじめご本人の同意を得ないで取得しません。",
            "We do not acquire special-care information without your prior consent, except where the law allows.")));
        if (p.Company.GuardianConsentUnderAge is { } age)
            blocks.Add(new ParagraphBlock(T($"{age}歳未満の方が個人情報をご提供される場合は、保護者の方の同意のもとでご提供ください。",
                $"If you are under {age}, please provide personal information only with your parent's or guardian's consent.")));
        return new NoticeSection("acquisition", T("取得方法", "How we acquire personal information"), blocks);
    }

    private string Retention(Retention? r) => r is null ? "" : NoticePhrases.Retention(r, lang);

    private string Names(IEnumerable<string> ids, IReadOnlyList<DataCategory> cats) =>
        string.Join(Sep, ids.Select(id => cats.FirstOrDefault(c => c.Id == id) is { } c ? X(c.Name) : id));

    private TableBlock PurposeTable(string caption, IEnumerable<Purpose> purposes, IPolicyScope scope) =>
        new(caption,
            [T("利用目的", "Purpose"), T("利用する項目", "Items used"), T("ご本人の同意", "Your consent"), T("保存期間", "Retention"), T("開示等の対象", "Subject to requests")],
            purposes.Select(x => (IReadOnlyList<string>)[
                X(x.Name) + (x.Description is null ? "" : T("：", ": ") + X(x.Description)),
                Names(x.Categories, scope.DataCategories),
                x.ConsentRequired ? T("同意を得て利用", "with your consent") : T("不要", "not required"),
                Retention(x.Retention),
                x.Disclosable ? T("対象", "yes") : T("対象外", "no"),
            ]).ToList());

    private NoticeSection Purposes(string id, IPolicyScope scope, IReadOnlyList<Purpose> purposes)
    {
        var subs = new List<NoticeSection>();
        foreach (var st in scope.SubjectTypes)
        {
            var list = purposes.Where(x => x.SubjectTypes.Contains(st.Id)).ToList();
            if (list.Count == 0) continue;
            subs.Add(new NoticeSection($"{id}-{st.Id}", X(st.Name), [PurposeTable(T($"{X(st.Name)}の個人情報の利用目的", $"Purposes for {X(st.Name)}"), list, scope)]));
        }
        var orphan = purposes.Where(x => x.SubjectTypes.Count == 0).ToList();
        if (orphan.Count > 0)
            subs.Add(new NoticeSection($"{id}-other", T("その他", "Others"), [PurposeTable(T("その他の利用目的", "Other purposes"), orphan, scope)]));
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T(
                "当社は、取得した個人情報を、ご本人の区分ごとに次の利用目的の達成に必要な範囲内で利用します。保存期間が経過したとき又は利用目的を達成したときは、法令により保存が義務付けられている場合を除き、遅滞なく消去します。",
                "We use personal information only as needed for the following purposes, by kind of person. When the retention period ends or the purpose is achieved, we erase the data without delay unless a law requires us to keep it.")),
        };
        if (id == "purposes")
            blocks.Add(new ParagraphBlock(T(
                "利用目的の範囲を超えて個人情報を利用する場合は、あらかじめご本人の同意を得ます。ただし、(1) 法令に基づく場合、(2) 人の生命、身体又は財産の保護のために必要がある場合であってご本人の同意を得ることが困難であるとき、(3) 公衆衛生の向上又は児童の健全な育成の推進のために特に必要がある場合であってご本人の同意を得ることが困難であるとき、(4) 国の機関若しくは地方公共団体又はその委託を受けた者が法令の定める事務を遂行することに対して協力する必要がある場合であってご本人の同意を得ることにより当該事務の遂行に支障を及ぼすおそれがあるときは、この限りではありません。",
                "We ask for your prior consent before using personal information beyond these purposes, except (1) where required by law; (2) where needed to protect a person's life, body or property and your consent is hard to obtain; (3) where especially needed for public health or children's healthy development and your consent is hard to obtain; (4) where needed to cooperate with a state or local authority performing duties under the law and asking your consent would hinder those duties.")));
        return new NoticeSection(id, T("利用目的", "Purposes of use"), blocks, subs);
    }

    private NoticeSection? Browsing(IReadOnlyList<Purpose> purposes, IPolicyScope scope, string id = "browsing")
    {
        var combined = purposes.Where(x => x.CombinesBrowsing).ToList();
        if (combined.Count == 0) return null;
        var cats = scope.DataCategories.Where(c => c.Browsing).ToList();
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T("当社は、お客さまの閲覧情報をお客さま個人を識別する情報と組み合わせ、次の目的で利用することがあります。",
                "We may combine your browsing data with information that identifies you and use it for the following purposes.")),
            new ListBlock(combined.Select(x => X(x.Name)).ToList()),
            new ParagraphBlock(T("収集する閲覧情報：", "Browsing data collected: ") + string.Join(Sep, cats.Select(c => X(c.Name)))),
            new ParagraphBlock(T("閲覧情報は、Cookie、Webビーコン及び利用者を識別する暗号化されたパラメータ付きURL（個別URL）により収集し、お知らせした目的のみに利用します。行動ターゲティング広告には、個人を特定しない形でのみ利用します。",
                "We collect browsing data with cookies, web beacons and personalised URLs carrying an encrypted parameter, and use it only for the purposes stated. Behavioural advertising uses it only in a form that does not identify you.")),
        };
        return new NoticeSection(id, T("閲覧情報の利用", "Use of browsing data"), blocks);
    }

    private NoticeSection Provision(string id, Recipients r, OptOutProvision? optOut, IPolicyScope scope, bool general)
    {
        var blocks = new List<NoticeBlock>();
        if (general)
        {
            blocks.Add(new ParagraphBlock(T(
                "当社は、次の場合を除き、あらかじめご本人の同意を得ないで個人データを第三者（外国にある第三者を含みます。）に提供しません。(1) 法令に基づく場合、(2) 人の生命、身体又は財産の保護のために必要がある場合であってご本人の同意を得ることが困難であるとき、(3) 公衆衛生の向上又は児童の健全な育成の推進のために特に必要がある場合であってご本人の同意を得ることが困難であるとき、(4) 国の機関等の法令に定める事務への協力が必要な場合であって同意を得ることにより支障を及ぼすおそれがあるとき、(5) 利用目的の達成に必要な範囲で個人データの取扱いを委託する場合、(6) 合併その他の事由による事業の承継に伴って提供する場合、(7) 以下に定める共同利用、オプトアウトによる提供その他本方針又は各サービスの定めによる場合。",
                "We do not provide personal data to third parties (including those in foreign countries) without your prior consent, except (1) where required by law; (2) to protect life, body or property when consent is hard to obtain; (3) for public health or children's development when consent is hard to obtain; (4) to cooperate with authorities' statutory duties when asking would hinder them; (5) when entrusting handling within the purposes of use; (6) on succession by merger or business transfer; (7) for shared use, opt-out provision or other cases stated in this policy or a service's terms.")));
            blocks.Add(new ParagraphBlock(T(
                "法令に基づく場合を除き第三者に個人データを提供したときは、提供の年月日、提供先、提供した項目等を記録し、法令で定める期間保存します。提供に当たっては、その必要性を十分に検討したうえで判断します。",
                "When we provide personal data to a third party, we record the date, the recipient, the items and the other matters the law requires, keep the record for the statutory period, and decide on each provision only after examining whether it is necessary.")));
        }
        var subs = new List<NoticeSection>();
        if (r.Entrustees.Count > 0)
            subs.Add(new NoticeSection($"{id}-entrustment", T("個人データの取扱いの委託", "Entrustment"),
            [
                new ParagraphBlock(T(
                    "当社は、利用目的の達成に必要な範囲で個人データの取扱いを委託することがあります。委託先は当社と同等以上の個人情報保護の水準にあることを確認して選定し、機密保持及び監査に関する条項を含む契約を締結したうえで、必要かつ適切な監督を行います。",
                    "We may entrust the handling of personal data within the purposes of use. We choose entrustees whose protection is at least as good as ours, bind them by contracts with confidentiality and audit clauses, and supervise them.")),
                new TableBlock(T("主な委託先", "Main entrustees"), [T("委託先", "Entrustee"), T("委託する業務", "Task"), T("項目", "Items"), T("監督の方法", "Supervision")],
                    r.Entrustees.Select(e => (IReadOnlyList<string>)[X(e.Name), X(e.Task), Names(e.Categories, scope.DataCategories), X(e.Contract.Supervision)]).ToList()),
            ]));
        foreach (var su in r.SharedUse)
            subs.Add(new NoticeSection($"{id}-shared-{su.Id}", T("共同利用", "Shared use") + (su.Name is null ? "" : T("：", ": ") + X(su.Name)),
            [
                new ParagraphBlock(T("当社は、次のとおり個人データを共同して利用します。", "We share personal data as follows.")),
                new FactsBlock(
                [
                    new(T("共同して利用される個人データの項目", "Items shared"), Names(su.Categories, scope.DataCategories)),
                    new(T("共同して利用する者の範囲", "Scope of the sharers"), X(su.Scope)),
                    new(T("利用する者の利用目的", "Purposes of the sharers"), X(su.Purposes)),
                    new(T("管理について責任を有する者の名称", "Party responsible: name"), X(su.ResponsibleParty?.Name)),
                    new(T("同住所", "Party responsible: address"), X(su.ResponsibleParty?.Address)),
                    new(T("同代表者", "Party responsible: representative"), X(su.ResponsibleParty?.Representative)),
                    .. su.Since is { } since ? [new KeyValuePair<string, string>(T("共同利用の開始日", "Shared since"), Date(since))] : Array.Empty<KeyValuePair<string, string>>(),
                ]),
            ]));
        if (r.ThirdParties.Count > 0)
            subs.Add(new NoticeSection($"{id}-third-parties", T("第三者への提供", "Provision to third parties"),
            [
                new TableBlock(T("提供先", "Recipients"), [T("提供先", "Recipient"), T("提供する項目", "Items"), T("提供の目的", "Purpose"), T("根拠", "Basis")],
                    r.ThirdParties.Select(t => (IReadOnlyList<string>)[
                        X(t.Name) + (t.Publication ? T("（公開）", " (published)") : "") + (t.Url is null ? "" : " " + t.Url),
                        Names(t.Categories, scope.DataCategories), X(t.Purpose), Basis(t.Basis)]).ToList()),
            ]));
        foreach (var f in r.Foreign)
            subs.Add(new NoticeSection($"{id}-foreign-{f.Id}", T("外国にある第三者への提供：", "Provision to a third party in a foreign country: ") + X(f.Name),
            [
                new FactsBlock(
                [
                    new(T("提供先", "Recipient"), X(f.Name)),
                    new(T("提供先の所在国", "Country"), f.Country is null ? "" : $"{X(f.Country.Name)} ({f.Country.Code})"),
                    new(T("当該国の個人情報の保護に関する制度", "The country's personal-information protection system"), X(f.CountrySystem)),
                    new(T("提供先が講ずる個人情報の保護のための措置", "The recipient's protection measures"), X(f.RecipientMeasures)),
                    new(T("提供の根拠", "Basis"), ForeignBasis(f.Basis)),
                    new(T("委託する業務", "Task"), X(f.Task)),
                    new(T("提供する項目", "Items"), Names(f.Categories, scope.DataCategories)),
                    new(T("措置の確認方法・頻度", "How and how often the measures are checked"), X(f.MeasuresCheck)),
                ]),
            ]));
        if (optOut is not null) subs.Add(OptOutSection($"{id}-opt-out", optOut, scope));
        if (blocks.Count == 0 && subs.Count == 0)
            blocks.Add(new ParagraphBlock(T("第三者への提供は、上記の基本的な定めによります。", "Provision follows the general rules above.")));
        return new NoticeSection(id, T("第三者提供・委託・共同利用", "Provision to others, entrustment and shared use"), blocks, subs);
    }

    private string Basis(ProvisionBasis b) => b switch
    {
        ProvisionBasis.Consent => T("ご本人の同意", "your consent"),
        ProvisionBasis.Law => T("法令に基づく場合", "required by law"),
        ProvisionBasis.LifeBodyProperty => T("人の生命・身体・財産の保護", "protection of life, body or property"),
        ProvisionBasis.PublicHealth => T("公衆衛生・児童の健全育成", "public health or children's development"),
        _ => T("国の機関等への協力", "cooperation with authorities"),
    };

    private string ForeignBasis(ForeignProvisionBasis? b) => b switch
    {
        ForeignProvisionBasis.Consent => T("外国にある第三者への提供についてのご本人の同意", "your consent to provision to a foreign third party"),
        ForeignProvisionBasis.EquivalentMeasures => T("個人情報保護法の趣旨に沿った措置を継続的に講ずるための体制の整備（相当措置）", "a system ensuring measures equivalent to the APPI (continuing equivalent measures)"),
        ForeignProvisionBasis.AdequateCountry => T("個人情報保護委員会が認めた国（日本と同等の水準）", "a country the PPC recognises as equivalent"),
        ForeignProvisionBasis.LawException => T("法令に定める例外", "a statutory exception"),
        _ => "",
    };

    private string Delivery(DeliveryMethod d) => d switch
    {
        DeliveryMethod.Paper => T("紙", "paper"),
        DeliveryMethod.ElectronicTransmission => T("電子データの伝送", "electronic transmission"),
        DeliveryMethod.ExternalMedia => T("外部記録媒体の形式での交付", "external media"),
        _ => T("サーバーへのアクセス", "server access"),
    };

    private NoticeSection OptOutSection(string id, OptOutProvision o, IPolicyScope scope)
    {
        var purpose = scope.Purposes.FirstOrDefault(x => x.Id == o.Purpose);
        var methods = string.Join(Sep, o.AcquisitionMethods.Select(m => scope.AcquisitionMethods.FirstOrDefault(a => a.Id == m) is { } a ? X(a.Name) : m));
        var facts = new List<KeyValuePair<string, string>>
        {
            new(T("第三者提供を行う事業者の名称・住所・代表者", "Provider: name, address, representative"),
                $"{Company}{Sep}{X(p.Company.Address)}{Sep}{X(p.Company.Representative)}"),
            new(T("第三者への提供を利用目的とすること", "Provision to third parties as a purpose"), purpose is null ? "" : X(purpose.Name)),
            new(T("第三者に提供される個人データの項目", "Items provided"), Names(o.Categories, scope.DataCategories) + (o.ItemsNote is null ? "" : T("（", " (") + X(o.ItemsNote) + T("）", ")"))),
            new(T("提供先", "Recipients"), X(o.Recipients)),
            new(T("第三者に提供される個人データの取得の方法", "How the data is acquired"), methods),
            new(T("第三者への提供の方法", "Method of provision"), string.Join(Sep, o.DeliveryMethods.Select(Delivery))),
            new(T("ご本人の求めに応じて提供を停止すること", "Stopping provision on your request"), X(o.StopOnRequest)),
            new(T("ご本人の求めを受け付ける方法", "How requests are received"), X(o.RequestMethod)),
            new(T("提供される個人データの更新の方法", "How the data is updated"), X(o.UpdateMethod)),
            // Rules Art.11(3)(vii) asks for the planned day before the start; after it, the day provision began.
            o.StartDate is { } sd && today is { } t && sd <= t
                ? new(T("提供の開始日", "Provision started on"), Date(sd))
                : new(T("提供を開始する予定日", "Start of provision"), o.StartDate is { } planned ? Date(planned) : ""),
            new(T("個人情報保護委員会への届出日", "Notified to the PPC on"), o.PpcNotifiedOn is { } n ? Date(n) : ""),
        };
        return new NoticeSection(id, T("オプトアウトによる第三者提供", "Provision to third parties by opt-out"),
        [
            new ParagraphBlock(T("当社は、個人情報保護委員会に届け出たうえで、次のとおり個人データ（要配慮個人情報及び個人番号を除きます。）を第三者に提供します。ご本人の求めがあった場合は遅滞なく提供を停止します。",
                "Having notified the Personal Information Protection Commission, we provide personal data (never special-care information or My Number) to third parties as follows, and stop without delay when you ask.")),
            new FactsBlock(facts),
        ]);
    }

    private string TagCategory(TagCategory c) => c switch
    {
        Policy.TagCategory.Essential => T("サービス提供に必須", "essential"),
        Policy.TagCategory.Functional => T("機能", "functional"),
        Policy.TagCategory.Analytics => T("分析", "analytics"),
        _ => T("広告", "advertising"),
    };

    private NoticeSection Cookies(string id, CookiePolicy? cookies, IReadOnlyList<ExternalTag> tags)
    {
        var blocks = new List<NoticeBlock>();
        if (cookies is not null)
        {
            blocks.Add(new ParagraphBlock(X(cookies.Notice)));
            if (cookies.SessionCookies is not null) blocks.Add(new ParagraphBlock(X(cookies.SessionCookies)));
        }
        if (tags.Count > 0)
        {
            blocks.Add(new ParagraphBlock(T("当社のWebサイト及びアプリケーションは、次のとおり利用者に関する情報を外部に送信しています（電気通信事業法第27条の12に基づく公表）。",
                "Our websites and apps send information about users to others as follows (published under Art.27-12 of the Telecommunications Business Act).")));
            blocks.Add(new TableBlock(T("外部送信される情報", "Information sent externally"),
                [T("送信先", "Recipient"), T("タグ・モジュール", "Tag or module"), T("送信される情報", "Information sent"), T("利用目的", "Purpose"), T("区分", "Category"), T("オプトアウト", "Opt-out")],
                tags.Select(t => (IReadOnlyList<string>)[X(t.Recipient), X(t.Name), X(t.InformationSent), X(t.Purpose),
                    TagCategory(t.Category) + (t.ConsentRequired ? T("（同意を得て送信）", " (sent with consent)") : ""), t.OptOutUrl ?? ""]).ToList()));
        }
        if (blocks.Count == 0) blocks.Add(new ParagraphBlock(T("当社は、利用者に関する情報を外部に送信するタグ等を使用していません。", "We use no tags that send user information to others.")));
        return new NoticeSection(id, T("Cookie及び外部送信", "Cookies and external transmission"), blocks);
    }

    private NoticeSection Security(string id, string heading, SecurityMeasures s)
    {
        var subs = new List<NoticeSection>();
        void Add(string key, string ja, string en, IReadOnlyList<LocalizedText> items)
        {
            if (items.Count > 0) subs.Add(new NoticeSection($"{id}-{key}", T(ja, en), [new ListBlock(items.Select(X).ToList())]));
        }
        Add("basic", "基本方針の策定", "Basic policy", s.BasicPolicy);
        Add("rules", "個人データの取扱いに係る規律の整備", "Handling rules", s.Rules);
        Add("organizational", "組織的安全管理措置", "Organisational measures", s.Organizational);
        Add("human", "人的安全管理措置", "Human measures", s.Human);
        Add("physical", "物理的安全管理措置", "Physical measures", s.Physical);
        Add("technical", "技術的安全管理措置", "Technical measures", s.Technical);
        Add("foreign", "外的環境の把握", "Understanding the foreign environment", s.ForeignEnvironment);
        return new NoticeSection(id, heading,
            [new ParagraphBlock(T("当社は、個人データの漏えい、滅失又は毀損の防止その他の安全管理のため、次の措置を講じています。",
                "We take the following measures to prevent leaks, loss or damage of personal data and otherwise keep it safe."))], subs);
    }

    private string RequestType(RequestType t) => RequestTypeName(t, lang);

    private string Channel(RequestChannel c) => ChannelName(c, lang);

    /// <summary>A request type as the notice lists it; the change history names it the same way.</summary>
    internal static string RequestTypeName(RequestType t, NoticeLanguage lang)
    {
        string T(string ja, string en) => lang == NoticeLanguage.Ja ? ja : en;
        return t switch
        {
            Policy.RequestType.PurposeNotification => T("利用目的の通知", "notification of the purpose of use"),
            Policy.RequestType.Disclosure => T("開示", "disclosure"),
            Policy.RequestType.Correction => T("内容の訂正・追加・削除", "correction, addition or deletion"),
            Policy.RequestType.Suspension => T("利用の停止・消去", "suspension of use or erasure"),
            Policy.RequestType.StopProvision => T("第三者への提供の停止", "stopping provision to third parties"),
            Policy.RequestType.Anonymization => T("ぼかし・匿名化等の加工", "blurring or anonymising of items"),
            Policy.RequestType.Portability => T("データの移行（機械可読な形式での提供）", "data portability (a machine-readable export)"),
            _ => T("第三者提供記録の開示", "disclosure of third-party provision records"),
        };
    }

    /// <summary>A channel for requests as the notice names it; the change history names it the same way.</summary>
    internal static string ChannelName(RequestChannel c, NoticeLanguage lang)
    {
        string T(string ja, string en) => lang == NoticeLanguage.Ja ? ja : en;
        return c switch
        {
            RequestChannel.CertifiedMail => T("簡易書留等の郵送", "registered mail"),
            RequestChannel.Mail => T("郵送", "post"),
            RequestChannel.InPerson => T("窓口への持参", "in person"),
            RequestChannel.WebForm => T("Webフォーム", "web form"),
            RequestChannel.Email => T("電子メール", "email"),
            RequestChannel.Phone => T("電話", "phone"),
            _ => "FAX",
        };
    }

    private string Doc(RequiredDocument d) =>
        X(d.Name) + (d.MaxAge is { } age ? T($"（{NoticePhrases.IssuedWithin(age, lang)}）", $" ({NoticePhrases.IssuedWithin(age, lang)})") : "");

    private NoticeSection Requests(string id, RequestProcedures r)
    {
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T("ご本人又はその代理人は、当社の保有個人データについて、次の請求を行うことができます。当社は、ご本人（又は代理人）であることを確認したうえで、法令に基づき遅滞なく対応します。",
                "You or your agent may make the following requests about the retained personal data we hold. After verifying that the request comes from you (or your agent), we respond without delay as the law requires.")),
            new ListBlock(r.Types.Select(RequestType).ToList()),
        };
        var facts = new List<KeyValuePair<string, string>>
        {
            new(T("受付方法", "How to send a request"), string.Join(Sep, r.Channels.Select(Channel))),
        };
        if (r.NotAccepted.Count > 0) facts.Add(new(T("受け付けない方法", "Not accepted"), string.Join(Sep, r.NotAccepted.Select(Channel))));
        if (r.Forms is not null) facts.Add(new(T("請求書式", "Forms"), X(r.Forms)));
        if (r.SendTo is not null) facts.Add(new(T("送付先", "Send to"), X(r.SendTo)));
        blocks.Add(new FactsBlock(facts));

        var subs = new List<NoticeSection>();
        var all = r.IdentityDocuments.Where(d => d.Requirement == DocumentRequirement.All).ToList();
        var oneOf = r.IdentityDocuments.Where(d => d.Requirement == DocumentRequirement.OneOf).ToList();
        var idBlocks = new List<NoticeBlock>();
        if (all.Count > 0) idBlocks.Add(new ListBlock(all.Select(Doc).ToList()));
        if (oneOf.Count > 0)
        {
            idBlocks.Add(new ParagraphBlock(NoticePhrases.OneOfLead(all.Count > 0, lang)));
            idBlocks.Add(new ListBlock(oneOf.Select(Doc).ToList()));
        }
        if (RequestProcedures.EmailCodeOffered(r)) idBlocks.Add(new ParagraphBlock(NoticePhrases.EmailCodeAlternative(r, lang)));
        subs.Add(new NoticeSection($"{id}-identity", T("ご本人確認のための書類", "Documents to verify your identity"), idBlocks));
        if (r.ProxyDocuments.Count > 0 || r.LegalRepresentativeDocuments.Count > 0)
        {
            var pb = new List<NoticeBlock>();
            if (r.ProxyDocuments.Count > 0)
            {
                pb.Add(new ParagraphBlock(T("任意代理人による請求の場合は、ご本人確認書類に加えて次の書類が必要です。", "For a request by an authorised agent, the following documents are needed as well.")));
                pb.Add(new ListBlock(r.ProxyDocuments.Select(Doc).ToList()));
            }
            if (r.LegalRepresentativeDocuments.Count > 0)
            {
                pb.Add(new ParagraphBlock(T("法定代理人（未成年者の親権者・成年後見人）による請求の場合は、次の書類が必要です。", "For a request by a legal representative (parent of a minor or guardian of an adult ward), the following documents are needed.")));
                pb.Add(new ListBlock(r.LegalRepresentativeDocuments.Select(Doc).ToList()));
            }
            subs.Add(new NoticeSection($"{id}-proxy", T("代理人による請求", "Requests by an agent"), pb));
        }
        var feeBlocks = new List<NoticeBlock>();
        if (r.Fees.Count == 0)
            feeBlocks.Add(new ParagraphBlock(T("手数料はいただきません。", "There is no fee.")));
        else
        {
            feeBlocks.Add(new TableBlock(T("手数料", "Fees"), [T("請求の種類", "Request"), T("手数料", "Fee"), T("単位", "Unit")],
                r.Fees.Select(f => (IReadOnlyList<string>)[RequestType(f.Type),
                    Yen(f.AmountYen) + (f.TaxIncluded ? T("（税込）", " (tax included)") : T("（税別）", " (tax excluded)")), X(f.Per)]).ToList()));
            feeBlocks.Add(new ParagraphBlock(T("上記以外の請求には手数料はかかりません。", "Other requests are free of charge.")));
            if (r.PaymentMethod is not null) feeBlocks.Add(new ParagraphBlock(T("お支払方法：", "Payment: ") + X(r.PaymentMethod)));
        }
        subs.Add(new NoticeSection($"{id}-fees", T("手数料及びお支払方法", "Fees and payment"), feeBlocks));
        var answer = new List<NoticeBlock>();
        if (r.AnswerMethod is not null) answer.Add(new ParagraphBlock(X(r.AnswerMethod)));
        if (r.ResponseTime is not null) answer.Add(new ParagraphBlock(T("回答の時期：", "When we answer: ") + X(r.ResponseTime)));
        answer.Add(new ParagraphBlock(T("調査の結果、請求に理由がないと認められた場合や法令に定める事由に該当する場合は、その旨と理由をお知らせしたうえで請求に応じないことがあります。",
            "If, after investigation, a request is found unjustified or a statutory ground applies, we may refuse it and tell you so with our reasons.")));
        subs.Add(new NoticeSection($"{id}-answer", T("回答の方法", "How we answer"), answer));
        return new NoticeSection(id, T("開示等の請求の手続", "How to make requests about your data"), blocks, subs);
    }

    private NoticeSection ContactSection(string id, Contact? c, bool withAccreditedBody)
    {
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T("個人情報の取扱いに関するお問合せ・苦情は、次の窓口で受け付け、迅速かつ適切に対応します。",
                "We receive questions and complaints about our handling of personal information at the desk below and answer them promptly and properly.")),
        };
        if (c is not null)
        {
            var facts = new List<KeyValuePair<string, string>> { new(T("窓口", "Desk"), X(c.Name)) };
            if (c.Phone is not null) facts.Add(new(T("電話", "Phone"), c.Phone));
            if (c.Email is not null) facts.Add(new(T("電子メール", "Email"), c.Email));
            if (c.Hours is not null) facts.Add(new(T("受付時間", "Hours"), X(c.Hours)));
            if (c.Address is not null) facts.Add(new(T("住所", "Address"), X(c.Address)));
            if (c.FormUrl is not null) facts.Add(new(T("お問合せフォーム", "Contact form"), c.FormUrl));
            blocks.Add(new FactsBlock(facts));
        }
        if (withAccreditedBody)
            blocks.Add(new ParagraphBlock(p.Company.AccreditedBody is { } ab
                ? T($"当社は認定個人情報保護団体である{X(ab.Name)}の対象事業者です。", $"We are a member of the accredited personal information protection organisation {X(ab.Name)}.") + (ab.Contact is null ? "" : T("苦情の申出先：", " Complaints: ") + X(ab.Contact))
                : T("当社が対象事業者となっている認定個人情報保護団体はありません。", "We are not a member of any accredited personal information protection organisation.")));
        return new NoticeSection(id, T("お問合せ・苦情の申出先", "Questions and complaints"), blocks);
    }

    private NoticeSection ServiceSection(ServicePolicy s, string id, EffectivePolicy? eff = null)
    {
        var scope = (IPolicyScope?)eff ?? p.Resolve(s.Id);
        var blocks = new List<NoticeBlock>();
        if (s.Description is not null) blocks.Add(new ParagraphBlock(X(s.Description)));
        if (s.Url is not null) blocks.Add(new FactsBlock([new(T("サービスのWebサイト", "Service website"), s.Url)]));
        var subs = new List<NoticeSection>();
        if (s.DataCategories.Count > 0)
            subs.Add(Categories($"{id}-items", T("このサービスで取得する項目", "Items acquired by this service"), s.DataCategories));
        if (s.AcquisitionMethods.Count > 0)
            subs.Add(new NoticeSection($"{id}-acquisition", T("このサービスでの取得方法", "How this service acquires data"),
                [new ListBlock(s.AcquisitionMethods.Select(m => X(m.Name) + (m.Direct ? T("（ご本人から直接取得）", " (directly from you)") : "")).ToList())]));
        if (s.Purposes.Count > 0)
        {
            var section = Purposes($"{id}-purposes", scope, s.Purposes);
            subs.Add(section with { Heading = T("このサービスにおける利用目的", "Purposes in this service") });
            if (Browsing(s.Purposes, scope, $"{id}-browsing") is { } b) subs.Add(b);
        }
        var ownRecipients = s.Recipients;
        if (ownRecipients.Entrustees.Count + ownRecipients.SharedUse.Count + ownRecipients.ThirdParties.Count + ownRecipients.Foreign.Count > 0 || s.OptOut is not null)
            subs.Add(Provision($"{id}-provision", ownRecipients, s.OptOut, scope, general: false) with { Heading = T("このサービスにおける第三者提供等", "Provision to others in this service") });
        if (s.ExternalTags.Count > 0 || s.Cookies is not null)
            subs.Add(Cookies($"{id}-cookies", s.Cookies, s.ExternalTags) with { Heading = T("このサービスにおけるCookie及び外部送信", "Cookies and external transmission in this service") });
        if (eff is null && s.RequestProcedures is { } srp)
        {
            var requests = Requests($"{id}-requests", srp);
            // In the full notice, a service that only changes fees shows only its fees.
            if (p.RequestProcedures is { } crp && SameApartFromFees(srp, crp))
                subs.Add(requests.Subsections.Single(x => x.Id == $"{id}-requests-fees") with { Heading = T("このサービスにおける開示等の請求の手数料", "Request fees in this service") });
            else
                subs.Add(requests with { Heading = T("このサービスにおける開示等の請求の手続", "Requests about data in this service") });
        }
        if (eff is null && s.Contact is not null)
            subs.Add(ContactSection($"{id}-contact", scope.Contact, withAccreditedBody: false) with { Heading = T("このサービスに関するお問合せ窓口", "Contact for this service") });
        return new NoticeSection(id, X(s.Name), blocks, subs);
    }

    private static bool SameApartFromFees(RequestProcedures a, RequestProcedures b) =>
        PolicyCanonicalText(a with { Fees = [], PaymentMethod = null }) == PolicyCanonicalText(b with { Fees = [], PaymentMethod = null });

    private static string PolicyCanonicalText(RequestProcedures r) => System.Text.Json.JsonSerializer.Serialize(r);

    private NoticeSection MyNumber()
    {
        var m = p.MyNumber!;
        var blocks = new List<NoticeBlock> { new ParagraphBlock(X(m.Statement)) };
        if (m.Compliance is not null) blocks.Add(new ParagraphBlock(X(m.Compliance)));
        var subs = new List<NoticeSection>();
        var myCats = p.DataCategories.Where(c => c.MyNumber).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        var purposes = p.Purposes.Where(x => x.Categories.Any(myCats.Contains)).ToList();
        if (purposes.Count > 0)
            subs.Add(new NoticeSection("mynumber-purposes", T("特定個人情報等の利用目的", "Purposes of use of specific personal information"),
                [PurposeTable(T("個人番号を利用する事務", "Affairs using My Number"), purposes, p)]));
        if (m.DesignatedRoles.Count > 0)
            subs.Add(new NoticeSection("mynumber-staff", T("事務取扱担当者", "Designated staff"),
                [new ParagraphBlock(T("特定個人情報等は、当社が指名した事務取扱担当者のみが取り扱い、その取扱いを記録します。",
                    "Only the staff we designate handle specific personal information, and every handling is recorded."))]));
        var entrusted = p.Recipients.Entrustees.Where(e => e.Categories.Any(myCats.Contains)).ToList();
        if (entrusted.Count > 0)
            subs.Add(new NoticeSection("mynumber-entrustment", T("委託先の監督", "Supervision of entrustees"),
                [new ParagraphBlock(T("個人番号関係事務を委託する場合は、番号法に基づき委託先において安全管理措置が講じられるよう必要かつ適切な監督を行い、再委託は当社の許諾を得た場合に限ります。",
                    "When we entrust My Number affairs, we supervise the entrustee under the My Number Act, and re-entrustment needs our permission.")),
                 new ListBlock(entrusted.Select(e => X(e.Name) + T("：", ": ") + X(e.Task)).ToList())]));
        if (m.SecurityMeasures is not null) subs.Add(Security("mynumber-security", T("特定個人情報等の安全管理措置", "Security measures for specific personal information"), m.SecurityMeasures));
        if (m.Contact is not null) subs.Add(ContactSection("mynumber-contact", m.Contact, withAccreditedBody: false) with { Heading = T("特定個人情報等に関するお問合せ窓口", "Contact for My Number") });
        return new NoticeSection("mynumber", T("特定個人情報等の適正な取扱いに関する基本方針", "Basic Policy on the Proper Handling of Specific Personal Information"), blocks, subs);
    }

    private NoticeSection History()
    {
        var blocks = new List<NoticeBlock>
        {
            new ParagraphBlock(T("当社は、個人情報の取扱いの見直しにより本方針を変更することがあります。変更した場合は当社Webサイトでお知らせし、変更後の本方針は掲載した時点から適用されます。",
                "We may revise this policy as we review our handling of personal information. We announce changes on our website; the revised policy applies from its publication.")),
        };
        if (p.Amendments.Count > 0)
            blocks.Add(new TableBlock(T("改定履歴", "Amendment history"), [T("日付", "Date"), T("内容", "Change")],
                p.Amendments.OrderBy(a => a.Date).Select(a => (IReadOnlyList<string>)[Date(a.Date), X(a.Summary)]).ToList()));
        return new NoticeSection("history", T("本方針の変更・改定履歴", "Changes and amendment history"), blocks);
    }
}
