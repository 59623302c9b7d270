// The page as a reviewer can open it offline (needs flat_tree.js, locate.js
// and token_dialog.js): a copy of the document with what was typed kept (as
// `value` attributes), password fields and every known secret replaced by
// [REDACTED], the Token Created dialog's token-like texts and value replaced
// too (the same rule as the screenshots), scripts and inline handlers
// removed, and the page's stylesheets inlined.

const DOM_MASK = '[REDACTED]';

// The copy, node by node, each live node's twin kept in `twins`; an open
// shadow root becomes a declarative one (<template shadowrootmode="open">,
// its content pushed to `trees`), so the saved page shows the web components
// as they were.
const cloneWithShadowRoots = (node, twins, trees) => {
  const c = node.cloneNode(node instanceof HTMLTemplateElement);
  twins.set(node, c);
  if (!(node instanceof HTMLTemplateElement)) for (const k of node.childNodes) c.appendChild(cloneWithShadowRoots(k, twins, trees));
  if (node.shadowRoot) {
    const t = document.createElement('template');
    t.setAttribute('shadowrootmode', 'open');
    for (const k of node.shadowRoot.childNodes) t.content.appendChild(cloneWithShadowRoots(k, twins, trees));
    c.prepend(t);
    trees.push(t.content);
  }
  return c;
};

// What was typed (the live values, which the markup does not hold), onto the twins.
const keepTyped = (twins, scrub) => {
  for (const [el, c] of twins) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) continue;
    if (el.tagName === 'SELECT') { [...c.options].forEach((o, j) => o.toggleAttribute('selected', el.options[j] && el.options[j].selected)); continue; }
    if (el.type === 'password') { if (el.value || c.hasAttribute('value')) c.setAttribute('value', DOM_MASK); continue; }
    if (el.tagName === 'TEXTAREA') c.textContent = scrub(el.value); else if (el.type !== 'file') c.setAttribute('value', scrub(el.value));
  }
};

// The Token Created dialog: its value, and any word that looks like a token.
const maskDialogs = (dialogs, twins) => {
  for (const [container, inner, containerAlts, innerAlts] of dialogs) {
    for (const d of locatedIn(container, document, containerAlts)) {
      const c = twins.get(d);
      if (!c) continue;
      for (const el of locatedIn(inner, d, innerAlts)) {
        const twin = twins.get(el);
        if (twin) { twin.textContent = DOM_MASK; if (twin.hasAttribute('value')) twin.setAttribute('value', DOM_MASK); }
      }
      for (const n of textsIn(d)) if (tokenLike.test(n.nodeValue.trim()) && twins.get(n)) twins.get(n).nodeValue = DOM_MASK;
      for (const el of [c, ...c.querySelectorAll('[value]')]) {
        if (el.hasAttribute('value') && tokenLike.test(el.getAttribute('value').trim())) el.setAttribute('value', DOM_MASK);
      }
    }
  }
};

// Every text and attribute of a copied tree: known secrets, and any word that
// looks like a token (a token the suite has not read, shown or kept outside
// the dialog the locators know), replaced before serialising, so no escaping
// hides one. Then offline and inert: no scripts, no handlers.
const cleanTree = (tree, scrub) => {
  const tokenWord = /[A-Za-z0-9_-]{24,}/g;
  const clean = (t) => scrub(t).replace(tokenWord, (w) => (/[A-Za-z]/.test(w) && /[0-9]/.test(w) ? DOM_MASK : w));
  const texts = document.createTreeWalker(tree, NodeFilter.SHOW_TEXT);
  while (texts.nextNode()) {
    const n = texts.currentNode;
    if (n.parentElement && n.parentElement.closest('style, script')) continue;
    n.nodeValue = clean(n.nodeValue);
  }
  tree.querySelectorAll('*').forEach((el) => [...el.attributes].forEach((a) => { if (a.name !== 'style') el.setAttribute(a.name, clean(a.value)); }));
  tree.querySelectorAll('script, noscript, link[rel~=preload], link[rel~=modulepreload]').forEach((el) => el.remove());
  tree.querySelectorAll('*').forEach((el) => [...el.attributes].forEach((a) => { if (/^on/i.test(a.name)) el.removeAttribute(a.name); }));
};

// The page's styles inline in the copy's head (a shadow root's own <style> stays in it).
const inlineStyles = (copy) => {
  let css = '';
  for (const sheet of document.styleSheets) { try { css += [...sheet.cssRules].map((r) => r.cssText).join('\n') + '\n'; } catch (_) {} }
  copy.querySelectorAll('link[rel~=stylesheet], style').forEach((el) => el.remove());
  let head = copy.querySelector('head');
  if (!head) { head = document.createElement('head'); copy.prepend(head); }
  const style = document.createElement('style');
  style.textContent = css;
  head.append(style);
  if (!head.querySelector('meta[charset]')) { const m = document.createElement('meta'); m.setAttribute('charset', 'utf-8'); head.prepend(m); }
};

// Entry: the copy as one HTML text. `secrets`: the texts to replace;
// `dialogs`: where the token's value is (as secret_rects.js takes them).
function domCopy(secrets, dialogs) {
  const twins = new Map();
  const trees = [];
  const copy = cloneWithShadowRoots(document.documentElement, twins, trees);
  const scrub = (t) => secrets.reduce((acc, s) => acc.split(s).join(DOM_MASK), t || '');
  keepTyped(twins, scrub);
  maskDialogs(dialogs, twins);
  // The copy and the shadow trees in it.
  for (const tree of [copy, ...trees]) cleanTree(tree, scrub);
  inlineStyles(copy);
  // (A <template>'s content is serialised with it: the shadow roots are in the file.)
  return '<!doctype html>\n<!-- ' + scrub(location.href).replace(/--/g, '- -') + ' at ' + new Date().toISOString() + ' (ai-suite-e2e, secrets redacted) -->\n' + scrub(copy.outerHTML);
}
