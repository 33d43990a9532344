using Mamori.Auth;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Mamori.Hosting;

/// <summary>
/// What the generated OpenAPI document cannot know by itself: how an integrator authenticates, which permission each
/// operation needs, and that text is text. Every JSON string goes through <see cref="Http.NulText.JsonConverter"/>, and
/// a custom converter leaves the schema generator with an empty schema (<c>{}</c>, "anything"), so generated clients
/// lost the type of every string parameter and property.
/// </summary>
internal static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string HeaderScheme = "apiKey";

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
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var permission = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiresPermission>().LastOrDefault();
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
