// Sets a field's value as a date picker's own input does (through the
// input's value setter, which frameworks such as React watch), then says so
// with the input and change events a user's entry fires.

// Entry.
function setValueAsPicker(el, v) {
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  set.call(el, v);
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}
