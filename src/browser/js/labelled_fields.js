// The form fields whose HTML labels (`el.labels`, as the browser associates
// them) read one of the texts `names`, inside `scope` or the document
// (shadow roots included; needs flat_tree.js).

// Entry.
function labelledFields(names, scope) {
  const norm = (t) => (t || '').replace(/\s+/g, ' ').trim();
  const root = scope || document;
  const fields = hasShadowRoots() ? flatElements(root).filter((el) => el.matches('input, textarea, select')) : [...root.querySelectorAll('input, textarea, select')];
  return fields.filter((el) => [...(el.labels || [])].some((l) => names.includes(norm(l.textContent))));
}
