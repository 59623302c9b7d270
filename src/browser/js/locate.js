// How a locator's alternative matches elements (needs flat_tree.js before it).
//
// An alternative is an XPath (a string: `xpath=`, or a chain the browser's
// engine cannot answer), or an object `{ xpath, ax, css, text }`: `ax` a
// question to the browser's accessibility engine (a chain of parts, each
// `{ roles, name, contains }` or `{ label }`, found inside the previous part's
// matches), `css` / `text` the alternative's own selector or text. On a page
// with open shadow roots, `ax`, `css` and `text` are answered in the flat tree
// (inside shadow roots, through slots); `xpath` only ever sees the light DOM.

// What a visible match is, and what a form field is (by its tag, or its role:
// the computed one where the browser exposes it, else the attribute).
const shown = (el) => (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })
                                          : !!(el.offsetWidth || el.offsetHeight)) && el.getClientRects().length > 0;
const FIELD = 'input:not([type=hidden]), textarea, select, [contenteditable=true]';
const FIELD_ROLES = ['textbox', 'searchbox', 'combobox', 'spinbutton'];
const isField = (el) => el.matches(FIELD) || FIELD_ROLES.includes(el.computedRole || el.getAttribute('role'));

const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
const computed = 'computedRole' in Element.prototype;
// The elements under `from` that a question may consider.
const below = (from) => (hasShadowRoots() ? flatElements(from) : from.querySelectorAll('*'));

const byXPath = (xpath, from) => {
  const snap = document.evaluate(xpath, from, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  const out = [];
  for (let i = 0; i < snap.snapshotLength; i++) out.push(snap.snapshotItem(i));
  return out;
};

// Where the browser computes no roles and names for scripts (Firefox), on a
// page with shadow roots that its WebDriver BiDi lookup does not enter: the
// roles HTML gives its elements and the names ARIA gives them, read in the
// flat tree. An approximation of the browser's own computation, for the
// controls a guide names (buttons, links, fields, dialogs, headings, tabs).
const implicitRole = (el) => {
  const t = el.localName, type = (el.getAttribute('type') || 'text').toLowerCase();
  if (/^h[1-6]$/.test(t)) return 'heading';
  if (t === 'input') return ['button', 'submit', 'reset', 'image'].includes(type) ? 'button' : type === 'checkbox' ? 'checkbox' : type === 'radio' ? 'radio' : type === 'search' ? 'searchbox' : 'textbox';
  if (t === 'a') return el.hasAttribute('href') ? 'link' : '';
  return { button: 'button', textarea: 'textbox', select: 'combobox', dialog: 'dialog', table: 'table', tr: 'row', td: 'cell',
    th: 'columnheader', ul: 'list', ol: 'list', li: 'listitem', nav: 'navigation', main: 'main', img: 'img' }[t] || '';
};
const roleOf = (el) => (computed ? el.computedRole : (el.getAttribute('role') || '').trim().split(/\s+/)[0] || implicitRole(el));
const flatText = (el) => (el ? norm(flatTextNodes(el).map((n) => n.nodeValue).join('')) : '');
const NAMED_BY_CONTENT = ['button', 'link', 'heading', 'menuitem', 'tab', 'cell', 'columnheader', 'option', 'checkbox', 'radio'];
const nameOf = (el) => {
  if (computed) return norm(el.computedName);
  const root = el.getRootNode();
  const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
  if (ids.length) return norm(ids.map((id) => flatText(root.getElementById(id))).join(' '));
  if (el.getAttribute('aria-label')) return norm(el.getAttribute('aria-label'));
  if (el.labels && el.labels.length) return norm([...el.labels].map(flatText).join(' '));
  if (NAMED_BY_CONTENT.includes(roleOf(el))) { const t = flatText(el); if (t) return t; }
  return norm(el.getAttribute('title') || el.getAttribute('placeholder') || '');
};

const answers = (q, el) => {
  if (q.label !== undefined) return isField(el) && nameOf(el).replace(/\*/g, '').trim() === q.label;
  if (!q.roles.includes(roleOf(el))) return false;
  if (q.name === null) return true;
  const n = nameOf(el);
  return q.contains ? n.toLowerCase().includes(q.name.toLowerCase()) : n === q.name;
};

// What a sighted user sees counts, also behind a modal dialog that set
// aria-hidden on the page (MUI, Radix): the suite reads the table there.
const byAx = (parts, from) => parts.reduce((scopes, q) => {
  const out = new Set();
  for (const f of scopes) for (const el of below(f)) if (answers(q, el)) out.add(el);
  return [...out];
}, [from]);

const byCss = (css, from) => flatElements(from).filter((el) => el.matches(css));

// The innermost elements whose text (in the flat tree: a host's shadow
// content, a slot's assigned text) is exactly `value`, as the XPath
// translation of text= does in the light DOM. Slots themselves never count.
const byText = (value, from) => {
  const texts = new Map();
  const textOf = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.nodeValue;
    if (node.nodeType !== Node.ELEMENT_NODE && node !== from) return '';
    if (node.nodeType === Node.ELEMENT_NODE && node.matches('style, script, template')) return '';
    if (node !== from) texts.set(node, '');
    let t = '';
    for (const c of flatChildNodes(node)) t += textOf(c);
    if (node !== from) texts.set(node, t);
    return t;
  };
  textOf(from);
  const hits = [...texts].filter(([el, t]) => !(el instanceof HTMLSlotElement) && norm(t) === value).map(([el]) => el);
  return hits.filter((el) => !hits.some((o) => o !== el && flatContains(el, o)));
};

// Every element an alternative matches under `from`, shown or not.
const matchesAll = (alt, from) => {
  let found;
  // Asked only for what WebDriver BiDi could not see: inside shadow roots.
  if (alt.shadowOnly && !hasShadowRoots()) return [];
  if (typeof alt === 'string') found = byXPath(alt, from);
  else if (alt.ax && (computed || alt.shadowOnly)) found = byAx(alt.ax, from);
  else if (alt.css !== undefined && hasShadowRoots()) found = byCss(alt.css, from);
  else if (alt.text !== undefined && hasShadowRoots()) found = byText(alt.text, from);
  else found = byXPath(alt.xpath, from);
  return found.filter((el) => el instanceof Element);
};
// The visible ones.
const matches = (alt, from) => matchesAll(alt, from).filter(shown);
