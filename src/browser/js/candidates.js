// What a locator that found nothing (or too much) considered, for the
// evidence of a failed step (needs flat_tree.js, describe.js and locate.js):
// per alternative, its matches shown and hidden, and when none shows, the
// visible elements of its role (any name) or the visible form fields (a
// label): the near misses a reviewer compares with.

// Entry: a JSON text, one entry per alternative.
function candidates(alts, scope) {
  const root = scope || document;
  return JSON.stringify(alts.map((alt) => {
    const all = matchesAll(alt, root);
    const seen = all.filter(shown);
    let near = [];
    if (!seen.length && typeof alt !== 'string' && alt.ax && computed) {
      const last = alt.ax[alt.ax.length - 1];
      near = [...below(root)].filter((el) => shown(el) && (last.label !== undefined ? isField(el) : last.roles.includes(el.computedRole)));
    }
    return { visible: seen.length, hidden: all.length - seen.length, items: seen.slice(0, 5).map(describe),
             hiddenItems: all.filter((el) => !shown(el)).slice(0, 3).map(describe), near: near.slice(0, 8).map(describe) };
  }));
}
