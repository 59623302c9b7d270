// What identifies an element for locator repair (needs flat_tree.js and
// locate.js): what a fingerprint keeps of the element a locator found on a
// green run, and what a suggestion compares on the page of a failed one. No
// field value is read, and any word long enough to be a token is hidden.

const REPAIR_HIDE = /[A-Za-z0-9_.~+\/=\-]{24,}/g;
const repairText = (t, max) => norm(t).replace(REPAIR_HIDE, '[hidden]').slice(0, max);
const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role=heading], legend';

// The text of the nearest heading above the element: in its own container
// or the closest ancestor that holds one (its section, card or dialog title).
const headingNear = (el) => {
  for (let a = flatParent(el); a && a !== document.documentElement; a = flatParent(a)) {
    const h = (hasShadowRoots() ? flatElements(a) : [...a.querySelectorAll(HEADINGS)]).find((x) => x !== el && x.matches(HEADINGS) && !flatContains(el, x));
    if (h) return repairText(flatText(h), 80);
  }
  return '';
};

// The texts beside it: its previous and next element siblings' (in the flat tree).
const neighbourText = (el) => {
  const p = flatParent(el);
  if (!p) return '';
  const kids = [...flatChildren(p)];
  const i = kids.indexOf(el);
  return [kids[i - 1], kids[i + 1]].filter(Boolean).map((k) => repairText(flatText(k), 60)).join(' | ');
};

// An HTML label's text for a form field (a required-field star left out), else ''.
const labelText = (el) => (el.labels && el.labels.length ? repairText([...el.labels].map(flatText).join(' '), 80).replace(/\s*\*\s*$/, '') : '');

// Entry-level helper: the properties of one element.
const repairProps = (el) => {
  const r = el.getBoundingClientRect();
  const href = el.getAttribute('href');
  return {
    tag: el.localName,
    id: el.id || '',
    classes: [...el.classList].slice(0, 12),
    role: roleOf(el) || '',
    name: repairText(nameOf(el), 80),
    label: isField(el) ? labelText(el) : '',
    text: isField(el) ? '' : repairText(flatText(el), 160),
    heading: headingNear(el),
    neighbours: neighbourText(el),
    href: href ? href.replace(REPAIR_HIDE, '[hidden]').slice(0, 120) : '',
    x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height),
  };
};
