// How a form refuses a field's value.

// Entry: the inline error shown for a field: its aria-errormessage /
// aria-describedby target, else an alert or live region in the field's own
// group (the largest ancestor that holds no other field), else an
// error-looking text there; null when none shows.
function fieldError(f) {
  // (offsetParent is null inside a shadow root whose positioned ancestor is in another tree.)
  const text = (el) => (el && (el.offsetParent !== null || (el.getRootNode() !== document && el.getClientRects().length > 0))
    ? (el.innerText || '').trim() : '');
  for (const attr of ['aria-errormessage', 'aria-describedby']) {
    for (const id of (f.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
      const t = text(f.getRootNode().getElementById(id));
      if (t) return t;
    }
  }
  // The field's own container: the largest ancestor holding no other field.
  const fields = 'input:not([type=hidden]), textarea, select';
  let box = f.parentElement;
  while (box.parentElement && box.parentElement.querySelectorAll(fields).length === 1) box = box.parentElement;
  // An alert or live region of the group first; then what kits call their error texts.
  for (const sel of ['[role=alert], [aria-live]', '[class*=error], [class*=invalid], [class*=danger], [class*=help]']) {
    for (const el of box.querySelectorAll(sel)) {
      const t = text(el);
      if (t) return t;
    }
  }
  return null;
}

// Entry: the browser's own constraint validation refusing the field (a
// required or pattern field in a form without novalidate: the browser shows
// its bubble and does not submit), as its message; null when it does not.
function constraintRefusal(f) {
  return f.form && !f.form.noValidate && f.validity && !f.validity.valid ? (f.validationMessage || 'invalid') : null;
}
