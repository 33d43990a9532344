using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Threading.RateLimiting;
using Mamori.Auth;
using Mamori.Errors;
using Mamori.Discovery;
using Mamori.Http;
using Mamori.Logging;
using Mamori.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.FileProviders;

namespace Mamori.Hosting;

/// <summary>
/// Whether this server's <c>Mamori:Requests:PublicBaseUrl</c> was set by the operator, or is only the address it listens on:
/// only a set one replaces the address another server recorded for the company (<see cref="Tenancy.Tenants.RecordPublicBaseUrlAsync"/>).
/// </summary>
public sealed record PublicBaseUrlSource(bool Configured);

public sealed record ServeOptions
{
    public required MamoriSettings Settings { get; init; }
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5080"];
    public bool Demo { get; init; }
    public bool Migrate { get; init; } = true;

    /// <summary>The company whose public pages this server shows (<c>--tenant</c>); overrides <c>Mamori:DefaultTenant</c>.</summary>
    public string? Tenant { get; init; }

    /// <summary>Extra configuration for tests and embedders (fake clock, log levels…).</summary>
    public Action<WebApplicationBuilder>? Configure { get; init; }
}

/// <summary>Builds the HTTP server: API, console, public pages, with Mamori's conventions.</summary>
public static class MamoriServer
{
    /// <summary>The largest body an endpoint takes unless it says otherwise.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The first address served, as a base for links to people; a wildcard host (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>,
    /// <c>[::]</c>) becomes <c>localhost</c>. Null for a port chosen by the system (tests): no link could name it.
    /// </summary>
    public static string? PublicBaseUrlFrom(IReadOnlyList<string> urls)
    {
        if (urls.Count == 0) return null;
        var url = urls[0].Split(';')[0].Trim();
        var wildcard = System.Text.RegularExpressions.Regex.Match(url, @"^(https?)://(\*|\+|0\.0\.0\.0|\[::\])(:\d+)?/?$");
        if (wildcard.Success) url = $"{wildcard.Groups[1].Value}://localhost{wildcard.Groups[3].Value}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Port == 0) return null;
        return uri.GetLeftPart(UriPartial.Authority);
    }

    public static WebApplication Build(ServeOptions options)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        if (options.Tenant is { Length: > 0 } tenant) builder.Configuration[PublicTenant.Setting] = tenant;
        if (options.Demo)
        {
            builder.Configuration[PublicTenant.Setting] ??= Demo.DemoSeeder.TenantSlug;
            // A fictional account, so the demo's invoice says where to pay as a configured server's does.
            builder.Configuration["Mamori:Requests:PaymentAccount"] ??= "デモ銀行 本店営業部 普通預金 1234567 カ）サクラネット（デモ用の架空の口座です）";
            builder.Configuration["Mamori:Requests:PaymentAccountEn"] ??= "Demo Bank, head office, ordinary account 1234567, Sakuranet K.K. (a fictional demo account)";
        }

        // Logs: ASP.NET's request lines carry query strings, which may hold personal data, so they stay off.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction(r =>
        {
            r.SetRedactor<ErasingRedactor>(new DataClassificationSet(MamoriTaxonomy.PersonalData), new DataClassificationSet(MamoriTaxonomy.Secret));
            r.SetFallbackRedactor<ErasingRedactor>();
        });

        builder.Services.AddMamoriCore(options.Settings);
        builder.Services.Configure<Incidents.IncidentSettings>(builder.Configuration.GetSection(Incidents.IncidentSettings.Section));
        builder.Services.AddOptions<Requests.RequestSettings>().Bind(builder.Configuration.GetSection(Requests.RequestSettings.Section)).Validate(r => r.Validate() is not null);
        builder.Services.Configure<Notifications.MailSettings>(builder.Configuration.GetSection(Notifications.MailSettings.Section));
        builder.Services.Configure<Consent.ConsentSettings>(builder.Configuration.GetSection(Consent.ConsentSettings.Section));
        builder.Services.Configure<Provision.ProvisionSettings>(builder.Configuration.GetSection(Provision.ProvisionSettings.Section));
        builder.Services.Configure<Datasets.DatasetSettings>(builder.Configuration.GetSection(Datasets.DatasetSettings.Section));
        builder.Services.AddScoped<Staff.LoginThrottle>();
        builder.Services.AddSingleton<PublicTenant>();
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<Problems.ExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddDataProtection().SetApplicationName("mamori").PersistKeysToDbContext<Data.MamoriDbContext>();
        // Keys protect only antiforgery tokens, which hold no personal data; they live in the database so every server shares them.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "mamori_af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__af";
        });
        builder.Services.AddAuthentication(MamoriAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, MamoriAuthenticationHandler>(MamoriAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o =>
        {
            o.AddPermissionPolicies();
            // Default deny: an endpoint that names no policy still needs a signed-in caller, and a
            // test fails for any /api endpoint without an explicit permission or AllowAnonymous.
            o.FallbackPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(MamoriAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser().Build();
        });
        // Per client address and minute; Mamori:RateLimits:{Login,Public,PublicForm} override the defaults (read on first use).
        // Counted in this server's memory on purpose: the limiter sheds load before any work, and in the shared database each
        // request of a flood would be a write there. The caps that must hold across servers are rows (RecipientQuota, the code
        // limits per request); docs/reliability.md tells an operator of several servers how to set these.
        var config = builder.Configuration;
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = 429;
            o.OnRejected = (ctx, _) =>
            {
                var http = ctx.HttpContext;
                http.Response.Headers.RetryAfter = "60";
                const string detail = "Too many requests from this address; wait a minute and try again.";
                // A browser's form post reads a page in its language (a public form's person had raw JSON and lost the way back);
                // the API keeps the problem.
                return new ValueTask(Web.Pages.WantsPage(http.Request)
                    ? Web.Pages.WriteFormErrorAsync(http, ErrorCode.TooManyRequests, 429, detail, null)
                    : Problems.WriteAsync(http, ErrorCode.TooManyRequests, 429, detail));
            };
            o.AddPolicy("login", http => PerAddress(http, config, "Login", 20));
            o.AddPolicy("public", http => PerAddress(http, config, "Public", 120));
            // Public forms that write or look a person up (request form, status-link actions, opt-out stop):
            // few per minute per address, against enumeration, code guessing and mail flooding.
            o.AddPolicy("public-form", http => PerAddress(http, config, "PublicForm", 10));
        });
        builder.Services.AddOpenApi(OpenApiSetup.Configure);
        builder.Services.AddSingleton<VaultJobs>();
        // First hosted service: a SQLite database is held by one server at a time, and restore refuses while it is.
        builder.Services.AddHostedService<ServerLock>();
        // Dashboard blocks contributed by features (Web/DashboardPage.cs).
        builder.Services.AddScoped<IDashboardPanel, RequestsPanel>();
        builder.Services.AddScoped<IDashboardPanel, IncidentsPanel>();
        builder.Services.AddScoped<IDashboardPanel, GovernanceAuditsPanel>();
        builder.Services.AddScoped<IDashboardPanel, GovernancePeoplePanel>();
        // Presidio-compatible hashing uses a key derived from the blind-index key: stable pseudonyms per installation.
        builder.Services.AddSingleton(sp => new Discovery.Presidio.PresidioApi(System.Security.Cryptography.HMACSHA256.HashData(
            sp.GetRequiredService<Vault.KeyRingProvider>().Current.BlindIndexKey, "mamori-discovery-hash"u8)));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VaultJobs>());
        builder.Services.AddSingleton<RequestJobs>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RequestJobs>());
        options.Configure?.Invoke(builder);
        // Status links in messages to people need an address they can open. Unless it is set, it is the address served
        // (a user walkthrough found links to the default port on a server started with another --urls).
        var publicBaseUrl = $"{Requests.RequestSettings.Section}:{nameof(Requests.RequestSettings.PublicBaseUrl)}";
        var configuredBase = builder.Configuration[publicBaseUrl] is { Length: > 0 };
        if (!configuredBase && PublicBaseUrlFrom(options.Urls) is { } served) builder.Configuration[publicBaseUrl] = served;
        builder.Services.AddSingleton(new PublicBaseUrlSource(configuredBase));

        var app = builder.Build();
        // First, so everything after it sees the client's address and scheme (when a proxy is configured).
        app.UseReverseProxy();
        // Pages answer HEAD as they answer GET (link checkers and monitors ask HEAD); routing alone would match no page
        // and answer with the sign-in redirect. Kestrel still sends no body. The API keeps the methods it declares.
        app.Use((http, next) =>
        {
            if (HttpMethods.IsHead(http.Request.Method) && !MamoriAuthenticationHandler.IsApi(http.Request)) http.Request.Method = HttpMethods.Get;
            return next(http);
        });
        app.UseRouting();
        app.UseMamoriSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (http.Response.HasStarted || http.Response.ContentLength > 0) return;
            // A compiled handler answers a route or query value that does not parse into an optional parameter with a bare
            // 400; the runtime one threw and named the parameter. Problems.UnparsableParameter finds it again.
            var unparsable = http.Response.StatusCode == 400 ? Problems.ExceptionHandler.UnparsableParameter(http) : null;
            if (Web.Pages.IsConsolePage(http.Request))
            {
                if (http.Response.StatusCode == 404) await Web.Pages.WriteConsoleErrorAsync(http, ErrorCode.NotFound, 404, "There is no such page.");
                // A form's address opened as a link (the language switch of a form's answer did this) answered an empty 405.
                else if (http.Response.StatusCode == 405) await Web.Pages.WriteConsoleErrorAsync(http, ErrorCode.MethodNotAllowed, 405, "This address takes a form; it cannot be opened directly.");
                else if (unparsable is not null) await Web.Pages.WriteConsoleErrorAsync(http, ErrorCode.WrongType, 400, Problems.ExceptionHandler.WrongParameter(unparsable, http));
                return;
            }
            if (!MamoriAuthenticationHandler.IsApi(http.Request)) return;
            var (code, detail) = unparsable is not null ? (ErrorCode.WrongType, Problems.ExceptionHandler.WrongParameter(unparsable, http)) : http.Response.StatusCode switch
            {
                404 => (ErrorCode.NotFound, "There is no such resource."),
                405 => (ErrorCode.MethodNotAllowed, "This method is not allowed here."),
                413 => (ErrorCode.BodyTooLarge, "The request body is larger than this endpoint accepts."),
                415 => (ErrorCode.UnsupportedMediaType, "Send the body as application/json."),
                _ => (ErrorCode.InvalidValue, "The request was not accepted."),
            };
            await Problems.WriteAsync(http, code, http.Response.StatusCode, detail);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot")),
            RequestPath = "/static",
        });
        app.UsePublicNotFound();
        app.UseLanguageSwitch();
        app.UseRateLimiter();
        // dotnet/aspnetcore#69259: the rate-limiting middleware never disposes its partitioned limiter, whose timer then keeps
        // the middleware, and through it the rest of the pipeline and every service, alive after the server stops. One server
        // per process does not notice; the test run starts hundreds (1.7 MB each, measured with dotnet-gcdump). The link from
        // the limiter to what follows it is cut when the server stops.
        var lifetime = app.Lifetime;
        app.Use(next =>
        {
            var link = new System.Runtime.CompilerServices.StrongBox<RequestDelegate?>(next);
            lifetime.ApplicationStopped.Register(() => link.Value = null);
            return http => link.Value is { } rest ? rest(http) : Task.CompletedTask;
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        // The anti-forgery middleware only records a failed check; the form binding of the compiled handlers
        // (EnableRequestDelegateGenerator) does not look at it and failed with a 500. Refused here for every endpoint alike.
        app.Use((http, next) => http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false } failed
            ? throw failed.Error as Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException
                ?? new Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException("The anti-forgery token is missing or invalid.", failed.Error)
            : next(http));
        app.UseNulTextRefusal();

        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        // Pages link /static/favicon.svg; browsers and crawlers still ask for /favicon.ico (the answer files, the API reference),
        // and a 404 there filled the browser console on every public page.
        app.MapGet("/favicon.ico", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.File(Path.Combine(AppContext.BaseDirectory, "wwwroot", "favicon.svg"), "image/svg+xml");
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", Health.ReadyAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();

        var api = app.MapGroup("/api").DisableAntiforgery().RefuseDateTimesWithoutOffset();
        api.MapAuth();
        api.MapAdmin();
        api.MapAudit();
        api.MapPolicy();
        api.MapVault();
        api.MapGroup("").WithTags("Discovery").RequirePermission(Staff.Permission.Discover).MapDiscovery();
        api.MapIncidents();
        api.MapRequests();
        api.MapConsents();
        api.MapProvisions();
        api.MapDatasets();
        api.MapGovernanceAudits();
        api.MapGovernancePeople();

        app.MapConsolePages();
        app.MapApiReference();
        app.MapPrivacyPages();
        app.MapRequestPages();
        app.MapRequestConsolePages();
        app.MapIncidentConsolePages();
        app.MapConsentPages();
        app.MapCookiePages();
        app.MapAcquisitionNotice();
        app.MapGovernanceAuditPages();
        app.MapGovernancePeoplePages();
        EndpointsBuiltOnce.Apply(app);
        return app;
    }

    /// <summary>A fixed one-minute window per client address for the named policy.</summary>
    private static RateLimitPartition<string> PerAddress(HttpContext http, IConfiguration config, string name, int defaultPermits) =>
        RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = config.GetValue($"Mamori:RateLimits:{name}", defaultPermits),
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });

    public static void ConfigureJson(JsonSerializerOptions o)
    {
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.RespectNullableAnnotations = true;
        o.RespectRequiredConstructorParameters = true;
        o.MaxDepth = 32;
        // Enums are their kebab-case names only: a number such as "method": 42 was stored as a value no enum declares.
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        o.Converters.Add(new NulText.JsonConverter());
        o.Converters.Add(new OffsetDateTimes.JsonConverter());
        o.TypeInfoResolver = (o.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver())
            .WithAddedModifier(NullElements.Refuse);
    }
}

internal static class Health
{
    public static async Task<IResult> ReadyAsync(Data.MamoriDbContext db, CancellationToken ct)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(ct)) return TypedResults.Text("database unreachable", statusCode: 503);
            var pending = await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(db.Database, ct);
            return pending.Any() ? TypedResults.Text("migrations pending", statusCode: 503) : TypedResults.Text("ready");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            return TypedResults.Text("database unreachable", statusCode: 503);
        }
    }
}
