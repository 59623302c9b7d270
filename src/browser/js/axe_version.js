// Which axe-core the page has, if any (AXE_LOAD answers it after loading;
// the scripts that need axe ask before they use it).

// Entry: the version loaded, or null.
function axeVersion() {
  return typeof window.axe === 'object' && window.axe ? window.axe.version : null;
}
