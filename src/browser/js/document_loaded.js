// Has the document loaded, as WebDriver's navigation waits for it (its
// ready state "complete")?
function documentLoaded() {
  return document.readyState === 'complete';
}
