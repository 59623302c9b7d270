// The page as a screen reader meets it: an ARIA snapshot, the accessibility
// tree of one region as roles, accessible names, states and the values of
// fields. Roles, names and what assistive technology is told of (hidden,
// aria-hidden, inert, open shadow roots through their slots) are axe-core's
// (`axe.commons`, loaded into the page first by AXE_LOAD), so Chromium and
// Firefox compute the same tree. Elements without a role of their own
// (generic, presentation) give their children to their parent; text is
// merged as a reader speaks it. Password fields never give their value.

// What a region of the page is: the open dialog, else the open menu, else
// the main area, else the whole page (`whole`: always the whole page).
function snapshotRoot(top, whole) {
  if (whole) return top;
  const shown = [];
  const visit = (v) => {
    if (v.actualNode.nodeType !== 1 || !axe.commons.dom.isVisibleToScreenReaders(v)) return;
    shown.push(v);
    v.children.forEach(visit);
  };
  visit(top);
  const roleOf = (v) => axe.commons.aria.getRole(v);
  // A dialog fading out (opacity 0, or hidden by CSS) is no longer what the step shows.
  const painted = (el) => !el.checkVisibility || el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  for (const wanted of [['dialog', 'alertdialog'], ['menu', 'listbox'], ['main']]) {
    const found = shown.filter((v) => wanted.includes(roleOf(v)) && painted(v.actualNode));
    // The last one opened is the last in the document (portals append).
    if (found.length) return found[found.length - 1];
  }
  return top;
}

const ROLELESS = new Set(['generic', 'presentation', 'none']);
const FIELDS = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton', 'slider']);
const CHECKABLE = new Set(['checkbox', 'radio', 'switch', 'menuitemcheckbox', 'menuitemradio']);
const SELECTABLE = new Set(['option', 'tab', 'row', 'gridcell', 'treeitem']);

// The states a reader announces, as [name, value] (value true: a flag).
function ariaStates(el, role) {
  const states = [];
  const attr = (name) => el.getAttribute(name);
  if (CHECKABLE.has(role)) {
    const checked = 'checked' in el && el.type && /checkbox|radio/.test(el.type)
      ? (el.indeterminate ? 'mixed' : String(el.checked)) : attr('aria-checked');
    if (checked === 'true') states.push(['checked', true]);
    if (checked === 'mixed') states.push(['checked', 'mixed']);
  }
  if ((el.matches && el.matches(':disabled')) || (el.closest && el.closest('[aria-disabled="true"]'))) states.push(['disabled', true]);
  if (attr('aria-expanded') === 'true') states.push(['expanded', true]);
  if (attr('aria-expanded') === 'false') states.push(['expanded', false]);
  if (role === 'heading') {
    const level = Number(attr('aria-level')) || Number((/^H([1-6])$/.exec(el.tagName) || [])[1]) || 2;
    states.push(['level', level]);
  }
  if (attr('aria-pressed') === 'true') states.push(['pressed', true]);
  if (attr('aria-pressed') === 'mixed') states.push(['pressed', 'mixed']);
  if (SELECTABLE.has(role) && attr('aria-selected') === 'true') states.push(['selected', true]);
  if (attr('aria-invalid') && attr('aria-invalid') !== 'false') states.push(['invalid', true]);
  if ((el.required || attr('aria-required') === 'true') && FIELDS.has(role)) states.push(['required', true]);
  return states;
}

// A field's value as a reader says it; a password's never.
function ariaValue(el, role) {
  if (!FIELDS.has(role)) return null;
  if (el.type === 'password') return el.value ? '••••••••' : null;
  if ('value' in el && typeof el.value === 'string') return el.value || null;
  return el.getAttribute('aria-valuetext') || el.getAttribute('aria-valuenow') || null;
}

// The entries under a virtual node, appended to `out`.
function snapshotEntries(v, out) {
  const node = v.actualNode;
  if (node.nodeType === 3) {
    const text = node.nodeValue.replace(/\s+/g, ' ').trim();
    if (!text) return;
    if (typeof out[out.length - 1] === 'string') out[out.length - 1] += ' ' + text;
    else out.push(text);
    return;
  }
  if (node.nodeType !== 1 || /^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT)$/.test(node.nodeName)) return;
  if (!axe.commons.dom.isVisibleToScreenReaders(v)) return;
  const role = axe.commons.aria.getRole(v);
  const children = [];
  // A field's own text is its value, said once.
  if (!FIELDS.has(role)) v.children.forEach((c) => snapshotEntries(c, children));
  if (!role || ROLELESS.has(role)) {
    for (const c of children) {
      if (typeof c === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] += ' ' + c;
      else out.push(c);
    }
    return;
  }
  // A row group's text is every row's: named only by its author.
  const authorOnly = role === 'rowgroup' && !node.hasAttribute('aria-label') && !node.hasAttribute('aria-labelledby');
  const name = authorOnly ? '' : axe.commons.text.accessibleTextVirtual(v).replace(/\s+/g, ' ').trim();
  // Text that only repeats the name is not said twice.
  const own = children.length === 1 && children[0] === name ? [] : children;
  out.push({ role, name, states: ariaStates(node, role), value: ariaValue(node, role), children: own });
}

// Entry: { entries: [...] } (a text, or { role, name, states, value,
// children }), or { needsAxe:
// true } while the page has not this `version` of axe-core.
function ariaSnapshot(version, whole) {
  if (axeVersion() !== version) return { needsAxe: true };
  try { axe.teardown(); } catch (e) { /* not set up */ }
  const top = axe.setup(document.body);
  try {
    const root = snapshotRoot(top, whole);
    const entries = [];
    snapshotEntries(root, entries);
    return { entries };
  } finally {
    axe.teardown();
  }
}
