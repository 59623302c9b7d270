// Which elements found through WebDriver BiDi are visible matches (needs
// flat_tree.js and locate.js): shown, not the scope itself, and a form field
// when `field`.

// Entry: one answer (true or false) per element.
function visibleMatches(field, scope, ...els) {
  return els.map((el) => el instanceof Element && el !== scope && el.isConnected && shown(el) && (!field || isField(el)));
}
