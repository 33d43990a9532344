namespace Mamori.Discovery;

/// <summary>
/// Word lists the recognizers use: the 47 prefectures, the 市区町村 dictionary (embedded
/// <c>Data/jp-municipalities.tsv</c>, generated from Japan Post's 郵便番号データ), common surnames,
/// context words and 要配慮個人情報 keywords.
/// </summary>
internal static class JapaneseDictionary
{
    public static readonly string[] Prefectures =
    [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
        "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
        "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
        "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
        "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ];

    public static readonly HashSet<string> PrefectureSet = new(Prefectures, StringComparer.Ordinal);
    public static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> PrefectureLookup = PrefectureSet.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Municipality names and the variants people write: without the 郡 part, and the city of a ward.</summary>
    public static readonly HashSet<string> MunicipalitySet = LoadMunicipalities();
    public static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> MunicipalityLookup = MunicipalitySet.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Common family names (public facts, written for this project). Longest first within a first character.</summary>
    public static readonly string[] Surnames =
    [
        "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "渡邊", "渡部", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口",
        "松本", "井上", "木村", "林", "斎藤", "斉藤", "齋藤", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "山下", "中島",
        "石井", "小川", "前田", "岡田", "長谷川", "藤田", "後藤", "近藤", "村上", "遠藤", "青木", "坂本", "斉木", "福田", "太田",
        "西村", "藤井", "金子", "岡本", "藤原", "中野", "三浦", "原田", "中川", "松田", "竹内", "小野", "田村", "中山", "和田",
        "石田", "森田", "上田", "原", "内田", "柴田", "酒井", "宮崎", "横山", "高木", "安藤", "宮本", "大野", "小島", "谷口",
        "工藤", "今井", "高田", "増田", "丸山", "杉山", "村田", "大塚", "新井", "小山", "平野", "藤本", "河野", "上野", "野口",
        "武田", "松井", "千葉", "岩崎", "菅原", "木下", "久保", "佐野", "野村", "松尾", "市川", "菊地", "菊池", "杉本", "古川",
        "大西", "島田", "水野", "桜井", "櫻井", "高野", "渡辺", "吉川", "山内", "西田", "飯田", "菅野", "西川", "小松", "北村",
        "安田", "五十嵐", "川口", "平田", "関", "中田", "久保田", "服部", "東", "岩田", "土屋", "川崎", "福島", "本田", "辻",
        "樋口", "秋山", "田口", "永井", "山中", "中西", "吉村", "川上", "石原", "大橋", "松岡", "馬場", "浜田", "森本", "星野",
        "矢野", "浅野", "大久保", "松下", "吉岡", "小池", "野田", "荒木", "大谷", "内藤", "松浦", "熊谷", "黒田", "尾崎", "永田",
        "川村", "望月", "田辺", "松村", "荒井", "堀", "大島", "平井", "早川", "菅", "栗原", "西山", "広瀬", "横田", "石橋", "萩原",
        "岩本", "片山", "関口", "宮田", "大石", "高山", "本間", "須藤", "岡崎", "小田", "伊東", "鎌田", "上原", "篠原", "小西",
        "松原", "福井", "成田", "大森", "南", "奥村", "内山", "沢田", "川島", "桑原", "三宅", "片岡", "富田", "杉浦", "岡", "八木",
        "奥田", "小沢", "松永", "北川", "関根", "河合", "平川", "岩井", "日高", "西", "吉野", "及川", "中尾", "徳永", "蒲田", "新田",
        "若林", "白石", "堀内", "稲垣", "小倉", "竹田", "宇野", "千田", "北野", "水谷", "今村", "川田", "大木", "米田", "宮下",
        "サトウ", "スズキ", "タカハシ", "タナカ", "イトウ", "ワタナベ", "ヤマモト", "ナカムラ", "コバヤシ", "カトウ", "ヨシダ", "ヤマダ",
    ];

    public static readonly HashSet<string> SurnameSet = new(Surnames, StringComparer.Ordinal);
    public static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> SurnameLookup = SurnameSet.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Words before or after a name that are not names themselves (お客様, 担当者様, 皆様…).</summary>
    public static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "客", "お客", "皆", "各位", "奥", "王", "神", "同", "仕", "模", "多", "異", "一", "今", "有", "態", "殿", "貴", "俺",
        "担当", "担当者", "利用者", "会員", "顧客", "患者", "依頼者", "管理者", "申込者", "購入者", "関係者", "責任者", "代表者",
        "保護者", "契約者", "受取人", "先方", "相手", "各", "御中", "社長", "部長", "課長", "係長", "店長", "先生", "ユーザー",
        "お父", "お母", "兄", "姉", "弟", "妹", "奥方", "ご主人", "主人", "家族", "皆々", "みな", "お嬢", "坊", "王子", "神々",
        "外国", "日本", "東京", "大阪", "会社", "当社", "弊社", "御社", "貴社", "同社", "上", "下", "左", "右", "前", "後",
        "問合せ", "問い合わせ", "電話", "電話番号", "住所", "メール", "メールアドレス", "年齢", "性別", "生年月日", "備考", "会社名", "部署", "役職", "郵便番号", "フリガナ", "ふりがな", "氏名", "名前", "カナ", "先祖", "祖先", "ご先祖", "仏", "閻魔", "お釈迦", "観音", "菩薩", "応募者", "参加者", "受講者", "被保険者", "加入者", "相談者", "来訪者", "入居者", "ゲスト",
    };

    public static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> NotNameLookup = NotNames.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Labels after which a name follows (氏名：山田太郎).</summary>
    public static readonly string[] NameLabels =
    [
        "氏名", "お名前", "名前", "患者名", "契約者名", "申込者名", "利用者名", "口座名義", "名義人", "名義", "フリガナ", "ふりがな",
        "宛名", "署名", "担当者名", "担当者", "担当", "申込者", "依頼者", "保護者", "受取人", "差出人", "送り主", "氏　名",
    ];

    /// <summary>Job titles written before a name in signatures and org charts (代表取締役 山田太郎).</summary>
    public static readonly string[] Titles =
    [
        "代表取締役社長", "代表取締役", "取締役", "副社長", "社長", "会長", "専務", "常務", "部長", "課長", "係長", "次長", "主任",
        "室長", "所長", "支店長", "店長", "院長", "理事長", "理事", "監査役", "執行役員", "工場長", "センター長",
    ];

    /// <summary>Last characters of a department name written before a name (営業部 山田太郎, 総務課 佐藤).</summary>
    public const string DepartmentSuffixes = "部課室局係";

    public static readonly string[] Honorifics = ["様", "さま", "さん", "殿", "氏", "くん", "君", "ちゃん", "先生"];

    /// <summary>要配慮個人情報 keywords (個人情報保護法 2条3項, 施行令2条): medical, criminal, disability, creed, race, victimhood.</summary>
    public static readonly string[] SpecialCareKeywords =
    [
        "病歴", "既往歴", "既往症", "持病", "診断名", "診断書", "傷病名", "病名", "通院歴", "入院歴", "手術歴",
        "服薬", "処方薬", "投薬", "健康診断", "健診結果", "人間ドック", "遺伝子検査", "ゲノム", "精神疾患", "うつ病",
        "統合失調症", "認知症", "障害者手帳", "身体障害", "知的障害", "精神障害", "発達障害", "障がい", "障害等級", "療育手帳",
        "要介護", "介護認定", "難病", "HIV", "エイズ", "がん患者", "癌", "妊娠", "不妊治療", "犯罪歴", "前科", "前歴", "逮捕歴",
        "逮捕", "起訴", "有罪判決", "刑事事件", "服役", "犯罪被害", "被害者", "信条", "宗教", "信仰", "人種", "民族", "社会的身分",
        "門地", "本籍", "性的指向", "労働組合", "政党",
    ];

    /// <summary>
    /// Words that introduce special-care information only as a label followed by ：/: (診断：…); alone they are
    /// ordinary words (自己診断). 障害 and 症状 are left out: in technical writing they are faults and symptoms of systems.
    /// </summary>
    public static readonly string[] SpecialCareLabelsOnly = ["診断", "病状", "疾患", "疾病", "治療歴", "服用薬", "罪名"];

    /// <summary>
    /// Form field labels. A labelled value written on one line with the next field (山田太郎電話：…) ends
    /// where one of these starts; after a space any word followed by ：/: ends it. Longest first.
    /// </summary>
    public static readonly string[] FieldLabels =
    [
        .. new[]
        {
            "電話", "電話番号", "携帯", "携帯電話", "連絡先", "住所", "所在地", "メール", "メールアドレス", "年齢", "性別", "生年月日",
            "備考", "会社名", "勤務先", "部署", "所属", "役職", "郵便番号", "職業", "国籍", "カナ", "ご住所", "ご連絡先", "お電話",
            "お電話番号", "ご職業", "ご年齢", "ご所属", "ご勤務先", "誕生日", "Eメール", "電子メール",
        }.Concat(NameLabels).Concat(SpecialCareKeywords).Concat(SpecialCareLabelsOnly).Distinct().OrderByDescending(w => w.Length),
    ];

    public static readonly string[] PhoneContext = ["電話", "TEL", "携帯", "連絡先", "phone", "FAX", "ファックス", "☎", "call", "mobile", "cell"];
    public static readonly string[] MyNumberContext = ["マイナンバー", "個人番号", "my number", "mynumber", "my_number"];
    public static readonly string[] CorporateContext = ["法人番号", "corporate number", "houjin"];
    public static readonly string[] CardContext = ["カード", "クレジット", "card", "visa", "master", "jcb", "amex", "credit"];
    public static readonly string[] PostalContext = ["〒", "郵便番号", "郵便", "zip", "postal", "postcode"];
    public static readonly string[] BankContext = ["口座", "預金", "普通", "当座", "支店", "銀行", "振込", "account", "bank", "ゆうちょ", "記号番号"];
    public static readonly string[] LicenseContext = ["免許", "license", "licence"];
    public static readonly string[] PassportContext = ["旅券", "パスポート", "passport"];
    /// <summary>Words that mark a long number as an order, shipment or product number (lower the score of My Number, card and 法人番号).</summary>
    public static readonly string[] NonPersonalIdContext =
    [
        "注文番号", "注文", "受注", "発注", "伝票", "追跡番号", "お問い合わせ番号", "問合せ番号", "商品コード", "品番", "型番", "バーコード",
        "JAN", "EAN", "GTIN", "UPC", "SKU", "order", "orders", "orderid", "tracking", "invoice", "sku", "barcode",
    ];

    /// <summary>Keys before an epoch-millisecond timestamp.</summary>
    public static readonly string[] TimestampContext = ["ts", "time", "timestamp", "epoch", "created", "updated", "millis", "date", "at", "時刻", "日時"];

    public static readonly string[] BirthContext = ["生年月日", "誕生日", "生まれ", "生年", "DOB", "birth", "born", "出生"];

    /// <summary>URL query parameter names that carry personal data.</summary>
    public static readonly string[] PersonalQueryParams =
    [
        "email", "mail", "e-mail", "tel", "phone", "mobile", "name", "first_name", "last_name", "firstname", "lastname", "fullname",
        "user", "username", "user_id", "userid", "uid", "login", "address", "addr", "zip", "postal", "birth", "dob", "birthday",
        "token", "session", "sessionid", "sid", "account", "card", "mynumber", "ssn", "passport", "ip",
    ];

    private static HashSet<string> LoadMunicipalities()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using var stream = typeof(JapaneseDictionary).Assembly.GetManifestResourceStream("Mamori.Discovery.jp-municipalities.tsv")
            ?? throw new InvalidOperationException("MAMORI-7090: the municipality dictionary resource is missing from Mamori.Discovery.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var tab = line.IndexOf('\t');
            if (tab < 0) continue;
            var name = line[(tab + 1)..].Trim();
            if (name.Length < 2) continue;
            set.Add(name);
            var gun = name.IndexOf('郡');
            if (gun > 0 && gun < name.Length - 2) set.Add(name[(gun + 1)..]);
            var shi = name.IndexOf('市');
            if (shi > 0 && shi < name.Length - 1 && name[^1] == '区')
            {
                set.Add(name[..(shi + 1)]);
            }
        }
        return set;
    }
}
