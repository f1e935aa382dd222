// npm run bench:editor: what a user waits for in the editor, measured outside VS Code (README "Performance").
//  1. the worker/host path: executeRequest (src/extension/sampleJob.ts) + the reply's JSON text + its decode, as
//     the notebook kernel and the palette command use it (the run carries its inputs; the view recomputes the
//     steps), and for comparison the path that sends every recorded step;
//  2. the renderer in headless Chromium (Debian's /usr/bin/chromium with playwright-core): from receiving the
//     output item to the drawn trajectory plot, for N = 1000 and N = 10^4 (d = 2, T = 1000, linear schedule), under
//     a content security policy without 'unsafe-eval' (as the results panel's), with plotly's chunk loaded cold,
//     and for N = 1000 once more with it loaded before (as a DDPM notebook's preload does when the notebook opens);
//     with the chunk cold, the first paint is the sketch drawn while it loads (renderer/views/sketch.ts);
//  3. the step slider: from a move to the redrawn cloud (median and worst of 20 moves);
//  4. the recording view of a Jupyter user's own loop (python/ddpm_lab.py's output, N = 1000, T = 1000, made by
//     Debian's PyTorch; skipped without it): from receiving the output item to the checked and drawn view.
// Prints a table and then one JSON object. The machine's load average is printed with them: figures taken under
// load are slower than the code. No pass/fail: the goals are in README "Performance".
// DDPM_BENCH_PROFILE=1 also writes a CPU profile of each renderer case's first repeat (test-results/bench-editor/
// *.cpuprofile; `node scripts/profile-summary.mjs FILE` sums it by function), DDPM_BENCH_DEV=1 builds the renderer
// unminified (a profile then names our functions and plotly's), DDPM_BENCH_SIZES and DDPM_BENCH_REPEAT set the sizes
// (default 1000,10000) and the repeats (default 3).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'test-results', 'bench-editor');
const T = 1000;
const SIZES = (process.env.DDPM_BENCH_SIZES ?? '1000,10000').split(',').map(Number);
/** 20 moves of the step slider, timed in the page (shared with the end-to-end suite) */
const SLIDER_MOVES = readFileSync(path.join(root, 'scripts', 'slider-moves.js'), 'utf8');
/** the recording view's case (a Jupyter user's loop recorded at every step) */
const RECORDING_N = 1000;
const REPEAT = Number(process.env.DDPM_BENCH_REPEAT ?? 3);
const PROFILE = process.env.DDPM_BENCH_PROFILE === '1';
const DEV = process.env.DDPM_BENCH_DEV === '1';

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// the host side, bundled from the sources (the same code the worker runs), and the Chromium flags the tests use
const hostEntry = path.join(out, 'host-entry.ts');
writeFileSync(
  hostEntry,
  `export { executeRequest } from '../../src/extension/sampleJob';
export { decodeRunResult, encodeRunResult } from '../../src/core/run/runCodec';
export { recomputeTrajectory } from '../../src/core/run/recompute';
export { linearSchedule, alphaBarFromBetas } from '../../src/core/sampler/schedules';
export { CHROMIUM, CHROMIUM_ARGS } from '../../test/e2e/toolchain';
`
);
await esbuild.build({
  entryPoints: [hostEntry],
  bundle: true,
  outfile: path.join(out, 'host.cjs'),
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning'
});
const host = createRequire(import.meta.url)(path.join(out, 'host.cjs'));
const CHROMIUM = process.env.DDPM_CHROMIUM ?? host.CHROMIUM;
const CHROMIUM_ARGS = host.CHROMIUM_ARGS;

// the renderer, built as the extension ships it (minified: vsce package runs the --production build; not with
// DDPM_BENCH_DEV, for readable profiles)
const build = spawnSync(
  process.execPath,
  [path.join(root, 'scripts', 'build.mjs'), '--only=renderer', ...(DEV ? [] : ['--production'])],
  {
    cwd: root,
    env: { ...process.env, DDPM_OUT_DIR: path.join(out, 'dist') },
    encoding: 'utf8'
  }
);
if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);

const example = JSON.parse(readFileSync(path.join(root, 'media', 'examples', 'seed.inputs.json'), 'utf8'));
function inputsJson(n) {
  const betas = host.linearSchedule(T);
  return {
    w_model: example.w_model,
    shape: [n, 2],
    betas: Array.from(betas),
    alpha_bar: Array.from(host.alphaBarFromBetas(betas)),
    seed: example.seed
  };
}

/** The worker's reply to sampling N samples of the bench's run, every step recorded (defer: the inputs, not the steps). */
function sampleReply(n, defer) {
  return host.executeRequest({
    op: 'sample',
    inputs: inputsJson(n),
    profile: 'avx2-fma',
    record: { kind: 'all' },
    deferTrajectory: defer
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => Math.round(x * 10) / 10;

/** executeRequest + JSON text + parse + decode, the best of REPEAT runs (the machine is shared). */
function hostPath(n, defer) {
  const runs = [];
  let text = '';
  for (let r = 0; r < REPEAT; r++) {
    const t0 = performance.now();
    const reply = sampleReply(n, defer);
    const t1 = performance.now();
    text = JSON.stringify(reply);
    const t2 = performance.now();
    host.decodeRunResult(JSON.parse(text).run);
    const t3 = performance.now();
    runs.push({ executeMs: t1 - t0, encodeMs: t2 - t1, decodeMs: t3 - t2, totalMs: t3 - t0 });
  }
  const best = runs.reduce((a, b) => (b.totalMs < a.totalMs ? b : a));
  return {
    n,
    d: 2,
    T,
    deferTrajectory: defer,
    bytes: text.length,
    executeMs: ms(best.executeMs),
    encodeMs: ms(best.encodeMs),
    decodeMs: ms(best.decodeMs),
    totalMs: ms(best.totalMs)
  };
}

/**
 * A Jupyter user's recording of their own loop (python/ddpm_lab.py's Recorder, every step, the seed example's
 * w_model and seed, N samples, d = 2, T steps, linear schedule), made by Debian's PyTorch; null when it is not there.
 */
function pytorchRecording(n) {
  const file = path.join(out, `recording-n${n}.json`);
  // the loop of scripts/jupyter/make-notebooks.py's correct.ipynb, run without a kernel (its --record form)
  const made = spawnSync(
    '/usr/bin/python3',
    [path.join(root, 'scripts', 'jupyter', 'make-notebooks.py'), '--record', String(n), String(T), file],
    { encoding: 'utf8' }
  );
  if (made.status !== 0) {
    console.error(
      `bench:editor: no PyTorch recording (${(made.stderr || made.error?.message || '').trim().split('\n').pop()}); the recording figure is skipped`
    );
    return null;
  }
  return readFileSync(file, 'utf8');
}

const HARNESS = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>bench</title></head><body class="vscode-light"><div id="out" style="width:1000px"></div>
<script type="module">
import { activate } from './dist/renderer/index.js';
const api = await activate({ postMessage: () => undefined, workspace: { isTrusted: true } });
window.__render = (id, json, mime) => {
  const t0 = performance.now();
  api.renderOutputItem({ id, mime: mime || 'application/vnd.ddpm-lab.run+json', metadata: {}, json: () => JSON.parse(json), text: () => json, data: () => new TextEncoder().encode(json), blob: () => new Blob([json]) }, document.getElementById('out'));
  return t0;
};
window.__ready = true;
</script></body></html>`;
writeFileSync(path.join(out, 'harness.html'), HARNESS);

function serve() {
  const types = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.json': 'application/json',
    '.map': 'application/json'
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = path.join(out, decodeURIComponent(url.pathname));
    if (!file.startsWith(out) || !existsSync(file)) return void res.writeHead(404).end();
    res
      .writeHead(200, {
        'content-type': types[path.extname(file)] ?? 'application/octet-stream',
        // like the results panel: no 'unsafe-eval' (WebGL through plotly's precompiled scattergl), WebAssembly allowed
        'content-security-policy':
          "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src data: blob:"
      })
      .end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * One renderer figure: N samples, plotly's chunk loaded cold (preloaded = false: a results panel's first draw, the
 * worst case) or before the output arrives (preloaded = true: a DDPM notebook's preload loads it and draws once off screen).
 */
async function rendererPath(browser, base, n, preloaded) {
  const json = JSON.stringify(sampleReply(n, true).run);
  const results = [];
  const firstPaints = [];
  let slider = null;
  let info = null;
  for (let r = 0; r < REPEAT; r++) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    if (process.env.DDPM_BENCH_NO_WEBGL)
      await page.addInitScript(
        'const g = HTMLCanvasElement.prototype.getContext; HTMLCanvasElement.prototype.getContext = function (k, o) { return /webgl/.test(k) ? null : g.call(this, k, o); };'
      );
    if (process.env.DDPM_BENCH_CONSOLE) page.on('console', (m) => console.error(`  [page] ${m.text()}`));
    await page.goto(`${base}/harness.html`);
    await page.waitForFunction(() => window.__ready === true);
    if (preloaded) {
      // what VS Code does with a DDPM notebook's preload when the notebook opens
      await page.evaluate(() => import('./dist/renderer/preload.js').then((m) => m.activate()));
      await page.waitForSelector('html[data-ddpm-plotly-warm="true"]', { timeout: 60_000 });
    }
    // DDPM_BENCH_PROFILE=1: a CPU profile of the first repeat's render, in test-results/bench-editor (open it in
    // Chromium's DevTools, Performance panel, or summarise it with scripts/profile-summary.mjs)
    const profiler = PROFILE && r === 0 ? await page.context().newCDPSession(page) : null;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
      await profiler.send('Profiler.start');
    }
    const t = await page.evaluate(async (j) => {
      const wall0 = Date.now();
      const t0 = window.__render('bench', j);
      await new Promise((resolve) => {
        const check = () => {
          const el = document.querySelector('.ddpm-run');
          const state = el?.getAttribute('data-ddpm-ready');
          if (state === 'true' || state === 'error') resolve(state);
          else requestAnimationFrame(check);
        };
        check();
      });
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
      return {
        ms: performance.now() - t0,
        // plotly's chunk still loading: the plots were sketched first (renderer/views/sketch.ts); else the plot is the first paint
        sketchMs: Number(document.querySelector('.ddpm-run').getAttribute('data-ddpm-sketched-at') ?? NaN) - wall0,
        state: document.querySelector('.ddpm-run').getAttribute('data-ddpm-ready'),
        canvases: document.querySelectorAll('[data-testid="ddpm-trajectory-plot"] canvas').length,
        pixels: document.querySelectorAll('[data-testid="ddpm-trajectory-plot"] .imagelayer image').length,
        notes: Array.from(document.querySelectorAll('.ddpm-notes p'), (p) => p.textContent).join(' ')
      };
    }, json);
    if (profiler) {
      const { profile } = await profiler.send('Profiler.stop');
      writeFileSync(
        path.join(out, `renderer-n${n}-${preloaded ? 'preloaded' : 'cold'}.cpuprofile`),
        JSON.stringify(profile)
      );
    }
    if (t.state !== 'true') throw new Error(`N = ${n}: the view did not draw (${t.state})`);
    results.push(t.ms);
    firstPaints.push(Number.isFinite(t.sketchMs) ? t.sketchMs : t.ms);
    info = { webgl: t.canvases > 0, pathsImage: t.pixels > 0, notes: t.notes };
    if (r === 0) {
      slider = await page.evaluate(SLIDER_MOVES);
      if (typeof slider === 'string') throw new Error(`N = ${n}: ${slider}`);
      await page.screenshot({ path: path.join(out, `renderer-n${n}.png`) });
    }
    await page.close();
  }
  return {
    n,
    d: 2,
    T,
    outputBytes: json.length,
    drawnMs: ms(Math.min(...results)),
    drawnMsRuns: results.map(ms),
    firstPaintMs: ms(Math.min(...firstPaints)),
    firstPaintMsRuns: firstPaints.map(ms),
    plotlyPreloaded: preloaded,
    webgl: info.webgl,
    pathsImage: info.pathsImage,
    notes: info.notes,
    sliderMedianMs: ms(median(slider)),
    sliderMaxMs: ms(Math.max(...slider)),
    sliderMoves: slider.length
  };
}

/**
 * The recording view (a Jupyter notebook's output of the Python helper): from receiving the output item to the
 * drawn view (the reference recomputed and checked, both plots drawn), plotly's chunk cold (Jupyter notebooks have
 * no DDPM preload); best of REPEAT.
 */
async function recordingPath(browser, base, n, json) {
  const runs = [];
  for (let r = 0; r < REPEAT; r++) {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    await page.goto(`${base}/harness.html`);
    await page.waitForFunction(() => window.__ready === true);
    const t = await page.evaluate(async (j) => {
      const t0 = window.__render('recording', j, 'application/vnd.ddpm-lab.recording+json');
      await new Promise((resolve) => {
        const check = () => {
          const state = document.querySelector('.ddpm-recording')?.getAttribute('data-ddpm-ready');
          if (state === 'true' || state === 'error') resolve(state);
          else requestAnimationFrame(check);
        };
        check();
      });
      return {
        ms: performance.now() - t0,
        state: document.querySelector('.ddpm-recording').getAttribute('data-ddpm-ready'),
        matches: document.querySelector('.ddpm-recording').getAttribute('data-ddpm-matches')
      };
    }, json);
    if (t.state !== 'true' || t.matches !== 'true')
      throw new Error(`recording N = ${n}: the view did not draw "matches" (${t.state}, ${t.matches})`);
    runs.push(t.ms);
    if (r === 0) await page.screenshot({ path: path.join(out, `recording-n${n}.png`) });
    await page.close();
  }
  return { n, d: 2, T, outputBytes: json.length, drawnMs: ms(Math.min(...runs)), drawnMsRuns: runs.map(ms) };
}

const load = os.loadavg().map((x) => Math.round(x * 100) / 100);
const hostResults = [hostPath(1000, false), ...SIZES.map((n) => hostPath(n, true))];
let rendererResults = [];
let recordingResults = [];
if (existsSync(CHROMIUM)) {
  // at N = 1000 whatever DDPM_BENCH_SIZES says: a recording of every step of N = 10^4 is about 107 MB of JSON
  const recording = pytorchRecording(RECORDING_N);
  const { chromium } = await import('playwright-core');
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  try {
    for (const n of SIZES) rendererResults.push(await rendererPath(browser, base, n, false));
    rendererResults.push(await rendererPath(browser, base, SIZES[0], true));
    if (recording) recordingResults.push(await recordingPath(browser, base, RECORDING_N, recording));
  } finally {
    await browser.close();
    server.close();
  }
} else {
  console.error(`bench:editor: Chromium not found at ${CHROMIUM}; renderer figures skipped (set DDPM_CHROMIUM)`);
}
const loadAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);

console.log(
  `machine: ${os.cpus().length} cores, load average ${load.join(' ')} before, ${loadAfter.join(' ')} after; best of ${REPEAT}`
);
if (DEV || PROFILE)
  console.log(
    `renderer: ${DEV ? 'the development build (unminified)' : 'the production build'}${PROFILE ? ", each case's first repeat profiled" : ''}`
  );
console.log('\nworker/host path (executeRequest + reply JSON + decode), d = 2, T = 1000, every step recorded');
console.log('N      steps sent  reply bytes   execute ms  encode ms  decode ms  total ms');
for (const r of hostResults) {
  console.log(
    `${String(r.n).padEnd(7)}${(r.deferTrajectory ? 'no (view)' : 'all 1000').padEnd(12)}${String(r.bytes).padStart(11)}   ${String(r.executeMs).padStart(10)} ${String(r.encodeMs).padStart(10)} ${String(r.decodeMs).padStart(10)} ${String(r.totalMs).padStart(9)}`
  );
}
console.log('\nrenderer (headless Chromium, output item received -> trajectory plot drawn; recompute included)');
console.log('N      plotly     output bytes  first paint ms  drawn ms  paths drawn  slider median ms  slider max ms');
for (const r of rendererResults) {
  console.log(
    `${String(r.n).padEnd(7)}${(r.plotlyPreloaded ? 'preloaded' : 'cold').padEnd(9)}${String(r.outputBytes).padStart(14)}  ${String(r.firstPaintMs).padStart(14)}  ${String(r.drawnMs).padStart(8)}  ${(r.pathsImage ? 'per pixel' : r.webgl ? 'WebGL' : 'SVG').padEnd(11)}  ${String(r.sliderMedianMs).padStart(16)}  ${String(r.sliderMaxMs).padStart(13)}`
  );
}
if (recordingResults.length) {
  console.log(
    '\nrecording view (a Jupyter output of python/ddpm_lab.py, made by PyTorch; plotly cold; reference checked)'
  );
  console.log('N      output bytes  drawn ms');
  for (const r of recordingResults)
    console.log(`${String(r.n).padEnd(7)}${String(r.outputBytes).padStart(12)}  ${String(r.drawnMs).padStart(8)}`);
}
console.log(
  JSON.stringify({
    loadAverage: { before: load, after: loadAfter },
    cores: os.cpus().length,
    repeat: REPEAT,
    rendererBuild: DEV ? 'development' : 'production',
    profiled: PROFILE,
    host: hostResults,
    renderer: rendererResults,
    recording: recordingResults
  })
);
