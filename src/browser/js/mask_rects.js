// Rectangles of the visible elements matching an XPath, the visual masks
// (needs flat_tree.js, locate.js and token_dialog.js); where the page has open
// shadow roots, the locator's alternatives `alts` in the flat tree.

// Entry: [{ x, y, w, h }] in CSS px.
function maskRects(xpath, alts) {
  const out = [];
  for (const el of locatedIn(xpath, document, alts)) {
    if (el.checkVisibility && !el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) out.push({ x: r.left, y: r.top, w: r.width, h: r.height });
  }
  return out;
}
