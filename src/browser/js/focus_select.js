// Focuses a field and selects what it holds, so typing replaces it (needs flat_tree.js).

// Entry: whether the field has the focus now.
function focusAndSelect(el) {
  if (deepActiveElement() !== el) el.focus();
  if (el.value && el.select) el.select();
  return deepActiveElement() === el;
}
