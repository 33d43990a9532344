using System.Text.Json;
using System.Text.Json.Serialization;
using Mamori.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Mamori.Http;

/// <summary>
/// Refuses text that contains U+0000 at the door, on every store. PostgreSQL can neither store nor compare such text
/// (SQLite can), so on PostgreSQL it reached the database as an error: a long fuzzing run found eight 500s, from a login
/// e-mail to an audit-log filter. No text Mamori takes has a use for it. JSON strings are checked by
/// <see cref="JsonConverter"/>, query, route and multipart form values by <see cref="UseNulTextRefusal"/>; all answer
/// 400 MAMORI-1006 and name no value.
/// </summary>
public static class NulText
{
    public const string Detail = "Text may not contain the NUL character (U+0000).";

    public static IApplicationBuilder UseNulTextRefusal(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var request = http.Request;
        if (request.Query.Any(q => Has(q.Key) || q.Value.Any(Has)) || request.RouteValues.Values.Any(v => v is string s && Has(s)))
        {
            await Problems.WriteAsync(http, ErrorCode.InvalidValue, 400, Detail);
            return;
        }
        // A multipart form is checked when its endpoint reads it, not here: reading it here would run ahead of the
        // anti-forgery check (which ASP.NET refuses) and of an upload endpoint's raised body limit. Only multipart bodies
        // get the wrapper (urlencoded ones are refused by ASP.NET's decoder), so a JSON request allocates nothing here.
        if (request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            var inner = http.Features.Get<IFormFeature>()
                ?? ((http as DefaultHttpContext)?.FormOptions is { } options ? new FormFeature(request, options) : new FormFeature(request));
            http.Features.Set<IFormFeature>(new CheckedForm(inner));
        }
        await next(http);
    });

    /// <summary>ASP.NET's URL decoder already refuses %00 in a urlencoded form (400 MAMORI-1001); multipart fields are not decoded, so they are checked here.</summary>
    private sealed class CheckedForm(IFormFeature inner) : IFormFeature
    {
        public bool HasFormContentType => inner.HasFormContentType;

        public IFormCollection? Form
        {
            get => inner.Form;
            set => inner.Form = value;
        }

        public IFormCollection ReadForm() => Checked(inner.ReadForm());

        public async Task<IFormCollection> ReadFormAsync(CancellationToken cancellationToken) => Checked(await inner.ReadFormAsync(cancellationToken));

        private static IFormCollection Checked(IFormCollection form) =>
            form.Any(f => Has(f.Key) || f.Value.Any(Has)) || form.Files.Any(f => Has(f.FileName) || Has(f.Name))
                ? throw new MamoriException(ErrorCode.InvalidValue, Detail)
                : form;
    }

    private static bool Has(string? s) => s?.Contains('\0', StringComparison.Ordinal) == true;

    /// <summary>Every JSON string a request body holds, property names of dictionaries included.</summary>
    public sealed class JsonConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString());

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Checked(reader.GetString())!;

        public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

        private static string? Checked(string? s) => Has(s) ? throw new JsonException(Detail) : s;
    }
}
