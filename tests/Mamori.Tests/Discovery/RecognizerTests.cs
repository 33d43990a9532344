using Mamori.Discovery;
using Shouldly;

namespace Mamori.Tests.Discovery;

internal static class Scan
{
    public static Finding[] For(string text, string entity, AnalyzerOptions? options = null) =>
        (options is null ? PiiAnalyzer.Default : new PiiAnalyzer(options)).Analyze(text).Where(f => f.Entity == entity).ToArray();

    public static string Span(string text, Finding f) => text[f.Start..f.End];

    public static void ShouldFindExactly(string text, string entity, params string[] expected)
    {
        var found = For(text, entity).Select(f => Span(text, f)).ToArray();
        found.ShouldBe(expected, $"in: {text}");
    }
}

public sealed class MyNumberRecognizerTests
{
    [Theory]
    [InlineData("マイナンバー：123456789018", "123456789018")]
    [InlineData("個人番号 9876 5432 1093 を提出", "9876 5432 1093")]
    [InlineData("my number 3141-5926-5352.", "3141-5926-5352")]
    [InlineData("個人番号は１２３４５６７８９０１８です", "１２３４５６７８９０１８")]
    public void Analyze_ValidMyNumber_FindsExactSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.JpMyNumber, expected);

    [Theory]
    [InlineData("マイナンバー：123456789012")]
    [InlineData("個人番号 9876 5432 1094")]
    [InlineData("個人番号は１２３４５６７８９０１９です")]
    [InlineData("314159265353")]
    public void Analyze_InvalidCheckDigit_FindsNothing(string text) =>
        PiiAnalyzer.Default.Analyze(text).ShouldBeEmpty();

    [Theory]
    [InlineData("A123456789018")]
    [InlineData("1234567890180")]
    [InlineData("12345678901")]
    [InlineData("x123456789018y")]
    public void Analyze_GluedOrWrongLength_FindsNoMyNumber(string text) =>
        Scan.For(text, EntityTypes.JpMyNumber).ShouldBeEmpty();

    [Fact]
    public void Analyze_MyNumberWithContext_ScoresHigherThanWithout()
    {
        var with = Scan.For("個人番号: 123456789018", EntityTypes.JpMyNumber).Single();
        var without = Scan.For("ref 123456789018", EntityTypes.JpMyNumber).Single();
        with.Score.ShouldBeGreaterThan(without.Score);
    }

    [Theory]
    [InlineData("123456789018", true)]
    [InlineData("123456789012", false)]
    [InlineData("12345678901", false)]
    [InlineData("12345678901a", false)]
    public void IsValidMyNumber_Vectors_MatchOrdinance(string digits, bool valid) =>
        Checksums.IsValidMyNumber(digits).ShouldBe(valid);

    // Regression: F9 — a 12-digit order number with a valid check digit was a My Number at 0.65, above the CLI's 0.5.
    [Theory]
    [InlineData("注文番号 123456789018 を発送しました")]
    [InlineData("伝票 123456789018")]
    [InlineData("order 123456789018 shipped")]
    [InlineData("tracking: 123456789018")]
    public void Analyze_OrderNumberContext_ScoresBelowDefaultThreshold(string text) =>
        Scan.For(text, EntityTypes.JpMyNumber, new AnalyzerOptions { ScoreThreshold = 0.5 }).ShouldBeEmpty();

    [Theory]
    [InlineData("border 123456789018")]
    [InlineData("注文番号の欄に書かれたマイナンバー 123456789018")]
    public void Analyze_NoOrderWordOrMyNumberWordWins_KeepsScore(string text) =>
        Scan.For(text, EntityTypes.JpMyNumber).Single().Score.ShouldBeGreaterThanOrEqualTo(0.65);
}

public sealed class CorporateNumberRecognizerTests
{
    [Theory]
    [InlineData("法人番号：5010401067252", "5010401067252")]
    [InlineData("法人番号 ７１２３４５６７８９０１２", "７１２３４５６７８９０１２")]
    [InlineData("corporate number 8-7001-1000-5901", "8-7001-1000-5901")]
    public void Analyze_ValidCorporateNumber_FindsExactSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.JpCorporateNumber, expected);

    [Theory]
    [InlineData("法人番号：7010401067252")]
    [InlineData("法人番号 1123456789012")]
    public void Analyze_InvalidCheckDigit_FindsNothing(string text) =>
        PiiAnalyzer.Default.Analyze(text).ShouldBeEmpty();

    [Fact]
    public void IsValidCorporateNumber_CheckDigitFirst_Validates()
    {
        Checksums.IsValidCorporateNumber("5010401067252").ShouldBeTrue();
        Checksums.IsValidCorporateNumber("7010401067252").ShouldBeFalse();
    }
}

/// <summary>Regression: F9 — product codes, timestamps and an id joined with an HTTP status were reported as cards and corporate numbers.</summary>
public sealed class NonPersonalNumberTests
{
    [Theory]
    [InlineData("JANコード 4900000000054")] // valid JAN and valid 法人番号 check digit
    [InlineData("4900000000054,商品0,100")]
    [InlineData("4900000000023")] // valid JAN and Luhn-valid 13-digit "Visa"
    [InlineData("{\"ts\":1733616007902,\"event\":\"click\"}")]
    [InlineData("GET /api/orders/100000372112 200")]
    [InlineData("GET /users/100000372112 200")]
    public void Analyze_ProductCodeTimestampOrLogId_NothingAtDefaultThreshold(string text) =>
        new PiiAnalyzer(new AnalyzerOptions { ScoreThreshold = 0.5 }).Analyze(text)
            .Where(f => f.Entity is EntityTypes.CreditCard or EntityTypes.JpCorporateNumber or EntityTypes.JpMyNumber).ShouldBeEmpty();

    [Theory]
    [InlineData("カード 4111 1111 1111 1111", EntityTypes.CreditCard, "4111 1111 1111 1111")]
    [InlineData("amex 3714 496353 98431", EntityTypes.CreditCard, "3714 496353 98431")]
    [InlineData("法人番号 8 7001 1000 5901", EntityTypes.JpCorporateNumber, "8 7001 1000 5901")]
    [InlineData("法人番号 1733616007902", EntityTypes.JpCorporateNumber, "1733616007902")]
    public void Analyze_CardLikeGroupingOrContext_StillFound(string text, string entity, string expected) =>
        Scan.ShouldFindExactly(text, entity, expected);
}

public sealed class PhoneRecognizerTests
{
    [Theory]
    [InlineData("電話：03-1234-5678", "03-1234-5678")]
    [InlineData("携帯 090-1234-5678 まで", "090-1234-5678")]
    [InlineData("TEL 09012345678", "09012345678")]
    [InlineData("０９０ー１２３４ー５６７８に電話", "０９０ー１２３４ー５６７８")]
    [InlineData("call +81 90-1234-5678 now", "+81 90-1234-5678")]
    [InlineData("(03)1234-5678", "(03)1234-5678")]
    [InlineData("0120-123-456 フリーダイヤル", "0120-123-456")]
    [InlineData("IP 050-1234-5678", "050-1234-5678")]
    [InlineData("TEL 03.1234.5678", "03.1234.5678")] // Regression: F17 — dotted numbers were not phones
    public void Analyze_JapanesePhone_FindsExactSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.PhoneNumber, expected);

    [Theory]
    [InlineData("番号 110 に通報")]
    [InlineData("00-0000-0000")]
    [InlineData("091-1234-5678")]
    [InlineData("abc09012345678")]
    public void Analyze_NotASubscriberNumber_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.PhoneNumber).ShouldBeEmpty();

    [Fact]
    public void Analyze_OtherRegionConfigured_FindsUsNumber()
    {
        var opts = new AnalyzerOptions { PhoneRegions = ["JP", "US"] };
        Scan.For("US: (415) 555-0132", EntityTypes.PhoneNumber, opts).Select(f => f.Start).ShouldBe([4]);
        Scan.For("US: (415) 555-0132", EntityTypes.PhoneNumber).ShouldBeEmpty();
    }
}

public sealed class PostalCodeRecognizerTests
{
    [Theory]
    [InlineData("〒100-0001 東京都千代田区", "100-0001")]
    [InlineData("〒 1000001", "1000001")]
    [InlineData("〒１００－０００１", "１００－０００１")]
    [InlineData("郵便番号 150-0002", "150-0002")]
    public void Analyze_PostalCode_FindsDigits(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.JpPostalCode, expected);

    [Theory]
    [InlineData("〒100-00011")]
    [InlineData("〒10-0001")]
    [InlineData("1000001")]
    public void Analyze_MalformedPostalCode_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.JpPostalCode).ShouldBeEmpty();
}

public sealed class AddressRecognizerTests
{
    [Theory]
    [InlineData("住所：東京都千代田区千代田1-1 です", "東京都千代田区千代田1-1")]
    [InlineData("神奈川県横浜市中区山下町２７９番地に", "神奈川県横浜市中区山下町２７９番地")]
    [InlineData("北海道札幌市中央区北1条西2丁目", "北海道札幌市中央区北1条西2丁目")]
    [InlineData("大阪府大阪市北区梅田3-1-3", "大阪府大阪市北区梅田3-1-3")]
    [InlineData("送付先 横浜市西区みなとみらい2-2-1", "横浜市西区みなとみらい2-2-1")]
    // Regression: F16 — the building and room after the street number were left out of the address.
    [InlineData("住所：東京都新宿区西新宿2-8-1 サンシャインマンション101号室", "東京都新宿区西新宿2-8-1 サンシャインマンション101号室")]
    [InlineData("住所：東京都新宿区西新宿2丁目8-1 新宿ビル5階", "東京都新宿区西新宿2丁目8-1 新宿ビル5階")]
    [InlineData("住所：東京都新宿区西新宿2-8-1　メゾン新宿305", "東京都新宿区西新宿2-8-1　メゾン新宿305")]
    [InlineData("住所：東京都新宿区西新宿2-8-1 電話 03-1234-5678", "東京都新宿区西新宿2-8-1")]
    [InlineData("東京都新宿区西新宿2-8-1 山田太郎様", "東京都新宿区西新宿2-8-1")]
    public void Analyze_Address_FindsSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.JpAddress, expected);

    [Theory]
    [InlineData("京都の市場で買った")]
    [InlineData("政府の方針と報道された")]
    [InlineData("区別がつかない")]
    public void Analyze_NoAddress_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.JpAddress).ShouldBeEmpty();
}

public sealed class PersonRecognizerTests
{
    [Theory]
    [InlineData("氏名：山田太郎", "山田太郎")]
    [InlineData("お名前: 佐藤 花子\n", "佐藤 花子")]
    [InlineData("田中一郎様へ", "田中一郎")]
    [InlineData("営業部の鈴木さんが", "鈴木")]
    [InlineData("フリガナ：ヤマダ タロウ", "ヤマダ タロウ")]
    [InlineData("Dear Mr. John Smith,", "John Smith")]
    public void Analyze_NameInContext_FindsSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.Person, expected);

    [Theory]
    [InlineData("お客様各位")]
    [InlineData("皆様のご協力を")]
    [InlineData("仕様と同様に様々な模様")]
    [InlineData("ご担当者様")]
    [InlineData("名前を入力してください")]
    public void Analyze_HonorificWithoutName_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.Person).ShouldBeEmpty();

    // Regression: F7 — JSON with a space after the colon, qualified labels, a space before 様 and a title before the name gave no PERSON.
    [Theory]
    [InlineData("{\"氏名\": \"山田太郎\"}", "山田太郎")]
    [InlineData("氏名（漢字）：山田太郎", "山田太郎")]
    [InlineData("氏名(カナ)：ヤマダ タロウ", "ヤマダ タロウ")]
    [InlineData("お名前（フリガナ）：ヤマダ タロウ", "ヤマダ タロウ")]
    [InlineData("氏名【必須】：山田太郎", "山田太郎")]
    [InlineData("小池 さだ子 様", "小池 さだ子")]
    [InlineData("営業部 山田太郎", "山田太郎")]
    [InlineData("代表取締役 山田太郎", "山田太郎")]
    [InlineData("総務課 畑中 君枝\n", "畑中 君枝")]
    public void Analyze_CommonNameLayout_FindsSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.Person, expected);

    [Theory]
    [InlineData("営業部 会議資料")]
    [InlineData("代表取締役 就任のお知らせ")]
    [InlineData("営業部 電話：03-1234-5678")]
    [InlineData("お客 様")]
    public void Analyze_TitleOrSpacedHonorificWithoutName_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.Person).ShouldBeEmpty();
}

/// <summary>Bug L7: a labelled name ran on into the next field's label (「氏名：山田太郎　電話：…」 gave PERSON 「山田太郎　電話」).</summary>
public sealed class Bug_LabelledNameRunsIntoNextLabelTests
{
    [Theory]
    [InlineData("氏名：山田太郎　電話：090-1234-5678", "山田太郎")]
    [InlineData("氏名：山田太郎　住所：東京都千代田区丸の内1-2-3", "山田太郎")]
    [InlineData("氏名：山田太郎 電話番号: 090-1234-5678", "山田太郎")]
    [InlineData("氏名：山田太郎電話：090-1234-5678", "山田太郎")]
    [InlineData("氏名：山田 太郎　メールアドレス：taro@example.jp", "山田 太郎")]
    [InlineData("お名前: 佐藤 花子\n電話：0312345678", "佐藤 花子")]
    public void Analyze_NameFollowedByNextLabel_StopsBeforeTheLabel(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.Person, expected);

    // Regression: F8 — a field label without a colon after the name was part of PERSON (「山田太郎 電話」).
    [Theory]
    [InlineData("氏名：山田太郎 電話 090-1234-5678", "山田太郎")]
    [InlineData("お名前 山田太郎 ご住所 東京都新宿区西新宿2-8-1", "山田太郎")]
    [InlineData("氏名：山田太郎 生年月日 1985年4月1日", "山田太郎")]
    [InlineData("氏名：山田太郎　メール taro@example.jp", "山田太郎")]
    [InlineData("氏名：山田太郎電話 090-1234-5678", "山田太郎")]
    [InlineData("氏名：山田 カナ", "山田 カナ")]
    public void Analyze_NameFollowedByLabelWithoutColon_StopsBeforeTheLabel(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.Person, expected);

    [Fact]
    public void Analyze_DocumentedLibraryExample_MatchesDocs() =>
        PiiAnalyzer.Default.Analyze("氏名：山田太郎 電話 090-1234-5678").Select(f => (f.Entity, f.Start, f.End))
            .ShouldBe([(EntityTypes.Person, 3, 7), (EntityTypes.PhoneNumber, 11, 24)]);

    [Fact]
    public void Redact_NameThenPhoneLabel_NextLabelStaysReadable() =>
        new Mamori.Discovery.Redaction.TextRedactor(new() { Default = Mamori.Discovery.Redaction.RedactionOperator.Mask() })
            .Redact("氏名：山田太郎　電話：090-1234-5678").ShouldBe("氏名：****　電話：***-****-5678");
}

public sealed class EmailRecognizerTests
{
    [Theory]
    [InlineData("連絡は taro.yamada+test@example.co.jp まで", "taro.yamada+test@example.co.jp")]
    [InlineData("メール：ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")]
    [InlineData("<a@xn--d1acufc.xn--p1ai>", "a@xn--d1acufc.xn--p1ai")]
    [InlineData("info@example.zip", "info@example.zip")]
    [InlineData("a@b.md", "a@b.md")]
    public void Analyze_Email_FindsExactSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.EmailAddress, expected);

    [Theory]
    [InlineData("my email is info@presidio.")]
    [InlineData("hello-world here @ home")]
    [InlineData("user@localhost")]
    // Regression: F15 — asset and package names were e-mail addresses at 1.0.
    [InlineData("logo@2x.png")]
    [InlineData("icon@3x.jpg")]
    [InlineData("pkg@1.2.3.tgz")]
    [InlineData("file@v1.txt")]
    public void Analyze_NotEmail_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.EmailAddress).ShouldBeEmpty();
}

public sealed class CreditCardRecognizerTests
{
    [Theory]
    [InlineData("カード番号 4111 1111 1111 1111", "4111 1111 1111 1111")]
    [InlineData("JCB 3530-1113-3330-0000", "3530-1113-3330-0000")]
    [InlineData("５５５５５５５５５５５５４４４４", "５５５５５５５５５５５５４４４４")]
    [InlineData("amex 371449635398431.", "371449635398431")]
    public void Analyze_ValidCard_FindsExactSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.CreditCard, expected);

    [Theory]
    [InlineData("カード番号 4111 1111 1111 1112")]
    [InlineData("4012-8888-8888-1882")]
    [InlineData("9111111111111111")]
    public void Analyze_InvalidLuhnOrIssuer_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.CreditCard).ShouldBeEmpty();
}

public sealed class IpAddressRecognizerTests
{
    [Theory]
    [InlineData("from 192.168.1.1, ok", "192.168.1.1")]
    [InlineData("net 10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("'2001:db8::1'", "2001:db8::1")]
    [InlineData("64:ff9b::192.0.2.1", "64:ff9b::192.0.2.1")]
    [InlineData("接続元：１９２．１６８．０．１", "１９２．１６８．０．１")]
    public void Analyze_Ip_FindsExactSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.IpAddress, expected);

    [Theory]
    [InlineData("256.256.256.256")]
    [InlineData("192.168.1")]
    [InlineData("2001::db8::1")]
    [InlineData("std::string at 12:30:45")]
    public void Analyze_NotIp_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.IpAddress).ShouldBeEmpty();
}

public sealed class UrlRecognizerTests
{
    [Fact]
    public void Analyze_UrlWithPersonalQuery_ScoresHigh()
    {
        const string text = "見る https://example.com/a?email=taro%40example.jp&x=1 です";
        var f = Scan.For(text, EntityTypes.Url).Single();
        Scan.Span(text, f).ShouldBe("https://example.com/a?email=taro%40example.jp&x=1");
        f.Score.ShouldBeGreaterThanOrEqualTo(0.85);
    }

    [Fact]
    public void Analyze_PlainUrl_ScoresLow()
    {
        var f = Scan.For("see http://www.microsoft.com/ now", EntityTypes.Url).Single();
        f.Score.ShouldBeLessThan(0.85);
    }

    [Theory]
    [InlineData("http://microsoft")]
    [InlineData("www.microsoft")]
    [InlineData("config.json and main.rs")]
    public void Analyze_NotUrl_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.Url).ShouldBeEmpty();
}

public sealed class BankPassportLicenseRecognizerTests
{
    [Theory]
    [InlineData("振込先：三菱銀行 本店 普通 1234567", EntityTypes.JpBankAccount, "1234567")]
    [InlineData("ゆうちょ銀行 記号番号 12345-12345678", EntityTypes.JpBankAccount, "12345-12345678")]
    [InlineData("旅券番号 TK1234567", EntityTypes.JpPassport, "TK1234567")]
    [InlineData("運転免許証番号：123456789012", EntityTypes.JpDriverLicense, "123456789012")]
    [InlineData("運転免許証 番号 １２３４５６７８９０１２", EntityTypes.JpDriverLicense, "１２３４５６７８９０１２")]
    public void Analyze_IdentifierInContext_FindsExactSpan(string text, string entity, string expected) =>
        Scan.ShouldFindExactly(text, entity, expected);

    [Fact]
    public void Analyze_SevenDigitsWithoutContext_FindsNoBankAccount() =>
        Scan.For("在庫 1234567 個", EntityTypes.JpBankAccount).ShouldBeEmpty();

    [Fact]
    public void Analyze_PassportWithoutContext_ScoresLow() =>
        Scan.For("code TK1234567", EntityTypes.JpPassport).Single().Score.ShouldBeLessThan(0.5);
}

public sealed class DateOfBirthRecognizerTests
{
    [Theory]
    [InlineData("生年月日：1990年1月2日", "1990年1月2日")]
    [InlineData("生年月日 昭和60年12月31日", "昭和60年12月31日")]
    [InlineData("誕生日は平成元年５月１日", "平成元年５月１日")]
    [InlineData("DOB: 1985-07-14", "1985-07-14")]
    [InlineData("born 14/07/1985", "14/07/1985")]
    // Regression: F14 — abbreviated eras, an 8-digit date after a birth label and 〜日生 were missed or below the threshold.
    [InlineData("生年月日 S60.4.1", "S60.4.1")]
    [InlineData("生年月日：H2/3/4", "H2/3/4")]
    [InlineData("生年月日 19850401", "19850401")]
    [InlineData("昭和60年4月1日生", "昭和60年4月1日")]
    public void Analyze_DateOfBirth_FindsSpanWithHighScore(string text, string expected)
    {
        var f = Scan.For(text, EntityTypes.DateTime).Single();
        Scan.Span(text, f).ShouldBe(expected);
        f.Score.ShouldBeGreaterThanOrEqualTo(0.85);
    }

    [Theory]
    [InlineData("1990年13月2日")]
    [InlineData("2021-13-45")]
    [InlineData("S65.4.1 生年月日")]
    [InlineData("生年月日 19851301")]
    public void Analyze_InvalidDate_FindsNothing(string text) =>
        Scan.For(text, EntityTypes.DateTime).ShouldBeEmpty();

    [Theory]
    [InlineData("注文 19850401")]
    [InlineData("version S1.2.3.4")]
    public void Analyze_DateLikeWithoutBirthWord_NotReportedByDefault(string text) =>
        Scan.For(text, EntityTypes.DateTime, new AnalyzerOptions { ScoreThreshold = 0.5 }).ShouldBeEmpty();
}

public sealed class SpecialCareRecognizerTests
{
    [Theory]
    [InlineData("既往歴を確認する", "既往歴")]
    [InlineData("うつ病の治療中", "うつ病")]
    [InlineData("本人に前科がある", "前科")]
    [InlineData("障害者手帳を所持", "障害者手帳")]
    public void Analyze_SpecialCareKeyword_IsFlagged(string text, string expected)
    {
        var f = Scan.For(text, EntityTypes.SpecialCare).Single();
        Scan.Span(text, f).ShouldBe(expected);
        f.IsSpecialCare.ShouldBeTrue();
    }

    [Fact]
    public void Analyze_SystemFailureWording_IsNotSpecialCare() =>
        Scan.For("サーバー障害が発生しました", EntityTypes.SpecialCare).ShouldBeEmpty();
}

/// <summary>
/// Bug M7: 「病歴: 糖尿病」 was flagged only at the keyword, so `scan --redact` masked the label and left the
/// diagnosis readable (「**: 糖尿病」, 「<SPECIAL_CARE>：高血圧、<SPECIAL_CARE>」). The value after a special-care label is the finding.
/// </summary>
public sealed class Bug_SpecialCareValueLeftReadableTests
{
    [Theory]
    [InlineData("病歴: 糖尿病", "糖尿病")]
    [InlineData("既往歴：高血圧、うつ病", "高血圧、うつ病")]
    [InlineData("診断：2型糖尿病\n次回受診 5月", "2型糖尿病")]
    [InlineData("犯罪歴 ： 窃盗（2019年）。以上", "窃盗（2019年）")]
    [InlineData("既往歴：高血圧　電話：090-1234-5678", "高血圧")]
    [InlineData("病名：高血圧電話：090-1234-5678", "高血圧")]
    [InlineData("既往歴：高血圧,090-1234-5678", "高血圧")]
    [InlineData("通院歴：2024-01-05 10:30 内科", "2024-01-05 10:30 内科")]
    public void Analyze_SpecialCareLabel_ValueIsTheFinding(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.SpecialCare, expected);

    [Fact]
    public void Analyze_SpecialCareLabelWithoutValue_FlagsTheKeyword() =>
        Scan.ShouldFindExactly("病歴：\n氏名：", EntityTypes.SpecialCare, "病歴");

    [Theory]
    [InlineData("自己診断を実行します")]
    [InlineData("診断機能の説明")]
    public void Analyze_LabelOnlyWordWithoutSeparator_IsNotSpecialCare(string text) =>
        Scan.For(text, EntityTypes.SpecialCare).ShouldBeEmpty();

    [Fact]
    public void Analyze_NameThenSpecialCareLabel_BothFoundLabelsReadable()
    {
        const string text = "氏名：山田太郎　既往歴：高血圧";
        Scan.ShouldFindExactly(text, EntityTypes.Person, "山田太郎");
        Scan.ShouldFindExactly(text, EntityTypes.SpecialCare, "高血圧");
    }

    [Theory]
    [InlineData("mask", "病歴: 糖尿病", "病歴: ***")]
    [InlineData("replace", "既往歴：高血圧、うつ病", "既往歴：<SPECIAL_CARE>")]
    public void Redact_SpecialCareLabel_DiagnosisNotReadable(string mode, string text, string expected) =>
        new Mamori.Discovery.Redaction.TextRedactor(new()
        {
            Default = mode == "mask" ? Mamori.Discovery.Redaction.RedactionOperator.Mask() : Mamori.Discovery.Redaction.RedactionOperator.Replace(),
        }).Redact(text).ShouldBe(expected);
}

public sealed class AnalyzerBehaviourTests
{
    [Fact]
    public void Analyze_LongDigitRun_FindsNothingAndTerminates()
    {
        var text = new string('7', 200_000);
        PiiAnalyzer.Default.Analyze(text).ShouldBeEmpty();
    }

    [Fact]
    public void Analyze_EntityFilter_ReturnsOnlyRequested()
    {
        var a = new PiiAnalyzer(new AnalyzerOptions { Entities = new HashSet<string> { EntityTypes.EmailAddress } });
        a.Analyze("a@example.com 090-1234-5678").Select(f => f.Entity).ShouldBe([EntityTypes.EmailAddress]);
    }

    [Fact]
    public void Analyze_MixedText_FindingsAreOrderedAndDisjoint()
    {
        var fs = PiiAnalyzer.Default.Analyze("山田太郎様 090-1234-5678 a@example.com 〒100-0001 東京都千代田区千代田1-1");
        fs.Count.ShouldBeGreaterThanOrEqualTo(5);
        for (var k = 1; k < fs.Count; k++) fs[k].Start.ShouldBeGreaterThanOrEqualTo(fs[k - 1].End);
    }
}

/// <summary>Bug: a bare domain whose URL host failed validation sent the scanner backwards (endless loop on man pages).</summary>
public sealed class Bug_BareDomainRescanLoopsTests
{
    [Theory]
    [InlineData("see example.com'x end")]
    [InlineData("from www.gnu.org\"> and gnu.org'</a>")]
    public async Task Analyze_DomainFollowedByQuote_Terminates(string text)
    {
        var task = Task.Run(() => PiiAnalyzer.Default.Analyze(string.Concat(Enumerable.Repeat(text, 1000))), TestContext.Current.CancellationToken);
        var done = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        done.ShouldBe(task);
    }
}

/// <summary>Precision fixes found on the Japanese man-page corpus: hex dumps, prose after 名前, ISBNs.</summary>
public sealed class CorpusFalsePositiveTests
{
    [Theory]
    [InlineData("CDB:  35 00 00 00 00 00 00 00 00 0A 00 00 00 00 25 00 00 00", EntityTypes.JpMyNumber)]
    [InlineData("11 12 13 14 15 16 17\n18 19 20", EntityTypes.JpMyNumber)]
    [InlineData("ユーザーの名前 またはアドレスが不明", EntityTypes.Person)]
    [InlineData("さらに、名前 と アドレス", EntityTypes.Person)]
    [InlineData("(Prentice Hall 1992, ISBN 0139512942)", EntityTypes.PhoneNumber)]
    [InlineData("これに伴う症状として", EntityTypes.SpecialCare)]
    public void Analyze_CorpusLookalike_FindsNothing(string text, string entity) =>
        Scan.For(text, entity).ShouldBeEmpty();
}

public sealed class EnglishDateTests
{
    [Theory]
    [InlineData("Today is 5-May-2021", "5-May-2021")]
    [InlineData("Today is 21-May", "21-May")]
    [InlineData("Today is May-2021", "May-2021")]
    [InlineData("born January 5, 1985 in Osaka", "January 5, 1985")]
    public void Analyze_MonthNameDate_FindsSpan(string text, string expected) =>
        Scan.ShouldFindExactly(text, EntityTypes.DateTime, expected);

    [Theory]
    [InlineData("Mayday-21")]
    [InlineData("March on")]
    public void Analyze_MonthLikeWord_FindsNoDate(string text) =>
        Scan.For(text, EntityTypes.DateTime).ShouldBeEmpty();
}

public sealed class NormalizationTests
{
    [Fact]
    public void AnalyzeNormalized_HalfWidthKatakanaContext_BoostsScoreAndKeepsOriginalOffsets()
    {
        const string text = "ﾏｲﾅﾝﾊﾞｰ：１２３４５６７８９０１８";
        var plain = Scan.For(text, EntityTypes.JpMyNumber).Single();
        var normalized = PiiAnalyzer.Default.AnalyzeNormalized(text).Single(f => f.Entity == EntityTypes.JpMyNumber);
        text[normalized.Start..normalized.End].ShouldBe("１２３４５６７８９０１８");
        (normalized.Start, normalized.End).ShouldBe((plain.Start, plain.End));
        normalized.Score.ShouldBeGreaterThan(plain.Score);
    }

    [Fact]
    public void Nfkc_VoicedHalfWidthKana_MapsComposedCharBackToBothSourceChars()
    {
        var n = TextNormalizer.Nfkc("aﾊﾞb");
        n.Text.ShouldBe("aバb");
        n.ToOriginal(1, 2).ShouldBe((1, 3));
        n.ToOriginal(2, 3).ShouldBe((3, 4));
    }
}

public sealed class CsvHeaderTests
{
    [Fact]
    public void Analyze_CsvHeaderAfterNameLabel_IsNotAName() =>
        Scan.For("氏名,電話,住所\n", EntityTypes.Person).ShouldBeEmpty();

    private const string Employees =
        "社員番号,氏名,フリガナ,生年月日,電話番号\r\nE1000,山田 太郎,ヤマダ タロウ,1980/01/10,03-3000-4000\r\nE1001,\"佐藤 花子\",サトウ ハナコ,19810211,03-3001-4001\r\n";

    // Regression: F7 — a CSV with a header row gave no PERSON and no date of birth: the header was never used as context.
    [Fact]
    public void Analyze_CsvNameAndBirthColumns_HeaderIsContext()
    {
        Scan.ShouldFindExactly(Employees, EntityTypes.Person, "山田 太郎", "ヤマダ タロウ", "佐藤 花子", "サトウ ハナコ");
        var dates = Scan.For(Employees, EntityTypes.DateTime);
        dates.Select(f => Scan.Span(Employees, f)).ShouldBe(["1980/01/10", "19810211"]);
        dates.ShouldAllBe(f => f.Score >= 0.85);
    }

    // Regression: F9 — order numbers and JAN codes under their header were My Numbers, cards and corporate numbers.
    [Theory]
    [InlineData("注文番号,数量\n123456789018,1\n")]
    [InlineData("JANコード,商品名,単価\n4900000000054,商品0,100\n")]
    public void Analyze_CsvIdColumn_NothingAtDefaultThreshold(string csv) =>
        new PiiAnalyzer(new AnalyzerOptions { ScoreThreshold = 0.5 }).Analyze(csv).ShouldBeEmpty();

    [Fact]
    public void StreamingScanner_LaterBlocks_KeepTheHeaderAsContext()
    {
        var sb = new System.Text.StringBuilder("社員番号,氏名,備考\n");
        for (var k = 0; k < 2000; k++) sb.Append("E").Append(k).Append(",山田 太郎,なし\n");
        var people = 0;
        new StreamingScanner(PiiAnalyzer.Default, 4096).Scan(new StringReader(sb.ToString()), f => { if (f.Finding.Entity == EntityTypes.Person) people++; },
            cancellationToken: TestContext.Current.CancellationToken);
        people.ShouldBe(2000);
    }

    [Fact]
    public void Analyze_ProseWithCommas_IsNoHeader() =>
        CsvColumns.TryParse("氏名は、山田です, よろしく").ShouldBeNull();
}
