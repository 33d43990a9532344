using Mamori.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mamori.Hosting;

/// <summary>
/// What the generated OpenAPI document cannot know by itself: how an integrator authenticates, which permission each
/// operation needs, and that text is text. Every JSON string goes through <see cref="Http.NulText.JsonConverter"/>, and
/// a custom converter leaves the schema generator with an empty schema (<c>{}</c>, "anything"), so generated clients
/// lost the type of every string parameter and property. And the errors: the generator lists only the success
/// response, though every 4xx is an RFC 9457 problem with a stable <c>code</c>.
/// </summary>
internal static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string HeaderScheme = "apiKey";
    public const string ProblemSchema = "Problem";

    public static void Configure(OpenApiOptions options)
    {
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (schema.Type is null && context.JsonTypeInfo.Type == typeof(string))
            {
                // A property says whether it may be null; a query or route parameter is simply absent instead.
                var nullable = context.JsonPropertyInfo is { IsGetNullable: true };
                schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
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
