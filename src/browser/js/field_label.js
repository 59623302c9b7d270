// What a user reads as a form field's label: its HTML label, else the text of
// the elements that label it (aria-labelledby), its aria-label, placeholder or
// name; a required-field star left out.

// Entry.
function fieldLabel(f) {
  const l = (f.labels && f.labels[0]) || f.closest('label');
  const by = (f.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
    .map((id) => (document.getElementById(id) || {}).innerText || '').join(' ');
  return ((l && l.innerText) || by || f.getAttribute('aria-label') || f.placeholder || f.name || '')
    .replace('*', '').trim();
}
