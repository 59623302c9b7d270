// Locator repair without a model (needs flat_tree.js, locate.js and
// repair_props.js): every visible element under `scope` (or the page) scored
// against the fingerprint `fp` the locator's element left on its last green
// run, as Similo does (Nass et al., TOSEM 2023): a weighted sum of property
// similarities over the weights of the properties the fingerprint has. The
// weights start from Similo's (tag, id, accessible name, visible text and
// neighbour text 1.5; class, href, location, area and shape 0.5), with the
// computed role in place of Similo's is-button (0.5) and the nearest heading
// (1.0) for the section an element belongs to.

const REPAIR_WEIGHTS = { tag: 1.5, id: 1.5, name: 1.5, text: 1.5, neighbours: 1.5, heading: 1.0,
  role: 0.5, classes: 0.5, href: 0.5, location: 0.5, area: 0.5, shape: 0.5 };

// 1 for equal texts, 0 for nothing in common: 1 - Levenshtein distance /
// longer length, or 0.8 when the new text `b` holds the old `a` whole ("Copy"
// and "Copy to clipboard": a label grown by a release; not the other way: a
// "Token" column is no "Create Token" button).
const textSimilarity = (a, b) => {
  a = (a || '').toLowerCase().slice(0, 100); b = (b || '').toLowerCase().slice(0, 100);
  if (a === b) return 1;
  if (!a.length || !b.length) return 0;
  const held = b.includes(a) ? 0.8 : 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.max(held, 1 - prev[b.length] / Math.max(a.length, b.length));
};

// Shared words over all words.
const wordOverlap = (a, b) => {
  const wa = new Set((a || '').toLowerCase().split(/\W+/).filter(Boolean)), wb = new Set((b || '').toLowerCase().split(/\W+/).filter(Boolean));
  if (!wa.size && !wb.size) return 1;
  let both = 0;
  for (const w of wa) if (wb.has(w)) both++;
  return both / (wa.size + wb.size - both);
};

const ratio = (a, b) => (a <= 0 || b <= 0 ? (a === b ? 1 : 0) : Math.min(a, b) / Math.max(a, b));

// How alike two elements' properties are, 0 to 1 (only what `fp` has counts).
const repairScore = (fp, c) => {
  const sims = {
    tag: () => (fp.tag === c.tag ? 1 : 0),
    id: () => (fp.id === c.id ? 1 : 0),
    name: () => textSimilarity(fp.name, c.name),
    text: () => textSimilarity(fp.text, c.text),
    neighbours: () => wordOverlap(fp.neighbours, c.neighbours),
    heading: () => textSimilarity(fp.heading, c.heading),
    role: () => (fp.role === c.role ? 1 : 0),
    classes: () => wordOverlap(fp.classes.join(' '), c.classes.join(' ')),
    href: () => textSimilarity(fp.href, c.href),
    location: () => Math.max(0, 1 - Math.hypot(fp.x - c.x, fp.y - c.y) / 400),
    area: () => ratio(fp.w * fp.h, c.w * c.h),
    shape: () => ratio(fp.w / Math.max(fp.h, 1), c.w / Math.max(c.h, 1)),
  };
  const has = { tag: !!fp.tag, id: !!fp.id, name: !!fp.name, text: !!fp.text, neighbours: !!fp.neighbours, heading: !!fp.heading,
    role: !!fp.role, classes: !!(fp.classes && fp.classes.length), href: !!fp.href,
    location: fp.w > 0, area: fp.w > 0, shape: fp.w > 0 };
  let sum = 0, weights = 0;
  for (const [p, w] of Object.entries(REPAIR_WEIGHTS)) {
    if (!has[p]) continue;
    sum += w * sims[p]();
    weights += w;
  }
  return weights ? sum / weights : 0;
};

// Whether a candidate is anchored to the fingerprint by more than likeness of
// kind: its name, label or text alike, the same id, or the very same place and
// size. Without an anchor a high score only says "another element of the same
// kind" (the API Tokens heading where User Info went missing), which is no repair.
const alike = (a, b) => (a ? textSimilarity(a, b) : 0);
const anchored = (fp, c) => Math.max(alike(fp.name, c.name), alike(fp.text, c.text), alike(fp.label, c.label)) >= 0.5
  || (!!fp.id && fp.id === c.id)
  || (fp.w > 0 && Math.hypot(fp.x - c.x, fp.y - c.y) <= 80 && ratio(fp.w * fp.h, c.w * c.h) >= 0.7);

// The roles a release may swap for one another (a button become a link, a
// dialog an alert dialog). Without a fingerprint the intent's role is all a
// key says of its kind: a candidate must have it, or a kin of it.
const ROLE_KIN = [['button', 'link', 'menuitem', 'tab'], ['menuitem', 'link', 'button', 'option'], ['tab', 'link', 'button'],
  ['dialog', 'alertdialog'], ['textbox', 'searchbox', 'combobox', 'spinbutton'], ['table', 'grid'], ['menu', 'listbox']];
const kin = (a, b) => a === b || ROLE_KIN.some((k) => k[0] === a && k.includes(b));

// Entry: the `limit` best-scoring anchored visible elements, best first, each with its
// properties, `score` and `index` (the elements are kept in window.__e2eSuggest
// for the check that a suggested locator finds exactly that one).
// `intentOnly`: `fp` is no fingerprint but the default locator's role and name.
function suggestCandidates(fp, scope, limit, intentOnly) {
  const root = scope || document.body;
  const skip = 'script, style, template, head, meta, link, slot, br, html, body';
  const scored = [];
  for (const el of below(root)) {
    if (!(el instanceof Element) || el.matches(skip) || !shown(el)) continue;
    const c = repairProps(el);
    if (c.w === 0 || c.h === 0) continue;
    if (intentOnly && !kin(fp.role, c.role)) continue;
    if (anchored(fp, c)) scored.push([repairScore(fp, c), el, c]);
  }
  // A wrapper and what it wraps show the same text: the innermost of a near
  // tie is the element (a drawer's paper, not its full-screen root).
  const wrapper = ([score, el, c]) => scored.some(([s2, el2, c2]) => el2 !== el && c2.text === c.text && s2 >= score - 0.05 && flatContains(el, el2));
  const kept = scored.filter((s) => !wrapper(s));
  kept.sort((a, b) => b[0] - a[0]);
  const best = kept.slice(0, limit);
  window.__e2eSuggest = best.map(([, el]) => el);
  return best.map(([score, , c], index) => Object.assign(c, { score: Math.round(score * 1000) / 1000, index }));
}
