// The page's CSS transitions and animations at `rate` times their speed, as
// DevTools' Animation.setPlaybackRate makes them in Chromium: each is sped up
// as it starts (its `transitionrun` / `animationstart` event), so it still
// runs and still ends with its events, only sooner. Loaded before the page's
// own scripts in Firefox (WebDriver BiDi's script.addPreloadScript).
function speedUpAnimations(rate) {
  const speedUp = (event) => {
    const target = event.target;
    if (!target || typeof target.getAnimations !== 'function') return;
    for (const animation of target.getAnimations()) {
      if (animation.playbackRate !== rate) animation.playbackRate = rate;
    }
  };
  for (const type of ['transitionrun', 'animationstart']) {
    window.addEventListener(type, speedUp, true);
  }
}
