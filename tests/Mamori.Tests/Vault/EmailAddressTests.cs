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
    public void IsValid_TypingSlip_False(string value) => EmailAddress.IsValid(value).ShouldBeFalse();

    [Fact]
    public void IsValid_LocalPartOver64_False() => EmailAddress.IsValid(new string('a', 65) + "@example.jp").ShouldBeFalse();

    [Fact]
    public void Normalize_DoubleAt_InvalidFieldValue()
    {
        var e = Should.Throw<Mamori.Errors.MamoriException>(() => BlindIndex.Normalize(LookupKind.Email, "a@@example.jp"));
        e.Code.ShouldBe(Mamori.Errors.ErrorCode.InvalidFieldValue);
    }
}
