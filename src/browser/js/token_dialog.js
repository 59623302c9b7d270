// What the scripts that look for the Token Created dialog's value share
// (needs flat_tree.js and locate.js).

// The elements an XPath matches under `ctx`; where the page has open shadow
// roots, what the locator's alternatives `alts` match in the flat tree.
const locatedIn = (xp, ctx, alts) => {
  if (alts && hasShadowRoots()) return [...new Set(alts.flatMap((alt) => matchesAll(alt, ctx)))];
  const snap = document.evaluate(xp, ctx, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
  const out = [];
  for (let i = 0; i < snap.snapshotLength; i++) if (snap.snapshotItem(i) instanceof Element) out.push(snap.snapshotItem(i));
  return out;
};
// A container's text nodes (in the flat tree where the page has shadow roots).
const textsIn = (c) => {
  if (hasShadowRoots()) return flatTextNodes(c);
  const out = [], walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) out.push(walk.currentNode);
  return out;
};
// As a token looks wherever a build shows it: one long word.
const tokenLike = /^[A-Za-z0-9_.~+\/=-]{24,}$/;
// What a value element shows: a field's value, else its text.
const shows = (el) => (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' ? el.value : el.textContent || '').trim();
