// Rectangles (CSS px) of everything secret on the page (needs flat_tree.js,
// locate.js and token_dialog.js): password fields, any text node holding a
// known secret (`secrets`), the Token Created dialog's value, and whatever
// the `secret` locators of the config match (`places`: [container XPath,
// value XPath, container alternatives, value alternatives]); each with the
// element it belongs to, and whether it shows (an element at opacity 0 does
// not, but it may by the time the frame is made). With `rectsOnly`, only the
// rectangles (the change watcher is left alone). `example`: the value shown
// in place of the token, which is no secret. Open shadow roots are searched too.

// Entry: { rects, changed }, `changed` saying whether the page changed since the last look.
function secretRects(secrets, places, rectsOnly, example) {
  // A document still without a body shows nothing yet.
  if (!document.body) return { rects: [], changed: true };
  const rects = [];
  const showing = (el) => !el || !el.checkVisibility || el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  // The same element has the same id in both looks.
  const ids = window.__e2eIds || (window.__e2eIds = { map: new WeakMap(), next: 0 });
  const idOf = (el) => { if (!el) return 0; if (!ids.map.has(el)) ids.map.set(el, ++ids.next); return ids.map.get(el); };
  const add = (r, el) => { if (r.width > 0 && r.height > 0) rects.push({ x: r.left, y: r.top, w: r.width, h: r.height, id: idOf(el), shown: showing(el) }); };
  deepQueryAll('input[type=password]').forEach((el) => add(el.getBoundingClientRect(), el));
  for (const root of hasShadowRoots() ? openRoots() : [document]) {
    const walker = document.createTreeWalker(root === document ? document.body : root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (secrets.some((s) => node.nodeValue.includes(s))) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) add(r, node.parentElement);
        if (node.parentElement) add(node.parentElement.getBoundingClientRect(), node.parentElement);
      }
    }
  }
  deepQueryAll('input, textarea').forEach((el) => {
    if (secrets.some((s) => (el.value || '').includes(s))) add(el.getBoundingClientRect(), el);
  });

  // Inside the Token Created dialog: its value's field, and any text that looks
  // like a token (one long word), wherever the build shows it.
  for (const [container, inner, containerAlts, innerAlts] of places) {
    for (const c of locatedIn(container, document, containerAlts)) {
      for (const el of locatedIn(inner, c, innerAlts)) if (!example || shows(el) !== example) add(el.getBoundingClientRect(), el);
      for (const node of textsIn(c)) {
        if (!tokenLike.test(node.nodeValue.trim())) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) add(r, node.parentElement);
      }
    }
  }
  if (rectsOnly) return { rects, changed: false };
  return { rects, changed: pageChanged() };
}

// Has the page changed since the last look? A watcher of our own (not a hook
// in the target) notes DOM changes, typing, focus, scrolling, hovering, images
// and fonts arriving; a new document has no watcher yet, and a running
// animation counts as change.
function pageChanged() {
  const seen = window.__e2eWatch;
  if (!seen) {
    window.__e2eWatch = { changed: true, roots: new WeakSet() };
    const mark = () => { window.__e2eWatch.changed = true; };
    window.__e2eWatch.observer = new MutationObserver(mark);
    window.__e2eWatch.observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    for (const type of ['input', 'change', 'focusin', 'focusout', 'scroll', 'mouseover', 'mouseout', 'select', 'load', 'error'])
      document.addEventListener(type, mark, true);
    window.addEventListener('resize', mark);
    if (document.fonts) document.fonts.addEventListener('loadingdone', mark);
  }
  // A shadow root is outside the document's subtree for the observer: each is
  // watched from the first look that sees it (a new one is a change itself).
  if (hasShadowRoots()) {
    for (const root of openRoots()) {
      if (root === document || window.__e2eWatch.roots.has(root)) continue;
      window.__e2eWatch.roots.add(root);
      window.__e2eWatch.observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
      window.__e2eWatch.changed = true;
    }
  }
  const moving = document.getAnimations().some((a) => a.playState === 'running');
  const changed = !seen || window.__e2eWatch.changed || moving || window.__e2eWatch.moving;
  window.__e2eWatch.changed = false;
  window.__e2eWatch.moving = moving;
  return changed;
}
