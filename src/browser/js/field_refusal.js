// How a form refuses a field's value.

// An element's shown text (offsetParent is null inside a shadow root whose
// positioned ancestor is in another tree).
const shownText = (el) => (el && (el.offsetParent !== null || (el.getRootNode() !== document && el.getClientRects().length > 0))
  ? (el.innerText || '').trim() : '');

// The field's own container: the largest ancestor holding no other field.
function fieldGroup(f) {
  const fields = 'input:not([type=hidden]), textarea, select';
  let box = f.parentElement;
  while (box.parentElement && box.parentElement.querySelectorAll(fields).length === 1) box = box.parentElement;
  return box;
}

// The first shown text of the elements `selector` matches in the field's group.
function groupText(f, selector) {
  for (const el of fieldGroup(f).querySelectorAll(selector)) {
    const t = shownText(el);
    if (t) return t;
  }
  return null;
}

// Entry: the error a screen reader is told of: the field's
// aria-errormessage / aria-describedby target, else an alert or live region
// in its own group; null when none shows.
function fieldErrorAnnounced(f) {
  for (const attr of ['aria-errormessage', 'aria-describedby']) {
    for (const id of (f.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
      const t = shownText(f.getRootNode().getElementById(id));
      if (t) return t;
    }
  }
  return groupText(f, '[role=alert], [aria-live]');
}

// Entry: the inline error shown for a field: the one announced, else an
// error-looking text in its group (what kits call their error texts); null
// when none shows.
function fieldError(f) {
  return fieldErrorAnnounced(f) || groupText(f, '[class*=error], [class*=invalid], [class*=danger], [class*=help]');
}

// Entry: the browser's own constraint validation refusing the field (a
// required or pattern field in a form without novalidate: the browser shows
// its bubble and does not submit), as its message; null when it does not.
function constraintRefusal(f) {
  return f.form && !f.form.noValidate && f.validity && !f.validity.valid ? (f.validationMessage || 'invalid') : null;
}
