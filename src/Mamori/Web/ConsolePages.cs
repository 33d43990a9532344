using Mamori.Auth;
using Mamori.Errors;
using Mamori.Http;
using Mamori.Staff;
using Microsoft.AspNetCore.Mvc;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>Sign-in, sign-out and the console's home page.</summary>
public static class ConsolePages
{
    public static void MapConsolePages(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext http, string? returnUrl) => Result(LoginPage(http, returnUrl, null, null)))
            .AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async (HttpContext http, [FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl) =>
        {
            try
            {
                await AuthEndpoints.LoginAsync(http, email, password);
                return Results.Redirect(SafeReturn(returnUrl));
            }
            catch (MamoriException e) when (e.Code is ErrorCode.InvalidCredentials or ErrorCode.LoginRateLimited)
            {
                var message = (e.Code == ErrorCode.LoginRateLimited
                    ? T(http, "ログインの失敗が続いたため、しばらくお待ちください。", "Too many failed sign-ins; please wait and try again.")
                    : T(http, "メールアドレスまたはパスワードが違います。", "The email or password is wrong.")) + $" ({ErrorCodes.Format(e.Code)})";
                // The e-mail comes back in the form (never the password), in this response's body only, uncached.
                SecurityHeaders.Private(http);
                return Result(LoginPage(http, returnUrl, message, email), e.Status);
            }
        }).AllowAnonymous().RequireRateLimiting("login").ExcludeFromDescription();

        app.MapPost("/logout", async (HttpContext http, SignIn signIn) =>
        {
            var caller = http.Caller();
            if (caller.SessionId is { } sid) await signIn.RevokeSessionAsync(sid, caller.Actor, isLogout: true, http.RequestAborted);
            SessionCookies.Clear(http);
            return Results.Redirect("/login");
        }).RequirePermission(Permission.Self).ExcludeFromDescription();

        app.MapDashboard();
        app.MapAccountPages();
        app.MapAdminPages();
        app.MapSubjectPages();
        app.MapAuditPages();
        app.MapPolicyConsolePages();
        app.MapRecordPages();
        app.MapDatasetPages();
    }

    /// <summary>
    /// Only local paths: an open redirect after sign-in would be a phishing aid. As ASP.NET's <c>Url.IsLocalUrl</c>: browsers
    /// drop tabs and newlines from a URL and read a backslash as a slash, so "/\t/host" is "//host" to them; any control
    /// character is refused (a CR/LF could not go into the Location header anyway).
    /// </summary>
    internal static string SafeReturn(string? returnUrl) =>
        returnUrl is { Length: > 1 } r && r[0] == '/' && r[1] != '/' && r[1] != '\\' && !r.Any(char.IsControl) ? r : "/console";

    private static Html LoginPage(HttpContext http, string? returnUrl, string? error, string? email)
    {
        var title = T(http, "ログイン", "Sign in");
        Html errorBlock = error is null ? default : H.F($"""<p class="error" role="alert">{error}</p>""");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {errorBlock}
            <form method="post" action="/login" class="stack">
              {AntiforgeryField(http)}
              <input type="hidden" name="returnUrl" value="{SafeReturn(returnUrl)}">
              <label for="email">{T(http, "メールアドレス", "Email")}</label>
              <input id="email" name="email" type="email" autocomplete="username" required{(email is null ? Html.Raw(" autofocus") : default)} value="{email}">
              <label for="password">{T(http, "パスワード", "Password")}</label>
              <input id="password" name="password" type="password" autocomplete="current-password" required{(email is null ? default : Html.Raw(" autofocus"))}>
              <button type="submit">{title}</button>
            </form>
            """));
    }
}
