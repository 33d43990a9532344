using System.Text.Json;
using Mamori.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Mamori.Http;

/// <summary>
/// RFC 9457 problem details with a stable <c>code</c> extension (<c>MAMORI-nnnn</c>). Messages name
/// fields and ids, never values, so no personal data comes back in an error.
/// </summary>
public static partial class Problems
{
    public const string TypeBase = "https://mamori.dev/errors/";

    /// <param name="reason">Which rule failed where one code covers several (<see cref="MamoriException.Reason"/>; for MAMORI-3010 the
    /// decision's reason code), so that an integration branches on data rather than on the English <c>detail</c>.</param>
    public static ProblemDetails Create(ErrorCode code, int status, string detail, HttpContext? http = null, string? reason = null)
    {
        var formatted = ErrorCodes.Format(code);
        var problem = new ProblemDetails
        {
            Type = TypeBase + formatted,
            Title = TitleOf(code),
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = formatted;
        if (reason is not null) problem.Extensions["reason"] = reason;
        if (http is not null) problem.Extensions["traceId"] = http.TraceIdentifier;
        return problem;
    }

    public static ProblemHttpResult Result(ErrorCode code, int status, string detail) =>
        TypedResults.Problem(Create(code, status, detail));

    public static ProblemHttpResult From(MamoriException e) => TypedResults.Problem(Create(e.Code, e.Status, e.Message, reason: e.Reason));

    public static Task WriteAsync(HttpContext http, ErrorCode code, int status, string detail, string? reason = null)
    {
        http.Response.StatusCode = status;
        return http.Response.WriteAsJsonAsync(Create(code, status, detail, http, reason), (JsonSerializerOptions?)null, "application/problem+json");
    }

    private static string TitleOf(ErrorCode code) =>
        System.Text.RegularExpressions.Regex.Replace(code.ToString(), "(?<=[a-z])(?=[A-Z])", " ");

    /// <summary>
    /// Maps exceptions to problems: expected failures keep their code and status; bad request bodies
    /// become 400/413/415 with a code; anything else is a 500 whose details stay in the log.
    /// </summary>
    public sealed partial class ExceptionHandler(ILogger<ExceptionHandler> logger) : IExceptionHandler
    {
        [System.Text.RegularExpressions.GeneratedRegex(@"^Required parameter ""(?:\S+ )?(\w+)"" was not provided from ([a-z ]+)\.?")]
        private static partial System.Text.RegularExpressions.Regex RequiredParameter();

        // ASP.NET: Failed to bind parameter "Nullable<DateTimeOffset> at" from "yesterday". Only the name is taken: the value is the caller's.
        [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to bind parameter ""(?:[^""]* )?(\w+)"" from")]
        private static partial System.Text.RegularExpressions.Regex UnboundParameter();

        // System.Text.Json: The JSON value could not be converted to System.Nullable`1[[Mamori.Access.LegalException, Mamori.Core, …]]. Path: …
        [System.Text.RegularExpressions.GeneratedRegex(@"could not be converted to (?:System\.Nullable`1\[\[?)?([\w.+]+)")]
        private static partial System.Text.RegularExpressions.Regex ConvertedTo();

        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
        {
            var (code, status, detail) = Classify(exception, http);
            // A server with no company yet answers 503 by design; the start banner already says what to do.
            if (status >= 500 && code != ErrorCode.NotSetUp) Log.Unhandled(logger, Describe(exception), http.TraceIdentifier, exception.StackTrace ?? "");
            if (http.Response.HasStarted) return false;
            if (status is >= 400 and < 500 && Web.Pages.IsConsolePage(http.Request)) await Web.Pages.WriteConsoleErrorAsync(http, code, status, detail, exception as MamoriException);
            else if (code == ErrorCode.NotSetUp && !Auth.MamoriAuthenticationHandler.IsApi(http.Request)) await Web.Pages.WriteNotSetUpAsync(http, status);
            else if (status is >= 400 and < 500 && Web.Pages.IsPageForm(http.Request)) await Web.Pages.WriteFormErrorAsync(http, code, status, detail, exception as MamoriException);
            else await WriteAsync(http, code, status, detail, (exception as MamoriException)?.Reason);
            return true;
        }

        /// <summary>Exception types only: messages can quote stored values (a unique-key violation does).</summary>
        internal static string Describe(Exception e) =>
            e.InnerException is null ? e.GetType().FullName! : $"{e.GetType().FullName} <- {Describe(e.InnerException)}";

        internal static (ErrorCode Code, int Status, string Detail) Classify(Exception exception, HttpContext? http = null) => exception switch
        {
            MamoriException m => (m.Code, m.Status, m.Message),
            // EF wraps what a value converter throws when detailed errors are on.
            Exception { InnerException: Data.UnknownStoredValueException u } => (u.Code, u.Status, u.Message),
            BadHttpRequestException { StatusCode: 413 } => (ErrorCode.BodyTooLarge, 413, "The request body is larger than this endpoint accepts."),
            BadHttpRequestException { StatusCode: 415 } => (ErrorCode.UnsupportedMediaType, 415, "Send the body as application/json."),
            BadHttpRequestException { InnerException: JsonException j } => FromJson(j),
            BadHttpRequestException b when b.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase) =>
                (ErrorCode.UnsupportedMediaType, 415, "Send the body as application/json."),
            // "Invalid anti-forgery token found when reading parameter …": a [FromForm] endpoint's own check.
            BadHttpRequestException b when b.InnerException is Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException
                || b.Message.Contains("antiforgery", StringComparison.OrdinalIgnoreCase) =>
                (ErrorCode.AntiforgeryFailed, 400, "The form's anti-forgery token is missing or invalid; reload the page and try again."),
            BadHttpRequestException b when b.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase) =>
                (ErrorCode.MissingField, 400, "The request needs a JSON body."),
            // ASP.NET: Required parameter "string purpose" was not provided from query string. (A walkthrough saw it called malformed JSON.)
            BadHttpRequestException b when RequiredParameter().Match(b.Message) is { Success: true } r =>
                (ErrorCode.MissingField, 400, $"The {Where(r.Groups[1].Value, r.Groups[2].Value, http)}parameter '{r.Groups[1].Value}' is required."),
            BadHttpRequestException b when UnboundParameter().Match(b.Message) is { Success: true } u =>
                (ErrorCode.WrongType, 400, WrongParameter(u.Groups[1].Value, http)),
            BadHttpRequestException b when b.InnerException is FormatException || b.Message.Contains("Failed to bind parameter", StringComparison.Ordinal) =>
                (ErrorCode.WrongType, 400, "A route or query parameter has the wrong type."),
            BadHttpRequestException b => (ErrorCode.MalformedJson, b.StatusCode is >= 400 and < 500 ? b.StatusCode : 400, "The request could not be read."),
            // The anti-forgery check reads the form first; a form the reader refuses (a NUL in a value, a broken multipart
            // body) is not a token problem.
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException { InnerException: InvalidDataException } =>
                (ErrorCode.MalformedJson, 400, "The form body could not be read: it breaks a limit, holds a character a form may not (%00) or is not valid multipart."),
            Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException =>
                (ErrorCode.AntiforgeryFailed, 400, "The form's anti-forgery token is missing or invalid; reload the page and try again."),
            JsonException j => FromJson(j),
            // "application/json; charset=bogus": the JSON reader wraps Encoding's ArgumentException (fuzzing found it as a 500).
            InvalidOperationException { InnerException: ArgumentException } i when i.Message.Contains("charset", StringComparison.Ordinal) =>
                (ErrorCode.UnsupportedMediaType, 415, "Send the body as UTF-8 JSON; the charset named in Content-Type is not one we read."),
            // A multipart or form body that ends before its closing boundary, or breaks a form reader limit
            // (fuzzing found it as a 500 on document uploads).
            IOException io when io.Message.StartsWith("Unexpected end of Stream", StringComparison.Ordinal) =>
                (ErrorCode.MalformedJson, 400, "The request body ends early (an unterminated multipart or form body)."),
            InvalidDataException => (ErrorCode.MalformedJson, 400, "The form body breaks a limit or is not valid multipart."),
            // An optimistic concurrency token (a request's Transitions) no longer matched: someone saved the record first.
            Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException =>
                (ErrorCode.Conflict, 409, "Someone else changed this record at the same time; reload it and try again."),
            OperationCanceledException => (ErrorCode.InternalError, 499, "The request was cancelled."),
            _ => (ErrorCode.InternalError, 500, "Something went wrong on our side. The trace id identifies it in the server log."),
        };

        private static (ErrorCode, int, string) FromJson(JsonException j)
        {
            var path = j.Path is { Length: > 0 } p ? $" at {p}" : "";
            var m = j.Message;
            if (m.StartsWith(NulText.Detail, StringComparison.Ordinal)) return (ErrorCode.InvalidValue, 400, NulText.Detail.TrimEnd('.') + path + ".");
            if (m.StartsWith(OffsetDateTimes.Detail, StringComparison.Ordinal))
                return (ErrorCode.WrongType, 400, $"A field has the wrong type{path}{Expected(typeof(DateTimeOffset))}.");
            if (m.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
                return (ErrorCode.UnknownField, 400, $"The body has a field this endpoint does not know{path}.");
            if (m.Contains("missing required properties", StringComparison.Ordinal) || m.Contains("was missing required", StringComparison.Ordinal))
                return (ErrorCode.MissingField, 400, "The body is missing a required field: " + RequiredNames(m) + ".");
            if (m.Contains("could not be converted", StringComparison.Ordinal) || m.Contains("allow null", StringComparison.Ordinal))
                return (ErrorCode.WrongType, 400, $"A field has the wrong type{path}{Expected(FieldType(m, j.Path))}.");
            return (ErrorCode.MalformedJson, 400, $"The body is not valid JSON{path}.");
        }

        /// <summary>Names the route or query parameter that did not bind, and what it takes, from the endpoint's own signature.</summary>
        internal static string WrongParameter(string name, HttpContext? http)
        {
            var parameter = EndpointOf(http)?.Metadata.GetMetadata<System.Reflection.MethodInfo>()?.GetParameters().FirstOrDefault(p => p.Name == name);
            var type = parameter is null ? null : Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            return $"The {Where(name, "route or query string", http)}parameter '{name}' has the wrong type{Expected(type)}.";
        }

        // The exception handler runs with the endpoint cleared; the feature keeps the one that failed.
        private static Endpoint? EndpointOf(HttpContext? http) => http?.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http?.GetEndpoint();

        /// <summary>"route ", "query " or nothing (a form field); the compiled handlers say "route or query string", and the route pattern tells which.</summary>
        private static string Where(string name, string source, HttpContext? http) => source switch
        {
            "route" => "route ",
            "query string" => "query ",
            "route or query string" => (EndpointOf(http) as RouteEndpoint)?.RoutePattern.GetParameter(name) is not null ? "route " : "query ",
            _ => "",
        };

        /// <summary>
        /// The first route or query parameter of the endpoint whose value does not parse into its type, or null. The compiled
        /// handlers (EnableRequestDelegateGenerator) answer such a value for an optional parameter with a bare 400 and no name.
        /// </summary>
        internal static string? UnparsableParameter(HttpContext http)
        {
            foreach (var parameter in RouteOrQuery.Parameters(http.GetEndpoint()?.Metadata.GetMetadata<System.Reflection.MethodInfo>()))
            {
                var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                var raw = RouteOrQuery.Value(http, parameter.Name!);
                if (!string.IsNullOrEmpty(raw) && !Parses(type, raw)) return parameter.Name;
            }
            return null;
        }

        private static bool Parses(Type type, string raw)
        {
            if (type == typeof(string)) return true;
            if (type.IsEnum) return Enum.TryParse(type, raw, ignoreCase: true, out _);
            var args = new object?[] { raw, System.Globalization.CultureInfo.InvariantCulture, null };
            var withProvider = type.GetMethod("TryParse", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static,
                [typeof(string), typeof(IFormatProvider), type.MakeByRefType()]);
            if (withProvider is not null) return (bool)withProvider.Invoke(null, args)!;
            var plain = type.GetMethod("TryParse", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static, [typeof(string), type.MakeByRefType()]);
            // Not a type parsed from text (a service, a body): not this parameter.
            return plain is null || (bool)plain.Invoke(null, [raw, null])!;
        }

        /// <summary>What a value of <paramref name="type"/> looks like, as the API takes it; empty when there is nothing useful to say.</summary>
        private static string Expected(Type? type) => type switch
        {
            null => "",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => ": expected a date and time with its offset (ISO 8601, e.g. 2026-12-07T09:00:00+09:00)",
            _ when type == typeof(DateOnly) => ": expected a date (YYYY-MM-DD)",
            _ when type == typeof(Guid) => ": expected an id (UUID)",
            _ when type == typeof(int) || type == typeof(long) => ": expected a whole number",
            _ when type == typeof(bool) => ": expected true or false",
            { IsEnum: true } => $": expected one of {string.Join(", ", Enum.GetValues(type).Cast<Enum>().Select(v => JsonNamingPolicy.KebabCaseLower.ConvertName(v.ToString())))}",
            _ => "",
        };

        /// <summary>
        /// The type of the field that did not convert, when it is one of Mamori's enums. System.Text.Json names either the
        /// enum itself (an array element) or the record whose constructor takes the field; the path's last name picks the
        /// record's property then.
        /// </summary>
        private static Type? FieldType(string message, string? path)
        {
            if (ConvertedTo().Match(message) is not { Success: true } m || !m.Groups[1].Value.StartsWith("Mamori.", StringComparison.Ordinal)) return null;
            var name = m.Groups[1].Value.TrimEnd('.'); // the sentence's full stop
            var named = new[] { typeof(Problems).Assembly, typeof(MamoriException).Assembly }.Select(a => a.GetType(name)).FirstOrDefault(t => t is not null);
            if (named is null || named.IsEnum) return named;
            var field = path?.Split('.')[^1].Split('[')[0];
            var type = named.GetProperties().FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))?.PropertyType;
            if (type is null) return null;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsArray) type = type.GetElementType();
            else if (type.IsGenericType && type.GetGenericArguments() is [var element]) type = Nullable.GetUnderlyingType(element) ?? element;
            return type is { IsEnum: true } ? type : null;
        }

        private static string RequiredNames(string message)
        {
            // System.Text.Json lists the missing property names after a colon; names are schema, not data.
            var i = message.LastIndexOf(':');
            return i >= 0 ? message[(i + 1)..].Trim().TrimEnd('.') : "see the API reference";
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in request {TraceId}\n{StackTrace}")]
    public static partial void Unhandled(ILogger logger, string exceptionType, string traceId, string stackTrace);
}
