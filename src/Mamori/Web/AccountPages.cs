using Mamori.Auth;
using Mamori.Errors;
using Mamori.Staff;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>The signed-in user's own account: password change and active sessions.</summary>
public static class AccountPages
{
    public static void MapAccountPages(this WebApplication app)
    {
        app.MapGet("/console/account", async (HttpContext http) => { return Result(await PageAsync(http, http.Request.Query["done"], null)); })
            .RequirePermission(Permission.Self).ExcludeFromDescription();

        app.MapPost("/console/account/password", async (HttpContext http, StaffAccounts accounts) =>
        {
            var form = await FormAsync(http);
            var c = http.Caller();
            if (c.UserId is not { } uid)
                return Result(await PageAsync(http, null, T(http, "API キーにはパスワードがありません。", "API keys have no password.")), 400);
            string current = form["currentPassword"].ToString(), next = form["newPassword"].ToString(), confirm = form["confirmPassword"].ToString();
            if (next != confirm)
                return Result(await PageAsync(http, null, T(http, "新しいパスワードが確認欄と一致しません。", "The new password and its confirmation differ.")), 400);
            var user = await accounts.GetAsync(uid, http.RequestAborted);
            if (!PasswordHasher.Verify(current, user.PasswordHash))
                return Result(await PageAsync(http, null, T(http, "現在のパスワードが違います。", "The current password is wrong.")), 400);
            try
            {
                await accounts.SetPasswordAsync(user, next, c.Actor, c.SessionId, http.RequestAborted);
            }
            catch (MamoriException e) when (e.Code == ErrorCode.WeakPassword)
            {
                return Result(await PageAsync(http, null, e.Reason == "common"
                    ? T(http, "そのパスワードはよく使われるもので、推測されやすいため使えません。", "That password is one of the most common ones and easy to guess.")
                    : T(http, "パスワードが弱すぎます（12文字以上で、種類の異なる文字を含めてください）。", "The password is too weak (at least 12 characters, varied).")), 400);
            }
            return Results.Redirect("/console/account?done=password");
        }).RequirePermission(Permission.Self).ExcludeFromDescription();

        app.MapPost("/console/account/sessions/{id:guid}/revoke", async (Guid id, HttpContext http, SignIn signIn) =>
        {
            await FormAsync(http);
            var c = http.Caller();
            var own = c.UserId is { } uid && (await signIn.ActiveSessionsAsync(uid, http.RequestAborted)).Any(s => s.Id == id);
            if (!own) return Result(await PageAsync(http, null, T(http, "そのセッションはありません。", "There is no such session.")), 404);
            await signIn.RevokeSessionAsync(id, c.Actor, isLogout: id == c.SessionId, http.RequestAborted);
            if (id == c.SessionId)
            {
                SessionCookies.Clear(http);
                return Results.Redirect("/login");
            }
            return Results.Redirect("/console/account?done=revoked");
        }).RequirePermission(Permission.Self).ExcludeFromDescription();
    }

    private static async Task<Html> PageAsync(HttpContext http, string? done, string? error)
    {
        var c = http.Caller();
        var roleLabels = await RoleLabelsAsync(http);
        var sessions = c.UserId is { } uid ? await http.RequestServices.GetRequiredService<SignIn>().ActiveSessionsAsync(uid, http.RequestAborted) : [];
        var notice = done switch
        {
            "password" => T(http, "パスワードを変更しました。他のセッションは終了しました。", "Password changed; your other sessions were ended."),
            "revoked" => T(http, "セッションを終了しました。", "The session was ended."),
            _ => null,
        };
        var rows = sessions.OrderByDescending(s => s.LastSeenAt).Select(s => H.F($"""
            <tr><td>{Jst(s.CreatedAt)}</td><td>{Jst(s.LastSeenAt)}</td><td>{Jst(s.ExpiresAt)}</td>
            <td>{(s.Id == c.SessionId ? H.F($"<strong>{T(http, "このセッション", "This session")}</strong>") : default)}</td>
            <td><form method="post" action="/console/account/sessions/{s.Id}/revoke">{AntiforgeryField(http)}<button type="submit" class="secondary">{(s.Id == c.SessionId ? T(http, "終了（ログアウト）", "End (sign out)") : T(http, "終了", "End"))}</button></form></td></tr>
            """));
        var title = T(http, "アカウント", "Account");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            <p>{c.Email} ({roleLabels.Names(c.Roles)})</p>
            {Notice(notice)}{Error(error)}
            <h2 id="pw-h">{T(http, "パスワードの変更", "Change password")}</h2>
            <form method="post" action="/console/account/password" class="stack" aria-labelledby="pw-h">
              {AntiforgeryField(http)}
              <label for="currentPassword">{T(http, "現在のパスワード", "Current password")}</label>
              <input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required>
              <label for="newPassword">{T(http, "新しいパスワード（12文字以上）", "New password (12 characters or more)")}</label>
              <input id="newPassword" name="newPassword" type="password" autocomplete="new-password" minlength="12" required>
              <label for="confirmPassword">{T(http, "新しいパスワード（確認）", "New password again")}</label>
              <input id="confirmPassword" name="confirmPassword" type="password" autocomplete="new-password" minlength="12" required>
              <button type="submit">{T(http, "変更する", "Change")}</button>
            </form>
            <h2>{T(http, "有効なセッション", "Active sessions")}</h2>
            <table><thead><tr><th scope="col">{T(http, "開始", "Started")}</th><th scope="col">{T(http, "最終利用", "Last used")}</th><th scope="col">{T(http, "期限", "Expires")}</th><th scope="col"></th><th scope="col">{T(http, "操作", "Action")}</th></tr></thead>
            <tbody>{rows}</tbody></table>
            """));
    }
}
