using Mamori.Audit;
using Mamori.Auth;
using Mamori.Datasets;
using Mamori.Errors;
using Mamori.Policy;
using Mamori.Staff;
using static Mamori.Web.Pages;

namespace Mamori.Web;

/// <summary>
/// Pseudonymized and anonymized datasets in the console (仮名加工情報・匿名加工情報, L-25, L-26): what is registered, what the
/// public notice publishes of each (in the notice's own words), whether a pseudonymization key is still in the key ring and
/// which datasets share it, and each dataset's provisions and uses. Read as GET /api/datasets is (ReadDatasets); the
/// privacy officer deletes a key here as with DELETE /api/datasets/{id}/key (ManageDatasets).
/// </summary>
public static class DatasetPages
{
    public const string Base = "/console/datasets";

    /// <summary>The most provision records and audit events a dataset's page lists.</summary>
    private const int Shown = 50;

    public static void MapDatasetPages(this WebApplication app)
    {
        // The service parameter keeps this off the RequestDelegate overload, which would drop the IResult and answer an empty 200.
        app.MapGet(Base, async (HttpContext http, ProcessedDatasets datasets) => Result(await ListAsync(http, datasets)))
            .RequirePermission(Permission.ReadDatasets).ExcludeFromDescription();

        app.MapGet(Base + "/{id:guid}", async (Guid id, HttpContext http) =>
        {
            var (page, found) = await DetailAsync(http, id, null);
            return Result(page, found ? 200 : 404);
        }).RequirePermission(Permission.ReadDatasets).ExcludeFromDescription();

        app.MapPost(Base + "/{id:guid}/key/delete", (Guid id, HttpContext http, ProcessedDatasets datasets) => GovernanceAuditPages.PostAsync(http, async form =>
        {
            // The deletion cannot be undone and reaches every dataset made under the key: the box is ticked first (no script needed).
            if (form["confirm"] != "yes")
                throw new MamoriException(ErrorCode.MissingField, "Tick the box to confirm the key's deletion.") { Reason = "key-delete-confirm" };
            await datasets.DeleteKeyAsync(id, http.Actor(), http.RequestAborted);
            return $"{Base}/{id}?done=key-deleted#key";
        }, async e => (await DetailAsync(http, id, e)).Page)).RequirePermission(Permission.ManageDatasets).ExcludeFromDescription();
    }

    private static NoticeLanguage Language(HttpContext http) => Lang(http) == "en" ? NoticeLanguage.En : NoticeLanguage.Ja;

    private static async Task<PrivacyPages.PublishedWords> WordsAsync(HttpContext http) =>
        new(Language(http), (await http.RequestServices.GetRequiredService<PolicyStore>().CurrentAsync(http.RequestAborted))?.Model);

    private static string KindName(HttpContext http, string kind) =>
        kind == "pseudonymized" ? T(http, "仮名加工情報", "Pseudonymized") : T(http, "匿名加工情報", "Anonymized");

    /// <summary>What the privacy notice publishes of the dataset, in the notice's words.</summary>
    private static Html Published(HttpContext http, PrivacyPages.PublishedWords words, PublishedDataset? p) => p switch
    {
        null => default,
        { Kind: DatasetKind.Anonymized } => H.F($"""{T(http, "項目", "Items")}: {words.Items(p)}<br>{T(http, "第三者提供の方法", "Method of provision")}: {words.ProvisionMethod(p)}"""),
        _ => H.F($"""{T(http, "利用目的", "Purposes")}: {words.Purposes(p)}"""),
    };

    /// <summary>
    /// The key's state as the key ring has it: the database records a deletion, but a deleted key is back after an old
    /// keys.json was restored (docs/anonymization.md: delete it again), and a kept key is gone if the ring was replaced.
    /// </summary>
    private static Html KeyState(HttpContext http, DatasetView d, bool inRing) => (d.KeyDeleted, inRing) switch
    {
        (false, true) => H.F($"""{T(http, "あり（鍵リング）", "Kept (key ring)")}"""),
        (true, false) => H.F($"""{T(http, "削除済み", "Deleted")} {Jst(d.KeyDeletedAt)}"""),
        (true, true) => H.F($"""<strong class="error">{T(http, "削除の記録がありますが、鍵リングに残っています（古い keys.json の復元など）。もう一度削除してください。",
            "Recorded as deleted, but the key ring holds it again (an old keys.json restored?): delete it again.")}</strong>"""),
        _ => H.F($"""<strong class="error">{T(http, "鍵リングにありません（削除の記録はありません）。", "Not in the key ring, and no deletion is recorded.")}</strong>"""),
    };

    /// <summary>An anonymized dataset's k (k-anonymity); "—" for pseudonymized data and for datasets registered before k was kept (their safety measures state it).</summary>
    private static string K(DatasetView d) => d.K is { } k ? k.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "—";

    private static async Task<Html> ListAsync(HttpContext http, ProcessedDatasets datasets)
    {
        var ct = http.RequestAborted;
        var all = await datasets.ListAsync(ct);
        var published = (await datasets.PublishedAsync(ct)).ToDictionary(p => p.Id);
        var provisions = await datasets.ProvisionCountsAsync(ct);
        var words = await WordsAsync(http);
        var rows = all.Select(d => H.F($"""
            <tr><td>{KindName(http, d.Kind)}</td><td><a href="{Base}/{d.Id}">{d.Name}</a></td><td>{Jst(d.CreatedAt)}</td><td class="num">{d.RowCount:N0}</td><td class="num">{K(d)}</td>
            <td>{Published(http, words, published.GetValueOrDefault(d.Id))}</td>
            <td>{(d.KeyId is { } key ? H.F($"""{KeyState(http, d, datasets.KeyInRing(key))}<br><code class="muted">{key}</code>""") : H.F($"—"))}</td>
            <td class="num">{provisions.GetValueOrDefault(d.Id):N0}</td></tr>
            """));
        var title = T(http, "仮名加工情報・匿名加工情報", "Pseudonymized and anonymized information");
        return Layout(http, title, H.F($"""
            <h1>{title}</h1>
            <p>{T(http, "登録された仮名加工情報・匿名加工情報と、プライバシーポリシーで公表している内容（匿名加工情報の項目と第三者提供の方法、仮名加工情報の利用目的）です。データの値は Mamori に保存されません。",
                "The registered pseudonymized and anonymized datasets, and what the privacy notice publishes of each (an anonymized dataset's items and method of provision, a pseudonymized dataset's purposes). Mamori keeps no value of the data.")}</p>
            {(all.Count == 0 ? H.F($"""<p class="muted">{T(http, "登録されたデータセットはありません。「mamori pseudonymize」「mamori anonymize --register」または API で登録します。",
                "No dataset is registered. Register one with 'mamori pseudonymize', 'mamori anonymize --register' or the API.")}</p>""") : H.F($"""
            <div class="table-wrap"><table><thead><tr><th scope="col">{T(http, "種類", "Kind")}</th><th scope="col">{T(http, "名称", "Name")}</th><th scope="col">{T(http, "作成（日本時間）", "Created (JST)")}</th>
            <th scope="col">{T(http, "件数", "Rows")}</th><th scope="col">k</th><th scope="col">{T(http, "公表している内容", "Published on the notice")}</th><th scope="col">{T(http, "仮名加工の鍵", "Pseudonymization key")}</th>
            <th scope="col">{T(http, "提供の記録", "Provision records")}</th></tr></thead><tbody>{rows}</tbody></table></div>
            """))}
            """));
    }

    private static async Task<(Html Page, bool Found)> DetailAsync(HttpContext http, Guid id, MamoriException? error)
    {
        var ct = http.RequestAborted;
        var datasets = http.RequestServices.GetRequiredService<ProcessedDatasets>();
        DatasetView d;
        try
        {
            d = await datasets.GetAsync(id, ct);
        }
        catch (MamoriException e) when (e.Code == ErrorCode.DatasetNotFound)
        {
            var notFound = T(http, "見つかりません", "Not found");
            return (Layout(http, notFound, H.F($"""<h1>{notFound}</h1>{FormErrors.Block(http, e)}<p><a href="{Base}">{T(http, "一覧へ戻る", "Back to the list")}</a></p>""")), false);
        }
        var words = await WordsAsync(http);
        var published = (await datasets.PublishedAsync(ct)).FirstOrDefault(p => p.Id == id);
        var inRing = d.KeyId is { } keyId && datasets.KeyInRing(keyId);
        var pseudonymized = d.Kind == "pseudonymized";
        var canAudit = Can(http, Permission.ReadAudit);
        IReadOnlyList<AuditEvent> history = canAudit ? await datasets.HistoryAsync(id, Shown, ct) : [];
        var actorName = await ActorNamesAsync(http, history.Select(e => new Actor(e.ActorKind, e.ActorId).ToString()).Append(d.CreatedBy));
        var provisions = Can(http, Permission.ReadProvisions) ? await datasets.ProvisionsAsync(id, Shown, ct) : null;
        List<DatasetView> sharing = pseudonymized ? [.. (await datasets.ListAsync(ct)).Where(x => x.KeyId == d.KeyId)] : [];
        var notice = http.Request.Query["done"] == "key-deleted"
            ? T(http, "鍵を削除しました。この鍵で作成したデータセットの仮名は、今後だれとも結び付けられません。", "The key is deleted: the pseudonyms of every dataset made under it can no longer be linked to anyone.")
            : null;
        var none = T(http, "なし", "none");
        string List(IEnumerable<string> items) => string.Join(T(http, "、", ", "), items) is { Length: > 0 } s ? s : none;

        Html keySection = default;
        if (pseudonymized)
        {
            var others = sharing.Where(x => x.Id != d.Id).ToList();
            Html deleteForm = Can(http, Permission.ManageDatasets) && (!d.KeyDeleted || inRing) ? H.F($"""
                <form method="post" action="{Base}/{d.Id}/key/delete" class="stack">{AntiforgeryField(http)}
                  <p>{T(http, "鍵を削除すると、仮名はデータに残りますが、Mamori を含めだれも同じ仮名を作ることも、新しいデータと結び付けることもできなくなります。元に戻せません。",
                      "Deleting the key leaves the pseudonyms in the data, but nobody, Mamori included, can make them again or link new data to them. It cannot be undone.")}</p>
                  <p><input type="checkbox" id="key-delete-confirm" name="confirm" value="yes" required><label for="key-delete-confirm">{(others.Count == 0
                      ? T(http, "この鍵を削除します", "Delete this key")
                      : T(http, $"この鍵を削除します（この鍵で作成した他の{others.Count}件のデータセットも鍵を失います）", $"Delete this key (the {others.Count} other datasets made under it lose it too)"))}</label></p>
                  <button type="submit">{T(http, "鍵を削除する", "Delete the key")}</button>
                </form>
                """) : default;
            keySection = H.F($"""
                <section aria-labelledby="key"><h2 id="key">{T(http, "仮名加工の鍵（削除情報等）", "Pseudonymization key")}</h2>
                <p>{T(http, "鍵は鍵リング（keys.json）にあり、データとは分けて保管され、出力されることはありません（個人情報保護法第41条第2項）。",
                    "The key is kept in the key ring (keys.json), apart from the data, and is never exported (APPI Art.41(2)).")}</p>
                <dl><dt>{T(http, "鍵 ID", "Key id")}</dt><dd><code>{d.KeyId}</code></dd>
                <dt>{T(http, "状態", "State")}</dt><dd>{KeyState(http, d, inRing)}</dd>
                <dt>{T(http, "この鍵で作成したデータセット", "Datasets made under this key")}</dt>
                <dd><ul>{sharing.Select(x => x.Id == d.Id ? H.F($"<li>{x.Name} {T(http, "（このデータセット）", "(this dataset)")}</li>") : H.F($"""<li><a href="{Base}/{x.Id}">{x.Name}</a></li>"""))}</ul></dd></dl>
                {deleteForm}
                </section>
                """);
        }

        Html provisionSection = provisions is null ? default : H.F($"""
            <section aria-labelledby="provisions"><h2 id="provisions">{T(http, "提供の記録", "Provision records")}</h2>
            {(provisions.Count == 0 ? H.F($"<p>{T(http, "提供の記録はありません。", "Not provided.")}</p>") : H.F($"""
            <table><thead><tr><th scope="col">{T(http, "日時（日本時間）", "When (JST)")}</th><th scope="col">{T(http, "根拠", "Basis")}</th><th scope="col">{T(http, "提供先", "Recipient")}</th></tr></thead>
            <tbody>{provisions.Select(r => H.F($"""<tr><td><a href="/console/provisions/records/{r.Id}">{Jst(r.At)}</a></td><td>{RecordPages.Basis(http, r.Basis)}</td><td>{r.CounterpartyName}</td></tr>"""))}</tbody></table>
            """))}
            </section>
            """);

        Html historySection = !canAudit ? default : H.F($"""
            <section aria-labelledby="history"><h2 id="history">{T(http, "作成・利用・提供の履歴（監査ログ）", "Made, used and provided (audit log)")}</h2>
            <table><thead><tr><th scope="col">{T(http, "日時（日本時間）", "When (JST)")}</th><th scope="col">{T(http, "内容", "Event")}</th><th scope="col">{T(http, "実行者", "Actor")}</th>
            <th scope="col">{T(http, "目的", "Purpose")}</th><th scope="col">{T(http, "結果", "Outcome")}</th><th scope="col">{T(http, "理由", "Reason")}</th></tr></thead>
            <tbody>{history.Select(e => H.F($"""
                <tr><td>{Jst(e.Time)}</td><td>{AuditPages.CodeName(http, e.Code)}</td><td>{actorName(new Actor(e.ActorKind, e.ActorId).ToString())}</td>
                <td>{(e.Purpose is { } p ? string.Join(T(http, "、", ", "), p.Split(',').Select(words.Purpose)) : "")}</td><td class="{(e.Outcome == AuditOutcome.Success ? "" : "error")}">{AuditPages.OutcomeName(http, e.Outcome)}</td><td><code>{e.ReasonCode}</code></td></tr>
                """))}</tbody></table>
            {(history.Count == Shown ? H.F($"<p>{T(http, $"新しい順に{Shown}件を表示しています。", $"Showing the newest {Shown}.")}</p>") : default)}
            </section>
            """);

        var noticeHref = Lang(http) == "en" ? "/en/privacy#processed-information" : "/privacy#processed-information";
        return (Layout(http, d.Name, H.F($"""
            <h1>{d.Name}</h1>
            <p><a href="{Base}">{T(http, "← 仮名加工情報・匿名加工情報の一覧", "← All datasets")}</a></p>
            {Notice(notice)}
            {FormErrors.Block(http, error)}
            <dl>
              <dt>{T(http, "種類", "Kind")}</dt><dd>{KindName(http, d.Kind)}</dd>
              <dt>ID</dt><dd><code>{d.Id}</code></dd>
              <dt>{T(http, "作成（日本時間）", "Created (JST)")}</dt><dd>{Jst(d.CreatedAt)} {actorName(d.CreatedBy)}</dd>
              <dt>{T(http, "件数", "Rows")}</dt><dd>{d.RowCount:N0}</dd>
              {(pseudonymized ? default : H.F($"""<dt>{T(http, "k（k-匿名性）", "k (k-anonymity)")}</dt><dd>{K(d)}</dd>"""))}
              <dt>{T(http, "項目（列）", "Items (columns)")}</dt><dd>{List(d.Items)}</dd>
              {(pseudonymized ? H.F($"""
              <dt>{T(http, "仮名に置き換えた項目", "Replaced by pseudonyms")}</dt><dd>{List(d.Replaced)}</dd>
              <dt>{T(http, "利用目的", "Purposes")}</dt><dd>{List(d.Purposes.Select(words.Purpose))}</dd>
              """) : default)}
              <dt>{T(http, "削除した項目", "Deleted items")}</dt><dd>{List(d.Deleted)}</dd>
              <dt>{T(http, "加工の方法と安全管理措置", "Method and safety measures")}</dt><dd>{d.SafetyMeasures}</dd>
              {(pseudonymized ? default : H.F($"""
              <dt>{T(http, "第三者提供の方法", "Method of provision")}</dt><dd>{d.ProvisionMethod ?? T(http, "未登録（登録するまで提供できません）", "Not registered (nothing is provided until it is)")}</dd>
              """))}
            </dl>
            <section aria-labelledby="published"><h2 id="published">{T(http, "プライバシーポリシーでの公表", "On the privacy notice")}</h2>
            <p>{(pseudonymized
                ? T(http, "仮名加工情報の利用目的を公表しています（個人情報保護法第41条第4項）。", "The notice publishes the purposes of pseudonymized information (APPI Art.41(4)).")
                : T(http, "匿名加工情報に含まれる項目と第三者提供の方法を公表しています（個人情報保護法第43条第3項、第44条）。", "The notice publishes the items of anonymized information and how it is provided (APPI Art.43(3), 44)."))}</p>
            <p>{Published(http, words, published)}</p>
            <p><a href="{noticeHref}">{T(http, "プライバシーポリシーで見る", "See it on the privacy notice")}</a></p>
            </section>
            {keySection}
            {provisionSection}
            {historySection}
            """)), true);
    }
}
