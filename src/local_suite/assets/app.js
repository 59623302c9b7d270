// The local AI Suite's single-page app: pages are rendered client-side from the
// JSON API, so elements appear asynchronously, as on the real product.
(function () {
  "use strict";
  const CONFIG = window.AI_SUITE_CONFIG || {};
  const FAULTS = new Set(CONFIG.faults || []);
  const fault = (name) => FAULTS.has(name);
  // Markup variants: the same app built differently (see local_suite::VARIANTS).
  const VARIANTS = new Set(CONFIG.variants || []);
  const divs = VARIANTS.has("div-markup");
  // SSO-only builds: no password form; the session comes from the identity
  // provider (a cookie, or a token the app keeps in localStorage).
  const ssoStorage = VARIANTS.has("sso-storage");
  const sso = ssoStorage || VARIANTS.has("sso-cookie");
  const root = document.getElementById("root");
  let me = null;

  // --- tiny DOM helper ------------------------------------------------------
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  async function api(method, path, body) {
    const headers = body ? { "Content-Type": "application/json" } : {};
    const token = ssoStorage && localStorage.getItem("aisuite.token");
    if (token) headers["Authorization"] = "Bearer " + token;
    const res = await fetch(path, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    if (res.status === 401 && path !== "/api/login") {
      location.href = "/login?next=" + encodeURIComponent(location.pathname);
      throw new Error("signed out");
    }
    const data = await res.json().catch(() => ({}));
    return { status: res.status, data };
  }

  function navigate(path) {
    history.pushState({}, "", path);
    render();
  }
  window.addEventListener("popstate", render);

  // --- validation (the server checks the same rules again) ------------------
  function validateName(raw, liveNames) {
    const name = raw.trim();
    if (!name && !fault("accept-empty-name")) return "Token name is required.";
    if ([...name].length > 64) return "Token name must be 64 characters or fewer.";
    if (liveNames.includes(name)) return "You already have an active token with this name.";
    return null;
  }
  function validateExpiry(raw, today) {
    const s = raw.trim();
    if (!s) return "Expiry date is required.";
    if (fault("accept-today-expiry") || fault("accept-past-expiry") || fault("lenient-date-parsing")) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return "Enter the expiry date in YYYY-MM-DD format.";
    const [y, m, d] = s.split("-").map(Number);
    const dt = new Date(Date.UTC(y, m - 1, d));
    if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) {
      return "Enter a real calendar date (YYYY-MM-DD).";
    }
    if (s <= today) return "Expiry date must be later than today.";
    return null;
  }

  // --- shared pieces ----------------------------------------------------------
  function statusBadge(status) {
    return h("span", { class: "status status-" + status }, status);
  }

  function tokenTable(rows, columns, label) {
    if (divs) {
      const grid = `grid-template-columns: repeat(${columns.length}, auto)`;
      const header = h("div", { role: "row", class: "grid-row", style: grid }, columns.map((c) => h("div", { role: "columnheader", class: "grid-head" }, c.title)));
      const body = rows.length
        ? rows.map((r) => h("div", { role: "row", class: "grid-row", style: grid }, columns.map((c) => h("div", { role: "cell", class: c.mono ? "mono" : null }, c.cell(r)))))
        : [h("div", { class: "empty" }, "No tokens yet.")];
      return h("div", { role: "table", "aria-label": label, class: "grid" }, h("div", { role: "rowgroup" }, header), h("div", { role: "rowgroup" }, body));
    }
    const head = h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c.title)));
    const body = rows.length
      ? rows.map((r) => h("tr", {}, columns.map((c) => h("td", { class: c.mono ? "mono" : null }, c.cell(r)))))
      : [h("tr", {}, h("td", { colspan: columns.length, class: "empty" }, "No tokens yet."))];
    return h("table", { "aria-label": label }, h("thead", {}, head), h("tbody", {}, body));
  }

  function openModal(content, labelId) {
    const dialog = divs
      ? h("div", { class: "dialog modal-panel", role: "dialog", "aria-modal": "true" }, content)
      : h("div", { class: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": labelId }, content);
    const backdrop = h("div", { class: "backdrop" }, dialog);
    document.body.append(backdrop);
    requestAnimationFrame(() => requestAnimationFrame(() => backdrop.classList.add("open")));
    return {
      dialog,
      close() {
        backdrop.classList.remove("open");
        let done = false;
        const remove = () => { if (!done) { done = true; backdrop.remove(); } };
        if (matchMedia("(prefers-reduced-motion: reduce)").matches) return remove();
        backdrop.addEventListener("transitionend", remove, { once: true });
        setTimeout(remove, 400);
      },
    };
  }

  const title = (id, text) => divs ? h("div", { class: "modal-title" }, text) : h("h2", { id }, text);

  // --- layout -----------------------------------------------------------------
  function layout(title, content) {
    const path = location.pathname;
    const link = (href, text) => divs
      ? h("button", { type: "button", class: "nav-item", "aria-current": path === href ? "page" : null, onclick: () => navigate(href) }, h("span", {}, text))
      : h("a", { href, "aria-current": path === href ? "page" : null, onclick: (e) => { e.preventDefault(); navigate(href); } }, text);
    const item = (text, onclick) => divs
      ? h("a", { href: "#", onclick: (e) => { e.preventDefault(); onclick(); } }, text)
      : h("button", { role: "menuitem", type: "button", onclick }, text);
    const menu = h("div", { class: divs ? "menu dropdown" : "menu", role: divs ? null : "menu", "aria-label": divs ? null : "Profile menu", hidden: true },
      h("div", { class: "menu-user" },
        h("div", { class: "menu-name" }, me.name),
        fault("role-missing-from-menu") ? null : h("div", { class: "menu-role" }, me.role)),
      item("Profile", () => { hideMenu(); navigate("/profile"); }),
      item("Sign out", signOut));
    const initials = me.name.split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
    const toggle = (e) => { e.stopPropagation(); menu.hidden ? showMenu() : hideMenu(); };
    const avatar = divs
      ? h("div", { class: "avatar", role: "button", tabindex: "0", "aria-label": "Account", onclick: toggle }, initials)
      : h("button", { class: "avatar", type: "button", "aria-label": "Open profile menu", "aria-haspopup": "menu", "aria-expanded": "false", onclick: toggle }, initials);
    function showMenu() { menu.hidden = false; avatar.setAttribute("aria-expanded", "true"); }
    function hideMenu() { menu.hidden = true; avatar.setAttribute("aria-expanded", "false"); }
    document.addEventListener("click", (e) => { if (!menu.contains(e.target)) hideMenu(); });

    return h("div", { class: "app" },
      h("aside", { class: "sidebar" },
        h("div", { class: "brand" }, "DuploCloud AI Suite"),
        h("nav", { "aria-label": "Main navigation" },
          link("/", "Home"),
          h("div", { class: "nav-group" },
            h("div", { class: "nav-group-title" }, "AI Admin"),
            link("/ai-admin/agents", "Agents"),
            link("/access-control", "Access Control"),
            link("/ai-admin/settings", "Settings")))),
      h("div", { class: "main" },
        h("header", { class: "topbar" }, h("h1", {}, title), h("div", { class: "profile" }, avatar, menu)),
        h("main", { class: "content" }, content)));
  }

  async function signOut() {
    await api("POST", "/api/logout");
    if (ssoStorage) localStorage.removeItem("aisuite.token");
    location.href = "/login";
  }

  // --- pages ------------------------------------------------------------------
  function ssoPage() {
    return h("div", { class: "login-wrap" },
      h("div", { class: "card login-card" },
        h("h1", {}, "Sign in"), h("p", {}, "DuploCloud AI Suite admin panel"),
        h("a", { class: "btn btn-primary", href: "https://sso.example.invalid/authorize" }, "Continue with SSO")));
  }

  function loginPage() {
    if (sso) return ssoPage();
    const email = h("input", { id: "email", type: "email", autocomplete: "username", required: true });
    const password = h("input", { id: "password", type: "password", autocomplete: "current-password", required: true });
    const error = h("div", { class: "form-error", role: "alert" });
    const form = h("form", {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = "";
        const res = await api("POST", "/api/login", { email: email.value, password: password.value });
        if (res.status === 200) {
          const next = new URLSearchParams(location.search).get("next");
          location.href = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
        } else {
          error.textContent = res.data.error || "Sign-in failed.";
        }
      },
    },
      error,
      h("div", { class: "field" }, h("label", { for: "email" }, "Email"), email),
      h("div", { class: "field" }, h("label", { for: "password" }, "Password"), password),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "btn btn-primary" }, "Sign in")));
    return h("div", { class: "login-wrap" },
      h("div", { class: "card login-card" },
        h("h1", {}, "Sign in"), h("p", {}, "DuploCloud AI Suite admin panel"), form));
  }

  function homePage() {
    return layout("Home", h("div", { class: "card" }, h("h2", {}, "Welcome, " + me.name),
      h("p", {}, "Use AI Admin → Access Control to manage users and API tokens.")));
  }

  function placeholderPage(title) {
    return layout(title, h("div", { class: "card" }, h("h2", {}, title), h("p", {}, "Nothing to configure here yet.")));
  }

  function accessControlPage() {
    const panel = h("div", { role: "tabpanel" });
    const tabs = ["Users", "User Tokens", "Roles"];
    const buttons = tabs.map((t) => divs
      ? h("a", { href: "#", class: "tab", "aria-selected": "false", onclick: (e) => { e.preventDefault(); select(t); } }, t)
      : h("button", { role: "tab", type: "button", "aria-selected": "false", onclick: () => select(t) }, t));
    async function select(tab) {
      buttons.forEach((b) => b.setAttribute("aria-selected", String(b.textContent === tab)));
      panel.replaceChildren(h("p", { class: "empty" }, "Loading…"));
      if (tab === "User Tokens") {
        const res = await api("GET", "/api/admin/tokens");
        const columns = [
          { title: "Name", cell: (r) => r.name },
          { title: "Token", cell: (r) => r.masked, mono: true },
          { title: "User", cell: (r) => r.user },
          { title: "Created", cell: (r) => r.created },
          { title: "Last Used", cell: (r) => r.last_used },
          { title: "Expiry", cell: (r) => r.expiry },
          { title: "Status", cell: (r) => statusBadge(r.status) },
        ].filter((c) => !(fault("missing-column") && c.title === "Last Used"));
        panel.replaceChildren(h("div", { class: "card" }, h("h2", {}, "User Tokens"), tokenTable(res.data, columns, "User Tokens")));
      } else if (tab === "Users") {
        panel.replaceChildren(h("div", { class: "card" }, h("h2", {}, "Users"),
          h("table", { "aria-label": "Users" },
            h("thead", {}, h("tr", {}, h("th", {}, "Name"), h("th", {}, "Email"), h("th", {}, "Role"))),
            h("tbody", {},
              h("tr", {}, h("td", {}, me.name), h("td", {}, me.email), h("td", {}, me.role)),
              h("tr", {}, h("td", {}, "Sam Rivera"), h("td", {}, "sam.rivera@duplocloud.test"), h("td", {}, "Developer"))))));
      } else {
        panel.replaceChildren(h("div", { class: "card" }, h("h2", {}, "Roles"), h("p", {}, "Administrator, Developer, Viewer")));
      }
    }
    select("Users");
    return layout("Access Control", h("div", {}, h("div", { class: "tabs", role: "tablist", "aria-label": "Access Control" }, buttons), panel));
  }

  function profilePage() {
    const tableHolder = h("div", {}, h("p", { class: "empty" }, "Loading…"));
    let rows = [];
    async function refresh() {
      const res = await api("GET", "/api/tokens");
      rows = res.data;
      const columns = [
        { title: "Name", cell: (r) => r.name },
        { title: "Token", cell: (r) => r.masked, mono: true },
        { title: "Created", cell: (r) => r.created },
        { title: "Last Used", cell: (r) => r.last_used },
        { title: "Expiry", cell: (r) => r.expiry },
        { title: "Status", cell: (r) => statusBadge(r.status) },
        { title: "Actions", cell: (r) => r.status === "Revoked" ? "" :
            h("button", { type: "button", class: "btn btn-small", "aria-label": "Revoke " + r.name, onclick: () => confirmRevoke(r, refresh) }, "Revoke") },
      ];
      tableHolder.replaceChildren(tokenTable(rows, columns, "API Tokens"));
    }
    refresh();
    const createButton = divs
      ? h("a", { href: "#", class: "btn btn-primary", onclick: (e) => { e.preventDefault(); openCreateModal(() => rows, refresh); } }, "Create Token")
      : h("button", { type: "button", class: "btn btn-primary", onclick: () => openCreateModal(() => rows, refresh) }, "Create Token");
    const userInfo = fault("profile-missing-user-info") ? null : h("section", { class: "card", "aria-labelledby": "user-info-title" },
      h("h2", { id: "user-info-title" }, "User Info"),
      h("dl", { class: "info" }, h("dt", {}, "Name"), h("dd", {}, me.name), h("dt", {}, "Email"), h("dd", {}, me.email),
        h("dt", {}, "Role"), h("dd", {}, me.role)));
    return layout("Profile", h("div", {}, userInfo,
      h("section", { class: "card", "aria-labelledby": "api-tokens-title" },
        h("div", { class: "card-header" }, h("h2", { id: "api-tokens-title" }, "API Tokens"), createButton),
        tableHolder)));
  }

  function confirmRevoke(row, refresh) {
    const modal = openModal([
      title("revoke-title", "Revoke Token"),
      h("p", {}, `Revoke "${row.name}"? Applications using it will stop working.`),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => modal.close() }, "Cancel"),
        h("button", { type: "button", class: "btn btn-primary", onclick: async () => {
          await api("POST", `/api/tokens/${row.id}/revoke`);
          modal.close();
          refresh();
        } }, "Revoke")),
    ], "revoke-title");
  }

  function field(id, label, input) {
    if (divs) {
      const error = h("p", { class: "help is-danger" });
      input.setAttribute("aria-labelledby", id + "-label");
      input.removeAttribute("id");
      return { el: h("div", { class: "field" }, h("div", { class: "label", id: id + "-label" }, label), input, error), error, input };
    }
    const error = h("div", { class: "field-error", id: id + "-error", "aria-live": "polite" });
    input.setAttribute("aria-describedby", id + "-error");
    return { el: h("div", { class: "field" }, h("label", { for: id }, label), input, error), error, input };
  }

  function openCreateModal(currentRows, refresh) {
    const name = field("token-name", "Token Name", h("input", { id: "token-name", type: "text", autocomplete: "off", maxlength: fault("name-field-truncates") ? "8" : null }));
    const expiry = field("token-expiry", "Expiry Date", VARIANTS.has("native-date-picker")
      ? h("input", { id: "token-expiry", type: "date" })
      : h("input", { id: "token-expiry", type: "text", placeholder: "YYYY-MM-DD", autocomplete: "off" }));
    const extra = fault("modal-extra-field") ? field("token-description", "Description", h("input", { id: "token-description", type: "text" })).el : null;
    const create = h("button", { type: "submit", class: "btn btn-primary", disabled: true }, "Create");
    const updateEnabled = () => { create.disabled = fault("create-never-enabled") || !name.input.value || !expiry.input.value; };
    name.input.addEventListener("input", updateEnabled);
    expiry.input.addEventListener("input", updateEnabled);
    expiry.input.addEventListener("change", updateEnabled);
    const showError = (f, msg) => {
      f.error.textContent = msg || "";
      if (msg) f.input.setAttribute("aria-invalid", "true"); else f.input.removeAttribute("aria-invalid");
    };
    let modal;
    const form = h("form", {
      novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const live = currentRows().filter((r) => r.status === "Active").map((r) => r.name);
        const nameError = validateName(name.input.value, live);
        const expiryError = validateExpiry(expiry.input.value, me.today);
        showError(name, nameError);
        showError(expiry, expiryError);
        if (nameError || expiryError) return;
        create.disabled = true;
        const res = await api("POST", "/api/tokens", { name: name.input.value, expiry: expiry.input.value });
        updateEnabled();
        if (res.status === 201) {
          modal.close();
          openCreatedDialog(res.data.token);
          if (!fault("new-row-missing-until-reload")) refresh();
        } else {
          const errors = res.data.errors || {};
          showError(name, errors.name);
          showError(expiry, errors.expiry);
        }
      },
    }, name.el, expiry.el, extra,
      h("div", { class: "actions" }, h("button", { type: "button", class: "btn", onclick: () => modal.close() }, "Cancel"), create));
    modal = openModal([title("create-title", "Create API Token"), form], "create-title");
    setTimeout(() => name.input.focus(), 0);
  }

  async function copyText(text) {
    try {
      if (!navigator.clipboard) throw new Error("no async clipboard");
      await navigator.clipboard.writeText(text);
    } catch (_) {
      // Fallback for browsers without (or denying) the async clipboard API.
      const area = h("textarea", { style: "position:fixed;left:-9999px;top:0", readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  }

  function openCreatedDialog(token) {
    const status = h("div", { class: "copy-status", role: "status" });
    const modal = openModal([
      title("created-title", "Token Created"),
      h("div", { class: "warning" }, "Copy this token now — it will not be shown again."),
      h("div", { class: "token-box" }, h("code", { "aria-label": "Token value" }, token)),
      status,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: async () => {
          if (fault("copy-nothing")) { status.textContent = "Copied to clipboard."; return; }
          await copyText(fault("copy-truncated") ? token.slice(0, -6) : token);
          status.textContent = "Copied to clipboard.";
        } }, "Copy"),
        h("button", { type: "button", class: "btn btn-primary", onclick: () => {
          if (fault("close-does-not-close")) return;
          modal.close();
          if (fault("token-shown-after-close")) document.body.setAttribute("data-last-token", token);
        } }, "Close")),
    ], "created-title");
  }

  // --- router -----------------------------------------------------------------
  async function render() {
    const path = location.pathname;
    root.setAttribute("aria-busy", "true");
    if (path === "/login") {
      root.replaceChildren(loginPage());
    } else {
      if (!me) me = (await api("GET", "/api/me")).data;
      const pages = {
        "/": homePage,
        "/access-control": accessControlPage,
        "/profile": profilePage,
        "/ai-admin/agents": () => placeholderPage("Agents"),
        "/ai-admin/settings": () => placeholderPage("Settings"),
      };
      root.replaceChildren((pages[path] || (() => placeholderPage("Not found")))());
    }
    root.setAttribute("aria-busy", "false");
  }
  render();
})();
