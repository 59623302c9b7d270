// Freezes what would make two captures differ: transitions and animations
// jump to their end state, and the text caret is hidden. Open shadow roots get
// the same rule, as the page's styles do not reach into them (needs flat_tree.js).

// Entry.
function freezeMotion() {
  const rule = '*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }';
  for (const root of hasShadowRoots() ? openRoots() : [document]) {
    if (root.getElementById('__e2e_freeze')) continue;
    const s = document.createElement('style');
    s.id = '__e2e_freeze';
    s.textContent = rule;
    (root === document ? document.head : root).appendChild(s);
  }
}
