// How an ambiguity or a near miss shows an element: tag, role, a name, a
// short outer HTML (long token-like values and field values hidden); an
// element in a shadow root is shown after its host.

const describeText = (el) => (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
// Anything that may be a token (one long word) and every value go before the text is cut.
const hideValues = (t) => t.replace(/[A-Za-z0-9_.~+\/=\-]{24,}/g, '[long value hidden]');
// The role HTML gives an element, where the browser does not say.
const describeRole = (el) => {
  const t = el.tagName.toLowerCase(), type = (el.getAttribute('type') || 'text').toLowerCase();
  if (/^h[1-6]$/.test(t)) return 'heading';
  if (t === 'input') return ['button', 'submit', 'reset'].includes(type) ? 'button' : type === 'checkbox' ? 'checkbox' : 'textbox';
  return { a: el.hasAttribute('href') ? 'link' : '', button: 'button', textarea: 'textbox', select: 'combobox', table: 'table',
    dialog: 'dialog', nav: 'navigation', main: 'main', header: 'banner', ul: 'list', ol: 'list', li: 'listitem',
    tr: 'row', td: 'cell', th: 'columnheader', img: 'img', form: 'form', section: 'region', body: 'document' }[t] || '';
};
// A name as ARIA gives it, where the browser does not say: labelled-by,
// aria-label, an HTML label, alt, the text, title, placeholder.
const describeName = (el) => {
  const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
    .map((id) => describeText(el.getRootNode().getElementById(id) || document.createElement('i'))).join(' ');
  const label = el.labels && el.labels[0] ? describeText(el.labels[0]) : '';
  return (by || el.getAttribute('aria-label') || label || el.getAttribute('alt') || describeText(el) || el.getAttribute('title')
    || el.getAttribute('placeholder') || '');
};
const outerHtml = (el, max) => {
  const html = hideValues(el.outerHTML.replace(/\s+/g, ' ').replace(/\svalue="[^"]*"/g, ' value="[hidden]"'));
  return html.length > max ? html.slice(0, max - 3) + '...' : html;
};

// `{ tag, role, name, html }` of one element.
function describe(el) {
  let html = outerHtml(el, 140);
  // Inside a shadow root, its own markup says little (`<button part="base">`): its host first.
  const host = el.getRootNode().host;
  if (host) html = outerHtml(host, 100) + ' ▸ #shadow-root ▸ ' + html;
  // The browser's own role and name where it exposes them.
  const role = el.computedRole || el.getAttribute('role') || describeRole(el);
  const named = hideValues(typeof el.computedName === 'string' ? el.computedName.replace(/\s+/g, ' ').trim() : describeName(el)).slice(0, 60);
  return { tag: el.tagName.toLowerCase(), role, name: named, html };
}

// Entry: the descriptions of the elements passed, as JSON text.
function describeAll(...els) {
  return JSON.stringify(els.map(describe));
}
