// The error a sign-in form shows (wrong credentials): the first alert or
// error text with any text in it.

// Entry: the text, or null.
function signInError() {
  for (const a of document.querySelectorAll('[role=alert], .error, .form-error')) {
    const t = (a.innerText || '').trim();
    if (t) return t;
  }
  return null;
}
