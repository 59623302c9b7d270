// Has the document loaded, as WebDriver's navigation waits for it (its
// ready state "complete")? And where is it.
function documentLoaded() {
  return { complete: document.readyState === 'complete', url: location.href };
}
