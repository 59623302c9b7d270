// The elements that may have the computed role `role`, under the scopes (the
// scopes themselves included; the whole document when none is given), so
// that only they are asked of the browser's accessibility tree: those
// matching `tags` (the HTML elements the role is mapped to), those whose role
// attribute names it, and every custom element (its ElementInternals may give
// it any role). With `field` (and no role): the form fields, as locate.js
// says what a field is. A superset: the browser's own answer among them
// decides. With `shownOnly`, only those a find may answer with (see
// visible_matches.js): shown and not `within`, the find's scope. In open
// shadow roots too (Chromium's lookup enters them; Firefox's, walking
// `children`, does not, but answers about elements there when asked of
// them). Needs flat_tree.js and locate.js.

// Entry.
function axCandidates(role, tags, field, shownOnly, within, ...scopes) {
  const named = (el) => (el.getAttribute('role') || '').toLowerCase().split(/\s+/).includes(role);
  const may = field ? isField : (el) => named(el) || el.localName.includes('-') || (tags !== '' && el.matches(tags));
  const keep = (el) => may(el) && (!shownOnly || (el !== within && shown(el)));
  const out = new Set();
  for (const root of scopes.length ? scopes : [document]) {
    if (root instanceof Element && keep(root)) out.add(root);
    for (const el of below(root)) if (keep(el)) out.add(el);
  }
  return [...out];
}
