/*! Mamori cookie and external-transmission banner (Apache-2.0).
 * Embed on any site:
 *   <script src="https://mamori.example.jp/static/js/mamori-consent.js" defer
 *           data-mamori-config="https://mamori.example.jp/api/public/consent/config?lang=ja"></script>
 * Mark every tag with the id it has in the policy's externalTags, and keep it inert until consent:
 *   <script type="text/plain" data-mamori-tag="analytics" data-src="https://analytics.example/tag.js"></script>
 *   (also <iframe data-mamori-tag="…" data-src="…"> and <img data-mamori-tag="…" data-src="…">)
 * A tag whose id the policy does not declare never loads. Non-essential tags load only after the visitor
 * agrees; Global Privacy Control (navigator.globalPrivacyControl or Sec-GPC) keeps them off. The choice is
 * kept in a first-party cookie; with data-subject-token="mst1.…" it is also recorded in the consent ledger.
 * Withdrawing must be as easy as agreeing: any element with data-mamori-open (a 「Cookie設定」 link in the
 * footer) or window.mamoriConsent.open() shows the banner again with the current choice.
 *   <a href="#" data-mamori-open>Cookie設定</a>
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var configUrl = script.getAttribute("data-mamori-config") ||
    new URL("/api/public/consent/config", script.src).toString();
  var token = script.getAttribute("data-subject-token") || null;

  // A known visitor's settings page is their personal link's: the token replaces the service (the link names the person's own).
  function preferencesUrl(cfg) {
    if (!token) return cfg.preferencesUrl;
    var url = new URL(cfg.preferencesUrl, document.baseURI);
    url.search = "?t=" + encodeURIComponent(token);
    return url.toString();
  }

  function readChoice(cfg) {
    var m = document.cookie.match(new RegExp("(?:^|; )" + cfg.cookie + "=([^;]*)"));
    if (!m) return null;
    var parts = decodeURIComponent(m[1]).split(".");
    if (parts.length !== 3 || parts[0] !== "m1") return null;
    return { version: parseInt(parts[1], 10), granted: parts[2] === "none" ? [] : parts[2].split("-") };
  }

  function writeChoice(cfg, granted) {
    var value = "m1." + cfg.policyVersion + "." + (granted.length ? granted.slice().sort().join("-") : "none");
    document.cookie = cfg.cookie + "=" + value + "; path=/; max-age=" + cfg.cookieMaxAgeSeconds + "; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }

  function categoryOf(cfg, tagId) {
    for (var i = 0; i < cfg.tags.length; i++) if (cfg.tags[i].id === tagId) return cfg.tags[i].category;
    return null;
  }

  /** Turns inert placeholders into live tags for the allowed categories; undeclared tags stay inert. */
  function activate(cfg, granted) {
    var nodes = document.querySelectorAll("[data-mamori-tag][data-src]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.getAttribute("data-mamori-active")) continue;
      var category = categoryOf(cfg, node.getAttribute("data-mamori-tag"));
      if (category === null || (category !== "essential" && granted.indexOf(category) < 0)) continue;
      node.setAttribute("data-mamori-active", "1");
      var src = node.getAttribute("data-src");
      if (node.tagName === "SCRIPT") {
        var live = document.createElement("script");
        live.src = src;
        live.async = true;
        live.setAttribute("data-mamori-tag", node.getAttribute("data-mamori-tag"));
        node.parentNode.insertBefore(live, node.nextSibling);
      } else {
        node.setAttribute("src", src);
      }
    }
  }

  function record(cfg, granted, gpc) {
    if (!token) return;
    var refused = [];
    cfg.categories.forEach(function (c) { if (!c.essential && granted.indexOf(c.id) < 0) refused.push(c.id); });
    fetch(cfg.recordUrl, {
      method: "POST", mode: "cors", credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: token, granted: granted, refused: refused, gpc: gpc }),
      keepalive: true // a withdrawal reloads the page at once
    }).then(function (r) {
      document.dispatchEvent(new CustomEvent("mamori:recorded", { detail: { ok: r.ok } }));
    }, function () { /* the cookie still holds the choice */ });
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function ensureStyles() {
    if (document.querySelector("link[data-mamori-css]")) return;
    var href = new URL("../css/mamori-consent.css", script.src).toString();
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    document.head.appendChild(el("link", { rel: "stylesheet", href: href, "data-mamori-css": "1" }));
  }

  /** Shows the banner; <reopened> when the visitor asked for it, with their current choice <granted> ticked. */
  function banner(cfg, granted, reopened, done) {
    ensureStyles();
    var t = cfg.texts;
    var box = el("section", { "class": "mamori-banner", role: "region", "aria-labelledby": "mamori-banner-title", lang: cfg.lang, tabindex: "-1" });
    // The title names the region (a landmark a screen reader lists) but is no heading: the banner comes first in the page, and
    // an h2 there came before the page's own h1 and broke the heading outline of every site that embeds it.
    box.appendChild(el("p", { id: "mamori-banner-title", "class": "mamori-title" }, t.title));
    box.appendChild(el("p", null, t.intro));
    if (cfg.notice) box.appendChild(el("p", null, cfg.notice));

    var details = el("details");
    if (reopened) details.open = true;
    details.appendChild(el("summary", null, t.details));
    var boxes = [];
    cfg.categories.forEach(function (c) {
      var row = el("div", { "class": "mamori-category" });
      var id = "mamori-cat-" + c.id;
      var input = el("input", { type: "checkbox", id: id, value: c.id });
      if (c.essential) { input.checked = true; input.disabled = true; } else { input.checked = granted.indexOf(c.id) >= 0; boxes.push(input); }
      row.appendChild(input);
      row.appendChild(el("label", { "for": id }, " " + c.name));
      row.appendChild(el("small", null, c.description));
      var list = el("ul");
      cfg.tags.filter(function (x) { return x.category === c.id; }).forEach(function (x) {
        list.appendChild(el("li", null, x.name + " — " + t.recipient + ": " + x.recipient + " / " + t.sent + ": " +
          x.informationSent + " / " + t.purpose + ": " + x.purpose));
      });
      if (list.childNodes.length) row.appendChild(list);
      details.appendChild(row);
    });
    box.appendChild(details);

    var buttons = el("div", { "class": "mamori-buttons" });
    var accept = el("button", { type: "button", "data-mamori-action": "accept-all" }, t.acceptAll);
    // Refusing looks like and sits next to accepting (equal prominence, no nudge); the settings page keeps the same order.
    var reject = el("button", { type: "button", "data-mamori-action": "reject-all" }, t.rejectAll);
    var save = el("button", { type: "button", "class": "mamori-secondary", "data-mamori-action": "save" }, t.save);
    buttons.appendChild(accept);
    buttons.appendChild(reject);
    buttons.appendChild(save);
    box.appendChild(buttons);
    var more = el("p");
    more.appendChild(el("a", { href: preferencesUrl(cfg) }, t.preferences));
    box.appendChild(more);

    // The banner is fixed over the bottom of the page: while it shows, the page keeps what has the keyboard focus above it
    // (scroll padding), or on a phone the focus would disappear under it (WCAG 2.4.11). The site's own value comes back after.
    var root = document.documentElement;
    var sitePadding = root.style.scrollPaddingBottom;
    function pad() { root.style.scrollPaddingBottom = box.offsetHeight + "px"; }
    window.addEventListener("resize", pad);
    details.addEventListener("toggle", pad);

    // Said once the banner is gone (role=status, visually hidden): a screen reader would otherwise hear nothing.
    var status = document.querySelector("[data-mamori-status]");
    if (!status) {
      status = el("div", { role: "status", "class": "mamori-status", lang: cfg.lang, "data-mamori-status": "1" });
      document.body.appendChild(status);
    }
    status.textContent = "";

    function finish(granted) {
      box.parentNode.removeChild(box);
      window.removeEventListener("resize", pad);
      root.style.scrollPaddingBottom = sitePadding;
      status.textContent = t.saved;
      done(granted);
    }
    accept.addEventListener("click", function () {
      finish(cfg.categories.filter(function (c) { return !c.essential; }).map(function (c) { return c.id; }));
    });
    reject.addEventListener("click", function () { finish([]); });
    save.addEventListener("click", function () {
      finish(boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
    });
    // First in the page's tab order, so keyboard users meet it before anything else.
    document.body.insertBefore(box, document.body.firstChild);
    pad();
    if (reopened) box.focus();
  }

  function start(cfg) {
    var gpc = navigator.globalPrivacyControl === true || cfg.gpc === true;
    var stored = readChoice(cfg);
    var granted = stored && stored.version === cfg.policyVersion ? stored.granted : null;

    function choose(chosen) {
      var withdrawn = (granted || []).some(function (c) { return chosen.indexOf(c) < 0; });
      writeChoice(cfg, chosen);
      record(cfg, chosen, false);
      document.dispatchEvent(new CustomEvent("mamori:choice", { detail: { granted: chosen } }));
      // A tag that already ran cannot be unloaded: the page starts again without it.
      if (withdrawn) { location.reload(); return; }
      granted = chosen;
      activate(cfg, chosen);
    }

    function open() {
      var shown = document.querySelector("section.mamori-banner");
      if (shown) { shown.focus(); return; }
      // Under GPC there is nothing to choose here; the preferences page says why.
      if (gpc) { location.href = cfg.preferencesUrl; return; }
      banner(cfg, granted || [], true, choose);
    }

    window.mamoriConsent = { config: cfg, gpc: gpc, open: open };
    document.addEventListener("click", function (e) {
      var opener = e.target && e.target.closest ? e.target.closest("[data-mamori-open]") : null;
      if (!opener) return;
      e.preventDefault();
      open();
    });
    if (gpc) {
      activate(cfg, []);
      document.documentElement.setAttribute("data-mamori-gpc", "1");
      if (token && (!stored || stored.version !== cfg.policyVersion)) record(cfg, [], true);
      if (!stored || stored.version !== cfg.policyVersion || stored.granted.length) writeChoice(cfg, []);
      return;
    }
    if (granted) {
      activate(cfg, granted);
      return;
    }
    activate(cfg, []);
    if (document.querySelector("[data-mamori-preferences]")) return; // the preferences page is the banner
    banner(cfg, [], false, choose);
  }

  function load() {
    fetch(configUrl, { mode: "cors", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (cfg) { if (cfg) start(cfg); }, function () { /* no config: nothing non-essential loads */ });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
