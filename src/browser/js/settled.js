// An asynchronous script: answers once the fonts are loaded and two frames
// have been painted since.

// Entry: `done` is the callback WebDriver passes last.
function whenSettled(done) {
  document.fonts.ready.then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));
}
