using Mamori.Vault;
using Shouldly;

namespace Mamori.Tests.Vault;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("taro@example.jp")]
    [InlineData("taro.yamada+news@mail.example.co.jp")]
    [InlineData("admin@localhost")]
    [InlineData("山田@例え.jp")]
    [InlineData("o'brien@example.com")]
    public void IsValid_PlausibleAddress_True(string value) => EmailAddress.IsValid(value).ShouldBeTrue();

    // Regression: the vault and staff checks only looked for an '@' that was neither first nor last, so each of the
    // first six was stored (and indexed for lookup) as an e-mail address.
    [Theory]
    [InlineData("a@@example.jp")]
    [InlineData("a@b@example.jp")]
    [InlineData("a@example..jp")]
    [InlineData("a@.example.jp")]
    [InlineData("a@example.jp.")]
    [InlineData("a@-example.jp")]
    [InlineData("a b@example.jp")]
    [InlineData(".a@example.jp")]
    [InlineData("a..b@example.jp")]
    [InlineData("a@exa_mple.jp")]
    [InlineData("<a>@example.jp")]
    [InlineData("@example.jp")]
    [InlineData("a@")]
    [InlineData("no-at-sign")]
    // Regression: invisible characters pasted with an address (zero-width space, left-to-right mark, soft hyphen) were accepted,
    // making a second subject that no lookup of the real address found.
    [InlineData("sa\u200Bburo@example.jp")]
    [InlineData("\u200Esaburo@example.jp")]
    [InlineData("sa\u00ADburo@example.jp")]
    public void IsValid_TypingSlip_False(string value) => EmailAddress.IsValid(value).ShouldBeFalse();

    [Fact]
    public void IsValid_LocalPartOver64_False() => EmailAddress.IsValid(new string('a', 65) + "@example.jp").ShouldBeFalse();

    [Theory]
    [InlineData("090-1234-5678", "+819012345678")]
    [InlineData("０９０ー１２３４ー５６７８", "+819012345678")]
    [InlineData("(03) 1234-5678", "+81312345678")]
    [InlineData("0120-123-456", "+81120123456")]
    [InlineData("0800-123-4567", "+818001234567")]
    [InlineData("050-1234-5678", "+815012345678")]
    [InlineData("+81 90 1234 5678", "+819012345678")]
    [InlineData("+1 415 555 2671", "+14155552671")]
    public void Normalize_PhoneAsPeopleWriteIt_E164(string value, string expected) => BlindIndex.Normalize(LookupKind.Phone, value).ShouldBe(expected);

    /// <summary>Regression: a mobile number a digit too long, one with an extension and one with letters were stored and looked up.</summary>
    [Theory]
    [InlineData("090-1234-56789")]
    [InlineData("090-1234-567")]
    [InlineData("090 1234 5678 ext 5")]
    [InlineData("090-1234-5678#5")]
    [InlineData("090-ABCD-5678")]
    [InlineData("03-1234-567890")]
    public void Normalize_PhoneNotAJapaneseNumber_InvalidFieldValue(string value) =>
        Should.Throw<Mamori.Errors.MamoriException>(() => BlindIndex.Normalize(LookupKind.Phone, value)).Code.ShouldBe(Mamori.Errors.ErrorCode.InvalidFieldValue);

    [Fact]
    public void Normalize_DoubleAt_InvalidFieldValue()
    {
        var e = Should.Throw<Mamori.Errors.MamoriException>(() => BlindIndex.Normalize(LookupKind.Email, "a@@example.jp"));
        e.Code.ShouldBe(Mamori.Errors.ErrorCode.InvalidFieldValue);
    }
}
