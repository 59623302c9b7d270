// Finds the visible elements of a locator's alternatives (needs flat_tree.js,
// describe.js and locate.js), tried in order: the first alternative with any
// visible match wins. `mode` is
// - 'one' (strict): that alternative's one match, null for none, or, when it
//   matches several, a JSON text describing them (what an ambiguity shows);
// - 'all': every visible match of that alternative (an array).

// Entry.
function findVisible(alts, scope, mode) {
  const root = scope || document;
  for (let a = 0; a < alts.length; a++) {
    const found = matches(alts[a], root);
    if (!found.length) continue;
    if (mode === 'all') return found;
    if (found.length === 1) return found[0];
    // Several: say which, as a user would tell them apart.
    const items = found.slice(0, 5).map(describe);
    return JSON.stringify({ alternative: a, count: found.length, items });
  }
  return mode === 'all' ? [] : null;
}
