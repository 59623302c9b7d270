// A control's accessible name, as the browser computes it where it says;
// else its aria-label, title or text.

// Entry.
function controlName(el) {
  return (typeof el.computedName === 'string' && el.computedName.trim()) || el.getAttribute('aria-label')
    || el.getAttribute('title') || (el.textContent || '').trim();
}
