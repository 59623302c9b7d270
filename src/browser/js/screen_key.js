// Which screen the page shows, to audit each one once: the path of its
// address and the dialog or menu open on it, if any (needs flat_tree.js, for
// dialogs in open shadow roots).

// The dialog open on the page, else its open menu (the last one shown: the
// last opened), as { kind, el }; null when none.
function openOverlay() {
  const shown = (el) => !el.checkVisibility || el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const kinds = [
    ['dialog', '[role=dialog], [role=alertdialog], dialog[open], [aria-modal=true], sl-dialog[open], sl-drawer[open]'],
    ['menu', '[role=menu], [role=listbox]'],
  ];
  for (const [kind, selector] of kinds) {
    const open = deepQueryAll(selector).filter(shown);
    if (open.length) return { kind, el: open[open.length - 1] };
  }
  return null;
}

// Entry: "path", or "path | dialog: name" / "path | menu: name".
function screenKey() {
  const nameOf = (el) => {
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).map((id) => id && el.getRootNode().getElementById && el.getRootNode().getElementById(id)).filter(Boolean);
    const text = el.getAttribute('aria-label') || by.map((l) => l.textContent).join(' ') || el.getAttribute('label') || '';
    return text.replace(/\s+/g, ' ').trim();
  };
  const overlay = openOverlay();
  return overlay ? `${location.pathname} | ${overlay.kind}: ${nameOf(overlay.el)}` : location.pathname;
}
