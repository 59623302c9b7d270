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
  // Component kits: the DOM their documentation shows for the same screens.
  const kit = ["bootstrap", "mui", "radix"].find((k) => VARIANTS.has(k)) || null;
  // Releases that rename and restructure what the guide's screens show (locator repair).
  const release = (name) => VARIANTS.has("release-" + name);
  let radixIds = 0;
  const rid = () => `radix-:r${(radixIds++).toString(36)}:`;
  const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;
  const afterPaint = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
  // Runs `done` once the element's transition or animation ends (or at once
  // when the user asked for less motion; a fallback timer if it never fires).
  function whenSettled(el, done) {
    let called = false;
    const once = () => { if (!called) { called = true; done(); } };
    if (reducedMotion()) return once();
    el.addEventListener("transitionend", once, { once: true });
    el.addEventListener("animationend", once, { once: true });
    setTimeout(once, 400);
  }
  // An icon (decorative: hidden from assistive technology).
  const icon = (d) => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("width", "16"); svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("class", "icon");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", d); path.setAttribute("stroke", "currentColor"); path.setAttribute("fill", "none"); path.setAttribute("stroke-width", "2");
    svg.append(path);
    return svg;
  };
  const ICON_X = "M18 6 6 18M6 6l12 12";
  const ICON_TRASH = "M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6";
  const ICON_LEFT = "M15 18l-6-6 6-6";
  const ICON_RIGHT = "M9 18l6-6-6-6";
  // Class names of a button in each kit (the brand's purple for primary ones).
  const btnClass = (primary, small) => ({
    bootstrap: `btn ${primary ? "btn-primary" : "btn-outline-secondary"}${small ? " btn-sm" : ""}`,
    mui: `MuiButtonBase-root MuiButton-root ${primary ? "MuiButton-contained MuiButton-containedPrimary btn btn-primary" : "MuiButton-text MuiButton-textPrimary btn"}${small ? " MuiButton-sizeSmall btn-small" : ""}`,
    radix: `inline-flex items-center justify-center rounded-md text-sm font-medium ${primary ? "bg-primary text-primary-foreground btn btn-primary" : "border border-input bg-background btn"}${small ? " h-8 px-3 btn-small" : ""}`,
  }[kit] || `btn${primary ? " btn-primary" : ""}${small ? " btn-small" : ""}`);
  // Web components, as Shoelace / Web Awesome document them (the
  // `web-components` build): each part in an OPEN shadow root. <sl-button>
  // renders <button part="base" class="button"><slot></slot></button> (its
  // text slotted from the light DOM; the inner button paints the colour, the
  // host nothing); <sl-dialog> a panel role=dialog aria-modal with a default
  // slot for its body and slot="footer" for its buttons; <sl-input> its label,
  // input and help text (where errors show) inside its shadow root.
  const wc = VARIANTS.has("web-components");
  function defineWebComponents() {
    const style = (css) => h("style", { text: css });
    class SlButton extends HTMLElement {
      static observedAttributes = ["disabled"];
      constructor() {
        super();
        const root = this.attachShadow({ mode: "open", delegatesFocus: true });
        this.button = h("button", { part: "base", class: "button", type: "button" }, h("slot", {}));
        root.append(style(`:host { display: inline-block; }
          .button { font: inherit; padding: 8px 14px; border: 1px solid #d5d8e3; border-radius: 6px; background: #fff; color: #1f2333; cursor: pointer; }
          :host([variant=primary]) .button { background: #6d4aff; border-color: #6d4aff; color: #fff; }
          :host([variant=primary]) .button:disabled { background: #b9a9ff; border-color: #b9a9ff; cursor: not-allowed; }
          :host([size=small]) .button { padding: 4px 10px; font-size: 12px; }`), this.button);
        // A button in a shadow root cannot submit the form around its host: done here.
        this.button.addEventListener("click", () => {
          const form = this.getAttribute("type") === "submit" && this.closest("form");
          if (form && !this.disabled) form.requestSubmit();
        });
      }
      attributeChangedCallback() { this.button.disabled = this.disabled; }
      get disabled() { return this.hasAttribute("disabled"); }
      set disabled(on) { this.toggleAttribute("disabled", !!on); }
    }
    class SlDialog extends HTMLElement {
      static observedAttributes = ["label"];
      constructor() {
        super();
        const root = this.attachShadow({ mode: "open" });
        this.titleEl = h("h2", { part: "title", class: "dialog__title", id: "title" });
        this.closeButton = h("button", { part: "close-button", class: "dialog__close", type: "button", "aria-label": "Close",
          onclick: () => this.dispatchEvent(new CustomEvent("sl-request-close")) }, "×");
        this.panel = h("div", { part: "panel", class: "dialog__panel", role: "dialog", "aria-modal": "true", tabindex: "-1" },
          h("header", { part: "header", class: "dialog__header" }, this.titleEl, this.closeButton),
          h("div", { part: "body", class: "dialog__body" }, h("slot", {})),
          h("footer", { part: "footer", class: "dialog__footer" }, h("slot", { name: "footer" })));
        root.append(style(`:host { display: contents; }
          .dialog { position: fixed; inset: 0; z-index: 50; display: flex; align-items: center; justify-content: center; }
          .dialog__overlay { position: fixed; inset: 0; background: rgba(20,18,40,.45); opacity: 0; transition: opacity .18s ease; }
          .dialog__panel { position: relative; background: #fff; border-radius: 10px; width: 440px; padding: 22px 24px; box-shadow: 0 20px 50px rgba(0,0,0,.25);
            opacity: 0; transform: translateY(12px); transition: opacity .18s ease, transform .18s ease; }
          :host([open]) .dialog__overlay, :host([open]) .dialog__panel { opacity: 1; transform: none; }
          .dialog__header { display: flex; justify-content: space-between; align-items: start; }
          .dialog__title { margin: 0 0 16px; font-size: 18px; }
          .dialog__close { border: 0; background: transparent; font-size: 20px; line-height: 1; cursor: pointer; }
          :host(:not([closable])) .dialog__close { display: none; }
          .dialog__footer { display: flex; justify-content: flex-end; gap: 8px; }
          @media (prefers-reduced-motion: reduce) { .dialog__overlay, .dialog__panel { transition: none; } }`),
          h("div", { part: "base", class: "dialog" }, h("div", { part: "overlay", class: "dialog__overlay" }), this.panel));
      }
      attributeChangedCallback() {
        const label = this.getAttribute("label") || "";
        this.panel.setAttribute("aria-label", label);
        this.titleEl.textContent = label;
      }
      show() { afterPaint(() => this.setAttribute("open", "")); }
      hide(done) { this.removeAttribute("open"); whenSettled(this.panel, done); }
    }
    class SlInput extends HTMLElement {
      static observedAttributes = ["label", "type", "placeholder", "maxlength", "autocomplete"];
      constructor() {
        super();
        const root = this.attachShadow({ mode: "open", delegatesFocus: true });
        this.label = h("label", { part: "form-control-label", class: "form-control__label", for: "input" });
        this.input = h("input", { part: "input", id: "input", class: "input__control", type: "text", "aria-describedby": "help-text" });
        this.helpText = h("div", { part: "form-control-help-text", id: "help-text", class: "form-control__help-text", "aria-live": "polite" });
        root.append(style(`:host { display: block; }
          .form-control__label { display: block; font-weight: bold; margin-bottom: 6px; }
          .input__control { box-sizing: border-box; width: 100%; padding: 8px 10px; border: 1px solid #cfd3df; border-radius: 6px; font: inherit; }
          .input__control[aria-invalid="true"] { border-color: #d33; }
          .form-control__help-text { color: #c62828; font-size: 12px; margin-top: 5px; }`),
          h("div", { part: "form-control", class: "form-control" }, this.label,
            h("div", { part: "form-control-input", class: "form-control-input" }, h("div", { part: "base", class: "input" }, this.input)),
            this.helpText));
        // `change` does not leave a shadow root (`input` does): told again on the host.
        this.input.addEventListener("change", () => this.dispatchEvent(new Event("change", { bubbles: true })));
        // As Shoelace's does: Enter in the field submits its form (no native
        // implicit submission reaches a form outside the shadow root).
        this.input.addEventListener("keydown", (e) => {
          const form = this.closest("form");
          if (e.key === "Enter" && form) { e.preventDefault(); form.requestSubmit(); }
        });
      }
      attributeChangedCallback(name, _, value) {
        if (name === "label") this.label.textContent = value || "";
        else if (value === null) this.input.removeAttribute(name);
        else this.input.setAttribute(name, value);
      }
      get value() { return this.input.value; }
      set value(v) { this.input.value = v; }
      focus(options) { this.input.focus(options); }
    }
    customElements.define("sl-button", SlButton);
    customElements.define("sl-dialog", SlDialog);
    customElements.define("sl-input", SlInput);
  }
  // The app's buttons become <sl-button>s: variant and size instead of classes.
  const slButton = (attrs) => ["sl-button", { ...attrs, class: null,
    variant: /\bbtn-primary\b/.test(attrs.class) ? "primary" : "default", size: /\bbtn-small\b/.test(attrs.class) ? "small" : null }];
  // A dialog: its title becomes the label; a row of buttons goes to the footer
  // slot (a form keeps its own, to submit); the X only where the build has one.
  function slDialog([head, ...body], opts) {
    const dialog = h("sl-dialog", { label: head.textContent, closable: !!opts.dismiss });
    for (const part of body) {
      if (part.classList.contains("actions")) part.slot = "footer";
      dialog.append(part);
    }
    document.body.append(dialog);
    dialog.show();
    const modal = { dialog: dialog.panel, close: () => dialog.hide(() => dialog.remove()) };
    dialog.addEventListener("sl-request-close", () => modal.close());
    return modal;
  }
  // Fields: the <sl-input>'s own input and help text (the form works on them as on any).
  function slField(id, label, input) {
    const attr = (n) => input.getAttribute(n);
    const host = h("sl-input", { id, label, type: attr("type"), placeholder: attr("placeholder"), maxlength: attr("maxlength"), autocomplete: attr("autocomplete") });
    return { el: h("div", { class: "field" }, host), error: host.helpText, input: host.input };
  }

  const root = document.getElementById("root");
  let me = null;

  // --- tiny DOM helper ------------------------------------------------------
  function h(tag, attrs, ...children) {
    if (wc && tag === "button" && attrs && /\bbtn\b/.test(attrs.class || "")) [tag, attrs] = slButton(attrs);
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
  // --- builds the guide allows (see local_suite::VARIANTS) -------------------
  // An account with history: long lists paged as MUI's TablePagination shows
  // them, in the server's order (oldest first) or newest first.
  const paging = VARIANTS.has("history") || VARIANTS.has("history-newest-first");
  const PAGE_SIZE = 20;
  const ordered = (rows) => (VARIANTS.has("history") ? rows.slice().reverse() : rows);
  // Dates in words ("Apr 11, 2026"), as many admin panels print them.
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function shownDate(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})(.*)$/.exec(text || "");
    if (!VARIANTS.has("dates-words") || !m) return text;
    return `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}${m[4] ? "," + m[4] : ""}`;
  }

  // A table with a pager under it (one page of rows at a time); `state.page`
  // survives the table's refreshes, as a component's state does.
  function pagedTable(rows, columns, label, state) {
    if (!paging) return tokenTable(rows, columns, label);
    const box = h("div", { class: "paged-table" });
    const draw = () => {
      const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
      state.page = Math.max(0, Math.min(state.page || 0, pages - 1));
      const from = state.page * PAGE_SIZE, to = Math.min(rows.length, from + PAGE_SIZE);
      const go = (step) => () => { state.page += step; draw(); };
      const pager = h("div", { class: "MuiTablePagination-root pager" }, h("div", { class: "MuiToolbar-root MuiTablePagination-toolbar" },
        h("p", { class: "MuiTablePagination-selectLabel" }, "Rows per page:"),
        h("div", { class: "MuiTablePagination-select" }, String(PAGE_SIZE)),
        h("p", { class: "MuiTablePagination-displayedRows" }, rows.length ? `${from + 1}–${to} of ${rows.length}` : "0–0 of 0"),
        h("div", { class: "MuiTablePagination-actions" },
          h("button", { type: "button", class: "MuiButtonBase-root MuiIconButton-root", "aria-label": "Go to previous page", title: "Go to previous page", disabled: state.page === 0, onclick: go(-1) }, icon(ICON_LEFT)),
          h("button", { type: "button", class: "MuiButtonBase-root MuiIconButton-root", "aria-label": "Go to next page", title: "Go to next page", disabled: state.page >= pages - 1, onclick: go(1) }, icon(ICON_RIGHT)))));
      box.replaceChildren(tokenTable(rows.slice(from, to), columns, label), pager);
    };
    draw();
    return box;
  }

  function statusBadge(status) {
    // A redesign that shows a status as a coloured dot (its word only in a tooltip).
    if (fault("status-colour-only")) {
      const colour = { Active: "#1e8e3e", Expired: "#b26a00", Revoked: "#9aa0a6" }[status] || "#5f6368";
      return h("span", { class: "status-dot", title: status, style: `display: inline-block; width: 10px; height: 10px; border-radius: 50%; background: ${colour}` });
    }
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
    const cell = { bootstrap: "", mui: "MuiTableCell-root MuiTableCell-body", radix: "p-4 align-middle" }[kit] || "";
    const cls = (...c) => c.filter(Boolean).join(" ") || null;
    const head = h("tr", { class: kit === "mui" ? "MuiTableRow-root MuiTableRow-head" : null }, columns.map((c) => h("th", { scope: "col", class: cls(kit === "mui" ? "MuiTableCell-root MuiTableCell-head" : "") }, c.title)));
    const body = rows.length
      ? rows.map((r) => h("tr", { class: kit === "mui" ? "MuiTableRow-root" : null }, columns.map((c) => h("td", { class: cls(cell, c.mono ? "mono" : "") }, c.cell(r)))))
      : [h("tr", {}, h("td", { colspan: columns.length, class: cls(cell, "empty") }, "No tokens yet."))];
    const table = h("table", { "aria-label": label, class: { bootstrap: "table table-hover align-middle", mui: "MuiTable-root", radix: "w-full caption-bottom text-sm" }[kit] || null },
      h("thead", { class: kit === "mui" ? "MuiTableHead-root" : null }, head), h("tbody", { class: kit === "mui" ? "MuiTableBody-root" : null }, body));
    if (kit === "bootstrap") return h("div", { class: "table-responsive" }, table);
    if (kit === "mui") return h("div", { class: "MuiPaper-root MuiTableContainer-root" }, table);
    if (kit === "radix") return h("div", { class: "relative w-full overflow-auto" }, table);
    return table;
  }

  // Bootstrap 5: `.modal.fade` (role=dialog, aria-modal, aria-labelledby) with
  // header / body, a `.modal-backdrop` after it and `modal-open` on <body>.
  function bootstrapModal([head, ...body], labelId, opts) {
    let modal;
    const dialog = h("div", { class: "modal fade", tabindex: "-1", role: "dialog", "aria-modal": "true", "aria-labelledby": labelId, style: "display: block" },
      h("div", { class: "modal-dialog modal-dialog-centered" }, h("div", { class: "modal-content" },
        h("div", { class: "modal-header" }, head,
          opts.dismiss ? h("button", { type: "button", class: "btn-close", "data-bs-dismiss": "modal", "aria-label": "Close", onclick: () => modal.close() }) : null),
        h("div", { class: "modal-body" }, body))));
    const backdrop = h("div", { class: "modal-backdrop fade" });
    document.body.classList.add("modal-open");
    document.body.append(dialog, backdrop);
    afterPaint(() => { dialog.classList.add("show"); backdrop.classList.add("show"); });
    modal = {
      dialog,
      close() {
        dialog.classList.remove("show");
        backdrop.classList.remove("show");
        whenSettled(dialog, () => {
          dialog.remove();
          backdrop.remove();
          if (!document.querySelector(".modal")) document.body.classList.remove("modal-open");
        });
      },
    };
    return modal;
  }

  // MUI: a portal at the end of <body>: role=presentation root, backdrop,
  // focus sentinels, a role=presentation container and the role=dialog paper;
  // the app behind is aria-hidden while it is open.
  function muiModal([head, ...body], labelId) {
    const paper = h("div", { class: "MuiPaper-root MuiPaper-elevation24 MuiPaper-rounded MuiDialog-paper MuiDialog-paperWidthSm", role: "dialog", "aria-labelledby": labelId },
      head, h("div", { class: "MuiDialogContent-root" }, body));
    const backdrop = h("div", { class: "MuiBackdrop-root MuiModal-backdrop", "aria-hidden": "true", style: "opacity: 0" });
    const container = h("div", { class: "MuiDialog-container MuiDialog-scrollPaper", role: "presentation", tabindex: "-1", style: "opacity: 0" }, paper);
    const portal = h("div", { role: "presentation", class: "MuiDialog-root MuiModal-root" },
      backdrop, h("div", { tabindex: "0", "data-testid": "sentinelStart" }), container, h("div", { tabindex: "0", "data-testid": "sentinelEnd" }));
    document.body.append(portal);
    root.setAttribute("aria-hidden", "true");
    document.body.style.overflow = "hidden";
    afterPaint(() => { backdrop.style.opacity = "1"; container.style.opacity = "1"; });
    return {
      dialog: paper,
      close() {
        backdrop.style.opacity = "0";
        container.style.opacity = "0";
        whenSettled(container, () => {
          portal.remove();
          if (!document.querySelector(".MuiModal-root")) { root.removeAttribute("aria-hidden"); document.body.style.overflow = ""; }
        });
      },
    };
  }

  // Radix / shadcn: overlay and content portalled to <body> with data-state,
  // the trigger's aria-expanded / aria-controls, pointer events only inside;
  // a Dialog has an icon-only Close (an sr-only label), an AlertDialog none.
  function radixModal([head, ...body], opts) {
    let modal;
    const overlay = h("div", { "data-state": "open", class: "rdx-overlay fixed inset-0 z-50 bg-black/80", "aria-hidden": "true", style: "pointer-events: auto" });
    const dialog = h("div", { role: opts.alert ? "alertdialog" : "dialog", id: rid(), "aria-labelledby": head.id, "aria-modal": "true", "data-state": "open", tabindex: "-1",
      class: "rdx-content fixed left-[50%] top-[50%] z-50 grid w-full max-w-lg gap-4 border bg-background p-6 shadow-lg sm:rounded-lg", style: "pointer-events: auto" },
      h("div", { class: "flex flex-col space-y-1.5 text-center sm:text-left" }, head), body,
      opts.alert ? null : h("button", { type: "button", class: "rdx-close absolute right-4 top-4 rounded-sm opacity-70", onclick: () => modal.close() },
        icon(ICON_X), h("span", { class: "sr-only" }, "Close")));
    document.body.append(overlay, dialog);
    document.body.style.pointerEvents = "none";
    root.setAttribute("aria-hidden", "true");
    root.setAttribute("data-aria-hidden", "true");
    const trigger = opts.trigger;
    if (trigger) { trigger.setAttribute("aria-expanded", "true"); trigger.setAttribute("aria-controls", dialog.id); trigger.setAttribute("data-state", "open"); }
    modal = {
      dialog,
      close() {
        overlay.setAttribute("data-state", "closed");
        dialog.setAttribute("data-state", "closed");
        if (trigger) { trigger.setAttribute("aria-expanded", "false"); trigger.setAttribute("data-state", "closed"); }
        whenSettled(dialog, () => {
          overlay.remove();
          dialog.remove();
          if (!document.querySelector(".rdx-content")) {
            document.body.style.pointerEvents = "";
            root.removeAttribute("aria-hidden");
            root.removeAttribute("data-aria-hidden");
          }
        });
      },
    };
    return modal;
  }

  // Keyboard, as every kit documents its modal dialog (WAI-ARIA's dialog
  // pattern): Tab and Shift+Tab stay inside it, wrapping (and bring a focus
  // left outside back in); Escape closes a dismissible one; closing gives the
  // focus back to what opened it. Shadow roots included (Shoelace).
  const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const flatKids = (el) => el.shadowRoot ? [...el.shadowRoot.children]
    : el.tagName === "SLOT" ? (el.assignedElements().length ? el.assignedElements() : [...el.children]) : [...el.children];
  function focusablesIn(box) {
    const out = [];
    const walk = (el) => {
      if (el.matches(FOCUSABLE) && (!el.checkVisibility || el.checkVisibility())) out.push(el);
      flatKids(el).forEach(walk);
    };
    walk(box);
    return out;
  }
  function deepActive() {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  }
  function withKeyboard(modal, opts) {
    const onKey = (e) => {
      if (e.key === "Escape" && opts.dismiss) { e.preventDefault(); modal.close(); return; }
      if (e.key !== "Tab" || fault("dialog-focus-escapes")) return;
      const all = focusablesIn(modal.dialog);
      if (!all.length) return;
      const at = all.indexOf(deepActive());
      if (e.shiftKey && at <= 0) { e.preventDefault(); all[all.length - 1].focus(); }
      else if (!e.shiftKey && (at < 0 || at === all.length - 1)) { e.preventDefault(); all[0].focus(); }
    };
    document.addEventListener("keydown", onKey, true);
    const close = modal.close;
    modal.close = () => {
      document.removeEventListener("keydown", onKey, true);
      close();
      if (opts.trigger && opts.trigger.isConnected) opts.trigger.focus();
    };
    return modal;
  }

  function openModal(content, labelId, opts = {}) {
    return withKeyboard(openKitModal(content, labelId, opts), opts);
  }

  function openKitModal(content, labelId, opts) {
    if (opts.drawer) return drawer(content);
    if (wc) return slDialog(content, opts);
    if (kit === "bootstrap") return bootstrapModal(content, labelId, opts);
    if (kit === "mui") return muiModal(content, labelId);
    if (kit === "radix") return radixModal(content, opts);
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

  // A side drawer as MUI's temporary Drawer renders one: a role=presentation
  // root with a backdrop, and a Paper sliding in from the right (no dialog
  // role, no aria-modal, no name).
  function drawer(content) {
    const paper = h("div", { class: "MuiPaper-root MuiDrawer-paper MuiDrawer-paperAnchorRight drawer-paper", tabindex: "-1" }, content);
    const root = h("div", { class: "MuiDrawer-root MuiModal-root drawer-root", role: "presentation" },
      h("div", { class: "MuiBackdrop-root drawer-backdrop", "aria-hidden": "true" }), paper);
    document.body.append(root);
    return { dialog: paper, close() { root.remove(); } };
  }

  const title = (id, text) => {
    if (divs) return h("div", { class: "modal-title" }, text);
    if (kit === "bootstrap") return h("h1", { class: "modal-title fs-5", id }, text);
    if (kit === "mui") return h("h2", { class: "MuiTypography-root MuiTypography-h6 MuiDialogTitle-root", id }, text);
    if (kit === "radix") return h("h2", { class: "text-lg font-semibold leading-none tracking-tight", id: rid() }, text);
    return h("h2", { id }, text);
  };
  // A dialog's row of buttons.
  const actions = (...buttons) => h("div", { class: { bootstrap: "modal-footer actions", mui: "MuiDialogActions-root actions", radix: "flex flex-col-reverse sm:flex-row sm:justify-end sm:space-x-2 actions" }[kit] || "actions" }, buttons);

  // --- layout -----------------------------------------------------------------
  function layout(title, content) {
    const path = location.pathname;
    const link = (href, text) => divs
      ? h("button", { type: "button", class: "nav-item", "aria-current": path === href ? "page" : null, onclick: () => navigate(href) }, h("span", {}, text))
      : h("a", { href, "aria-current": path === href ? "page" : null, onclick: (e) => { e.preventDefault(); navigate(href); } }, text);
    // A build whose menu answers the mouse only: items that take no focus.
    const mouseOnly = fault("menu-mouse-only");
    const item = (text, onclick) => divs
      ? h("a", { href: "#", onclick: (e) => { e.preventDefault(); onclick(); } }, text)
      : mouseOnly ? h("div", { role: "menuitem", class: "menu-item", onclick }, text)
      : h("button", { role: "menuitem", type: "button", onclick }, text);
    const showRole = !fault("role-missing-from-menu");
    const goProfile = () => { hideMenu(); navigate("/profile"); };
    const initials = me.name.split(/\s+/).map((p) => p[0]).join("").slice(0, 2).toUpperCase();
    // A click from the keyboard (Enter or Space: detail 0) opens the menu
    // with the focus on its first item, as MUI's and Radix's menus do and
    // WAI-ARIA's menu button says; Bootstrap's waits for an arrow key.
    const toggle = (e) => {
      e.stopPropagation();
      if (open) return hideMenu();
      showMenu();
      if (e.detail === 0 && kit !== "bootstrap" && !mouseOnly) { const first = menuItems()[0]; if (first) first.focus(); }
    };
    let open = false;
    let menu, avatar, showMenu, hideMenu;
    if (kit === "bootstrap") {
      // .dropdown with a .dropdown-toggle and a .dropdown-menu of .dropdown-items (no ARIA menu roles).
      const a = (text, onclick) => h("li", {}, h("a", { class: "dropdown-item", href: mouseOnly ? null : "#", onclick: (e) => { e.preventDefault(); onclick(); } }, text));
      menu = h("ul", { class: "dropdown-menu dropdown-menu-end" },
        h("li", {}, h("h6", { class: "dropdown-header menu-name" }, me.name)),
        showRole ? h("li", {}, h("span", { class: "dropdown-item-text menu-role" }, me.role)) : null,
        h("li", {}, h("hr", { class: "dropdown-divider" })),
        a("Profile", goProfile), a("Sign out", signOut));
      avatar = h("button", { class: "btn avatar dropdown-toggle", type: "button", "data-bs-toggle": "dropdown", "aria-expanded": "false", "aria-label": "Account", onclick: toggle }, initials);
      showMenu = () => { open = true; menu.classList.add("show"); avatar.classList.add("show"); avatar.setAttribute("aria-expanded", "true"); };
      hideMenu = () => { open = false; menu.classList.remove("show"); avatar.classList.remove("show"); avatar.setAttribute("aria-expanded", "false"); };
    } else if (kit === "mui") {
      // AppBar account menu: an IconButton controlling a Menu, a Popover portalled to <body>.
      const li = (text, onclick) => h("li", { class: "MuiButtonBase-root MuiMenuItem-root MuiMenuItem-gutters", role: "menuitem", tabindex: "-1", onclick }, text);
      const list = h("ul", { class: "MuiList-root MuiList-padding MuiMenu-list", role: "menu", tabindex: "-1" },
        h("li", { class: "MuiButtonBase-root MuiMenuItem-root Mui-disabled", role: "menuitem", "aria-disabled": "true", tabindex: "-1" },
          h("div", { class: "MuiListItemText-root MuiListItemText-multiline" },
            h("span", { class: "MuiTypography-root MuiTypography-body1 MuiListItemText-primary menu-name" }, me.name),
            showRole ? h("p", { class: "MuiTypography-root MuiTypography-body2 MuiListItemText-secondary menu-role" }, me.role) : null)),
        h("hr", { class: "MuiDivider-root" }),
        li("Profile", goProfile), li("Sign out", signOut));
      const paper = h("div", { class: "MuiPaper-root MuiPaper-elevation8 MuiPaper-rounded MuiPopover-paper MuiMenu-paper" }, list);
      menu = h("div", { role: "presentation", class: "MuiPopover-root MuiMenu-root MuiModal-root", id: "menu-appbar" },
        h("div", { class: "MuiBackdrop-root MuiBackdrop-invisible MuiModal-backdrop", "aria-hidden": "true" }),
        h("div", { tabindex: "0", "data-testid": "sentinelStart" }), paper, h("div", { tabindex: "0", "data-testid": "sentinelEnd" }));
      avatar = h("button", { class: "MuiButtonBase-root MuiIconButton-root avatar", type: "button", "aria-label": "account of current user",
        "aria-controls": "menu-appbar", "aria-haspopup": "true", onclick: toggle }, initials);
      showMenu = () => {
        open = true;
        const r = avatar.getBoundingClientRect();
        paper.style.cssText = `position: fixed; top: ${r.bottom + 6}px; left: ${Math.max(8, r.right - 220)}px; width: 220px`;
        document.body.append(menu);
      };
      hideMenu = () => { open = false; menu.remove(); };
    } else if (kit === "radix") {
      // DropdownMenu: the trigger says what it controls; the content is portalled, data-state=open.
      const item = (text, onclick) => h("div", { role: "menuitem", tabindex: "-1", "data-orientation": "vertical", class: "rdx-item relative flex cursor-default select-none items-center rounded-sm px-2 py-1.5 text-sm", onclick }, text);
      avatar = h("button", { type: "button", id: rid(), "aria-haspopup": "menu", "aria-expanded": "false", "data-state": "closed", class: "avatar relative h-8 w-8 rounded-full", onclick: toggle },
        h("span", { class: "relative flex h-8 w-8 shrink-0 overflow-hidden rounded-full" }, h("span", { class: "flex h-full w-full items-center justify-center rounded-full bg-muted" }, initials)),
        h("span", { class: "sr-only" }, "Open user menu"));
      const content = h("div", { role: "menu", "aria-orientation": "vertical", "data-state": "open", "data-side": "bottom", "data-align": "end", id: rid(), "aria-labelledby": avatar.id, tabindex: "-1",
        class: "rdx-menu z-50 min-w-[8rem] overflow-hidden rounded-md border bg-popover p-1" },
        h("div", { class: "px-2 py-1.5 text-sm font-normal" }, h("div", { class: "flex flex-col space-y-1" },
          h("p", { class: "text-sm font-medium leading-none menu-name" }, me.name),
          showRole ? h("p", { class: "text-xs leading-none text-muted-foreground menu-role" }, me.role) : null)),
        h("div", { role: "separator", "aria-orientation": "horizontal", class: "-mx-1 my-1 h-px bg-muted" }),
        item("Profile", goProfile), item("Sign out", signOut));
      menu = h("div", { "data-radix-popper-content-wrapper": "" }, content);
      showMenu = () => {
        open = true;
        const r = avatar.getBoundingClientRect();
        menu.style.cssText = `position: fixed; left: 0; top: 0; transform: translate(${Math.max(8, r.right - 220)}px, ${r.bottom + 6}px); min-width: max-content; z-index: 50`;
        document.body.append(menu);
        avatar.setAttribute("aria-expanded", "true"); avatar.setAttribute("data-state", "open"); avatar.setAttribute("aria-controls", content.id);
      };
      hideMenu = () => {
        open = false; menu.remove();
        avatar.setAttribute("aria-expanded", "false"); avatar.setAttribute("data-state", "closed"); avatar.removeAttribute("aria-controls");
      };
    } else {
      menu = h("div", { class: divs ? "menu dropdown" : "menu", role: divs ? null : "menu", "aria-label": divs ? null : "Profile menu", hidden: true },
        h("div", { class: "menu-user" },
          h("div", { class: "menu-name" }, me.name),
          showRole ? h("div", { class: "menu-role" }, me.role) : null),
        item(release("menu-renamed") ? "My profile" : "Profile", goProfile),
        item("Sign out", signOut));
      avatar = divs
        ? h("div", { class: "avatar", role: "button", tabindex: "0", "aria-label": "Account", onclick: toggle,
            onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle({ detail: 0, stopPropagation() {} }); } } }, initials)
        : h("button", { class: "avatar", type: "button", "aria-label": `${initials}: Open profile menu`, "aria-haspopup": "menu", "aria-expanded": "false", onclick: toggle }, initials);
      showMenu = () => { open = true; menu.hidden = false; avatar.setAttribute("aria-expanded", "true"); };
      hideMenu = () => { open = false; menu.hidden = true; avatar.setAttribute("aria-expanded", "false"); };
    }
    document.addEventListener("click", (e) => { if (open && !menu.contains(e.target)) hideMenu(); });
    // In an open menu: arrows move between its items (from the trigger too),
    // wrapping; Home and End; Enter or Space picks an item that is no button;
    // Escape closes it and gives the focus back to the trigger; Tab closes it.
    function menuItems() {
      if (mouseOnly) return [];
      const selector = kit === "bootstrap" ? ".dropdown-item[href]" : divs ? "a[href]" : '[role="menuitem"]:not([aria-disabled="true"])';
      return [...menu.querySelectorAll(selector)];
    }
    document.addEventListener("keydown", (e) => {
      if (!open || !avatar.isConnected) return;
      const items = menuItems();
      const at = items.indexOf(document.activeElement);
      const fromTrigger = document.activeElement === avatar;
      if (e.key === "Escape" && (at >= 0 || fromTrigger)) { e.preventDefault(); hideMenu(); avatar.focus(); }
      else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && (at >= 0 || fromTrigger) && items.length) {
        e.preventDefault();
        const down = e.key === "ArrowDown";
        items[at < 0 ? (down ? 0 : items.length - 1) : (at + (down ? 1 : items.length - 1)) % items.length].focus();
      } else if ((e.key === "Home" || e.key === "End") && at >= 0) { e.preventDefault(); items[e.key === "Home" ? 0 : items.length - 1].focus(); }
      else if ((e.key === "Enter" || e.key === " ") && at >= 0 && !/^(A|BUTTON)$/.test(items[at].tagName)) { e.preventDefault(); items[at].click(); }
      else if (e.key === "Tab" && at >= 0 && kit !== "bootstrap") hideMenu();
    });

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
        h("header", { class: "topbar" }, h("h1", {}, title), h("div", { class: kit === "bootstrap" ? "profile dropdown" : "profile" }, avatar, kit === "mui" || kit === "radix" ? null : menu)),
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
    if (VARIANTS.has("sign-in-methods")) {
      // The heading first; the form once the server has said how users sign in.
      const loading = h("p", { class: "muted" }, "Loading sign-in options…");
      const card = h("div", { class: "card login-card" }, h("h1", {}, "Sign in"), h("p", {}, "DuploCloud AI Suite admin panel"), loading);
      api("GET", "/api/sign-in-methods").then((res) => { if (res.data && res.data.password) loading.replaceWith(form); });
      return h("div", { class: "login-wrap" }, card);
    }
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
    const userTokensPage = { page: 0 };
    const tabs = ["Users", "User Tokens", "Roles"];
    const tabsId = rid();
    const buttons = tabs.map((t) => divs
      ? h("a", { href: "#", class: "tab", "aria-selected": "false", onclick: (e) => { e.preventDefault(); select(t); } }, t)
      : h("button", { role: "tab", type: "button", "aria-selected": "false", onclick: () => select(t),
          class: { bootstrap: "nav-link", mui: "MuiButtonBase-root MuiTab-root MuiTab-textColorPrimary", radix: "inline-flex items-center justify-center whitespace-nowrap rounded-sm px-3 py-1.5 text-sm font-medium" }[kit] || null,
          id: kit === "radix" ? `${tabsId}-trigger-${t.replace(/\s+/g, "-").toLowerCase()}` : null,
          "aria-controls": kit === "radix" ? `${tabsId}-content` : null, "data-state": kit === "radix" ? "inactive" : null }, t));
    if (kit === "radix") { panel.id = `${tabsId}-content`; panel.setAttribute("data-state", "active"); }
    // MUI's and Radix's Tabs keep only the selected tab in the Tab order and
    // move between tabs with the arrow keys (Radix selects as it moves, MUI
    // on Enter or Space); the other builds' tabs are each in the Tab order.
    const roving = kit === "mui" || kit === "radix";
    if (roving) buttons.forEach((b, i) => b.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      e.preventDefault();
      const next = buttons[(i + (e.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
      buttons.forEach((x) => x.setAttribute("tabindex", x === next ? "0" : "-1"));
      next.focus();
      if (kit === "radix") select(next.textContent);
    }));
    async function select(tab) {
      buttons.forEach((b) => b.setAttribute("aria-selected", String(b.textContent === tab)));
      if (roving) buttons.forEach((b) => b.setAttribute("tabindex", b.textContent === tab ? "0" : "-1"));
      if (kit === "bootstrap") buttons.forEach((b) => b.classList.toggle("active", b.textContent === tab));
      if (kit === "radix") {
        buttons.forEach((b) => b.setAttribute("data-state", b.textContent === tab ? "active" : "inactive"));
        panel.setAttribute("aria-labelledby", buttons.find((b) => b.textContent === tab).id);
      }
      panel.replaceChildren(h("p", { class: "empty" }, "Loading…"));
      if (tab === "User Tokens") {
        const res = await api("GET", "/api/admin/tokens");
        const columns = [
          { title: "Name", cell: (r) => r.name },
          { title: "Token", cell: (r) => r.masked, mono: true },
          { title: "User", cell: (r) => r.user },
          { title: "Created", cell: (r) => shownDate(r.created) },
          { title: "Last Used", cell: (r) => shownDate(r.last_used) },
          { title: "Expiry", cell: (r) => shownDate(r.expiry) },
          { title: "Status", cell: (r) => statusBadge(r.status) },
        ].filter((c) => !(fault("missing-column") && c.title === "Last Used"));
        panel.replaceChildren(h("div", { class: "card" }, h("h2", {}, "User Tokens"), pagedTable(ordered(res.data), columns, "User Tokens", userTokensPage)));
        // The bug: a refresh of the rows fails with 500, and the page silently keeps the stale ones.
        if (fault("tokens-refresh-500")) api("GET", "/api/admin/tokens?refresh=1").then((r) => { if (r.status === 200) select(tab); });
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
    // The bug: a column-preferences read that throws once the page has rendered.
    if (fault("page-throws-after-render")) setTimeout(() => { const prefs = JSON.parse("null"); prefs.columns.forEach(() => {}); }, 0);
    const tablist = kit === "bootstrap"
      ? h("ul", { class: "nav nav-tabs tabs", role: "tablist", "aria-label": "Access Control" }, buttons.map((b) => h("li", { class: "nav-item", role: "presentation" }, b)))
      : kit === "mui"
        ? h("div", { class: "MuiTabs-root" }, h("div", { class: "MuiTabs-scroller MuiTabs-fixed" }, h("div", { class: "MuiTabs-flexContainer tabs", role: "tablist", "aria-label": "Access Control" }, buttons)))
        : h("div", { class: kit === "radix" ? "tabs inline-flex h-10 items-center rounded-md bg-muted p-1" : "tabs", role: "tablist", "aria-label": "Access Control",
            "aria-orientation": kit === "radix" ? "horizontal" : null }, buttons);
    return layout("Access Control", h("div", {}, tablist, panel));
  }

  function profilePage() {
    const tableHolder = h("div", {}, h("p", { class: "empty" }, "Loading…"));
    const pageState = { page: 0 };
    let rows = [];
    async function refresh() {
      if (fault("profile-console-error")) console.error("Failed to load avatar preferences: 404 (Not Found)");
      const res = await api("GET", "/api/tokens");
      rows = res.data;
      const columns = [
        { title: "Name", cell: (r) => fault("name-rendered-as-html") ? Object.assign(h("span", {}), { innerHTML: r.name }) : r.name },
        { title: "Token", cell: (r) => r.masked, mono: true },
        { title: "Created", cell: (r) => shownDate(r.created) },
        { title: "Last Used", cell: (r) => shownDate(r.last_used) },
        { title: "Expiry", cell: (r) => shownDate(r.expiry) },
        { title: "Status", cell: (r) => statusBadge(r.status) },
        { title: "Actions", cell: (r) => r.status === "Revoked" ? "" :
            kit === "radix"
              ? h("button", { type: "button", class: "inline-flex h-8 w-8 items-center justify-center rounded-md btn btn-small", onclick: () => confirmRevoke(r, refresh) },
                  icon(ICON_TRASH), h("span", { class: "sr-only" }, "Revoke " + r.name))
              : h("button", { type: "button", class: btnClass(false, true), "aria-label": "Revoke " + r.name, onclick: () => confirmRevoke(r, refresh) }, "Revoke") },
      ];
      tableHolder.replaceChildren(pagedTable(ordered(rows), columns, "API Tokens", pageState));
    }
    refresh();
    const createButton = release("create-link")
      ? h("a", { href: "#new-token", class: btnClass(true), onclick: (e) => { e.preventDefault(); openCreateModal(() => rows, refresh, e.currentTarget); } }, "New API token")
      : divs
      ? h("a", { href: "#", class: "btn btn-primary", onclick: (e) => { e.preventDefault(); openCreateModal(() => rows, refresh, e.currentTarget); } }, "Create Token")
      : h("button", { type: "button", class: btnClass(true), onclick: () => openCreateModal(() => rows, refresh, createButton),
          "aria-haspopup": kit === "radix" ? "dialog" : null, "aria-expanded": kit === "radix" ? "false" : null, "data-state": kit === "radix" ? "closed" : null }, "Create Token");
    const info = () => h("dl", { class: "info" }, h("dt", {}, "Name"), h("dd", {}, me.name), h("dt", {}, "Email"), h("dd", {}, me.email),
      h("dt", {}, "Role"), h("dd", {}, me.role));
    const missing = fault("profile-missing-user-info");
    if (kit) {
      return layout("Profile", h("div", {}, missing ? null : card("User Info", "user-info-title", null, info(), true),
        card("API Tokens", "api-tokens-title", createButton, tableHolder, false)));
    }
    const userInfo = missing ? null : h("section", { class: "card", "aria-labelledby": "user-info-title" },
      h("h2", { id: "user-info-title" }, "User Info"), info());
    return layout("Profile", h("div", {}, userInfo,
      h("section", { class: "card", "aria-labelledby": "api-tokens-title" },
        h("div", { class: "card-header" }, h("h2", { id: "api-tokens-title" }, "API Tokens"), createButton),
        tableHolder)));
  }

  // A card as each kit documents it. Bootstrap: `.card` > `.card-header` (the
  // heading) + `.card-body`, labelled when `labelled`; MUI: Card > CardHeader
  // (its title a <span>, not a heading) + CardContent; shadcn: Card > CardHeader
  // (an <h3>) + CardContent.
  function card(text, id, extra, body, labelled) {
    if (kit === "bootstrap") {
      return h(labelled ? "section" : "div", { class: "card mb-4", "aria-labelledby": labelled ? id : null },
        h("div", { class: "card-header d-flex justify-content-between align-items-center" }, h("h2", { id, class: "h5 mb-0" }, text), extra),
        h("div", { class: "card-body" }, body));
    }
    if (kit === "mui") {
      return h("div", { class: "MuiPaper-root MuiPaper-elevation1 MuiPaper-rounded MuiCard-root card" },
        h("div", { class: "MuiCardHeader-root card-header" },
          h("div", { class: "MuiCardHeader-content" }, h("span", { class: "MuiTypography-root MuiTypography-h5 MuiCardHeader-title" }, text)),
          extra ? h("div", { class: "MuiCardHeader-action" }, extra) : null),
        h("div", { class: "MuiCardContent-root" }, body));
    }
    return h("div", { class: "rounded-lg border bg-card text-card-foreground shadow-sm card" },
      h("div", { class: "flex flex-col space-y-1.5 p-6 card-header" }, h("h3", { class: "text-2xl font-semibold leading-none tracking-tight" }, text), extra),
      h("div", { class: "p-6 pt-0" }, body));
  }

  function confirmRevoke(row, refresh) {
    const modal = openModal([
      title("revoke-title", "Revoke Token"),
      h("p", {}, `Revoke "${row.name}"? Applications using it will stop working.`),
      actions(
        h("button", { type: "button", class: btnClass(false), onclick: () => modal.close() }, "Cancel"),
        h("button", { type: "button", class: btnClass(true), onclick: async () => {
          await api("POST", `/api/tokens/${row.id}/revoke`);
          modal.close();
          refresh();
        } }, "Revoke")),
    ], "revoke-title", { alert: true });
  }

  // A restyle that greys the form's labels out (#b4b4bc on white: 2:1), in
  // every kit's markup (a Shoelace field's label through its part).
  if (fault("faint-field-labels")) {
    document.head.append(h("style", { text: ".field label, .field .label { color: #b4b4bc !important; } sl-input::part(form-control-label) { color: #b4b4bc; }" }));
  }

  function field(id, label, input) {
    if (wc) return slField(id, label, input);
    if (kit === "bootstrap") {
      // .form-label, .form-control, and an .invalid-feedback shown by .is-invalid.
      const error = h("div", { class: "invalid-feedback", id: id + "-feedback" });
      input.classList.add("form-control");
      input.setAttribute("aria-describedby", id + "-feedback");
      return { el: h("div", { class: "mb-3 field" }, h("label", { for: id, class: "form-label" }, label), input, error), error, input,
        invalid: (on) => input.classList.toggle("is-invalid", on) };
    }
    if (kit === "mui") {
      // An outlined TextField: the label, the input and its notched outline
      // (a hidden <legend> repeating the label), helper text for errors.
      const error = h("p", { class: "MuiFormHelperText-root", id: id + "-helper-text" });
      input.classList.add("MuiInputBase-input", "MuiOutlinedInput-input");
      input.setAttribute("aria-invalid", "false");
      const box = h("div", { class: "MuiInputBase-root MuiOutlinedInput-root MuiInputBase-formControl" }, input,
        h("fieldset", { "aria-hidden": "true", class: "MuiOutlinedInput-notchedOutline" }, h("legend", {}, h("span", {}, label))));
      return { el: h("div", { class: "MuiFormControl-root MuiTextField-root field" },
        h("label", { class: "MuiFormLabel-root MuiInputLabel-root MuiInputLabel-shrink", for: id, id: id + "-label" }, label), box, error), error, input,
        invalid: (on) => {
          [error, box].forEach((el) => el.classList.toggle("Mui-error", on));
          if (on) input.setAttribute("aria-describedby", id + "-helper-text"); else input.removeAttribute("aria-describedby");
          input.setAttribute("aria-invalid", String(on));
        } };
    }
    if (kit === "radix") {
      // shadcn's Form: FormItem / FormLabel / FormControl / FormMessage, ids from the item.
      const base = rid() + "-form-item";
      input.id = base;
      const error = h("p", { id: base + "-message", class: "text-sm font-medium text-destructive field-error" });
      input.setAttribute("aria-describedby", base + "-description");
      input.setAttribute("aria-invalid", "false");
      input.classList.add("flex", "h-10", "w-full", "rounded-md", "border", "border-input");
      return { el: h("div", { class: "space-y-2 field" }, h("label", { class: "text-sm font-medium leading-none", for: base }, label), input, error), error, input,
        invalid: (on) => input.setAttribute("aria-describedby", on ? `${base}-description ${base}-message` : `${base}-description`) };
    }
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

  function openCreateModal(currentRows, refresh, trigger) {
    // A sentence-case release relabels the fields as design systems write labels.
    const sentence = release("sentence-case");
    const name = field("token-name", sentence ? "Token name" : "Token Name", h("input", { id: "token-name", type: "text", autocomplete: "off", maxlength: fault("name-field-truncates") ? "8" : null }));
    const expiry = field("token-expiry", sentence ? "Expiry date" : "Expiry Date", VARIANTS.has("native-date-picker")
      ? h("input", { id: "token-expiry", type: "date" })
      : h("input", { id: "token-expiry", type: "text", placeholder: "YYYY-MM-DD", autocomplete: "off" }));
    const extra = fault("modal-extra-field") ? field("token-description", "Description", h("input", { id: "token-description", type: "text" })).el : null;
    // Most builds disable Create until both fields hold something; a
    // validate-on-submit build keeps it enabled and says what is wrong on Create.
    const onSubmit = VARIANTS.has("validate-on-submit");
    const create = h("button", { type: "submit", class: btnClass(true), disabled: !onSubmit }, "Create");
    const updateEnabled = () => { create.disabled = fault("create-never-enabled") || (!onSubmit && (!name.input.value || !expiry.input.value)); };
    name.input.addEventListener("input", updateEnabled);
    expiry.input.addEventListener("input", updateEnabled);
    expiry.input.addEventListener("change", updateEnabled);
    const showError = (f, msg) => {
      f.error.textContent = msg || "";
      if (msg) f.input.setAttribute("aria-invalid", "true"); else f.input.removeAttribute("aria-invalid");
      if (f.invalid) f.invalid(!!msg);
      // A build that shows the reason under the field but ties it to nothing:
      // no description of the field, no live region (a screen reader says nothing).
      if (fault("error-not-tied")) {
        for (const a of ["aria-describedby", "aria-errormessage"]) f.input.removeAttribute(a);
        for (const a of ["aria-live", "role"]) f.error.removeAttribute(a);
      }
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
          if (fault("token-logged-to-console")) console.log("Token created: " + res.data.token);
          if (fault("token-logged-to-console-debug")) console.debug("[tokens] created", res.data.row.name, res.data.token);
          modal.close();
          openCreatedDialog(res.data.token, trigger);
          if (!fault("new-row-missing-until-reload")) refresh();
        } else {
          const errors = res.data.errors || {};
          showError(name, errors.name);
          showError(expiry, errors.expiry);
        }
      },
    }, name.el, expiry.el, extra,
      actions(h("button", { type: "button", class: btnClass(false), onclick: () => modal.close() }, "Cancel"), create));
    modal = openModal([title("create-title", "Create API Token"), form], "create-title", { dismiss: true, trigger, drawer: release("drawer") });
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

  // The new token as each kit shows a value to copy: Bootstrap a read-only
  // .form-control, MUI a read-only TextField labelled "Token", shadcn a <code>.
  function tokenValue(token) {
    if (kit === "bootstrap") {
      return h("div", { class: "input-group mb-2" }, h("input", { type: "text", class: "form-control font-monospace", readonly: true, "aria-label": "Token value", value: token }));
    }
    if (kit === "mui") {
      return h("div", { class: "MuiFormControl-root MuiTextField-root MuiFormControl-fullWidth field" },
        h("label", { class: "MuiFormLabel-root MuiInputLabel-root MuiInputLabel-shrink", for: "token-value", id: "token-value-label" }, "Token"),
        h("div", { class: "MuiInputBase-root MuiOutlinedInput-root MuiInputBase-readOnly" },
          h("input", { id: "token-value", class: "MuiInputBase-input MuiOutlinedInput-input", readonly: true, value: token }),
          h("fieldset", { "aria-hidden": "true", class: "MuiOutlinedInput-notchedOutline" }, h("legend", {}, h("span", {}, "Token")))));
    }
    if (kit === "radix") {
      return h("div", { class: "rounded-md bg-muted px-4 py-3 break-all token-box" }, h("code", { class: "relative font-mono text-sm" }, token));
    }
    return h("div", { class: "token-box" }, h("code", { "aria-label": "Token value" }, token));
  }

  function openCreatedDialog(token, trigger) {
    const status = h("div", { class: "copy-status", role: "status" });
    const modal = openModal([
      title("created-title", "Token Created"),
      h("div", { class: "warning" }, "Copy this token now — it will not be shown again."),
      tokenValue(token),
      status,
      actions(
        h("button", { type: "button", class: btnClass(false), onclick: async () => {
          if (fault("copy-nothing")) { status.textContent = "Copied to clipboard."; return; }
          await copyText(fault("copy-truncated") ? token.slice(0, -6) : token);
          status.textContent = "Copied to clipboard.";
        } }, release("copy-renamed") ? "Copy to clipboard" : "Copy"),
        h("button", { type: "button", class: btnClass(true), onclick: () => {
          if (fault("close-does-not-close")) return;
          modal.close();
          if (fault("token-shown-after-close")) document.body.setAttribute("data-last-token", token);
        } }, "Close")),
    ], "created-title", { alert: true, trigger });
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
  if (wc) defineWebComponents();
  render();
})();
