// The guide's Step 8 picture shows an example token, not the real one (needs
// flat_tree.js, locate.js and token_dialog.js). The page's own state is
// untouched: Copy copies the real one.

// Entry: shows `example` in place of the Token Created dialog's value (its
// field, and any token-like text in the dialog; `places` as secret_rects.js
// takes them), keeping what was there for restoreExampleToken. Returns how
// many places changed.
function showExampleToken(places, example) {
  const swapped = [];
  for (const [container, inner, containerAlts, innerAlts] of places) {
    for (const c of locatedIn(container, document, containerAlts)) {
      for (const el of locatedIn(inner, c, innerAlts)) {
        if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') { swapped.push([el, 'value', el.value]); el.value = example; }
        else { swapped.push([el, 'text', el.textContent]); el.textContent = example; }
      }
      const nodes = textsIn(c).filter((n) => tokenLike.test(n.nodeValue.trim()));
      for (const n of nodes) { swapped.push([n, 'node', n.nodeValue]); n.nodeValue = example; }
    }
  }
  window.__e2eExample = swapped;
  return swapped.length;
}

// Entry: puts back what showExampleToken replaced.
function restoreExampleToken() {
  for (const [el, how, was] of (window.__e2eExample || []).reverse()) {
    if (how === 'value') el.value = was; else if (how === 'text') el.textContent = was; else el.nodeValue = was;
  }
  window.__e2eExample = null;
}
