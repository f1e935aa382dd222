// 20 moves of a run view's step slider, run in the page (evaluated as a string by `npm run bench:editor` and by the
// end-to-end suite's N = 10000 timing): each timed from the move to the cloud redrawn (the view's data-ddpm-state-t
// changes) and the next frame. Gives the moves' times in milliseconds, or a sentence saying what went wrong: no
// slider on the page, or a move whose cloud was not redrawn within 10 s (a timer, so a page without frames fails too).
(async () => {
  const input = document.querySelector('[data-testid="ddpm-step-slider"]');
  if (!input) return 'no step slider on the page';
  const view = input.closest('.ddpm-view');
  const max = Number(input.max);
  const times = [];
  for (let k = 0; k < 20; k++) {
    const value = String(Math.round(((k * 37) % 20) * (max / 19)));
    if (value === input.value) continue;
    const before = view.getAttribute('data-ddpm-state-t');
    const t0 = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const moved = await new Promise((resolve) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true;
        resolve(false);
      }, 10000);
      const check = () => {
        if (done) return;
        if (view.getAttribute('data-ddpm-state-t') !== before) {
          clearTimeout(timer);
          resolve(true);
        } else requestAnimationFrame(check);
      };
      check();
    });
    if (!moved) return `the slider moved to ${value} but the cloud still showed t = ${before} after 10 s`;
    await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    times.push(performance.now() - t0);
  }
  return times;
})()
