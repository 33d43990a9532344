using Mamori.Auth;
using Mamori.Errors;
using Mamori.Staff;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Staff users (create, disable, enable) for admins; API keys (create — the secret is shown once —, list, revoke) for admins and
/// privacy officers, each offered the roles they may put on a key.
/// </summary>
public static class AdminPages
{
    public static void MapAdminPages(this WebApplication app)
    {
        app.MapGet("/console/users", async (HttpContext http) => { return Result(await UsersAsync(http, http.Request.Query["done"], null)); })
            .RequirePermission(Permission.ManageUsers).ExcludeFromDescription();

        app.MapPost("/console/users", async (HttpContext http, StaffAccounts accounts) =>
        {
            var form = await FormAsync(http);
            var roles = form["roles"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!).ToList();
            try
            {
                await accounts.AddAsync(form["email"].ToString(), roles, form["password"].ToString(), http.Actor(), http.RequestAborted);
            }
            catch (MamoriException e)
            {
                // The form comes back with the e-mail and the ticked roles (never the password).
                return Result(await UsersAsync(http, null, e.Code switch
                {
                    ErrorCode.InvalidValue when e.Reason == "email" => T(http, "メールアドレスの形式が正しくありません。", "The email address is not valid."),
                    ErrorCode.UserExists => T(http, "そのメールアドレスのユーザーは既にいます。", "A user with that email already exists."),
                    ErrorCode.WeakPassword when e.Reason == "common" => T(http, "その初期パスワードはよく使われるもので、推測されやすいため使えません。", "That initial password is one of the most common ones and easy to guess."),
                    ErrorCode.WeakPassword => T(http, "初期パスワードが弱すぎます（12文字以上、種類の異なる文字）。", "The initial password is too weak (12+ characters, varied)."),
                    ErrorCode.UnknownRole when e.Reason == "policy-role-alone" => T(http, "ポリシーで定めた役割は、組み込みの役割（管理者・個人情報保護管理者・担当者・監査担当・外部監査人）が見られる項目をマスクなしで見られるようにするだけで、単独では何もできません。組み込みの役割も選んでください。",
                        "A role from the policy only lets a built-in role (admin, privacy officer, operator, auditor, external auditor) see items unmasked and grants nothing alone. Choose a built-in role too."),
                    ErrorCode.UserExistsElsewhere => T(http, "そのメールアドレスは、この Mamori の別の会社のアカウントで使われています。別のアドレスにしてください。",
                        "That e-mail address signs in to another company on this Mamori; use another address."),
                    ErrorCode.UnknownRole => T(http, "役割を1つ以上選んでください。", "Choose at least one known role."),
                    ErrorCode.OfficerRoleGrantedByOfficer => T(http, FormErrors.OfficerGrant.Ja, FormErrors.OfficerGrant.En),
                    _ => T(http, "ユーザーを作成できませんでした。", "The user could not be created."),
                } + $" ({ErrorCodes.Format(e.Code)})", (form["email"].ToString(), roles)), e.Status);
            }
            return Results.Redirect("/console/users?done=created");
        }).RequirePermission(Permission.ManageUsers).ExcludeFromDescription();

        foreach (var action in new[] { "disable", "enable" })
        {
            app.MapPost($"/console/users/{{id:guid}}/{action}", async (Guid id, HttpContext http, StaffAccounts accounts) =>
            {
                await FormAsync(http);
                var c = http.Caller();
                if (action == "disable" && id == c.UserId)
                    return Result(await UsersAsync(http, null, T(http, "自分自身は無効にできません。", "You cannot disable yourself.")), 400);
                var user = await accounts.GetAsync(id, http.RequestAborted);
                if (action == "disable") await accounts.DisableAsync(user, c.Actor, http.RequestAborted);
                else await accounts.EnableAsync(user, c.Actor, http.RequestAborted);
                return Results.Redirect("/console/users?done=" + action + "d");
            }).RequirePermission(Permission.ManageUsers).ExcludeFromDescription();
        }

        app.MapGet("/console/apikeys", async (HttpContext http) => { return Result(await KeysAsync(http, http.Request.Query["done"], null, null)); })
            .RequirePermission(Permission.ManageApiKeys).ExcludeFromDescription();

        app.MapPost("/console/apikeys", async (HttpContext http, ApiKeys keys) =>
        {
            var form = await FormAsync(http);
            // Empty means no expiry; anything else must be a number of days (an unreadable value made a key that never expired).
            var raw = form["expiresDays"].ToString().Trim();
            int? days = null;
            try
            {
                if (raw.Length > 0)
                    days = int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d
                        : throw new MamoriException(ErrorCode.InvalidValue, "Valid for days is a whole number from 1 to 3650.") { Reason = "key-expiry" };
                string name = form["name"].ToString(), role = form["role"].ToString();
                string[] policyRoles = [.. form["policyRoles"].Where(r => !string.IsNullOrEmpty(r)).Select(r => r!)];
                // The form's single-use id: a reload of the page that showed the secret (or a double click) posts it again and
                // must not make a second live key. A form without one (a page from before this check) creates as it did.
                var submitted = form["submission"].ToString() is { Length: > 0 } submission
                    ? await keys.SubmitAsync(submission, name, role, policyRoles, days, http.Actor(), http.RequestAborted)
                    : new ApiKeys.Submitted(await keys.CreateAsync(name, role, policyRoles, days, null, http.Actor(), http.RequestAborted), null);
                // The secret is shown in this response only, never stored in clear and never put in a redirect URL; a second post of
                // the same form names the key it already made, without the secret (kept only as a hash).
                return Result(await KeysAsync(http, null, null, submitted.Created, submitted.Earlier));
            }
            catch (MamoriException e)
            {
                // The form comes back with what was typed, and the refusal in the page's language.
                return Result(await KeysAsync(http, null, FormErrors.Text(http, e), null), e.Status);
            }
        }).RequirePermission(Permission.ManageApiKeys).ExcludeFromDescription();

        app.MapPost("/console/apikeys/{id:guid}/revoke", async (Guid id, HttpContext http, ApiKeys keys) =>
        {
            await FormAsync(http);
            var key = await keys.FindAsync(id.ToString(), http.RequestAborted);
            await keys.RevokeAsync(key, http.Actor(), http.RequestAborted);
            return Results.Redirect("/console/apikeys?done=revoked");
        }).RequirePermission(Permission.ManageApiKeys).ExcludeFromDescription();
    }

    private static async Task<Html> UsersAsync(HttpContext http, string? done, string? error, (string Email, List<string> Roles)? typed = null)
    {
        var users = await http.RequestServices.GetRequiredService<StaffAccounts>().ListAsync(http.RequestAborted);
        var known = await http.RequestServices.GetRequiredService<StaffAccounts>().KnownRolesAsync(http.RequestAborted);
        var roleLabels = await RoleLabelsAsync(http);
        var notice = done switch
        {
            "created" => T(http, "ユーザーを作成しました。", "User created."),
            "disabled" => T(http, "ユーザーを無効にしました。セッションと API キーは直ちに終了しました。", "User disabled; their sessions and keys ended at once."),
            "enabled" => T(http, "ユーザーを有効にしました。", "User enabled."),
            _ => null,
        };
        var rows = users.Select(u => H.F($"""
            <tr><td>{u.Email}</td><td>{roleLabels.Names(u.Roles)}</td>
            <td>{(u.Disabled ? H.F($"<span class=\"error\">{T(http, "無効", "Disabled")}</span> {Jst(u.DisabledAt)}") : H.F($"{T(http, "有効", "Active")}"))}</td>
            <td>{Jst(u.CreatedAt)}</td>
            <td><form method="post" action="/console/users/{u.Id}/{(u.Disabled ? "enable" : "disable")}" data-confirm="{(u.Disabled ? T(http, "このユーザーを有効にしますか？", "Enable this user?") : T(http, "このユーザーを無効にしますか？セッションと API キーは直ちに終了します。", "Disable this user? Their sessions and API keys end at once."))}">{AntiforgeryField(http)}<button type="submit" class="secondary" aria-label="{(u.Disabled ? T(http, "有効にする", "Enable") : T(http, "無効にする", "Disable"))}: {u.Email}">{(u.Disabled ? T(http, "有効にする", "Enable") : T(http, "無効にする", "Disable"))}</button></form></td></tr>
            """));
        // Only the roles the caller may grant (an admin who is not a privacy officer is not offered that role); the server refuses the others anyway.
        var grantor = http.Caller().Roles.ToList();
        var roleBoxes = RoleOrder(known).Where(r => StaffAccounts.MayGrant(grantor, r)).Select(r => H.F($"""<label class="check"><input type="checkbox" name="roles" value="{r}"{(typed?.Roles.Contains(r) == true ? Html.Raw(" checked") : default)}> {roleLabels.Choice(r)}</label>"""));
        var title = T(http, "ユーザー", "Users");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {Notice(notice)}{Error(error)}
            <table><thead><tr><th scope="col">{T(http, "メールアドレス", "Email")}</th><th scope="col">{T(http, "役割", "Roles")}</th><th scope="col">{T(http, "状態", "Status")}</th><th scope="col">{T(http, "作成", "Created")}</th><th scope="col">{T(http, "操作", "Action")}</th></tr></thead>
            <tbody>{rows}</tbody></table>
            <h2 id="new-user-h">{T(http, "ユーザーの追加", "Add a user")}</h2>
            <form method="post" action="/console/users" class="stack" aria-labelledby="new-user-h">
              {AntiforgeryField(http)}
              <label for="email">{T(http, "メールアドレス", "Email")}</label>
              <input id="email" name="email" type="email" autocomplete="off" required value="{typed?.Email}">
              <fieldset><legend>{T(http, "役割", "Roles")}</legend>{roleBoxes}</fieldset>
              <label for="password">{T(http, "初期パスワード（12文字以上。本人に別経路で伝え、変更してもらいます）", "Initial password (12+ characters; hand it over separately and have it changed)")}</label>
              <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
              <button type="submit">{T(http, "追加する", "Add")}</button>
            </form>
            """));
    }

    private static async Task<Html> KeysAsync(HttpContext http, string? done, string? error, ApiKeys.Created? created, ApiKey? earlier = null)
    {
        var keys = await http.RequestServices.GetRequiredService<ApiKeys>().ListAsync(http.RequestAborted);
        var roleLabels = await RoleLabelsAsync(http);
        Html secret = created is null ? default : H.F($"""
            <section class="secret" role="status" aria-labelledby="secret-h">
            <h2 id="secret-h">{T(http, "新しい API キー", "New API key")}: {created.Key.Name}</h2>
            <p>{T(http, "このキーは今だけ表示されます。安全な場所に保存してください。Mamori はハッシュ値しか保持しません。", "This key is shown now only. Store it safely: Mamori keeps only its hash.")}</p>
            <p><label for="secret">{T(http, "API キー", "API key")}</label><br><input id="secret" class="secret-value" type="text" readonly value="{created.Secret}" size="60">
            <button type="button" class="secondary" data-copy="secret" data-copied="{T(http, "コピーしました", "Copied")}" hidden>{T(http, "コピー", "Copy")}</button></p>
            </section>
            """);
        var notice = done == "revoked" ? T(http, "API キーを無効にしました。", "API key revoked.")
            : earlier is not null ? T(http,
                $"このフォームはすでに送信され、API キー「{earlier.Name}」（mk_{earlier.Prefix}_…）を発行しています。二重の送信のため、もう1つは発行していません。キーは発行したときに一度だけ表示しました。控えていない場合は、そのキーを無効にして新しく発行してください。",
                $"This form was already sent and created the API key “{earlier.Name}” (mk_{earlier.Prefix}_…); no second key was created. Its secret was shown once, when it was created: if you did not store it, revoke that key and create a new one.")
            : null;
        var rows = keys.Select(k => H.F($"""
            <tr><td>{k.Name}</td><td><code>mk_{k.Prefix}_…</code></td><td>{roleLabels.Cell(k.Role)}{(k.PolicyRoles.Count > 0 ? H.F($" + {roleLabels.Names(k.PolicyRoles)}") : default)}</td><td>{Jst(k.CreatedAt)}</td><td>{Jst(k.ExpiresAt)}</td><td>{Jst(k.LastUsedAt)}</td>
            <td>{(k.RevokedAt is { } r ? H.F($"{T(http, "無効化", "Revoked")} {Jst(r)}") : H.F($"""<form method="post" action="/console/apikeys/{k.Id}/revoke" data-confirm="{T(http, "この API キーを無効にしますか？元に戻せません。", "Revoke this API key? This cannot be undone.")}">{AntiforgeryField(http)}<button type="submit" class="secondary" aria-label="{T(http, "無効にする", "Revoke")}: {k.Name}">{T(http, "無効にする", "Revoke")}</button></form>"""))}</td></tr>
            """));
        // A key takes one built-in role; the policy's roles go beside it (alone they grant nothing, MAMORI-1109).
        // Only a refused form comes back filled in; after a key was made (now or by an earlier post of the form) the form is blank.
        var refused = created is null && earlier is null;
        string? Typed(string field) => refused ? Pages.Typed(http, "/console/apikeys", field) : null;
        // Only the roles the caller may grant (an officer no admin key, an admin no officer key); the server refuses the others anyway.
        var grantor = http.Caller().Roles.ToList();
        var roleOptions = Roles.BuiltIn.Where(r => StaffAccounts.MayGrant(grantor, r)).Select(r => H.F($"""<option value="{r}"{(Typed("role") == r ? Html.Raw(" selected") : default)}>{roleLabels.Choice(r)}</option>"""));
        var known = await http.RequestServices.GetRequiredService<StaffAccounts>().KnownRolesAsync(http.RequestAborted);
        var typedPolicyRoles = refused && Pages.Posted(http, "/console/apikeys") is { } posted ? posted["policyRoles"].ToArray() : [];
        var policyBoxes = known.Where(r => !Roles.IsBuiltIn(r)).Order(StringComparer.Ordinal)
            .Select(r => H.F($"""<label class="check"><input type="checkbox" name="policyRoles" value="{r}"{(typedPolicyRoles.Contains(r) ? Html.Raw(" checked") : default)}> {roleLabels.Choice(r)}</label>""")).ToList();
        var policyFieldset = policyBoxes.Count == 0 ? default : H.F($"""
              <fieldset><legend>{T(http, "ポリシーで定めた役割（その役割だけが見られる項目をマスクなしで読むとき）", "Roles from the policy (to read unmasked what only that role may see)")}</legend>{policyBoxes}</fieldset>
            """);
        var title = T(http, "API キー", "API keys");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            {secret}{Notice(notice)}{Error(error)}
            <table><thead><tr><th scope="col">{T(http, "名前", "Name")}</th><th scope="col">{T(http, "接頭辞", "Prefix")}</th><th scope="col">{T(http, "役割", "Role")}</th><th scope="col">{T(http, "作成", "Created")}</th><th scope="col">{T(http, "期限", "Expires")}</th><th scope="col">{T(http, "最終利用", "Last used")}</th><th scope="col">{T(http, "状態・操作", "Status")}</th></tr></thead>
            <tbody>{rows}</tbody></table>
            <h2 id="new-key-h">{T(http, "API キーの発行", "Create an API key")}</h2>
            <form method="post" action="/console/apikeys" class="stack" aria-labelledby="new-key-h">
              {AntiforgeryField(http)}<input type="hidden" name="submission" value="{Guid.NewGuid().ToString("N")}">
              <label for="name">{T(http, "名前（用途が分かるもの）", "Name (say what it is for)")}</label>
              <input id="name" name="name" required maxlength="80" value="{Typed("name")}">
              <label for="role">{T(http, "役割", "Role")}</label>
              <select id="role" name="role">{roleOptions}</select>
              {policyFieldset}
              <label for="expiresDays">{T(http, "有効日数（空欄は無期限）", "Valid for days (empty: no expiry)")}</label>
              <input id="expiresDays" name="expiresDays" type="number" min="1" max="3650" inputmode="numeric" value="{Typed("expiresDays")}">
              <button type="submit">{T(http, "発行する", "Create")}</button>
            </form>
            """));
    }
}
