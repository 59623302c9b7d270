// Where the keyboard focus is, as a keyboard user follows it: whether it is
// on `target` (or inside it, as a web component's own button is), inside
// `region`, in the same group of items as `target` (the tabs of one tablist,
// the items of one menu: they keep one item in the Tab order and move by
// arrow keys), whether `target` comes before the focus in the page (Shift+Tab
// is the short way back to it), and what it is (needs flat_tree.js and
// describe.js).

// Entry: { on, inside, sameGroup, before, focused }.
function focusState(target, region) {
  const active = deepActiveElement();
  const nothing = !active || active === document.body || active === document.documentElement;
  const within = (outer) => {
    for (let el = active; el && outer; el = flatParent(el)) if (el === outer) return true;
    return false;
  };
  const group = (el) => {
    for (let at = el; at; at = flatParent(at)) {
      if (/^(tablist|menu|menubar|listbox|radiogroup|toolbar)$/.test(at.getAttribute && at.getAttribute('role') || '')) return at;
    }
    return null;
  };
  let focused = 'nothing (the page itself)';
  if (!nothing) {
    const d = describe(active);
    focused = `${d.role || d.tag} "${d.name}" <${d.tag}>`;
  }
  const targetGroup = target ? group(target) : null;
  // Document order, a shadow root's elements at their outermost host.
  const outermost = (el) => {
    let at = el;
    while (at.getRootNode() instanceof ShadowRoot) at = at.getRootNode().host;
    return at;
  };
  const before = !nothing && !!target && !!(outermost(active).compareDocumentPosition(outermost(target)) & Node.DOCUMENT_POSITION_PRECEDING);
  return {
    on: !nothing && within(target),
    inside: !nothing && within(region),
    sameGroup: !nothing && !!targetGroup && group(active) === targetGroup,
    before,
    focused,
  };
}
