// An asynchronous script: the clipboard's text as the page reads it
// (navigator.clipboard), or '__error__:' and why not.

// Entry: `done` is the callback WebDriver passes last.
function readClipboard(done) {
  navigator.clipboard.readText().then(done, (e) => done('__error__:' + e));
}
