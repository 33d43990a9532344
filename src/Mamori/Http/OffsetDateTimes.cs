using System.Globalization;
using System.Text.Json;
using Mamori.Errors;

namespace Mamori.Http;

/// <summary>
/// A date and time the API takes says its offset (<c>Z</c> or <c>±hh:mm</c>). Without one, <c>2026-12-07T09:00:00</c> was read in
/// the server's time zone (a JSON body, a query string), nine hours apart from what a Japanese company meant when the server runs
/// in UTC. JSON values are checked by <see cref="JsonConverter"/>, route and query values of the API by <see cref="RefuseDateTimesWithoutOffset"/>; both answer
/// 400 MAMORI-1003 saying what is expected. Dates alone (<see cref="DateOnly"/>) have no offset to give and are not affected.
/// </summary>
public static class OffsetDateTimes
{
    /// <summary>The message of the JSON exception, which the problem handler turns into MAMORI-1003 with the field's path.</summary>
    public const string Detail = "A date and time needs its offset.";

    /// <summary>True when <paramref name="text"/> ends in <c>Z</c> or an offset; false without one or when it is no date and time at all.</summary>
    public static bool HasOffset(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) && t.Kind != DateTimeKind.Unspecified;

    /// <summary>Every <see cref="DateTimeOffset"/> in a JSON body (and, through System.Text.Json's nullable wrapper, every <c>DateTimeOffset?</c>).</summary>
    public sealed class JsonConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value)
                && reader.TryGetDateTime(out var local) && local.Kind != DateTimeKind.Unspecified
                ? value
                : throw new JsonException(Detail);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>
    /// Checks the route and query parameters of type <see cref="DateTimeOffset"/> before the handler runs, which the compiled
    /// handlers parsed already, assuming the server's offset. Only endpoints with such a parameter get the filter, so the others
    /// keep their unfiltered request delegate.
    /// </summary>
    public static TBuilder RefuseDateTimesWithoutOffset<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var names = RouteOrQuery.Parameters(endpoint.Metadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault())
                .Where(p => (Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType) == typeof(DateTimeOffset))
                .Select(p => p.Name!).ToArray();
            if (names.Length > 0) endpoint.FilterFactories.Add((_, next) => Filter(names, next));
        });
        return builder;
    }

    private static EndpointFilterDelegate Filter(string[] names, EndpointFilterDelegate next) => invocation =>
    {
        var http = invocation.HttpContext;
        foreach (var name in names)
        {
            var raw = RouteOrQuery.Value(http, name);
            if (!string.IsNullOrEmpty(raw) && !HasOffset(raw))
                throw new MamoriException(ErrorCode.WrongType, Problems.ExceptionHandler.WrongParameter(name, http));
        }
        return next(invocation);
    };
}
