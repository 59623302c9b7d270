// The page's visible text plus every attribute value and field value, open
// shadow roots included (needs flat_tree.js): for "is this secret anywhere?".

// Entry: one text.
function pageTextAndAttributes() {
  const parts = [document.body.innerText];
  // Open shadow roots too: their texts, attributes and fields.
  for (const root of hasShadowRoots() ? openRoots() : [document]) {
    if (root !== document) parts.push(root.textContent);
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.attributes) parts.push(a.value);
      if ('value' in el && typeof el.value === 'string') parts.push(el.value);
    }
  }
  return parts.join('\n');
}
