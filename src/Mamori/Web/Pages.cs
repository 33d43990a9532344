using Mamori.Auth;
using Microsoft.AspNetCore.Antiforgery;

namespace Mamori.Web;

/// <summary>The shared page frame: language, navigation, stylesheet, no inline script.</summary>
public static class Pages
{
    public static string Lang(HttpContext http) =>
        http.Request.Query["lang"] == "en" || (http.Request.Cookies["mamori_lang"] == "en" && http.Request.Query["lang"] != "ja") ? "en" : "ja";

    public static string T(HttpContext http, string ja, string en) => Lang(http) == "en" ? en : ja;

    public static Html Layout(HttpContext http, string title, Html body)
    {
        var lang = Lang(http);
        var caller = http.Features.Get<Staff.StaffPrincipal>();
        var other = lang == "en" ? "ja" : "en";
        var switchLabel = lang == "en" ? "日本語" : "English";
        var path = http.Request.Path.Value ?? "/";
        Html nav = caller is null
            ? H.F($"")
            : H.F($"""
                <nav aria-label="{T(http, "メインメニュー", "Main menu")}"><ul>
                  <li><a href="/console">{T(http, "ホーム", "Home")}</a></li>
                  <li><a href="/console/requests">{T(http, "開示等の請求", "Requests")}</a></li>
                  <li><a href="/api-reference">{T(http, "API リファレンス", "API reference")}</a></li>
                </ul>
                <form method="post" action="/logout" class="inline">{AntiforgeryField(http)}<button type="submit">{T(http, "ログアウト", "Sign out")}</button></form>
                </nav>
                """);
        return H.F($"""
            <!DOCTYPE html>
            <html lang="{lang}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} — Mamori</title>
            <link rel="stylesheet" href="/static/css/mamori.css">
            </head>
            <body>
            <a class="skip" href="#main">{T(http, "本文へ移動", "Skip to content")}</a>
            <header class="site"><span class="brand">守り Mamori</span>{nav}<a class="lang" href="{path}?lang={other}" hreflang="{other}" lang="{other}">{switchLabel}</a></header>
            <main id="main">
            {body}
            </main>
            </body>
            </html>
            """);
    }

    /// <summary>The frame of public pages (customers): fixed language, no staff navigation.</summary>
    public static Html PublicLayout(HttpContext http, Policy.NoticeLanguage lang, string title, Html body, string? extraCss = null)
    {
        var code = lang == Policy.NoticeLanguage.En ? "en" : "ja";
        var path = http.Request.Path.Value ?? "/";
        var other = code == "en" ? (path.StartsWith("/en/", StringComparison.Ordinal) ? path[3..] : path) : "/en" + path;
        Html css = extraCss is null ? default : H.F($"""<link rel="stylesheet" href="{extraCss}">""");
        return H.F($"""
            <!DOCTYPE html>
            <html lang="{code}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title}</title>
            <link rel="stylesheet" href="/static/css/mamori.css">
            {css}
            </head>
            <body>
            <a class="skip" href="#main">{(code == "en" ? "Skip to content" : "本文へ移動")}</a>
            <header class="site"><span class="brand">{title}</span><a class="lang" href="{other}" hreflang="{(code == "en" ? "ja" : "en")}" lang="{(code == "en" ? "ja" : "en")}">{(code == "en" ? "日本語" : "English")}</a></header>
            <main id="main">
            {body}
            </main>
            </body>
            </html>
            """);
    }

    public static Html AntiforgeryField(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return H.F($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    public static Html Forbidden(HttpContext http) => Layout(http, T(http, "権限がありません", "Not allowed"),
        H.F($"<h1>{T(http, "権限がありません", "Not allowed")}</h1><p>{T(http, "この操作はあなたの役割では許可されていません。", "Your role does not allow this.")}</p>"));

    public static Task WriteAsync(HttpContext http, Html page)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(page.Value);
    }

    public static IResult Result(Html page, int status = 200) =>
        Results.Content(page.Value, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
}
