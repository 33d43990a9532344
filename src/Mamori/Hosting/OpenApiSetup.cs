using System.Text.Json.Serialization.Metadata;
using Mamori.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mamori.Hosting;

/// <summary>
/// What the generated OpenAPI document cannot know by itself: how an integrator authenticates, which permission each
/// operation needs, and that text is text. Every JSON string goes through <see cref="Http.NulText.JsonConverter"/> (every
/// date and time through <see cref="Http.OffsetDateTimes.JsonConverter"/>), and a custom converter leaves the schema generator
/// with an empty schema (<c>{}</c>, "anything"), so generated clients lost the type of every string parameter and property.
/// And the errors: the generator lists only the success response, though every 4xx is an RFC 9457 problem with a stable
/// <c>code</c>.
/// </summary>
internal static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string HeaderScheme = "apiKey";
    public const string ProblemSchema = "Problem";

    /// <summary>
    /// The schema of a type whose values pass one of Mamori's own JSON converters: text (<see cref="Http.NulText.JsonConverter"/>)
    /// and dates and times (<see cref="Http.OffsetDateTimes.JsonConverter"/>); null for any other type.
    /// </summary>
    private static (JsonSchemaType Type, string? Format)? Converted(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => (JsonSchemaType.String, null),
            var t when t == typeof(DateTimeOffset) => (JsonSchemaType.String, "date-time"),
            _ => null,
        };

    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            var info = context.JsonTypeInfo;
            if (schema.Type is null && Converted(info.Type) is { } value)
            {
                // A property says whether it may be null; a query or route parameter is simply absent instead.
                var nullable = context.JsonPropertyInfo is { IsGetNullable: true };
                schema.Type = nullable ? value.Type | JsonSchemaType.Null : value.Type;
                schema.Format = value.Format;
            }
            // A list or dictionary of them: the generator left out the element's schema altogether, so 58 arrays said
            // nothing of what they hold ("type": "array" without "items") and dictionaries of text nothing of their values.
            // Lists refuse null elements (NullElements), so the element is never nullable.
            else if (info.ElementType is { } element && Converted(element) is { } item)
            {
                if (info.Kind == JsonTypeInfoKind.Enumerable) schema.Items ??= new OpenApiSchema { Type = item.Type, Format = item.Format };
                else if (info.Kind == JsonTypeInfoKind.Dictionary) schema.AdditionalProperties ??= new OpenApiSchema { Type = item.Type, Format = item.Format };
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "mk_…",
                Description = "An API key made on /console/apikeys: `Authorization: Bearer mk_…`. Its roles decide what it may do.",
            };
            document.Components.SecuritySchemes[HeaderScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-Api-Key",
                Description = "The same API key in the X-Api-Key header, for clients that cannot set Authorization.",
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[ProblemSchema] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "RFC 9457 problem details. `code` is stable (MAMORI-nnnn, listed in docs/errors.md); `detail` names fields and ids, never personal values.",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "https://mamori.dev/errors/MAMORI-nnnn" },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^MAMORI-[0-9]{4}$" },
                    ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Identifies the request in the server log." },
                },
                Required = new HashSet<string> { "type", "title", "status", "code" },
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var permission = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiresPermission>().LastOrDefault();
            operation.Responses ??= [];
            IOpenApiResponse Problem(string description) => new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            };
            // The codes an integrator branches on get their own entry; the range covers the others (404, 409, 410, 413, 422, 429…).
            operation.Responses.TryAdd("400", Problem("The request is malformed or a value is invalid; `code` says which rule, `detail` which field."));
            if (permission is not null)
            {
                operation.Responses.TryAdd("401", Problem("No valid session or API key."));
                operation.Responses.TryAdd("403", Problem("The key or user lacks the permission, or the purpose does not allow the access."));
            }
            operation.Responses.TryAdd("4XX", Problem("Any other client error, as problem details with a stable `code`."));
            if (permission is null) return Task.CompletedTask;
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(HeaderScheme, context.Document)] = [] });
            var needs = $"Needs the {permission.Permission} permission.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? needs : operation.Description + "\n\n" + needs;
            return Task.CompletedTask;
        });
    }
}
