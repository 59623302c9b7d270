// The visible elements inside a container (the Token Created dialog) whose
// whole text is one token-looking word, innermost only; in the flat tree where
// the page has shadow roots, as a dialog panel in one shows its body through
// slots (needs flat_tree.js).

// A token as a user sees one: one word of 20 or more letters, digits, _ - .
const looksLikeToken = (t) => /^[A-Za-z0-9_\-.]{20,}$/.test(t);

// Entry.
function tokenLookingElements(container) {
  const deep = hasShadowRoots();
  const textOf = (el) => ((deep ? flatInnerText(el) : el.innerText) || '').trim();
  const out = [];
  for (const el of deep ? flatElements(container) : container.querySelectorAll('*')) {
    const t = textOf(el);
    if (!looksLikeToken(t) || !el.getClientRects().length) continue;
    if ([...(deep ? flatChildren(el) : el.children)].some((c) => textOf(c) === t)) continue;
    out.push(el);
  }
  return out;
}
