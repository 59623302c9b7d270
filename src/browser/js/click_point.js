// Is the element ready for a click, and where? (needs flat_tree.js) In one
// round trip: scrolled into view, enabled, not moving (no running finite
// transition or animation on it or an ancestor), and the topmost element at
// its centre (not covered by an overlay). Through open shadow roots: what is
// at the point is looked for down into them, and "inside" is in the flat tree
// (a slotted label inside a button).

// Entry: [x, y] in CSS px, or a text saying why not yet.
function clickPoint(el) {
  if (!el || !el.isConnected) return 'the element is no longer on the page';
  if (el.disabled || el.getAttribute('aria-disabled') === 'true') return 'the element is disabled';
  let r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) return 'the element has no size';
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) {
    el.scrollIntoView({ block: 'center', inline: 'center', behavior: 'instant' });
    r = el.getBoundingClientRect();
  }
  // (An endless animation, like a pulsing call to action, never settles: not waited for.)
  const moving = document.getAnimations().some((a) => a.playState === 'running' && a.effect && a.effect.target
    && a.effect.target.contains && flatContains(a.effect.target, el) && a.effect.getComputedTiming().iterations !== Infinity);
  if (moving) return 'the element is still animating';
  const x = r.left + Math.min(r.width / 2, Math.max(1, r.width - 1)), y = r.top + r.height / 2;
  const hit = deepElementFromPoint(x, y);
  const ok = hit && (hit === el || flatContains(el, hit) || (hit.control && hit.control === el)
    || (el.labels && Array.from(el.labels).includes(hit)));
  if (!ok) {
    const d = hit ? hit.tagName.toLowerCase() + (hit.className && typeof hit.className === 'string' ? '.' + hit.className.trim().split(/\s+/).join('.') : '') : 'nothing';
    return 'another element would receive the click: ' + d;
  }
  return [x, y];
}
