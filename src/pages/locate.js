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

const answers = (q, el) => {
  if (q.label !== undefined) return isField(el) && norm((el.computedName || '').replace(/\*/g, '')) === q.label;
  if (!q.roles.includes(el.computedRole)) return false;
  if (q.name === null) return true;
  const n = norm(el.computedName);
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
  if (typeof alt === 'string') found = byXPath(alt, from);
  else if (alt.ax && computed) found = byAx(alt.ax, from);
  else if (alt.css !== undefined && hasShadowRoots()) found = byCss(alt.css, from);
  else if (alt.text !== undefined && hasShadowRoots()) found = byText(alt.text, from);
  else found = byXPath(alt.xpath, from);
  return found.filter((el) => el instanceof Element);
};
// The visible ones.
const matches = (alt, from) => matchesAll(alt, from).filter(shown);
