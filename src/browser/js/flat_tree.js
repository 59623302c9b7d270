// The page as a user sees it: the flat ("composed") tree. Web components
// (Shoelace, Lit kits, Ionic) put their parts in open shadow roots, which
// querySelectorAll and document.evaluate do not enter. Here a shadow host's
// children are its shadow root's, and a <slot> stands for what is assigned to
// it (its fallback content when nothing is). Closed shadow roots stay hidden
// from scripts, as from every tool.
//
// Callers ask hasShadowRoots() first: on a page without any open shadow root
// they keep the light-DOM path (querySelectorAll, XPath, innerText) they always took.

let shadowRootsSeen;
const hasShadowRoots = () => {
  if (shadowRootsSeen === undefined) {
    shadowRootsSeen = false;
    // Every shadow tree hangs, at its top, from a host in the document itself.
    for (const el of document.querySelectorAll('*')) if (el.shadowRoot) { shadowRootsSeen = true; break; }
  }
  return shadowRootsSeen;
};

// An element's (or a root's) children in the flat tree, elements only.
const flatChildren = (node) => {
  if (node.shadowRoot) return node.shadowRoot.children;
  if (node instanceof HTMLSlotElement) return node.assignedElements({ flatten: true });
  return node.children;
};

// The same with text nodes, for reading text.
const flatChildNodes = (node) => {
  if (node.shadowRoot) return node.shadowRoot.childNodes;
  if (node instanceof HTMLSlotElement) return node.assignedNodes({ flatten: true });
  return node.childNodes;
};

// Every element under `root` (not root itself), in flat-tree order.
const flatElements = (root) => {
  const out = [];
  const walk = (node) => { for (const c of flatChildren(node)) { out.push(c); walk(c); } };
  walk(root);
  return out;
};

// The parent in the flat tree: the slot an element is shown in, else its
// parent, else (at the top of a shadow tree) the host.
const flatParent = (el) => el.assignedSlot || el.parentElement || (el.parentNode && el.parentNode.host) || null;

const flatContains = (outer, el) => {
  for (let n = el; n; n = flatParent(n)) if (n === outer) return true;
  return false;
};

// The text nodes under `root` in the flat tree (style and script text left out).
const flatTextNodes = (root) => {
  const out = [];
  const walk = (node) => {
    for (const c of flatChildNodes(node)) {
      if (c.nodeType === Node.TEXT_NODE) out.push(c);
      else if (c.nodeType === Node.ELEMENT_NODE && !c.matches('style, script, template')) walk(c);
    }
  };
  walk(root);
  return out;
};

// The document and every open shadow root in it (nested ones included).
const openRoots = () => {
  const roots = [document];
  for (let i = 0; i < roots.length; i++) {
    for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return roots;
};

// Every element matching a CSS selector, in the document and every open
// shadow root (a selector's combinators stay within one tree).
const deepQueryAll = (selector) => hasShadowRoots()
  ? openRoots().flatMap((r) => [...r.querySelectorAll(selector)])
  : [...document.querySelectorAll(selector)];

// What is at a point, down through open shadow roots (document.elementFromPoint
// stops at the host). Text slotted from the host's light DOM is answered as the
// host by the shadow root too: then what holds that text there, the next
// element under the point.
const deepElementFromPoint = (x, y) => {
  let hit = document.elementFromPoint(x, y);
  while (hit && hit.shadowRoot) {
    let inner = hit.shadowRoot.elementFromPoint(x, y);
    if (inner === hit) inner = hit.shadowRoot.elementsFromPoint(x, y).find((el) => el !== hit && flatContains(hit, el));
    if (!inner || inner === hit) break;
    hit = inner;
  }
  return hit;
};

// The focused element, down through open shadow roots.
const deepActiveElement = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a;
};

// An element's rendered text, as innerText reads it but in the flat tree
// (innerText leaves out what a shadow root shows: a dialog panel's slotted
// body, a field's label). Blocks on lines of their own, table cells by tabs.
const flatInnerText = (el) => {
  const inShadow = el.getRootNode() !== document;
  if (!hasShadowRoots() || (!inShadow && !el.shadowRoot && ![...el.querySelectorAll('*')].some((e) => e.shadowRoot))) return el.innerText;
  let out = '';
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { out += node.nodeValue.replace(/\s+/g, ' '); return; }
    if (node.nodeType !== Node.ELEMENT_NODE || node.matches('style, script, template')) return;
    if (node.tagName === 'BR') { out += '\n'; return; }
    const style = node instanceof HTMLSlotElement ? null : getComputedStyle(node);
    if (style && style.display === 'none') return;
    const block = style && /^(block|flex|grid|list-item|table|table-row|flow-root)$/.test(style.display);
    if (block) out += '\n';
    for (const c of flatChildNodes(node)) walk(c);
    if (block) out += '\n';
    else if (style && style.display === 'table-cell') out += '\t';
  };
  walk(el);
  return out.split('\n').map((l) => l.replace(/[ ]+/g, ' ').trim()).filter(Boolean).join('\n');
};
