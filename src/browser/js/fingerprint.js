// A fingerprint of the element a locator found (needs flat_tree.js,
// locate.js and repair_props.js): what identifies it, and which of the
// locator's alternatives `alts` found it (searched from `scope` or the document).

// Entry: the properties (repair_props.js) and `alternative` (its index, -1 when none says).
function fingerprint(el, alts, scope) {
  const from = scope || document;
  let alternative = -1;
  for (let a = 0; a < alts.length && alternative < 0; a++) if (matches(alts[a], from).includes(el)) alternative = a;
  return Object.assign(repairProps(el), { alternative });
}
