using System.Globalization;
using Mamori.Audit;
using Mamori.Data;
using Mamori.Incidents;
using Mamori.Policy;
using Mamori.Vault;

namespace Mamori.Demo;

/// <summary>
/// 500 generated, fictional subjects across the demo policy's subject types and services, so the
/// console, the benchmarks and a new user have something to look at. Deterministic (seeded), with
/// valid-looking Japanese names, addresses, phone numbers and My Numbers (check digit correct). Customers, SMS users and
/// employees have a date of birth (the purposes that use it); some SMS users are minors whose guardian
/// consented, as the policy's age for guardian consent requires.
/// </summary>
public static class DemoData
{
    private static readonly (string Kanji, string Romaji)[] Family =
    [
        ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito"), ("渡辺", "watanabe"),
        ("山本", "yamamoto"), ("中村", "nakamura"), ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("山田", "yamada"),
        ("佐々木", "sasaki"), ("山口", "yamaguchi"), ("松本", "matsumoto"), ("井上", "inoue"), ("木村", "kimura"), ("林", "hayashi"),
        ("斎藤", "saito"), ("清水", "shimizu"), ("山崎", "yamazaki"), ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"),
        ("阿部", "abe"), ("石川", "ishikawa"), ("山下", "yamashita"), ("中島", "nakajima"), ("石井", "ishii"), ("小川", "ogawa"),
    ];

    private static readonly (string Kanji, string Romaji)[] Given =
    [
        ("太郎", "taro"), ("花子", "hanako"), ("翔太", "shota"), ("陽菜", "hina"), ("大輝", "daiki"), ("結衣", "yui"),
        ("蓮", "ren"), ("さくら", "sakura"), ("健太", "kenta"), ("美咲", "misaki"), ("拓海", "takumi"), ("葵", "aoi"),
        ("悠真", "yuma"), ("愛", "ai"), ("直樹", "naoki"), ("由美", "yumi"), ("誠", "makoto"), ("恵子", "keiko"),
        ("隆", "takashi"), ("真由美", "mayumi"), ("一郎", "ichiro"), ("優子", "yuko"), ("剛", "tsuyoshi"), ("彩", "aya"),
    ];

    private static readonly (string Prefecture, string City)[] Places =
    [
        ("東京都", "千代田区"), ("東京都", "新宿区"), ("東京都", "世田谷区"), ("神奈川県", "横浜市中区"), ("大阪府", "大阪市北区"),
        ("愛知県", "名古屋市中区"), ("福岡県", "福岡市博多区"), ("北海道", "札幌市中央区"), ("京都府", "京都市左京区"), ("宮城県", "仙台市青葉区"),
        ("広島県", "広島市中区"), ("埼玉県", "さいたま市浦和区"), ("千葉県", "千葉市中央区"), ("兵庫県", "神戸市中央区"), ("沖縄県", "那覇市"),
    ];

    /// <param name="Ages">The youngest and oldest age, and the share of minors (under 16), of those whose date of birth is kept; null when none is.</param>
    private sealed record Kind(string Type, string? Service, string Acquisition, string[] Purposes, string[] Consents, int Count, Func<Random, Person, Dictionary<string, string>> Fields,
        (int Youngest, int Oldest, int MinorsPercent)? Ages = null);

    private sealed record Person(string Name, string Romaji, string Address, string Phone, string Email);

    public static async Task<int> LoadAsync(IServiceProvider sp, CancellationToken ct)
    {
        var db = sp.GetRequiredService<MamoriDbContext>();
        var subjects = sp.GetRequiredService<Subjects>();
        var audit = sp.GetRequiredService<AuditLog>();
        var current = await sp.GetRequiredService<PolicyStore>().RequireCurrentAsync(ct);
        var random = new Random(20261123);
        // Dates of birth from their own sequence, so the names and numbers stay those earlier versions generated.
        var births = new Random(19900401);
        var today = JapanTime.DayOf(sp.GetRequiredService<TimeProvider>().GetUtcNow(), PolicyStore.Jst);
        var minorAge = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Consent.ConsentSettings>>().Value.MinorAgeOf(current.Model);
        Kind[] kinds =
        [
            new("customer", "isp", "web-form", ["service-provision", "support"], [], 250,
                (r, p) => new() { ["name"] = p.Name, ["address"] = p.Address, ["phone"] = p.Phone, ["email"] = p.Email, ["contract"] = Contract(r) }, (20, 84, 0)),
            new("sms-user", "sms-verify", "self-input", ["verification", "coupon-management", "coupon-delivery"], ["purpose:coupon-delivery"], 100,
                (r, p) => new() { ["sms-phone"] = p.Phone, ["verification-log"] = $"2026-{r.Next(1, 11):D2}-{r.Next(1, 28):D2} 認証成功 iOS 18" }, (12, 69, 12)),
            new("inquirer", null, "web-form", ["inquiries"], [], 60,
                (r, p) => new() { ["name"] = p.Name, ["email"] = p.Email, ["phone"] = p.Phone, ["inquiry"] = "料金プランの変更について問い合わせ" }),
            new("employee", null, "paper", ["employment", "payroll-tax"], [], 50,
                (r, p) => new()
                {
                    ["name"] = p.Name, ["address"] = p.Address, ["phone"] = p.Phone, ["email"] = $"{p.Romaji}@sakuranet.example",
                    ["bank-account"] = $"サクラ銀行 本店 普通 {r.Next(1000000, 9999999)}", ["employment"] = $"技術部 {r.Next(2005, 2026)}年入社", ["my-number"] = MyNumber(r),
                }, (22, 64, 0)),
            new("shareholder", null, "shareholder-registry", ["shareholder-admin", "shareholder-tax"], [], 20,
                (r, p) => new() { ["name"] = p.Name, ["address"] = p.Address, ["shareholding"] = $"{r.Next(1, 100) * 100}株 株主番号{r.Next(10000, 99999)}", ["my-number"] = MyNumber(r) }),
            new("partner", null, "paper", ["partner-contract"], [], 20,
                (r, p) => new()
                {
                    ["name"] = p.Name, ["email"] = p.Email, ["phone"] = p.Phone, ["organization"] = $"株式会社{Family[r.Next(Family.Length)].Kanji}商事",
                    ["bank-account"] = $"みなと銀行 駅前支店 当座 {r.Next(1000000, 9999999)}",
                }),
        ];
        var count = 0;
        var ids = new Dictionary<string, List<Guid>>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            var batch = new List<Subjects.Prepared>();
            for (var i = 0; i < kind.Count; i++)
            {
                var person = NewPerson(random, count + i);
                var fields = kind.Fields(random, person);
                var guardian = false;
                if (kind.Ages is (int youngest, int oldest, int minors))
                {
                    var age = births.Next(100) < minors ? births.Next(youngest, 16) : births.Next(Math.Max(youngest, 16), oldest + 1);
                    var born = today.AddYears(-age - 1).AddDays(births.Next(1, 366));
                    fields["birth-date"] = born.ToString(BirthDates.Format, CultureInfo.InvariantCulture);
                    guardian = Mamori.Consent.Consents.AgeOn(born, today) < minorAge;
                }
                batch.Add(subjects.Prepare(new CreateSubjectRequest(kind.Type, kind.Acquisition, kind.Purposes, fields, kind.Service, kind.Consents,
                    EvidenceRef: guardian ? $"guardian-form-{count + i:D4}" : null, GuardianConsent: guardian), current, Actor.System));
            }
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            foreach (var p in batch) subjects.Add(p);
            await audit.AppendManyAsync(db, batch.SelectMany(b => b.AllAudit(AuditCode.SubjectImported)).ToList(), ct);
            await tx.CommitAsync(ct);
            db.ChangeTracker.Clear();
            count += batch.Count;
            ids[kind.Type] = [.. batch.Select(b => b.Subject.Id)];
        }
        await RecordEventsAsync(sp, ids, ct);
        return count;
    }

    /// <summary>
    /// Some persons' retention has started, as in a company's records: partners whose contract ended years ago (one near the end of
    /// its seven years, so the dashboard shows it due), inquiries closed long ago (three of them past their three years, so the
    /// first sweep destroys them), retired employees, and SMS users who withdraw the coupon opt-in, the day recorded by Mamori from the
    /// consent ledger. The rest still wait for their event.
    /// </summary>
    private static async Task RecordEventsAsync(IServiceProvider sp, Dictionary<string, List<Guid>> ids, CancellationToken ct)
    {
        var events = sp.GetRequiredService<RetentionEvents>();
        var clock = sp.GetRequiredService<TimeProvider>();
        var today = Incidents.JapanTime.DayOf(clock.GetUtcNow(), PolicyStore.Jst);
        var db = sp.GetRequiredService<MamoriDbContext>();
        async Task RecordAsync(string type, int index, string eventId, DateOnly day)
        {
            // Some of these days end a retention on purpose, for the first sweep to show what it destroys.
            await events.RecordAsync(ids[type][index], eventId, day, null, Actor.System, ct, confirmExpired: true);
            db.ChangeTracker.Clear();
        }
        await RecordAsync("partner", 0, "contract-end", today.AddYears(-7).AddDays(20));
        await RecordAsync("partner", 1, "contract-end", today.AddYears(-3).AddMonths(-2));
        await RecordAsync("partner", 2, "contract-end", today.AddMonths(-8));
        for (var i = 0; i < 3; i++) await RecordAsync("inquirer", i, "inquiry-closed", today.AddYears(-3).AddDays(-10 - 30 * i));
        for (var i = 3; i < 8; i++) await RecordAsync("inquirer", i, "inquiry-closed", today.AddMonths(-4 * i));
        await RecordAsync("employee", 0, "retirement", today.AddYears(-2).AddDays(-15));
        await RecordAsync("employee", 1, "retirement", today.AddMonths(-5));
        var consents = sp.GetRequiredService<Consent.Consents>();
        // Withdrawn now: the demo's opt-ins were given when the persons were loaded, a moment ago.
        for (var i = 0; i < 4; i++)
        {
            await consents.RecordAsync(ids["sms-user"][i], new Consent.RecordConsentRequest(["purpose:coupon-delivery"], false, Consent.ConsentMethod.WebForm),
                Actor.System, ct);
            db.ChangeTracker.Clear();
        }
    }

    private static Person NewPerson(Random r, int n)
    {
        var f = Family[r.Next(Family.Length)];
        var g = Given[r.Next(Given.Length)];
        var (pref, city) = Places[r.Next(Places.Length)];
        var address = $"{pref}{city}{r.Next(1, 9)}丁目{r.Next(1, 30)}番{r.Next(1, 20)}号";
        var phone = $"0{(r.Next(3) switch { 0 => "90", 1 => "80", _ => "70" })}-{r.Next(1000, 9999)}-{r.Next(1000, 9999)}";
        var email = $"{g.Romaji}.{f.Romaji}{n}@example.jp";
        return new Person($"{f.Kanji} {g.Kanji}", $"{g.Romaji}.{f.Romaji}", address, phone, email);
    }

    private static string Contract(Random r) =>
        $"サクラ光 {(r.Next(2) == 0 ? "ホーム" : "マンション")}プラン 契約番号 SK{r.Next(100000, 999999)}";

    /// <summary>11 random digits and the check digit of the My Number Act ordinance.</summary>
    public static string MyNumber(Random r)
    {
        var base11 = string.Concat(Enumerable.Range(0, 11).Select(_ => (char)('0' + r.Next(10))));
        return base11 + Mamori.Discovery.Checksums.MyNumberCheckDigit(base11).ToString(CultureInfo.InvariantCulture);
    }
}
