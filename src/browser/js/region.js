// The region a heading (or any title element) names, as a user reads it
// (needs flat_tree.js and locate.js):
// 1. the element labelled by it (`aria-labelledby` holding its id): an
//    ancestor first, else any visible one;
// 2. the nearest section / article / aside / [role=region] / [role=dialog] /
//    form / fieldset ancestor whose first heading it is;
// 3. else the nearest ancestor that holds it and more than it.
// With `needs` (a locator's alternatives relative to the region), only a
// region holding a visible match of one of them counts, and step 3 goes on up
// until one does (the table under a card header that holds only the title and
// a button).

// Entry: the region, or null when there is none.
function regionNamedBy(title, needs) {
  // Across shadow boundaries where the page has shadow roots: a slotted
  // element's parent is its slot, a shadow tree's top is under its host.
  const deep = hasShadowRoots();
  const parent = deep ? flatParent : (el) => el.parentElement;
  const visible = (el) => el.checkVisibility ? el.checkVisibility({ checkVisibilityCSS: true }) : el.getClientRects().length > 0;
  const has = (box) => !needs || !needs.length || needs.some((alt) =>
    (deep ? matchesAll(alt, box) : byXPath(typeof alt === 'string' ? alt : alt.xpath, box)).some((el) => el instanceof Element && visible(el)));
  const text = (el) => ((deep ? flatInnerText(el) : el.innerText) || el.textContent || '').replace(/\s+/g, ' ').trim();
  const top = document.body;
  if (title.id) {
    // An id names within its own tree (the document, or one shadow root).
    const tree = title.getRootNode();
    const names = (el) => (el.getAttribute('aria-labelledby') || '').split(/\s+/).includes(title.id);
    for (let a = parent(title); a && a !== top; a = parent(a)) if (a.getRootNode() === tree && names(a) && has(a)) return a;
    for (const el of tree.querySelectorAll('[aria-labelledby]')) if (names(el) && visible(el) && has(el)) return el;
  }
  const headings = 'h1, h2, h3, h4, h5, h6, [role=heading], legend';
  const closest = (el, sel) => { for (let a = el; a; a = parent(a)) if (a.matches(sel)) return a; return null; };
  const heading = closest(title, headings);
  const firstHeading = (a) => (deep ? flatElements(a).find((el) => el.matches(headings)) || null : a.querySelector(headings));
  for (let a = parent(title); heading && a && a !== top; a = parent(a)) {
    if (a.matches('section, article, aside, [role=region], [role=dialog], [role=alertdialog], dialog, form, fieldset')
        && firstHeading(a) === heading && has(a)) return a;
  }
  const own = text(title).length;
  for (let a = parent(title); a && a !== document.documentElement; a = parent(a)) {
    if (text(a).length > own && has(a)) return a;
  }
  return null;
}
