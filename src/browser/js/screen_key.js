// Which screen the page shows, to audit each one once: the path of its
// address and the name of the dialog or menu open on it, if any (needs
// flat_tree.js, for dialogs in open shadow roots).

// Entry: "path" or "path | dialog: name".
function screenKey() {
  const shown = (el) => !el.checkVisibility || el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const nameOf = (el) => {
    const by = (el.getAttribute('aria-labelledby') || '').split(/\s+/).map((id) => id && el.getRootNode().getElementById && el.getRootNode().getElementById(id)).filter(Boolean);
    const text = el.getAttribute('aria-label') || by.map((l) => l.textContent).join(' ') || el.getAttribute('label') || '';
    return text.replace(/\s+/g, ' ').trim();
  };
  const open = (selector) => deepQueryAll(selector).filter(shown);
  const dialogs = open('[role=dialog], [role=alertdialog], dialog[open], [aria-modal=true], sl-dialog[open], sl-drawer[open]');
  if (dialogs.length) return `${location.pathname} | dialog: ${nameOf(dialogs[dialogs.length - 1])}`;
  const menus = open('[role=menu], [role=listbox]');
  if (menus.length) return `${location.pathname} | menu: ${nameOf(menus[menus.length - 1])}`;
  return location.pathname;
}
