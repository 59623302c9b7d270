// The background colour a user sees on an element (`rgb(...)`; needs
// flat_tree.js): its own when it paints one; else (a web component's host
// paints nothing, a label inside a button neither) what is under its centre,
// down through open shadow roots, and up from there to the first element that
// paints.

// Entry.
function paintedBackground(el) {
  if (!el || !el.isConnected) throw new Error('stale element: it is no longer on the page');
  const paints = (e) => {
    const c = getComputedStyle(e).backgroundColor;
    return c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c) ? c : null;
  };
  if (paints(el)) return paints(el);
  const r = el.getBoundingClientRect();
  for (let n = deepElementFromPoint(r.left + r.width / 2, r.top + r.height / 2); n; n = flatParent(n)) if (paints(n)) return paints(n);
  return getComputedStyle(el).backgroundColor;
}
