using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mamori.Discovery;
using Mamori.Discovery.Presidio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;

namespace Mamori.Tests.Discovery;

public sealed class PresidioApiTests
{
    private static readonly PresidioApi Api = new(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    [Fact]
    public void Analyze_PresidioRequestJson_ReturnsSnakeCaseResults()
    {
        var request = JsonSerializer.Deserialize<PresidioAnalyzeRequest>(
            """{"text":"電話 090-1234-5678、メール taro@example.jp","language":"ja","score_threshold":0.5,"return_decision_process":true}""",
            PresidioApi.JsonOptions)!;
        var results = Api.Analyze(request);
        var json = JsonSerializer.Serialize(results, PresidioApi.JsonOptions);
        using var doc = JsonDocument.Parse(json);
        var first = doc.RootElement[0];
        first.GetProperty("entity_type").GetString().ShouldBe("PHONE_NUMBER");
        first.GetProperty("start").GetInt32().ShouldBe(3);
        first.GetProperty("end").GetInt32().ShouldBe(16);
        first.GetProperty("analysis_explanation").GetProperty("recognizer").GetString().ShouldNotBeNullOrEmpty();
        doc.RootElement[1].GetProperty("entity_type").GetString().ShouldBe("EMAIL_ADDRESS");
    }

    [Fact]
    public void Analyze_EntitiesAndAllowList_Filter()
    {
        var results = Api.Analyze(new PresidioAnalyzeRequest
        {
            Text = "a@example.com b@example.com 090-1234-5678", Language = "en", Entities = ["EMAIL_ADDRESS"], AllowList = ["a@example.com"],
        });
        results.Select(r => (r.EntityType, r.Start)).ShouldBe([("EMAIL_ADDRESS", 14)]);
    }

    [Theory]
    [InlineData(null, "ja", "MAMORI-7010")]
    [InlineData("x", null, "MAMORI-7011")]
    [InlineData("x", "fr", "MAMORI-7011")]
    public void Analyze_InvalidRequest_FailsWithStableCode(string? text, string? language, string code) =>
        Should.Throw<DiscoveryException>(() => Api.Analyze(new PresidioAnalyzeRequest { Text = text, Language = language })).Code.ShouldBe(code);

    // Regression: F17 — the decision process named no context word and reported the raised score as the original one.
    [Fact]
    public void Analyze_DecisionProcess_NamesContextWordAndScoreBeforeIt()
    {
        var r = Api.Analyze(new PresidioAnalyzeRequest { Text = "マイナンバー 123456789018", Language = "ja", ReturnDecisionProcess = true }).Single();
        var x = r.AnalysisExplanation!;
        (x.SupportiveContextWord, x.OriginalScore, x.Score, x.ScoreContextImprovement).ShouldBe(("マイナンバー", 0.65, 0.95, 0.3));
        var bare = Api.Analyze(new PresidioAnalyzeRequest { Text = "ref 123456789018", Language = "ja", ReturnDecisionProcess = true }).Single().AnalysisExplanation!;
        (bare.SupportiveContextWord, bare.OriginalScore, bare.ScoreContextImprovement).ShouldBe(("", 0.65, 0.0));
    }

    // Regression: F10 — a misspelt entity answered [] (the text looked clean); the CLI already refused it.
    [Fact]
    public void Analyze_UnknownEntity_FailsWithUnknownEntityCode() =>
        Should.Throw<DiscoveryException>(() => Api.Analyze(new PresidioAnalyzeRequest { Text = "090-1234-5678", Language = "ja", Entities = ["PHONE"] }))
            .Code.ShouldBe(DiscoveryErrors.UnknownEntity);

    // Regression: F10 — offsets were UTF-16 units; Presidio (Python) counts code points, so emoji shifted every span.
    [Fact]
    public void AnalyzeThenAnonymize_TextWithEmoji_UseCodePointOffsets()
    {
        const string text = "🎉🎉🎉 連絡は taro@example.jp まで";
        var found = Api.Analyze(new PresidioAnalyzeRequest { Text = text, Language = "ja" }).Single();
        (found.Start, found.End).ShouldBe((8, 23));
        var result = Api.Anonymize(new PresidioAnonymizeRequest { Text = text, AnalyzerResults = [found] });
        result.Text.ShouldBe("🎉🎉🎉 連絡は <EMAIL_ADDRESS> まで");
        (result.Items[0].Start, result.Items[0].End).ShouldBe((8, 23));
        Should.Throw<DiscoveryException>(() => Api.Anonymize(new PresidioAnonymizeRequest
        {
            Text = text, AnalyzerResults = [new PresidioRecognizerResult { EntityType = "X", Start = 0, End = text.Length }],
        })).Code.ShouldBe(DiscoveryErrors.PresidioResultOutOfRange);
    }

    [Fact]
    public void Anonymize_PresidioOperators_ApplyPerEntityAndDefault()
    {
        const string text = "My name is 山田太郎 and my phone is 090-1234-5678";
        var request = JsonSerializer.Deserialize<PresidioAnonymizeRequest>(
            """
            {"text":"My name is 山田太郎 and my phone is 090-1234-5678",
             "anonymizers":{"DEFAULT":{"type":"replace","new_value":"ANONYMIZED"},
                            "PHONE_NUMBER":{"type":"mask","masking_char":"*","chars_to_mask":4,"from_end":true}},
             "analyzer_results":[{"start":11,"end":15,"score":0.8,"entity_type":"PERSON"},
                                 {"start":32,"end":45,"score":0.95,"entity_type":"PHONE_NUMBER"}]}
            """, PresidioApi.JsonOptions)!;
        text[32..45].ShouldBe("090-1234-5678");
        var response = Api.Anonymize(request);
        response.Text.ShouldBe("My name is ANONYMIZED and my phone is 090-1234-****");
        var json = JsonSerializer.Serialize(response, PresidioApi.JsonOptions);
        json.ShouldContain("\"entity_type\":\"PHONE_NUMBER\"");
        json.ShouldContain("\"operator\":\"mask\"");
        response.Items.Select(i => (i.Start, i.End, i.Operator)).ShouldBe([(11, 21, "replace"), (38, 51, "mask")]);
    }

    [Fact]
    public void Anonymize_HashIsKeyedAndStable()
    {
        var req = new PresidioAnonymizeRequest
        {
            Text = "id taro@example.jp",
            Anonymizers = new Dictionary<string, PresidioOperatorConfig> { ["DEFAULT"] = new() { Type = "hash" } },
            AnalyzerResults = [new PresidioRecognizerResult { EntityType = "EMAIL_ADDRESS", Start = 3, End = 18, Score = 1 }],
        };
        var a = Api.Anonymize(req).Text;
        a.ShouldBe(Api.Anonymize(req).Text);
        a.Length.ShouldBe(3 + 64);
        new PresidioApi(new byte[32]).Anonymize(req).Text.ShouldNotBe(a);
    }

    [Fact]
    public void Anonymize_OutOfRangeResult_FailsWithStableCode() =>
        Should.Throw<DiscoveryException>(() => Api.Anonymize(new PresidioAnonymizeRequest
        {
            Text = "short", AnalyzerResults = [new PresidioRecognizerResult { EntityType = "PERSON", Start = 2, End = 99 }],
        })).Code.ShouldBe(DiscoveryErrors.PresidioResultOutOfRange);

    [Fact]
    public void Anonymize_EncryptWithBadKey_FailsWithStableCode() =>
        Should.Throw<DiscoveryException>(() => Api.Anonymize(new PresidioAnonymizeRequest
        {
            Text = "a@example.jp",
            Anonymizers = new Dictionary<string, PresidioOperatorConfig> { ["DEFAULT"] = new() { Type = "encrypt", Key = "short" } },
            AnalyzerResults = [new PresidioRecognizerResult { EntityType = "EMAIL_ADDRESS", Start = 0, End = 12 }],
        })).Code.ShouldBe(DiscoveryErrors.InvalidOperator);

    [Fact]
    public async Task MapDiscovery_OverHttp_AcceptsPresidioShapes()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(Api);
        builder.Services.AddProblemDetails();
        await using var app = builder.Build();
        app.MapGroup("/api").MapDiscovery();
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        using var analyze = await http.PostAsync("/api/analyze",
            new StringContent("""{"text":"マイナンバー 123456789018","language":"ja"}""", System.Text.Encoding.UTF8, "application/json"), ct);
        analyze.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var doc = JsonDocument.Parse(await analyze.Content.ReadAsStringAsync(ct));
        doc.RootElement[0].GetProperty("entity_type").GetString().ShouldBe("JP_MY_NUMBER");
        doc.RootElement[0].GetProperty("start").GetInt32().ShouldBe(7);

        using var anonymize = await http.PostAsync("/api/anonymize",
            new StringContent("""{"text":"TEL 03-1234-5678","analyzer_results":[{"start":4,"end":16,"score":0.9,"entity_type":"PHONE_NUMBER"}]}""",
                System.Text.Encoding.UTF8, "application/json"), ct);
        anonymize.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymize.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("text").GetString().ShouldBe("TEL <PHONE_NUMBER>");

        using var bad = await http.PostAsync("/api/analyze",
            new StringContent("""{"text":"x","language":"xx"}""", System.Text.Encoding.UTF8, "application/json"), ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString().ShouldBe("MAMORI-7011");

        using var typo = await http.PostAsync("/api/analyze",
            new StringContent("""{"text":"090-1234-5678","language":"ja","entities":["PHONE"]}""", System.Text.Encoding.UTF8, "application/json"), ct);
        typo.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await typo.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("code").GetString().ShouldBe("MAMORI-7012");
        await app.StopAsync(ct);
    }
}
