using Mamori.Policy;
using Mamori.Vault;
using Shouldly;

namespace Mamori.Tests.Anonymization;

public sealed class GeneralizationTests
{
    private static DataCategory Category(string id, bool myNumber = false, bool card = false) =>
        new() { Id = id, Name = new LocalizedText(id), MyNumber = myNumber, PaymentCard = card };

    [Theory]
    [InlineData("birth-date", "1985-04-12", "1985")]
    [InlineData("contract", "2024-03", "2024")]
    [InlineData("postal-code", "123-4567", "123-****")]
    [InlineData("zip", "1234567", "123-****")]
    [InlineData("address", "東京都千代田区桜田町1-2-3", "東京都")]
    [InlineData("address", "大阪府大阪市北区1-1", "大阪府")]
    [InlineData("address", "Somewhere 1", "***")]
    [InlineData("age", "37", "30-39")]
    [InlineData("monthly-fee", "5280", "5000-5999")]
    [InlineData("count", "7", "0-9")]
    [InlineData("name", "山田 太郎", "山田 *")]
    public void Generalize_Value_CoarserTrueValueOrMask(string category, string value, string expected) =>
        Generalization.Generalize(Category(category), value).ShouldBe(expected);

    [Fact]
    public void Generalize_MyNumberOrCard_Masked()
    {
        Generalization.Generalize(Category("my-number", myNumber: true), "123456789012").ShouldBe("************");
        Generalization.Generalize(Category("payment-card", card: true), "4111-1111-1111-1234").ShouldBe("****-****-****-1234");
    }
}
