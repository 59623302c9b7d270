// The elements that may have the computed role `role`, under the scopes (the
// scopes themselves included; the whole document when none is given), so
// that only they are asked of the browser's accessibility tree: those
// matching `tags` (the HTML elements the role is mapped to), those whose role
// attribute names it, and every custom element (its ElementInternals may give
// it any role). A superset: the browser's own answer among them decides.
// Light DOM only, as WebDriver BiDi's lookup walks it (`children`).

// Entry.
function axCandidates(role, tags, ...scopes) {
  const named = (el) => (el.getAttribute('role') || '').toLowerCase().split(/\s+/).includes(role);
  const may = (el) => named(el) || el.localName.includes('-') || (tags !== '' && el.matches(tags));
  const out = new Set();
  for (const root of scopes.length ? scopes : [document]) {
    if (root instanceof Element && may(root)) out.add(root);
    for (const el of root.querySelectorAll('*')) if (may(el)) out.add(el);
  }
  return [...out];
}
