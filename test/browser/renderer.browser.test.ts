// Browser test (npm run test:browser): builds the notebook renderer (ESM, plotly in its own chunk)
// and the report script, renders runs made by our core from the fixture inputs in headless Debian
// Chromium, and checks that the plots and the diff numbers appear. Screenshots go to test-results/browser/.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeRunResult, encodeRunResult, type RunResultJson } from '../../src/core/run/runCodec';
import { executeRequest } from '../../src/extension/sampleJob';
import { inputsToMessage } from '../../src/extension/workerProtocol';
import { runSampler } from '../../src/core/sampler/sampler';
import { carryInputs } from '../../src/core/run/recompute';
import { readInputs } from '../../src/core/sampler/inputs';
import { alphaBarFromBetas, linearSchedule } from '../../src/core/sampler/schedules';
import { formatFloat32Shortest, formatTensorF32 } from '../../src/core/tensors/printTensor';
import { generateInputs } from '../../src/extension/resolveInputs';
import { parseTensorText } from '../../src/core/tensors/parseTensor';
import type { RunResult, SamplerInputs } from '../../src/core/types';
import { buildReportHtml } from '../../src/report/html';
import { buildPanelHtml, modulesMessage } from '../../src/extension/panelHtml';
import type { ModuleRef } from '../../src/common/viewMessages';
import { RUN_MIME } from '../../src/core/types';
import { compareRun } from '../../src/core/compare/compare';
import { RECORDING_MIME, decodeRecording } from '../../src/core/run/recording';
import { checkRecording, divergenceCause } from '../../src/core/run/checkRecording';
import { lowContrastText } from '../e2e/contrast';
import { CHROMIUM as DEBIAN_CHROMIUM, CHROMIUM_ARGS } from '../e2e/toolchain';
import { fixtureCases, fixtureRun } from './fixtureRuns';
import { recordingTolistSteps } from '../unit/helpers/recordingPaste';
import { LIGHT_THEME } from '../unit/helpers/rendererRuns';
import { parseCssColor } from '../../renderer/views/trajectories/pathRaster';
import type { Pixels } from '../../renderer/dom';
import type { PlotArea } from '../../renderer/views/common';
import { NO_WEBGL } from '../../renderer/views/commonModel';
import {
  dimensionsFigure,
  dimensionsImages,
  trajectoryScene
} from '../../renderer/views/trajectories/trajectoriesFigures';
import {
  recordingPathsPixels,
  recordingScene,
  recordingTrajectoryFigure
} from '../../renderer/views/recording/recordingModel';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-results', 'browser');
const DIST = path.join(OUT, 'dist');
const CHROMIUM = process.env.DDPM_CHROMIUM ?? DEBIAN_CHROMIUM;

/** How long the server holds plotly's chunk back (a test of what the page shows while it loads sets it). */
let plotlyChunkDelayMs = 0;

/** Serves OUT over http on 127.0.0.1 (ES modules do not load from file://). */
function serve(): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.json': 'application/json',
    '.map': 'application/json'
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = path.join(OUT, decodeURIComponent(url.pathname));
    if (!file.startsWith(OUT) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' };
    // a page whose CSP (sent as a header, so only seen when it bites) forbids eval
    if (url.searchParams.has('no-eval'))
      headers['content-security-policy'] =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src data: blob:";
    const send = (): void => void res.writeHead(200, headers).end(readFileSync(file));
    if (plotlyChunkDelayMs && /\/chunks\/plotly-/.test(url.pathname)) setTimeout(send, plotlyChunkDelayMs);
    else send();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A page that loads the built notebook renderer and renders one output item the way VS Code does. */
const HARNESS = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>renderer harness</title>
<style>body { margin: 0; padding: 12px; } body.vscode-dark { background: #1f1f1f; --vscode-editor-foreground: #cccccc; --vscode-editor-background: #1f1f1f; --vscode-descriptionForeground: #9d9d9d; --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryBackground: #313131; }
body.vscode-high-contrast { background: #000; --vscode-editor-foreground: #ffffff; --vscode-editor-background: #000000; --vscode-editorWidget-border: #6fc3df; --vscode-descriptionForeground: #ffffff; --vscode-button-secondaryForeground: #ffffff; }</style>
</head><body class="vscode-light"><div id="out"></div>
<script type="module">
import { activate } from './dist/renderer/index.js';
window.__posted = [];
const api = await activate({ postMessage: (m) => window.__posted.push(m), workspace: { isTrusted: true } });
window.__render = (id, json, mime) => api.renderOutputItem({ id, mime: mime || 'application/vnd.ddpm-lab.run+json', metadata: {}, json: () => JSON.parse(json), text: () => json, data: () => new TextEncoder().encode(json), blob: () => new Blob([json]) }, document.getElementById('out'));
window.__dispose = (id) => api.disposeOutputItem(id);
window.__harnessReady = true;
</script></body></html>`;

/**
 * The run view's plane and cloud were each laid out by plotly once: the left margin the view gave them is the one
 * plotly's y automargin settles on (plots.js doAutoMargin: the theme's 64 px, or the widest y tick label's push,
 * rounded), so plotly never drew one a second time with a wider margin (it counts such redraws in
 * _redrawFromAutoMarginCount, a key it keeps once set).
 */
async function assertLaidOutOnce(page: Page): Promise<void> {
  const plots = await page.$$eval(
    '.ddpm-run [data-testid="ddpm-trajectory-plot"], .ddpm-run [data-testid="ddpm-trajectory-cloud"]',
    (ps) =>
      ps.map((p) => {
        const full = (
          p as unknown as {
            _fullLayout: { _size: { l: number }; _pushmargin: Record<string, { l?: { size: number } }> } & object;
          }
        )._fullLayout;
        return {
          plot: p.getAttribute('data-testid'),
          left: full._size.l,
          automargin: Math.max(64, Math.round(full._pushmargin['y.automargin']?.l?.size ?? 0)),
          redrawn: '_redrawFromAutoMarginCount' in full
        };
      })
  );
  assert.equal(plots.length, 2);
  for (const p of plots) {
    assert.equal(p.left, p.automargin, `${p.plot}: the left margin is not where plotly's y automargin puts it`);
    assert.equal(p.redrawn, false, `${p.plot}: plotly drew it again for its automargin`);
  }
}

/**
 * A set of plotly's modules as scripts/build.mjs lists it for the results panel (its entry, whose name begins with
 * `entryName`, then what it imports, transitively, each with its own imports; the WebGL trace's without plotly's
 * modules), read off the test build's chunks.
 */
function moduleSet(entryName: 'plotly' | 'plotlyGl'): ModuleRef[] {
  const dir = path.join(DIST, 'renderer');
  const entries = readdirSync(path.join(dir, 'chunks')).filter((f) =>
    new RegExp(`^${entryName}-[A-Z0-9]+\\.js$`).test(f)
  );
  assert.equal(entries.length, 1, `dist/renderer/chunks: ${entries.length} ${entryName} entries`);
  const refs: ModuleRef[] = [];
  const visit = (file: string): void => {
    if (refs.some((r) => r.file === file)) return;
    const text = readFileSync(path.join(dir, file), 'utf8');
    const imports = [...text.matchAll(/\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?"(\.\/[^"]+)"/g)].map((m) =>
      path.posix.join(path.posix.dirname(file), m[1])
    );
    refs.push({ file, imports });
    imports.forEach(visit);
  };
  visit(`chunks/${entries[0]}`);
  if (entryName === 'plotly') return refs;
  // the WebGL trace's set: what it adds to plotly's
  const plotly = new Set(moduleSet('plotly').map((r) => r.file));
  return refs.filter((r) => !plotly.has(r.file));
}

/**
 * Posts the results panel's page a set of plotly's modules as the extension does (src/extension/panel.ts,
 * modulesMessage), read from the test build, or the message saying they could not be read.
 */
async function postModules(page: Page, set: 'plotly' | 'plotly-gl', error?: string): Promise<void> {
  const message = error
    ? { type: 'modules', set, error }
    : await modulesMessage(
        set,
        moduleSet(set === 'plotly' ? 'plotly' : 'plotlyGl'),
        async (file) =>
          // a plain Uint8Array (a Buffer would go to JSON by its toJSON, before the replacer below)
          new Uint8Array(readFileSync(path.join(DIST, 'renderer', file)))
      );
  // the bytes as base64 through evaluate, a Uint8Array again in the page (a string: tsx rewrites functions)
  const json = JSON.stringify(message, (_k, v: unknown) =>
    v instanceof Uint8Array ? { base64: Buffer.from(v).toString('base64') } : v
  );
  await page.evaluate(`window.postMessage(JSON.parse(${JSON.stringify(json)}, (k, v) =>
    v && typeof v.base64 === 'string' ? Uint8Array.from(atob(v.base64), (c) => c.charCodeAt(0)) : v), '*')`);
}

/** Answers the page's request for plotly's WebGL modules, as the extension does, once the page asks. */
async function answerGlRequest(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      (window as unknown as { __posted: { type: string; set?: string }[] }).__posted.some(
        (m) => m.type === 'modules-request' && m.set === 'plotly-gl'
      ),
    undefined,
    { timeout: 30_000 }
  );
  await postModules(page, 'plotly-gl');
}

async function waitReady(page: Page, scope = '.ddpm-run'): Promise<void> {
  await page.waitForSelector(`${scope}[data-ddpm-ready="true"], ${scope}[data-ddpm-ready="error"]`, {
    timeout: 60_000
  });
  const state = await page.getAttribute(scope, 'data-ddpm-ready');
  const error = state === 'error' ? await page.textContent(`${scope} [data-testid="ddpm-error"]`) : null;
  assert.equal(state, 'true', `the view did not finish drawing: ${error}`);
}

/**
 * Whether a plot container holds a drawn plotly figure (its svg) with at least one trace layer; gl counts plotly's
 * WebGL drawing canvases (scattergl), paths the layout images of per-pixel paths.
 */
async function plotDrawn(
  page: Page,
  testId: string
): Promise<{ svg: number; gl: number; traces: number; paths: number; layers: number }> {
  return page.$eval(`[data-testid="${testId}"]`, (el) => ({
    svg: el.querySelectorAll('svg.main-svg').length,
    gl: el.querySelectorAll('canvas.gl-canvas-context').length,
    traces: el.querySelectorAll('g.trace, .heatmaplayer image, g.hm image').length,
    paths: el.querySelectorAll('.imagelayer image').length,
    layers: el.querySelectorAll('canvas.ddpm-layer').length
  }));
}

/**
 * A plot's layer (PlotBox.paintLayer: the cloud's samples): its lit pixels, a checksum of its pixels, its first lit
 * pixel's colour, whether it lies exactly on plotly's plot area (its CSS box against _fullLayout._size), and whether
 * it is painted over plotly's grid and under its top and hover SVGs: positioned in plotly's container (at z-index 0
 * or auto, as plotly's SVGs are), after the SVG that holds the grid and before the ones that hold the legend, the zoom
 * box and the hover labels, which stack in document order there.
 */
async function layerPixels(
  page: Page,
  testId: string
): Promise<{ lit: number; sum: number; rgb: number[]; onArea: boolean; overGrid: boolean; underHover: boolean }> {
  return page.$eval(`[data-testid="${testId}"]`, (el) => {
    const canvas = el.querySelector('canvas.ddpm-layer') as HTMLCanvasElement;
    const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
      0,
      0,
      canvas.width,
      canvas.height
    );
    let lit = 0;
    let sum = 0;
    let rgb: number[] = [];
    for (let k = 0; k < data.length; k += 4) {
      if (!data[k + 3]) continue;
      lit++;
      sum = (sum * 31 + k + data[k] + data[k + 1] + data[k + 2]) % 1000000007;
      if (!rgb.length) rgb = [data[k], data[k + 1], data[k + 2]];
    }
    const size = (el as unknown as { _fullLayout: { _size: { l: number; t: number; w: number; h: number } } })
      ._fullLayout._size;
    const box = canvas.getBoundingClientRect();
    const plot = el.getBoundingClientRect();
    // (no named functions here: the test's compiler would wrap them in a helper the page does not have)
    const off = [box.left - plot.left - size.l, box.top - plot.top - size.t, box.width - size.w, box.height - size.h];
    const gridSvg = el.querySelector('.gridlayer')?.closest('svg');
    // plotly's top SVG (its legend, shapes and images of layer 'above', zoom box), then the one of its hover labels
    const topSvg = el.querySelector('.infolayer')?.closest('svg');
    const hoverSvg = el.querySelector('.hoverlayer')?.closest('svg');
    const inContainer = canvas.parentElement?.classList.contains('svg-container') === true;
    return {
      lit,
      sum,
      rgb,
      onArea: off.every((d) => Math.abs(d) < 0.01),
      overGrid:
        inContainer &&
        gridSvg?.parentElement === canvas.parentElement &&
        (gridSvg.compareDocumentPosition(canvas) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0,
      underHover:
        inContainer &&
        (getComputedStyle(canvas).zIndex === '0' || getComputedStyle(canvas).zIndex === 'auto') &&
        topSvg?.parentElement === canvas.parentElement &&
        (canvas.compareDocumentPosition(topSvg) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 &&
        hoverSvg?.parentElement === canvas.parentElement &&
        (canvas.compareDocumentPosition(hoverSvg) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
    };
  });
}

/** A plot's layer (layerPixels) once its pixels differ from `before`, polled for up to 5 s; as it is then if not. */
async function layerRepainted(
  page: Page,
  testId: string,
  before: Awaited<ReturnType<typeof layerPixels>>
): Promise<Awaited<ReturnType<typeof layerPixels>>> {
  let now = before;
  for (let k = 0; k < 50 && now.sum === before.sum; k++) {
    await page.waitForTimeout(100);
    now = await layerPixels(page, testId);
  }
  return now;
}

/**
 * The pixels of an image (a data: URL), decoded in the page and counted: those not transparent (lit), those leaning
 * blue (the light theme's first chart colour, the reference's in a recording: blue above red) or orange (the second,
 * yours: red above blue), and the opaque ones of exactly the colour `rgb` (same); with its size and which pixels are
 * lit, row by row ("1" lit, "0" not).
 */
async function imagePixels(
  page: Page,
  src: string,
  rgb: number[] = []
): Promise<{ lit: number; blue: number; orange: number; same: number; width: number; height: number; mask: string }> {
  return page.evaluate(
    async ([url, [r, g, b]]) => {
      const source = new Image();
      source.src = url;
      await source.decode();
      const canvas = document.createElement('canvas');
      canvas.width = source.width;
      canvas.height = source.height;
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      ctx.drawImage(source, 0, 0);
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const counts = { lit: 0, blue: 0, orange: 0, same: 0, width: canvas.width, height: canvas.height, mask: '' };
      const mask: string[] = [];
      for (let k = 0; k < data.length; k += 4) {
        mask.push(data[k + 3] ? '1' : '0');
        if (!data[k + 3]) continue;
        counts.lit++;
        if (data[k + 2] > data[k]) counts.blue++;
        else if (data[k] > data[k + 2]) counts.orange++;
        if (data[k + 3] === 255 && data[k] === r && data[k + 1] === g && data[k + 2] === b) counts.same++;
      }
      counts.mask = mask.join('');
      return counts;
    },
    [src, rgb] as [string, number[]]
  );
}

/**
 * Whether the image (a data: URL) decoded in the page lights exactly the pixels `expected` lights (alpha > 0): the
 * number of pixels where they differ, or a sentence when the sizes differ.
 */
async function litPixelsDiffer(page: Page, src: string, expected: Pixels): Promise<number | string> {
  const shown = await imagePixels(page, src);
  if (shown.width !== expected.width || shown.height !== expected.height)
    return `the image is ${shown.width} x ${shown.height}, expected ${expected.width} x ${expected.height}`;
  let differ = 0;
  for (let p = 0; p < shown.mask.length; p++) if ((shown.mask[p] === '1') !== expected.rgba[4 * p + 3] > 0) differ++;
  return differ;
}

/** Where the data point (x, y) of plotly plot `selector` (its x and y axes) lies on the page, for the mouse. */
async function screenPoint(page: Page, selector: string, xy: [number, number]): Promise<{ x: number; y: number }> {
  return page.$eval(
    selector,
    (gd, [x, y]) => {
      const full = (gd as unknown as { _fullLayout: Record<string, any> })._fullLayout; // eslint-disable-line @typescript-eslint/no-explicit-any
      const box = gd.getBoundingClientRect();
      const [x0, x1] = full.xaxis.range;
      const [y0, y1] = full.yaxis.range;
      return {
        x: box.left + full._size.l + ((x - x0) / (x1 - x0)) * full._size.w,
        y: box.top + full._size.t + ((y1 - y) / (y1 - y0)) * full._size.h
      };
    },
    xy
  );
}

/** A plot's per-pixel paths image (its layout image), counted as imagePixels counts. */
async function pathsImagePixels(page: Page, testId: string): Promise<{ lit: number; blue: number; orange: number }> {
  const src = await page.$eval(`[data-testid="${testId}"] .imagelayer image`, (img) => img.getAttribute('href') ?? '');
  return imagePixels(page, src);
}

/**
 * d = 2: 2500 samples, 100 steps, weights drawn by the extension's generator: over 2000 samples, the final samples'
 * scatter plot is plotly's WebGL trace (the paths and the slider's cloud are drawn per pixel).
 */
function webglInputs(): SamplerInputs {
  return generateInputs({ n: 2500, d: 2, T: 100, seed: 5n, schedule: 'linear' }, 'avx2-fma').inputs;
}

/** `inputs` sampled, as the extension sends a run to a view: carrying its inputs, not its steps (recomputed there). */
function carriedRun(inputs: SamplerInputs): RunResult {
  const run = runSampler(inputs);
  return carryInputs(run, inputs.wModel, run.trajectory.policy);
}

/** Shows the final samples, answering the page's request for plotly's WebGL trace when `answer`, and checks that they are drawn with WebGL. */
async function samplesDrawnWithWebgl(page: Page, answer: boolean): Promise<void> {
  await page.click('[data-testid="ddpm-tab-samples"]');
  if (answer) await answerGlRequest(page);
  await waitReady(page);
  const scatter = await plotDrawn(page, 'ddpm-samples-scatter');
  assert.ok(scatter.svg > 0 && scatter.gl > 0, `final samples not drawn with WebGL: ${JSON.stringify(scatter)}`);
}

/** The bundled example's w_model and seed (made by PyTorch, media/examples/seed.inputs.json) with N = n and a linear schedule of T steps. */
function exampleInputs(n: number, T: number): SamplerInputs {
  const example = readInputs(
    JSON.parse(readFileSync(path.join(ROOT, 'media', 'examples', 'seed.inputs.json'), 'utf8'))
  ).inputs;
  const betas = linearSchedule(T);
  return { ...example, n, betas, alphaBar: alphaBarFromBetas(betas) };
}

/** The legend of plot `testId` and its x axis title do not overlap (their bounding boxes are apart). */
async function assertLegendClearOfXTitle(page: Page, testId: string, width: number): Promise<void> {
  const box = async (selector: string) => {
    const b = await page.locator(`[data-testid="${testId}"] ${selector}`).first().boundingBox();
    assert.ok(b, `${testId}: ${selector} not drawn at ${width} px`);
    return b;
  };
  const legend = await box('.legend');
  const title = await box('.g-xtitle');
  const apart =
    legend.x >= title.x + title.width ||
    title.x >= legend.x + legend.width ||
    legend.y >= title.y + title.height ||
    title.y >= legend.y + legend.height;
  assert.ok(
    apart,
    `${testId} at ${width} px: the legend ${JSON.stringify(legend)} lies over the axis title ${JSON.stringify(title)}`
  );
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth
  }));
  assert.ok(scroll <= client, `page scrolls horizontally: ${scroll} > ${client}`);
}

describe('renderer in headless Chromium', function () {
  this.timeout(240_000);
  let browser: Browser;
  let server: Server;
  let base: string;
  const consoleErrors: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium fonts-liberation" (or set DDPM_CHROMIUM)`
      );
    }
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const build = spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts', 'build.mjs'), '--only=renderer,report,panel-page'],
      {
        cwd: ROOT,
        env: { ...process.env, DDPM_OUT_DIR: DIST },
        encoding: 'utf8'
      }
    );
    assert.equal(build.status, 0, `build failed: ${build.stderr}`);
    writeFileSync(path.join(OUT, 'harness.html'), HARNESS);
    writeFileSync(
      path.join(OUT, 'blank.html'),
      '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body></body></html>'
    );
    server = await serve();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function newPage(width = 1100): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    return page;
  }

  /** Opens the harness page (`query`: e.g. '?no-eval') and waits until it can render. */
  async function openHarness(page: Page, query = ''): Promise<void> {
    await page.goto(`${base}/harness.html${query}`);
    await page.waitForFunction(() => (window as unknown as { __harnessReady?: boolean }).__harnessReady === true);
  }

  /** Opens the harness page (`query`: e.g. '?no-eval') and renders `json` as output item `id`, the way VS Code does. */
  async function renderInHarness(page: Page, id: string, json: string, query = '', mime = RUN_MIME): Promise<void> {
    await openHarness(page, query);
    await page.evaluate(
      ([i, j, m]) => (window as unknown as { __render(id: string, j: string, m: string): void }).__render(i, j, m),
      [id, json, mime] as const
    );
  }

  it('report page of a matching paste: the empty heatmap says why', async () => {
    const { run } = fixtureRun(fixtureCases()[0], 'printed');
    assert.equal(run.comparison?.matches, true);
    writeFileSync(
      path.join(OUT, 'report-match.html'),
      buildReportHtml(run, readFileSync(path.join(DIST, 'report', 'report.js'), 'utf8'))
    );
    const page = await newPage();
    await page.goto(`${base}/report-match.html`);
    await waitReady(page);
    assert.match(
      (await page.textContent('[data-testid="ddpm-diff-heatmap-note"]')) ?? '',
      /^No element differs under the rule, so the heatmap/
    );
    await page.close();
  });

  it('report page: the diff shows the summary from the core and highlights the cell PyTorch altered; trajectories draw', async () => {
    const c = fixtureCases()[0];
    const { run } = fixtureRun(c, 'altered');
    const cmp = run.comparison;
    assert.ok(cmp && !cmp.matches);
    writeFileSync(
      path.join(OUT, 'report.html'),
      buildReportHtml(run, readFileSync(path.join(DIST, 'report', 'report.js'), 'utf8'))
    );
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}/report.html`);
    await waitReady(page);
    assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-view'), 'diff');
    assert.equal(
      await page.$('[data-testid="ddpm-diff-heatmap-note"]'),
      null,
      'a mismatch needs no empty-heatmap note'
    );
    assert.equal(await page.textContent('[data-testid="ddpm-diff-summary"]'), cmp.summary);
    assert.equal(await page.getAttribute('[data-testid="ddpm-diff-verdict"]', 'data-matches'), 'false');
    const [i, j] = c.altered_index;
    const cell = (table: string): string => `[data-testid="${table}"] td[data-row="${i}"][data-col="${j}"]`;
    assert.match((await page.getAttribute(cell('ddpm-diff-ours'), 'class')) ?? '', /ddpm-mismatch/);
    const k = i * run.sample.cols + j;
    // |diff| reads as PyTorch prints (ours - expected).abs(): the element of the whole tensor's print
    const diffPrint = formatTensorF32(
      cmp.absDiff.map((v) => (Number.isNaN(v) ? 0 : v)),
      [run.sample.rows, run.sample.cols],
      { threshold: Infinity, linewidth: Infinity }
    );
    assert.equal(await page.textContent(cell('ddpm-diff-absdiff')), parseTensorText(diffPrint, 'diff').literals?.[k]);
    // the pasted text as written (it used to be our re-print of its float32 value)
    assert.equal(await page.textContent(cell('ddpm-diff-expected')), cmp.expectedLiterals?.[k]);
    assert.equal(
      await page.$$eval('[data-testid="ddpm-diff-ours"] td.ddpm-mismatch', (tds) => tds.length),
      cmp.mismatched
    );
    const heat = await plotDrawn(page, 'ddpm-diff-heatmap');
    assert.ok(heat.svg > 0 && heat.traces > 0, `heatmap not drawn: ${JSON.stringify(heat)}`);
    await noHorizontalScroll(page);
    await page.screenshot({ path: path.join(OUT, 'report-diff.png'), fullPage: true });

    await page.click('[data-testid="ddpm-tab-trajectories"]');
    await waitReady(page);
    const traj = await plotDrawn(page, 'ddpm-trajectory-plot');
    assert.ok(traj.svg > 0 && traj.traces + traj.gl > 0, `trajectory plot not drawn: ${JSON.stringify(traj)}`);
    await page.screenshot({ path: path.join(OUT, 'report-trajectories.png'), fullPage: true });

    for (const tab of ['statistics', 'samples', 'table'] as const) {
      await page.click(`[data-testid="ddpm-tab-${tab}"]`);
      await waitReady(page);
      await page.screenshot({ path: path.join(OUT, `report-${tab}.png`), fullPage: true });
    }
    assert.ok((await plotDrawn(page, 'ddpm-stats-plot')).traces > 0);
    assert.ok((await plotDrawn(page, 'ddpm-samples-histogram')).traces > 0);
    // the final samples' scatter: each axis fits its data (it was on equal axes, y stretched to x's spread)
    for (const axis of ['x', 'y'] as const) {
      const fit = await page.$eval(
        '[data-testid="ddpm-samples-scatter"]',
        (el, a) => {
          const gd = el as unknown as {
            _fullLayout: Record<string, { range: number[] }>;
            data: Record<string, number[]>[];
          };
          const vs = gd.data[0][a].filter(Number.isFinite);
          return { range: gd._fullLayout[`${a}axis`].range, lo: Math.min(...vs), hi: Math.max(...vs) };
        },
        axis
      );
      const span = fit.hi - fit.lo;
      assert.ok(
        fit.range[0] <= fit.lo && fit.range[1] >= fit.hi && fit.range[1] - fit.range[0] < 1.3 * span,
        `${axis} axis ${JSON.stringify(fit)} does not fit the samples`
      );
    }
    const printed = await page.$$eval('[data-testid="ddpm-table"] td', (tds) => tds.map((td) => td.textContent));
    assert.deepEqual(printed, c.printed.slice('tensor('.length).match(/-?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]\d+)?)/g));
    assert.deepEqual(
      requests.filter((u) => !u.startsWith(`${base}/report.html`)),
      [],
      'the report made network requests'
    );
    await page.close();
  });

  it('d = 3, 1000 samples: the dimensions plot draws every path per pixel, one image a subplot, after the plane', async () => {
    // 1000 paths x 101 states of two dimensions: drawn per pixel as the plane's are (as plotly's WebGL lines they
    // took seconds without a GPU, README "Performance"), nothing left out
    const run = runSampler(generateInputs({ n: 1000, d: 3, T: 100, seed: 5n, schedule: 'linear' }, 'avx2-fma').inputs);
    const page = await newPage(900);
    await openHarness(page);
    // the frame in which the projection plane's paths image, and the dimensions plot's plotly plot, first show; in
    // the first frame with that plot, the slider moved to the first state (its dotted line follows, whether the plot
    // was still being drawn then or not)
    await page.evaluate(`(() => {
      window.__shown = {};
      function frame(at) {
        const pca = '[data-testid="ddpm-trajectory-pca"] .imagelayer image';
        const dims = '[data-testid="ddpm-trajectory-plot"] svg.main-svg';
        if (document.querySelector(pca)) window.__shown.plane ??= at;
        if (document.querySelector(dims) && window.__shown.dims === undefined) {
          window.__shown.dims = at;
          const slider = document.querySelector('[data-testid="ddpm-step-slider"]');
          slider.value = '0';
          slider.dispatchEvent(new Event('input', { bubbles: true }));
        }
        requestAnimationFrame(frame);
      }
      requestAnimationFrame(frame);
    })()`);
    await page.evaluate(
      ([j, m]) => (window as unknown as { __render(id: string, j: string, m: string): void }).__render('cell-1', j, m),
      [JSON.stringify(encodeRunResult(run)), RUN_MIME] as const
    );
    await waitReady(page);
    await plotDrawn(page, 'ddpm-trajectory-plot');
    // the plane is on screen before the dimensions plot starts (trajectoriesView.ts draw)
    const shown = (await page.evaluate('window.__shown')) as { plane?: number; dims?: number };
    assert.ok(shown.plane !== undefined && shown.dims !== undefined && shown.plane < shown.dims, JSON.stringify(shown));
    // the move made in that frame: the dotted line is at that state too (x_100, t = 100)
    await page.waitForSelector('[data-testid="ddpm-panel-trajectories"] .ddpm-view[data-ddpm-state-t="100"]');
    const line = await page.$eval(
      '[data-testid="ddpm-trajectory-plot"]',
      (el) => (el as unknown as { layout: { shapes: { x0: number }[] } }).layout.shapes[0].x0
    );
    assert.equal(line, 100);
    // no WebGL: plotly's traces are SVG, one invisible line a subplot; each subplot has one image lying on it, which
    // lights exactly the pixels our rasteriser lights, here, for that subplot's axes as plotly laid them out
    const dims = await page.$eval('[data-testid="ddpm-trajectory-plot"]', (el) => {
      type Axis = { _offset: number; _length: number; range: number[] };
      const plot = el as unknown as {
        data: { type: string; opacity: number; name: string }[];
        layout: { images: { source: string; yref: string }[] };
        _fullLayout: { xaxis: Axis; yaxis: Axis; yaxis2: Axis };
      };
      const full = plot._fullLayout;
      const images = [...el.querySelectorAll('.imagelayer image')] as SVGImageElement[];
      return {
        gl: el.querySelectorAll('canvas.gl-canvas-context').length,
        traces: plot.data.map((d) => `${d.type} ${d.opacity}`),
        names: plot.data.map((d) => d.name),
        boxes: images.map((img) => ['x', 'y', 'width', 'height'].map((a) => Number(img.getAttribute(a)))),
        images: plot.layout.images.map((im) => [im.yref, im.source]),
        scale: Math.min(2, Math.max(1, window.devicePixelRatio || 1)),
        axes: { xaxis: full.xaxis, yaxis: full.yaxis, yaxis2: full.yaxis2 } as Record<string, Axis>,
        subplots: [full.yaxis2, full.yaxis].map((ya) => [
          full.xaxis._offset,
          ya._offset,
          full.xaxis._length,
          ya._length
        ])
      };
    });
    assert.equal(dims.gl, 0);
    assert.deepEqual(dims.traces, ['scatter 0', 'scatter 0']);
    // top to bottom, each image on one subplot
    const byTop = (a: number[], b: number[]) => a[1] - b[1];
    const subplots = [...dims.subplots].sort(byTop);
    assert.equal(dims.boxes.length, 2);
    [...dims.boxes]
      .sort(byTop)
      .forEach((b, k) =>
        b.forEach((v, c) =>
          assert.ok(Math.abs(v - subplots[k][c]) < 1, `image at ${b} does not lie on the subplot at ${subplots[k]}`)
        )
      );
    const scene = trajectoryScene(run);
    const chosen = dims.names.map((name) => Number(/^x\[:, (\d+)\]$/.exec(name)?.[1]));
    const { selection } = dimensionsFigure(scene, chosen, 0, LIGHT_THEME);
    const areaOf = (axis: string): PlotArea => {
      const x = dims.axes.xaxis;
      const y = dims.axes[axis];
      return { width: x._length, height: y._length, x: [x.range[0], x.range[1]], y: [y.range[0], y.range[1]] };
    };
    const expected: Pixels[] = [];
    dimensionsImages(scene, chosen, selection, areaOf, dims.scale, LIGHT_THEME, (pixels) => {
      expected.push(pixels);
      return '';
    });
    assert.deepEqual(
      dims.images.map(([yref]) => yref),
      ['y2', 'y']
    );
    for (const [k, [yref, source]] of dims.images.entries())
      assert.equal(await litPixelsDiffer(page, source, expected[k]), 0, `the image on ${yref}`);
    const notes = (await page.textContent('[data-testid="ddpm-panel-trajectories"] .ddpm-notes')) ?? '';
    assert.match(notes, /each path draws every recorded state, for all 1000 samples\./);
    assert.doesNotMatch(notes, /Chosen dimensions against t/);
    // a slider move moves the dotted line and leaves the paths' images as they are; a zoom paints them again
    const sources = (): Promise<string[]> =>
      page.$eval('[data-testid="ddpm-trajectory-plot"]', (gd) =>
        (gd as unknown as { layout: { images: { source: string }[] } }).layout.images.map((im) => im.source)
      );
    const painted = await sources();
    // the images' relayouts from now on (each paint of the paths is one)
    await page.$eval('[data-testid="ddpm-trajectory-plot"]', (gd) => {
      const plot = gd as unknown as { on(e: string, f: (u: object) => void): void; __paints: number };
      plot.__paints = 0;
      plot.on('plotly_relayout', (u) => {
        if (Object.keys(u).some((k) => k.startsWith('images'))) plot.__paints++;
      });
    });
    const paints = (): Promise<number> =>
      page.$eval('[data-testid="ddpm-trajectory-plot"]', (gd) => (gd as unknown as { __paints: number }).__paints);
    await page.$eval('[data-testid="ddpm-step-slider"]', (el) => {
      (el as HTMLInputElement).value = '50';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector('[data-testid="ddpm-panel-trajectories"] .ddpm-view[data-ddpm-state-t="50"]');
    // time for a paint the line's relayout would start (in the next frame) to finish
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 200))))
    );
    assert.equal(await paints(), 0, 'a slider move painted the paths again');
    assert.equal(
      await page.$eval(
        '[data-testid="ddpm-trajectory-plot"]',
        (gd) => (gd as unknown as { layout: { shapes: { x0: number }[] } }).layout.shapes[0].x0
      ),
      50
    );
    const top = await page.$eval('[data-testid="ddpm-trajectory-plot"]', (gd) => {
      const full = (gd as unknown as { _fullLayout: Record<string, { _offset: number; _length: number }> })._fullLayout;
      const r = gd.getBoundingClientRect();
      return [r.left + full.xaxis._offset, r.top + full.yaxis2._offset, full.xaxis._length, full.yaxis2._length];
    });
    await page.mouse.move(top[0] + top[2] * 0.2, top[1] + top[3] * 0.2);
    await page.mouse.down();
    await page.mouse.move(top[0] + top[2] * 0.6, top[1] + top[3] * 0.7, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      (before) => {
        const gd = document.querySelector('[data-testid="ddpm-trajectory-plot"]') as unknown as {
          layout: { images: { source: string }[] };
        };
        return gd.layout.images.length === 2 && gd.layout.images.every((im, k) => im.source !== before[k]);
      },
      painted,
      { timeout: 10_000 }
    );
    // painted once, for the zoom (a slider move's paint, however late, would have come first), on the zoomed axes
    assert.equal(await paints(), 1);
    const zoomed = await page.$eval('[data-testid="ddpm-trajectory-plot"]', (gd) => {
      const g = gd as unknown as {
        layout: { images: { x: number; sizex: number }[] };
        _fullLayout: { xaxis: { range: number[] } };
      };
      return {
        image: [g.layout.images[0].x, g.layout.images[0].x + g.layout.images[0].sizex],
        x: g._fullLayout.xaxis.range
      };
    });
    assert.deepEqual(zoomed.image, zoomed.x.map(Number));
    assert.ok(zoomed.x[0] < 100 && zoomed.x[1] > 0, `not zoomed: ${zoomed.x}`);
    // panning moves the paths with the axes during the drag (plotly moves an image on its axes), then paints them
    // for the new axes once
    await page.hover('[data-testid="ddpm-trajectory-plot"]');
    await page.click('[data-testid="ddpm-trajectory-plot"] .modebar-btn[data-title="Pan"]');
    const imageLeft = (): Promise<number[]> =>
      page.$$eval('[data-testid="ddpm-trajectory-plot"] .imagelayer image', (imgs) =>
        imgs.map((img) => Number(img.getAttribute('x')))
      );
    const before = await imageLeft();
    await page.mouse.move(top[0] + top[2] * 0.5, top[1] + top[3] * 0.5);
    await page.mouse.down();
    await page.mouse.move(top[0] + top[2] * 0.3, top[1] + top[3] * 0.5, { steps: 5 });
    const during = await imageLeft();
    await page.mouse.up();
    assert.equal(during.length, 2);
    during.forEach((x, k) =>
      assert.ok(x < before[k] - 50, `the paths stood still while the axes were dragged: ${before} -> ${during}`)
    );
    await page.waitForFunction(
      (n) =>
        (document.querySelector('[data-testid="ddpm-trajectory-plot"]') as unknown as { __paints: number }).__paints >
        n,
      1,
      { timeout: 10_000 }
    );
    await page.close();
  });

  it('notebook renderer entry: d = 3 run with PCA; copy and save-image post to the host; theme switches redraw', async () => {
    const c = fixtureCases()[1];
    const { run } = fixtureRun(c, 'none');
    const page = await newPage(900);
    await renderInHarness(page, 'cell-1', JSON.stringify(encodeRunResult(run)));
    await waitReady(page);
    assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-view'), 'trajectories');
    for (const id of ['ddpm-trajectory-plot', 'ddpm-trajectory-pca']) {
      const p = await plotDrawn(page, id);
      assert.ok(p.svg > 0 && p.traces + p.gl > 0, `${id} not drawn: ${JSON.stringify(p)}`);
    }
    // the plotly chunk was loaded lazily, as a separate file
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    assert.ok(
      scripts.some((u) => /\/chunks\/plotly-[A-Z0-9]+\.js$/.test(u)),
      `plotly chunk not loaded separately: ${scripts.join(', ')}`
    );

    await page.click('[data-testid="ddpm-copy-pytorch"]');
    await page.click('[data-testid="ddpm-panel-trajectories"] figure button:has-text("Save PNG")');
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length >= 2);
    const posted = await page.evaluate(
      () =>
        (
          window as unknown as {
            __posted: { type: string; text?: string; format?: string; data?: string; name?: string }[];
          }
        ).__posted
    );
    assert.deepEqual(posted[0], { type: 'copy', text: c.printed });
    assert.equal(posted[1].type, 'save-image');
    assert.equal(posted[1].format, 'png');
    assert.match(posted[1].data ?? '', /^data:image\/png;base64,/);
    await page.screenshot({ path: path.join(OUT, 'renderer-light.png'), fullPage: true });

    const fills: string[] = [];
    for (const kind of ['vscode-dark', 'vscode-high-contrast'] as const) {
      await page.evaluate((k) => (document.body.className = k), kind);
      await page.waitForSelector(
        `.ddpm-run[data-ddpm-theme="${kind.slice('vscode-'.length)}"][data-ddpm-ready="true"]`
      );
      await waitReady(page);
      fills.push(
        await page.$eval(
          '[data-testid="ddpm-trajectory-plot"] svg.main-svg .xtick text',
          (t) => getComputedStyle(t).fill
        )
      );
      // the cloud's title (drawn over the plot, not by plotly) takes the theme's colour too
      assert.equal(
        await page.$eval(
          '[data-testid="ddpm-trajectory-cloud"] .ddpm-plot-title text',
          (t) => getComputedStyle(t).fill
        ),
        fills.at(-1)
      );
      await page.screenshot({ path: path.join(OUT, `renderer-${kind}.png`), fullPage: true });
    }
    assert.notEqual(fills[0], fills[1], 'axis text color did not change with the theme');
    await noHorizontalScroll(page);
    await page.close();
  });

  /**
   * The results panel's page as the built extension writes it (its script inline, dist/panel-page.js; plotly's
   * chunks named by URL on the root element), with VS Code's webview API kept in sessionStorage so a reload plays
   * "hidden and restored"; what the page posts is in window.__posted.
   */
  async function panelPage(cspViolations: string[]): Promise<Page> {
    const chunk = (prefix: string): string =>
      `${base}/dist/renderer/${moduleSet(prefix as 'plotly' | 'plotlyGl')[0].file}`;
    writeFileSync(
      path.join(OUT, 'panel.html'),
      buildPanelHtml({
        cspSource: base,
        nonce: 'a'.repeat(32),
        scriptUri: `${base}/dist/renderer/panel.js`,
        inlineScript: readFileSync(path.join(DIST, 'panel-page.js'), 'utf8'),
        chunks: { plotly: chunk('plotly'), plotlyGl: chunk('plotlyGl') }
      })
    );
    const page = await newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) cspViolations.push(m.text());
    });
    // (a string: tsx rewrites functions)
    await page.addInitScript(`
      window.__posted = [];
      const saved = sessionStorage.getItem('ddpm-state');
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(m),
        getState: () => (saved ? JSON.parse(saved) : undefined),
        setState: (s) => sessionStorage.setItem('ddpm-state', JSON.stringify(s))
      });`);
    await page.goto(`${base}/panel.html`);
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready')
    );
    return page;
  }

  /** The page's resources under dist/renderer/ that it fetched, and how it says plotly came. */
  async function plotlyFetches(page: Page): Promise<{ fetched: string[]; from: string | null }> {
    return page.evaluate(() => ({
      fetched: performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => n.includes('/dist/renderer/'))
        .map((n) => n.replace(/^.*\/dist\/renderer\//, '')),
      from: document.documentElement.getAttribute('data-ddpm-plotly-from')
    }));
  }

  it("results panel: under the panel's strict CSP (no eval) it draws with WebGL, plotly's modules sent by message, says ready, restores its state, and posts compare requests", async () => {
    // d = 2, 2500 samples x 101 states: the paths drawn per pixel, the final samples with WebGL (plotly's strict,
    // precompiled scattergl: no eval). plotly's modules come by message, as the extension sends them (its set as the
    // page is written, the WebGL trace's when the page asks), imported from blob: URLs
    const run = carriedRun(webglInputs());
    const cspViolations: string[] = [];
    const page = await panelPage(cspViolations);
    await postModules(page, 'plotly');
    await page.evaluate(
      (json) => window.postMessage({ type: 'run', run: JSON.parse(json) }, '*'),
      JSON.stringify(encodeRunResult(run))
    );
    await waitReady(page);
    const plane = await plotDrawn(page, 'ddpm-trajectory-plot');
    assert.equal(plane.paths, 1, `the plane has no paths image: ${JSON.stringify(plane)}`);
    assert.match(
      (await page.textContent('[data-testid="ddpm-panel-trajectories"] .ddpm-notes')) ?? '',
      /^Recorded: all 101 states x_100 … x_0 \(every step\); each path draws every recorded state, for all 2500 samples\./
    );
    await samplesDrawnWithWebgl(page, true);
    // none of plotly's chunks was fetched: both sets came by message
    const loaded = await plotlyFetches(page);
    assert.equal(loaded.from, 'message', 'plotly did not come by message');
    assert.deepEqual(loaded.fetched, [], "the page fetched plotly's chunks");
    await page.click('[data-testid="ddpm-compare"]');
    await page.waitForFunction(() =>
      (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'compare-request')
    );
    await page.screenshot({ path: path.join(OUT, 'panel.png'), fullPage: true });
    // hidden and restored: the webview reloads and draws from its saved state (a new page: the extension sends it
    // plotly's modules again)
    await page.reload();
    await postModules(page, 'plotly');
    await waitReady(page);
    assert.equal(
      await page.textContent('[data-testid="ddpm-headline"]'),
      `DDPM sample N = 2500, d = 2, T = 100, seed ${run.inputs.seed}, RNG profile ${run.inputs.profile}`
    );
    assert.deepEqual(cspViolations, [], "CSP violations under the panel's policy");
    await page.close();
  });

  it("results panel: when the extension could not read plotly's modules, the page imports plotly's chunks by the URLs it names, its WebGL trace's too, and draws", async () => {
    const run = carriedRun(webglInputs());
    const cspViolations: string[] = [];
    const page = await panelPage(cspViolations);
    await postModules(page, 'plotly', 'EntryNotFound (FileSystemError): chunks/plotly-X.js');
    await page.evaluate(
      (json) => window.postMessage({ type: 'run', run: JSON.parse(json) }, '*'),
      JSON.stringify(encodeRunResult(run))
    );
    await waitReady(page);
    await samplesDrawnWithWebgl(page, false);
    const loaded = await plotlyFetches(page);
    assert.equal(loaded.from, 'url');
    const [plotly, gl] = [moduleSet('plotly')[0].file, moduleSet('plotlyGl')[0].file];
    assert.ok(
      loaded.fetched.includes(plotly) && loaded.fetched.includes(gl),
      `plotly's chunks not fetched by their URLs: ${loaded.fetched.join(', ')}`
    );
    // the WebGL trace came the way plotly did: the page did not ask for it by message
    assert.ok(
      !(await page.evaluate(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'modules-request')
      ))
    );
    assert.deepEqual(cspViolations, []);
    await page.close();
  });

  it("notebook renderer entry: under a CSP header without 'unsafe-eval', the trajectories draw and the final samples draw with WebGL, nothing blocked", async () => {
    const run = runSampler(webglInputs());
    const page = await newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/.test(m.text())) violations.push(m.text());
    });
    await renderInHarness(page, 'csp', JSON.stringify(encodeRunResult(run)), '?no-eval');
    await waitReady(page);
    const plane = await plotDrawn(page, 'ddpm-trajectory-plot');
    assert.equal(plane.paths, 1, `the plane has no image of its paths: ${JSON.stringify(plane)}`);
    const cloud = await plotDrawn(page, 'ddpm-trajectory-cloud');
    assert.equal(cloud.layers, 1, `the cloud has no layer of its points: ${JSON.stringify(cloud)}`);
    assert.ok((await layerPixels(page, 'ddpm-trajectory-cloud')).lit > 100, 'the cloud layer is empty');
    assert.match(
      (await page.textContent('[data-testid="ddpm-panel-trajectories"] .ddpm-notes')) ?? '',
      /^Recorded: all 101 states/
    );
    await samplesDrawnWithWebgl(page, false);
    assert.deepEqual(violations, [], 'CSP violations');
    await page.close();
  });

  it('notebook renderer entry: a run that carries its inputs instead of its steps is recomputed in the browser (no eval, no WebAssembly) and drawn; a tampered one shows one line', async () => {
    const inputs = exampleInputs(300, 200);
    const reply = executeRequest({
      op: 'sample',
      inputs: inputsToMessage(inputs),
      profile: 'avx2-fma',
      record: { kind: 'all' },
      deferTrajectory: true
    });
    assert.equal(reply.type, 'result');
    const json = (reply as { run: RunResultJson }).run;
    assert.equal(json.trajectory.recompute, true);
    const page = await newPage();
    await renderInHarness(page, 'deferred', JSON.stringify(json), '?no-eval');
    await waitReady(page);
    const traj = await plotDrawn(page, 'ddpm-trajectory-plot');
    assert.ok(traj.svg > 0 && traj.traces > 0 && traj.paths === 1, `not drawn: ${JSON.stringify(traj)}`);
    assert.match(
      (await page.textContent('[data-testid="ddpm-panel-trajectories"] .ddpm-notes')) ?? '',
      /^Recorded: all 201 states x_200 … x_0 \(every step\)/
    );
    // the cloud's samples are an image: pointing at one shows its index and exact float32 values
    const sample = decodeRunResult(json).sample.data;
    const k = 17;
    const at = await screenPoint(page, '[data-testid="ddpm-trajectory-cloud"]', [sample[2 * k], sample[2 * k + 1]]);
    await page.mouse.move(at.x, at.y);
    const tip = page.locator('[data-testid="ddpm-cloud-hover"]');
    await tip.waitFor({ state: 'visible', timeout: 5000 });
    const hover = /^sample (\d+), x_0 \((\S+), (\S+)\)$/.exec((await tip.textContent()) ?? '');
    assert.ok(hover, `hover text: ${await tip.textContent()}`);
    const i = Number(hover[1]); // the nearest sample: k, or one drawn on the same pixel
    assert.deepEqual(
      [hover[2], hover[3]],
      [formatFloat32Shortest(sample[2 * i]), formatFloat32Shortest(sample[2 * i + 1])]
    );
    await page.mouse.move(1, 1);
    await tip.waitFor({ state: 'hidden', timeout: 5000 });
    // zooming the plane redraws its image for the new axes; autoscale (the modebar) comes back to every point
    const imageAndAxes = (): Promise<{ image: number[]; x: number[]; box: number[] }> =>
      page.$eval('[data-testid="ddpm-trajectory-plot"]', (gd) => {
        const g = gd as unknown as {
          layout: { images: { x: number; sizex: number }[] };
          _fullLayout: { _size: { l: number; t: number; w: number; h: number }; xaxis: { range: number[] } };
        };
        const r = gd.getBoundingClientRect();
        const s = g._fullLayout._size;
        return {
          image: [g.layout.images[0].x, g.layout.images[0].x + g.layout.images[0].sizex],
          x: g._fullLayout.xaxis.range.map(Number),
          box: [r.left + s.l, r.top + s.t, s.w, s.h]
        };
      });
    const before = await imageAndAxes();
    assert.deepEqual(before.image, before.x);
    const [left, top, w, hgt] = before.box;
    await page.mouse.move(left + w * 0.3, top + hgt * 0.3);
    await page.mouse.down();
    await page.mouse.move(left + w * 0.6, top + hgt * 0.6, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(
      (x0) => {
        const gd = document.querySelector('[data-testid="ddpm-trajectory-plot"]') as unknown as {
          layout: { images: { x: number }[] };
          _fullLayout: { xaxis: { range: number[] } };
        };
        return gd._fullLayout.xaxis.range[0] !== x0 && gd.layout.images[0].x === gd._fullLayout.xaxis.range[0];
      },
      before.x[0],
      { timeout: 10_000 }
    );
    const zoomed = await imageAndAxes();
    assert.ok(zoomed.x[1] - zoomed.x[0] < (before.x[1] - before.x[0]) / 2, `not zoomed: ${zoomed.x}`);
    assert.deepEqual(zoomed.image, zoomed.x, 'the image was not redrawn for the zoomed axes');
    await page.hover('[data-testid="ddpm-trajectory-plot"]');
    await page.click('[data-testid="ddpm-trajectory-plot"] .modebar-btn[data-title="Autoscale"]');
    await page.waitForFunction(
      (x1) => {
        const gd = document.querySelector('[data-testid="ddpm-trajectory-plot"]') as unknown as {
          layout: { images: { x: number; sizex: number }[] };
          _fullLayout: { xaxis: { range: number[] } };
        };
        const r = gd._fullLayout.xaxis.range;
        return r[1] >= x1 && gd.layout.images[0].x === r[0];
      },
      before.x[1],
      { timeout: 10_000 }
    );
    // zooming the cloud repaints its layer for the new axes, on the plot area still
    const cloudBefore = await layerPixels(page, 'ddpm-trajectory-cloud');
    const cloudBox = await page.$eval('[data-testid="ddpm-trajectory-cloud"]', (gd) => {
      const s = (gd as unknown as { _fullLayout: { _size: { l: number; t: number; w: number; h: number } } })
        ._fullLayout._size;
      const r = gd.getBoundingClientRect();
      return [r.left + s.l, r.top + s.t, s.w, s.h];
    });
    await page.mouse.move(cloudBox[0] + cloudBox[2] * 0.2, cloudBox[1] + cloudBox[3] * 0.2);
    await page.mouse.down();
    await page.mouse.move(cloudBox[0] + cloudBox[2] * 0.7, cloudBox[1] + cloudBox[3] * 0.7, { steps: 5 });
    await page.mouse.up();
    const cloudZoomed = await layerRepainted(page, 'ddpm-trajectory-cloud', cloudBefore);
    assert.notEqual(cloudZoomed.sum, cloudBefore.sum, 'the cloud was not repainted for the zoomed axes');
    assert.ok(cloudZoomed.onArea && cloudZoomed.lit > 0, JSON.stringify(cloudZoomed));
    // panning moves the samples with the axes during the drag, not only when it ends
    await page.hover('[data-testid="ddpm-trajectory-cloud"]');
    await page.click('[data-testid="ddpm-trajectory-cloud"] .modebar-btn[data-title="Pan"]');
    const cloudRange = (): Promise<number[]> =>
      page.$eval('[data-testid="ddpm-trajectory-cloud"]', (gd) =>
        (gd as unknown as { _fullLayout: { xaxis: { range: number[] } } })._fullLayout.xaxis.range.map(Number)
      );
    const beforePan = await cloudRange();
    await page.mouse.move(cloudBox[0] + cloudBox[2] * 0.5, cloudBox[1] + cloudBox[3] * 0.5);
    await page.mouse.down();
    await page.mouse.move(cloudBox[0] + cloudBox[2] * 0.3, cloudBox[1] + cloudBox[3] * 0.4, { steps: 5 });
    const panning = await layerRepainted(page, 'ddpm-trajectory-cloud', cloudZoomed);
    await page.mouse.up();
    assert.notEqual(panning.sum, cloudZoomed.sum, 'the cloud stood still while the axes were dragged');
    // and the pan ends where it was dragged to (the repaints during it did not reset it): the view moved right
    await page.waitForFunction((x0) => {
      const gd = document.querySelector('[data-testid="ddpm-trajectory-cloud"]') as unknown as {
        _fullLayout: { xaxis: { range: number[] } };
      };
      return Number(gd._fullLayout.xaxis.range[0]) > x0;
    }, beforePan[0]);
    const afterPan = await cloudRange();
    assert.ok(
      Math.abs(afterPan[1] - afterPan[0] - (beforePan[1] - beforePan[0])) <
        1e-9 * Math.abs(beforePan[1] - beforePan[0]) + 1e-12,
      `a pan kept the range's width: ${beforePan} -> ${afterPan}`
    );
    const tampered = decodeRunResult(json);
    tampered.sample.data[3] = Math.fround(tampered.sample.data[3] * 2 + 1);
    await renderInHarness(page, 'tampered', JSON.stringify(encodeRunResult(tampered)));
    await page.waitForSelector('.ddpm-run[data-ddpm-ready="error"]');
    assert.match(
      (await page.textContent('[data-testid="ddpm-error"]')) ?? '',
      /^DDPM Lab could not show this output: sample: the recomputed run differs from the carried sample at \[1, 1\]/
    );
    await page.close();
  });

  it('notebook renderer entry: a run that overflows to inf and nan draws every view and shows its warning', async () => {
    // inputs of the sampler fixture case made by PyTorch (scripts/fixtures/sampler.py)
    const fixture = JSON.parse(
      readFileSync(path.join(ROOT, 'test', 'fixtures', 'sampler', 'sampler.json'), 'utf8')
    ) as {
      cases: {
        name: string;
        inputs: {
          w_model: { shape: [number, number]; bits: number[] };
          shape: [number, number];
          betas: number[];
          alpha_bar: number[];
          seed: string;
        };
      }[];
    };
    const c = fixture.cases.find((k) => /inf/.test(k.name) && /nan/.test(k.name));
    assert.ok(c, 'no overflow case in test/fixtures/sampler/sampler.json');
    const f32 = (bits: number[]): Float32Array => new Float32Array(new Uint32Array(bits).buffer);
    const [rows, cols] = c.inputs.w_model.shape;
    const run = runSampler({
      wModel: { rows, cols, data: f32(c.inputs.w_model.bits) },
      n: c.inputs.shape[0],
      d: c.inputs.shape[1],
      betas: f32(c.inputs.betas),
      alphaBar: f32(c.inputs.alpha_bar),
      seed: BigInt(c.inputs.seed)
    });
    assert.ok(run.warnings.length > 0 && !Array.from(run.sample.data).every(Number.isFinite));
    const page = await newPage();
    await renderInHarness(page, 'inf', JSON.stringify(encodeRunResult(run)));
    await waitReady(page);
    assert.deepEqual(
      await page.$$eval('[data-testid="ddpm-warnings"] li', (li) => li.map((e) => e.textContent)),
      run.warnings
    );
    for (const tab of ['statistics', 'samples', 'table', 'trajectories'] as const) {
      await page.click(`[data-testid="ddpm-tab-${tab}"]`);
      await waitReady(page);
    }
    const cells = await page.$$eval('[data-testid="ddpm-table"] td', (tds) => tds.map((td) => td.textContent));
    assert.ok(
      cells.some((t) => t === 'inf' || t === '-inf' || t === 'nan'),
      `no non-finite cell in ${cells.join(' ')}`
    );
    await page.screenshot({ path: path.join(OUT, 'renderer-overflow.png'), fullPage: true });
    await page.close();
  });

  it("the DDPM notebook's preload loads plotly, mounts a small run, draws a small plot and then the small run in full off screen, unseen by selectors, leaving nothing behind; outputs then draw", async () => {
    const page = await newPage();
    await openHarness(page);
    const children = (): Promise<string[]> =>
      page.evaluate(() => Array.from(document.body.children, (e) => `${e.tagName.toLowerCase()}#${e.id}`));
    const before = await children();
    // while it warms up, count what the page's selectors (tests, tools) could find of it: a run view or a plot
    // and which steps it took (each puts its off-screen holder into the page)
    await page.evaluate(() => {
      const w = window as unknown as { __seen: number; __steps: string[] };
      w.__seen = 0;
      w.__steps = [];
      new MutationObserver((records) => {
        w.__seen = Math.max(w.__seen, document.querySelectorAll('.ddpm-run, [data-testid], .js-plotly-plot').length);
        for (const r of records)
          for (const n of r.addedNodes) {
            const step = (n as Element).getAttribute?.('data-ddpm-warm-step');
            if (step) w.__steps.push(step);
          }
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.evaluate(() =>
      import(`${location.origin}/dist/renderer/preload.js`).then((m: { activate(): void }) => m.activate())
    );
    await page.waitForSelector('html[data-ddpm-plotly-warm]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('html', 'data-ddpm-plotly-warm'), 'true', 'the warm-up did not draw');
    assert.equal(await page.evaluate(() => (window as unknown as { __seen: number }).__seen), 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __steps: string[] }).__steps), [
      '1',
      '2',
      'full'
    ]);
    // plotly keeps its text-measuring element (js-plotly-tester) in the body, as after any plot; nothing else stays
    assert.deepEqual(
      (await children()).filter((c) => c !== 'svg#js-plotly-tester'),
      before,
      'the warm-up plot was left behind'
    );
    const chunks = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => /\/chunks\/plotly-/.test(u))
    );
    assert.equal(chunks.length, 1, `plotly's chunk loads once: ${chunks.join(', ')}`);
    await page.evaluate(
      (j) => (window as unknown as { __render(id: string, j: string): void }).__render('after-preload', j),
      JSON.stringify(encodeRunResult(runSampler(exampleInputs(50, 20))))
    );
    await waitReady(page);
    const after = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => /\/chunks\/plotly-/.test(u))
    );
    assert.equal(after.length, 1, 'the renderer loaded plotly again');
    await page.close();
  });

  it("the DDPM notebook's preload loads the renderer's entry by the URL VS Code imports it from, so the first output fetches nothing", async () => {
    const page = await newPage();
    await page.goto(`${base}/blank.html`); // no renderer loaded, as a notebook's output webview before its first output
    await page.evaluate(() =>
      import(`${location.origin}/dist/renderer/preload.js`).then((m: { activate(): void }) => m.activate())
    );
    await page.waitForSelector('html[data-ddpm-plotly-warm]', { timeout: 60_000 });
    const entryFetches = (): Promise<string[]> =>
      page.evaluate(() =>
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((u) => /\/dist\/renderer\/index\.js$/.test(u))
      );
    assert.deepEqual(
      await entryFetches(),
      [`${base}/dist/renderer/index.js`],
      "the preload did not load the renderer's entry"
    );
    // what VS Code's output webview does when the first output comes: import the entry by its URL and activate it
    const exported = await page.evaluate(() =>
      import(`${location.origin}/dist/renderer/index.js`).then((m: Record<string, unknown>) => typeof m.activate)
    );
    assert.equal(exported, 'function');
    assert.equal((await entryFetches()).length, 1, "the renderer's entry was fetched again");
    await page.close();
  });

  it("a real output that comes before plotly has loaded stops the preload's warm-up, and draws", async () => {
    const page = await newPage();
    await openHarness(page);
    await page.evaluate(
      (j) =>
        import(`${location.origin}/dist/renderer/preload.js`).then((m: { activate(): void }) => {
          m.activate();
          (window as unknown as { __render(id: string, j: string): void }).__render('first', j);
        }),
      JSON.stringify(encodeRunResult(runSampler(exampleInputs(50, 20))))
    );
    await waitReady(page);
    await page.waitForSelector('html[data-ddpm-plotly-warm]', { timeout: 60_000 });
    assert.equal(await page.getAttribute('html', 'data-ddpm-plotly-warm'), 'skipped');
    await page.close();
  });

  for (const step of ['1', '2', 'full'] as const)
    it(`a real output that comes while the preload's warm-up is at its step ${step} stops it there, and draws`, async () => {
      const page = await newPage();
      await openHarness(page);
      // the output is rendered the moment the warm-up puts the off-screen holder of that step into the page (step 1
      // mounts the small run there, step 2 draws a plotly plot there, the last step draws the small run in full)
      await page.evaluate(
        ([j, wanted]) => {
          const w = window as unknown as { __render(id: string, j: string): void; __steps: string[] };
          w.__steps = [];
          const observer = new MutationObserver((records) => {
            for (const r of records)
              for (const n of r.addedNodes) {
                const seen = (n as Element).getAttribute?.('data-ddpm-warm-step');
                if (!seen) continue;
                w.__steps.push(seen);
                if (seen !== wanted) continue;
                observer.disconnect();
                w.__render('during', j);
              }
          });
          observer.observe(document.body, { childList: true });
          return import(`${location.origin}/dist/renderer/preload.js`).then((m: { activate(): void }) => m.activate());
        },
        [JSON.stringify(encodeRunResult(runSampler(exampleInputs(50, 20)))), step] as const
      );
      await waitReady(page);
      await page.waitForSelector('html[data-ddpm-plotly-warm]', { timeout: 60_000 });
      // the warm-up got to that step, and went no further
      assert.deepEqual(
        await page.evaluate(() => (window as unknown as { __steps: string[] }).__steps),
        ['1', '2', 'full'].slice(0, ['1', '2', 'full'].indexOf(step) + 1)
      );
      assert.equal(await page.getAttribute('html', 'data-ddpm-plotly-warm'), 'skipped');
      assert.equal(await page.locator('body > [aria-hidden="true"]').count(), 0, 'the warm-up holder stayed');
      assert.ok((await plotDrawn(page, 'ddpm-trajectory-plot')).paths === 1);
      await page.close();
    });

  it("the preload's warm-up draws the small run in full only once the page's thread has been quiet a while", async () => {
    const page = await newPage();
    await openHarness(page);
    // once step 2 (the small plotly plot) is done (its holder removed: the wait for the quiet begins), the page is
    // kept busy for 1.5 s with tasks of 25 ms back to back (as code-server's window is while it opens a notebook or
    // runs a cell); the full draw must wait for the quiet after them
    // (a string: the page runs it as written, without the test build's helpers for named functions)
    const [steps, busyEnd] = (await page.evaluate(`(async () => {
      const seen = [];
      let busyEnd = 0;
      new MutationObserver((records) => {
        for (const r of records) {
          for (const n of r.addedNodes) {
            const step = n.getAttribute && n.getAttribute('data-ddpm-warm-step');
            if (step) seen.push([step, performance.now()]);
          }
          for (const n of r.removedNodes) {
            if (!(n.getAttribute && n.getAttribute('data-ddpm-warm-step') === '2')) continue;
            const until = performance.now() + 1500;
            const spin = () => {
              const end = performance.now() + 25;
              while (performance.now() < end);
              busyEnd = performance.now();
              if (busyEnd < until) setTimeout(spin, 0);
            };
            setTimeout(spin, 0);
          }
        }
      }).observe(document.body, { childList: true });
      const m = await import(location.origin + '/dist/renderer/preload.js');
      m.activate();
      await new Promise((resolve) => {
        const check = () =>
          document.documentElement.hasAttribute('data-ddpm-plotly-warm') ? resolve() : setTimeout(check, 50);
        check();
      });
      return [seen, busyEnd];
    })()`)) as [[string, number][], number];
    assert.deepEqual(
      steps.map(([s]) => s),
      ['1', '2', 'full']
    );
    const fullAt = steps[2][1];
    assert.ok(busyEnd > 0, 'the page was not kept busy');
    // drawn in full only after the busy stretch and the quiet stretch after it (300 ms; a little slack for timers)
    assert.ok(
      fullAt >= busyEnd + 250,
      `the full draw began ${(fullAt - busyEnd).toFixed(0)} ms after the busy stretch ended`
    );
    assert.equal(await page.getAttribute('html', 'data-ddpm-plotly-warm'), 'true');
    await page.close();
  });

  it("a real output that comes while the preload's warm-up waits for the quiet stops it before its full draw, and draws", async () => {
    const page = await newPage();
    await openHarness(page);
    // the output is rendered the moment step 2's holder is removed (the small plot done: the wait begins)
    await page.evaluate(
      (j) => {
        const w = window as unknown as { __render(id: string, j: string): void; __steps: string[] };
        w.__steps = [];
        new MutationObserver((records) => {
          for (const r of records) {
            for (const n of r.addedNodes) {
              const step = (n as Element).getAttribute?.('data-ddpm-warm-step');
              if (step) w.__steps.push(step);
            }
            for (const n of r.removedNodes)
              if ((n as Element).getAttribute?.('data-ddpm-warm-step') === '2') w.__render('waiting', j);
          }
        }).observe(document.body, { childList: true });
        return import(`${location.origin}/dist/renderer/preload.js`).then((m: { activate(): void }) => m.activate());
      },
      JSON.stringify(encodeRunResult(runSampler(exampleInputs(50, 20))))
    );
    await waitReady(page);
    await page.waitForSelector('html[data-ddpm-plotly-warm]', { timeout: 60_000 });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __steps: string[] }).__steps), ['1', '2']);
    assert.equal(await page.getAttribute('html', 'data-ddpm-plotly-warm'), 'skipped');
    assert.equal(await page.locator('body > [aria-hidden="true"]').count(), 0, 'a warm-up holder stayed');
    assert.ok((await plotDrawn(page, 'ddpm-trajectory-plot')).paths === 1);
    await page.close();
  });

  it('d = 1: the dimensions plot, alone, says what was recorded and drawn in the one sentence the plane uses', async () => {
    const inputs = {
      ...exampleInputs(50, 20),
      d: 1,
      wModel: { rows: 2, cols: 1, data: Float32Array.of(0.5, -0.25) }
    };
    const page = await newPage();
    await renderInHarness(page, 'd1', JSON.stringify(encodeRunResult(runSampler(inputs))));
    await waitReady(page);
    assert.ok((await plotDrawn(page, 'ddpm-trajectory-plot')).traces > 0);
    const notes = await page.$$eval('[data-testid="ddpm-panel-trajectories"] .ddpm-notes p', (ps) =>
      ps.map((p) => p.textContent)
    );
    assert.deepEqual(notes, [
      'Recorded: all 21 states x_20 … x_0 (every step); each path draws every recorded state, for all 50 samples.'
    ]);
    await page.close();
  });

  it('one sample: the statistics legend has no entry for the spread it cannot draw, and a note says why', async () => {
    const page = await newPage();
    await renderInHarness(page, 'n1', JSON.stringify(encodeRunResult(runSampler(exampleInputs(1, 12)))));
    await waitReady(page);
    await page.click('[data-testid="ddpm-tab-statistics"]');
    await waitReady(page);
    const legend = await page.$$eval('[data-testid="ddpm-stats-plot"] .legend .traces .legendtext', (ts) =>
      ts.map((t) => t.textContent)
    );
    assert.deepEqual(legend, ['mean of x', 'RMS of ε (predicted noise)', 'RMS of z', 'betas', 'alpha_bar']);
    assert.match((await page.textContent('[data-testid="ddpm-stats-undrawn"]')) ?? '', /^Not drawn: the spread of x/);
    await page.close();
  });

  it('the step-by-step diff plot: its legend never lies over its axis title and its axis spans the steps, narrow or wide', async () => {
    // a step-by-step paste (x.tolist() after each step) of the example's loop with seed + t step seeds, made by
    // PyTorch through the Python helper (test/fixtures/recording/expected.json, scripts/fixtures/recording.py)
    const text = recordingTolistSteps(ROOT, 'step-seed-plus-t')
      .map((st) => `t = ${st.t}\n${st.list}`)
      .join('\n');
    const inputs = readInputs(
      JSON.parse(readFileSync(path.join(ROOT, 'media', 'examples', 'seed.inputs.json'), 'utf8'))
    ).inputs;
    const run = runSampler(inputs, { record: { kind: 'all' } });
    run.comparison = compareRun(inputs, run, text);
    const steps = run.comparison.steps;
    assert.ok(steps, 'not read as a step-by-step paste');
    for (const width of [420, 1100]) {
      const page = await newPage(width);
      await renderInHarness(page, `steps-${width}`, JSON.stringify(encodeRunResult(run)));
      await waitReady(page);
      await assertLegendClearOfXTitle(page, 'ddpm-diff-steps', width);
      // the axis spans the printed steps: plotly widened it for the "first divergence" text beside the mark (3 steps
      // more at 420 px)
      const ticks = await page.$$eval('[data-testid="ddpm-diff-steps"] .xtick text', (ts) =>
        ts.map((t) => Number(t.textContent?.replace('\u2212', '-')))
      );
      const xs = steps.prints.map((p) => p.step ?? inputs.betas.length);
      assert.ok(
        ticks.length > 0 && ticks.every((t) => t >= Math.min(...xs) && t <= Math.max(...xs)),
        `at ${width} px the t axis (ticks ${ticks.join(', ')}) reaches beyond the printed steps ${xs.join(', ')}`
      );
      await page.close();
    }
  });

  it('a 4-step run: the step axes are ticked on whole steps (plotly alone ticks t = 2.5)', async () => {
    const page = await newPage();
    await renderInHarness(page, 'short', JSON.stringify(encodeRunResult(runSampler(exampleInputs(20, 4)))));
    await waitReady(page);
    await page.click('[data-testid="ddpm-tab-statistics"]');
    await waitReady(page);
    const labels = await page.$$eval('[data-testid="ddpm-stats-plot"] .xtick text', (ts) =>
      ts.map((t) => t.textContent)
    );
    assert.deepEqual(labels, ['4', '3', '2', '1', '0']);
    await page.close();
  });

  it('notebook renderer entry: malformed output data renders an error message, not a blank box', async () => {
    const page = await newPage();
    await renderInHarness(page, 'bad', '{"schema":"ddpm-lab.run/1","inputs":{}}');
    await page.waitForSelector('.ddpm-run[data-ddpm-ready="error"]');
    const text = await page.textContent('[data-testid="ddpm-error"]');
    assert.match(text ?? '', /^DDPM Lab could not show this output: run result: /);
    await page.evaluate(() =>
      (window as unknown as { __render(id: string, j: string): void }).__render('bad2', '{not json')
    );
    await page.waitForSelector('.ddpm-run[data-ddpm-ready="error"]');
    assert.match((await page.textContent('[data-testid="ddpm-error"]')) ?? '', /could not show this output/);
    // a real run with one field broken: the message names the field (not a TypeError from deep inside a view)
    const { run } = fixtureRun(fixtureCases()[0], 'none');
    const broken = JSON.parse(JSON.stringify(encodeRunResult(run))) as Record<string, unknown>;
    delete broken.warnings;
    await page.evaluate(
      (json) => (window as unknown as { __render(id: string, j: string): void }).__render('bad3', json),
      JSON.stringify(broken)
    );
    await page.waitForSelector('.ddpm-run[data-ddpm-ready="error"]');
    assert.equal(
      await page.textContent('[data-testid="ddpm-error"]'),
      'DDPM Lab could not show this output: warnings: expected a list of strings, got nothing'
    );
    await page.close();
  });

  it("the plots follow the output's width only: once drawn, nothing is laid out or painted again until it changes", async () => {
    const reply = executeRequest({
      op: 'sample',
      inputs: inputsToMessage(exampleInputs(1000, 1000)),
      profile: 'avx2-fma',
      record: { kind: 'all' },
      deferTrajectory: true
    });
    assert.equal(reply.type, 'result');
    const page = await newPage();
    await page.setViewportSize({ width: 1100, height: 1400 }); // tall enough that no scrollbar comes
    await renderInHarness(page, 'width', JSON.stringify((reply as { run: RunResultJson }).run));
    await waitReady(page);
    const image = '[data-testid="ddpm-trajectory-plot"] .imagelayer image';
    // from the moment the view says drawn: a paths image set, added or changed is a repaint
    await page.evaluate(() => {
      const w = window as unknown as { __repaints: number };
      w.__repaints = 0;
      const plot = document.querySelector('[data-testid="ddpm-trajectory-plot"]') as Element;
      new MutationObserver((records) => {
        for (const r of records)
          if (
            r.target.nodeName.toLowerCase() === 'image' ||
            [...r.addedNodes].some(
              (n) => n.nodeName.toLowerCase() === 'image' || !!(n as Element).querySelector?.('image')
            )
          )
            w.__repaints++;
      }).observe(plot, { subtree: true, childList: true, attributes: true });
    });
    const wide = Number(await page.getAttribute(image, 'width'));
    await page.waitForTimeout(600);
    assert.equal(await page.evaluate(() => (window as unknown as { __repaints: number }).__repaints), 0);
    await page.setViewportSize({ width: 800, height: 1400 });
    await page.waitForFunction(
      ([sel, w]) => Number(document.querySelector(sel as string)?.getAttribute('width')) < (w as number),
      [image, wide] as const
    );
    assert.ok(await page.evaluate(() => (window as unknown as { __repaints: number }).__repaints > 0));
    await page.close();
  });

  it("before plotly's chunk has loaded, the plane and the cloud are sketched at once, in plotly's plot area with its ticks; plotly's plots then replace them", async () => {
    const page = await newPage();
    await page.setViewportSize({ width: 1100, height: 1400 });
    // the WebGL contexts the page asks for (a d = 2 run view draws no WebGL trace, so it need not ask: each costs tens
    // of milliseconds with software GL)
    await page.addInitScript(() => {
      const w = window as unknown as { __webglAsked: number };
      w.__webglAsked = 0;
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        if (/webgl/.test(type)) w.__webglAsked++;
        return (getContext as (...a: unknown[]) => RenderingContext | null).call(this, type, ...rest);
      } as typeof getContext;
    });
    await openHarness(page);
    plotlyChunkDelayMs = 3000;
    try {
      await page.evaluate(
        (j) => (window as unknown as { __render(id: string, j: string): void }).__render('sketch', j),
        JSON.stringify(encodeRunResult(runSampler(exampleInputs(1000, 1000))))
      );
      await page.waitForSelector('.ddpm-run[data-ddpm-sketched-at]', { timeout: 2500 });
    } finally {
      plotlyChunkDelayMs = 0;
    }
    assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-ready'), 'false', 'plotly drew before the sketch');
    const sketches = await page.$$eval('canvas.ddpm-sketch', (canvases) =>
      canvases.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const area = JSON.parse(canvas.getAttribute('data-ddpm-area') ?? '{}') as Record<string, number>;
        const scale = canvas.width / canvas.clientWidth;
        // the layout image's pixels inside the plot area: the paths / the cloud (not the light theme's grid colour)
        const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
        const { data } = ctx.getImageData(
          Math.round((area.left + 2) * scale),
          Math.round((area.top + 2) * scale),
          Math.round((area.width - 4) * scale),
          Math.round((area.height - 4) * scale)
        );
        let lit = 0;
        for (let k = 0; k < data.length; k += 4)
          if (data[k + 3] && !(data[k] === 229 && data[k + 1] === 229 && data[k + 2] === 229)) lit++;
        return {
          plot: canvas.parentElement?.getAttribute('data-testid'),
          area,
          ticks: JSON.parse(canvas.getAttribute('data-ddpm-ticks') ?? '{}') as { x: string[]; y: string[] },
          lit
        };
      })
    );
    assert.deepEqual(
      sketches.map((s) => s.plot),
      ['ddpm-trajectory-plot', 'ddpm-trajectory-cloud']
    );
    for (const s of sketches) assert.ok(s.lit > 500, `${s.plot}: the sketch has no image (${s.lit} pixels)`);
    // the cloud's title (drawn over the plot by the view) is shown over its sketch
    assert.deepEqual(
      await page.$eval('[data-testid="ddpm-trajectory-cloud"] .ddpm-plot-title', (e) => ({
        text: e.textContent,
        visibility: getComputedStyle(e).visibility
      })),
      { text: 'x_0', visibility: 'visible' }
    );
    assert.deepEqual(
      await page.$$eval('[data-testid="ddpm-plane-legend"] .ddpm-legend-entry', (es) => es.map((e) => e.textContent)),
      ['paths', 'start x_1000', 'end x_0']
    );
    await waitReady(page);
    const drawn = await page.$$eval('.ddpm-plot', (plots) =>
      plots.map((p) => {
        const size = (p as unknown as { _fullLayout: { _size: Record<string, number> } })._fullLayout._size;
        return {
          plot: p.getAttribute('data-testid'),
          area: { left: size.l, top: size.t, width: size.w, height: size.h },
          ticks: {
            x: Array.from(p.querySelectorAll('.xtick text'), (t) => t.textContent ?? ''),
            y: Array.from(p.querySelectorAll('.ytick text'), (t) => t.textContent ?? '')
          },
          sketching: p.classList.contains('ddpm-sketching') || !!p.querySelector('canvas.ddpm-sketch')
        };
      })
    );
    assert.deepEqual(
      drawn,
      sketches.map(({ plot, area, ticks }) => ({ plot, area, ticks, sketching: false }))
    );
    assert.ok(
      drawn.some((d) => d.area.left > 64),
      `no y tick label here is wider than the theme's margin leaves room for: ${JSON.stringify(drawn.map((d) => d.area))}`
    );
    await assertLaidOutOnce(page);
    assert.equal(
      await page.evaluate(() => (window as unknown as { __webglAsked: number }).__webglAsked),
      0,
      'the d = 2 run view asked for a WebGL context'
    );
    // a run drawn once plotly is loaded is not sketched, and is laid out once too
    await page.evaluate(
      (j) => (window as unknown as { __render(id: string, j: string): void }).__render('loaded', j),
      JSON.stringify(encodeRunResult(runSampler(exampleInputs(1000, 100))))
    );
    await waitReady(page);
    assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-sketched-at'), null);
    await assertLaidOutOnce(page);
    await page.close();
  });

  it('1000 samples x 1000 steps (d = 2) renders, and the step slider moves the cloud', async () => {
    const run = runSampler(exampleInputs(1000, 1000), { record: { kind: 'all' }, maxTrajectoryBytes: 2 ** 30 });
    assert.equal(run.trajectory.steps.length, 1000);
    const page = await newPage();
    await openHarness(page);
    const json = JSON.stringify(encodeRunResult(run));
    // timed from the render call alone (the harness page is already loaded)
    const started = Date.now();
    await page.evaluate(
      (j) => (window as unknown as { __render(id: string, j: string): void }).__render('big', j),
      json
    );
    await waitReady(page);
    const elapsed = Date.now() - started;
    const p = await plotDrawn(page, 'ddpm-trajectory-plot');
    assert.ok(p.svg > 0 && p.traces + p.gl > 0 && p.paths === 1, JSON.stringify(p));
    // every path drawn per pixel: a good share of the plot area is covered
    const { lit } = await pathsImagePixels(page, 'ddpm-trajectory-plot');
    assert.ok(lit > 2000, `the paths image covers ${lit} pixels`);
    const note = await page.textContent('[data-testid="ddpm-panel-trajectories"] .ddpm-notes');
    // the paths image lies over the plane's grid, as plotly draws data (layer 'above', in its top SVG)
    assert.equal(
      await page.locator('[data-testid="ddpm-trajectory-plot"] .layer-above .imagelayer image').count(),
      1,
      'the paths image is not over the grid'
    );
    // plotly places the tick labels without measuring each against the plot's edges (theme.ts ticklabeloverflow)
    const overflow = await page.$$eval(
      '[data-testid="ddpm-trajectory-plot"], [data-testid="ddpm-trajectory-cloud"]',
      (els) =>
        els.flatMap((el) =>
          ['xaxis', 'yaxis'].map(
            (a) =>
              (el as unknown as { _fullLayout: Record<string, { ticklabeloverflow: string }> })._fullLayout[a]
                .ticklabeloverflow
          )
        )
    );
    assert.deepEqual(overflow, ['allow', 'allow', 'allow', 'allow']);
    // the cloud is drawn on a layer on plotly's plot area, over its grid, not as a layout image
    const cloud = await plotDrawn(page, 'ddpm-trajectory-cloud');
    assert.ok(cloud.svg > 0 && cloud.paths === 0 && cloud.layers === 1, JSON.stringify(cloud));
    const atEnd = await layerPixels(page, 'ddpm-trajectory-cloud');
    assert.ok(atEnd.lit > 1000 && atEnd.onArea && atEnd.overGrid && atEnd.underHover, JSON.stringify(atEnd));
    await page.locator('[data-testid="ddpm-step-slider"]').focus();
    const view = '[data-testid="ddpm-panel-trajectories"] .ddpm-view';
    assert.equal(await page.getAttribute(view, 'data-ddpm-state-t'), '0');
    const moves: string[] = [];
    for (const [key, t] of [
      ['Home', '1000'],
      ['ArrowRight', '999'],
      ['End', '0']
    ]) {
      const t0 = Date.now();
      await page.keyboard.press(key);
      await page.waitForSelector(`${view}[data-ddpm-state-t="${t}"]`);
      moves.push(`${key} ${Date.now() - t0} ms`);
    }
    await page.keyboard.press('Home');
    await page.waitForSelector(`${view}[data-ddpm-state-t="1000"]`);
    assert.equal(await page.textContent('.ddpm-slider-label'), 'x_1000 (initial noise)');
    // the cloud's title is drawn over the plot (a move lays nothing out in plotly), not by plotly
    assert.equal(await page.textContent('[data-testid="ddpm-trajectory-cloud"] .ddpm-plot-title text'), 'x_1000');
    assert.equal(await page.locator('[data-testid="ddpm-trajectory-cloud"] .gtitle').count(), 0);
    // the layer shows the samples at the slider's state: x_1000's cloud (the noise, small on x_0's axes) is not x_0's
    const atStart = await layerPixels(page, 'ddpm-trajectory-cloud');
    assert.ok(atStart.lit > 50 && atStart.onArea, JSON.stringify(atStart));
    assert.notEqual(atStart.sum, atEnd.sum, 'the cloud did not change with the slider');
    assert.equal((await plotDrawn(page, 'ddpm-trajectory-cloud')).paths, 0);
    // a saved image holds the layer: the saved PNG has the cloud's colour (pixels inside its discs keep it exactly)
    await page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted.length = 0));
    await page.click(
      '[data-testid="ddpm-panel-trajectories"] figure:has([data-testid="ddpm-trajectory-cloud"]) button:has-text("Save PNG")'
    );
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length >= 1);
    const posted = await page.evaluate(
      () => (window as unknown as { __posted: { type: string; data?: string }[] }).__posted[0]
    );
    const saved = { type: posted.type, ...(await imagePixels(page, posted.data ?? '', atStart.rgb)) };
    assert.equal(saved.type, 'save-image');
    assert.ok(saved.same > 100, `the saved PNG has ${saved.same} pixels of the cloud's colour ${atStart.rgb}`);
    // and a saved SVG holds it as an embedded PNG image
    await page.evaluate(() => ((window as unknown as { __posted: unknown[] }).__posted.length = 0));
    await page.click(
      '[data-testid="ddpm-panel-trajectories"] figure:has([data-testid="ddpm-trajectory-cloud"]) button:has-text("Save SVG")'
    );
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length >= 1);
    const svg = await page.evaluate(
      () => (window as unknown as { __posted: { format?: string; data?: string }[] }).__posted[0]
    );
    assert.equal(svg.format, 'svg');
    assert.match(decodeURIComponent(svg.data ?? ''), /<image[^>]*data:image\/png;base64,/);
    // with the title at the slider's state drawn by plotly, where and as the page draws it over the plot
    const plotlyTitle = /<text class="gtitle"([^>]*)>x_1000<\/text>/.exec(decodeURIComponent(svg.data ?? ''))?.[1];
    assert.ok(plotlyTitle, 'no title x_1000 in the saved SVG');
    const attr = (name: string): string => new RegExp(`[ ;]${name}[=:] ?"?([^";]*)`).exec(plotlyTitle)?.[1] ?? '';
    const pageTitle = await page.$eval('[data-testid="ddpm-trajectory-cloud"] .ddpm-plot-title text', (t) => {
      const text = t as SVGTextElement;
      const box = text.getBBox();
      const style = getComputedStyle(text);
      return {
        x: box.x + box.width / 2,
        y: text.y.baseVal[0].value,
        style: [style.fontSize, style.fill, style.fontFamily]
      };
    });
    assert.equal(attr('dy'), '0em');
    assert.ok(Math.abs(pageTitle.x - Number(attr('x'))) <= 0.5, `x ${pageTitle.x} against plotly's ${attr('x')}`);
    assert.equal(pageTitle.y, Number(attr('y')));
    assert.deepEqual(
      pageTitle.style.map((v) => v.replace(/"/g, "'")),
      [attr('font-size'), attr('fill'), attr('font-family')]
    );
    await page.screenshot({ path: path.join(OUT, 'renderer-1000x1000.png') });
    console.log(
      `      1000 x 1000 (d = 2): ${(json.length / 1e6).toFixed(1)} MB of output JSON, drawn ${elapsed} ms after render; slider: ${moves.join(', ')}; ${note?.trim() || 'nothing decimated'}`
    );
    await page.close();
  });

  after(() => {
    assert.deepEqual(
      consoleErrors.filter((e) => !/WebGL|GPU|webgl/i.test(e)),
      [],
      'errors in the browser console'
    );
  });
  describe("recordings of the user's own loop (RECORDING_MIME, made by the Python helper from real PyTorch)", () => {
    const recordingText = (name: string): string =>
      readFileSync(path.join(ROOT, 'test', 'fixtures', 'recording', `${name}.run.json`), 'utf8');

    it("the paths plot's legend does not lie over its axis title, narrow or wide", async () => {
      for (const width of [420, 900]) {
        const page = await newPage(width);
        await renderInHarness(page, `rec-${width}`, recordingText('step-seed-plus-t'), '', RECORDING_MIME);
        await waitReady(page);
        await assertLegendClearOfXTitle(page, 'ddpm-recording-trajectory', width);
        await page.close();
      }
    });

    it("d = 3: both runs' x[:, 0] against t are one image on the plot, drawn per pixel, without WebGL", async () => {
      // PyTorch's recording of a d = 3 loop (N = 5, T = 10, every 3rd step)
      const page = await newPage(900);
      await renderInHarness(page, 'rec-d3', recordingText('float64-schedule'), '', RECORDING_MIME);
      await waitReady(page);
      const drawn = await plotDrawn(page, 'ddpm-recording-trajectory');
      assert.deepEqual([drawn.gl, drawn.paths], [0, 1], JSON.stringify(drawn));
      // the image lies on the plot area and lights exactly the pixels our rasteriser lights, here, for its axes
      const placed = await page.$eval('[data-testid="ddpm-recording-trajectory"]', (gd) => {
        const img = gd.querySelector('.imagelayer image') as SVGImageElement;
        const full = (
          gd as unknown as {
            _fullLayout: {
              _size: { l: number; t: number; w: number; h: number };
              xaxis: { range: number[] };
              yaxis: { range: number[] };
            };
          }
        )._fullLayout;
        const size = full._size;
        return {
          box: ['x', 'y', 'width', 'height'].map((a) => Number(img.getAttribute(a))),
          area: [size.l, size.t, size.w, size.h],
          ranges: [full.xaxis.range, full.yaxis.range],
          scale: Math.min(2, Math.max(1, window.devicePixelRatio || 1)),
          src: img.getAttribute('href') ?? ''
        };
      });
      placed.box.forEach((v, k) =>
        assert.ok(Math.abs(v - placed.area[k]) < 1, `image at ${placed.box}, plot area at ${placed.area}`)
      );
      const recording = decodeRecording(JSON.parse(recordingText('float64-schedule')));
      const scene = recordingScene(recording, checkRecording(recording));
      const { selection } = recordingTrajectoryFigure(scene, NO_WEBGL, LIGHT_THEME);
      const [xr, yr] = placed.ranges;
      const area: PlotArea = { width: placed.area[2], height: placed.area[3], x: [xr[0], xr[1]], y: [yr[0], yr[1]] };
      const expected = recordingPathsPixels(scene, selection!, area, placed.scale, LIGHT_THEME);
      assert.equal(await litPixelsDiffer(page, placed.src, expected), 0);
      assert.match(
        (await page.textContent('.ddpm-notes')) ?? '',
        /Every recorded state of every path is drawn pixel by pixel/
      );
      await page.close();
    });

    it('correct loop: "matches", both trajectories and the distance plot drawn, text readable', async () => {
      const json = recordingText('correct');
      const verdict = checkRecording(decodeRecording(JSON.parse(json)));
      const page = await newPage(900);
      await renderInHarness(page, 'rec-correct', json, '', RECORDING_MIME);
      await waitReady(page);
      assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-view'), 'recording');
      assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-matches'), 'true');
      assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-first-divergent-step'), '');
      const text = await page.textContent('[data-testid="ddpm-recording-verdict"]');
      assert.equal(text, verdict.headline);
      assert.match(text ?? '', /^matches: every recorded step is bit for bit the reference/);
      assert.equal(await page.$('[data-testid="ddpm-mistake"]'), null);
      for (const id of ['ddpm-recording-trajectory', 'ddpm-recording-distance']) {
        const p = await plotDrawn(page, id);
        assert.ok(p.svg > 0 && p.traces + p.gl > 0, `${id} not drawn: ${JSON.stringify(p)}`);
      }
      // d = 2: both runs' paths are the plot's one image, yours over the reference's: equal paths, so no pixel of
      // the reference's colour shows
      assert.equal((await plotDrawn(page, 'ddpm-recording-trajectory')).paths, 1);
      const hues = await pathsImagePixels(page, 'ddpm-recording-trajectory');
      assert.ok(hues.orange > 50 && hues.blue === 0, JSON.stringify(hues));
      for (const kind of ['vscode-light', 'vscode-dark', 'vscode-high-contrast'] as const) {
        // the editor background VS Code paints behind outputs (the harness's light body is transparent)
        await page.evaluate(
          (k) => (
            (document.body.className = k),
            (document.body.style.background = k === 'vscode-light' ? '#ffffff' : '')
          ),
          kind
        );
        await page.waitForSelector(
          `.ddpm-run[data-ddpm-theme="${kind.slice('vscode-'.length)}"][data-ddpm-ready="true"]`
        );
        await page.click('[data-testid="ddpm-recording-details"] summary');
        const low = await page.locator('.ddpm-run').evaluate(lowContrastText, 4.5);
        assert.deepEqual(low, [], `${kind}: low-contrast text: ${low.join('; ')}`);
        await page.click('[data-testid="ddpm-recording-details"] summary');
      }
      await noHorizontalScroll(page);
      await page.screenshot({ path: path.join(OUT, 'recording-correct.png'), fullPage: true });
      await page.close();
    });

    it('seed + t: the first divergent step t = T - 1, the diagnosis step-seed-plus-t with its wrong and right lines', async () => {
      const json = recordingText('step-seed-plus-t');
      const r = decodeRecording(JSON.parse(json));
      const verdict = checkRecording(r);
      const page = await newPage(900);
      await renderInHarness(page, 'rec-seed', json, '', RECORDING_MIME);
      await waitReady(page);
      assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-matches'), 'false');
      assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-first-divergent-step'), String(r.T - 1));
      const text = await page.textContent('[data-testid="ddpm-recording-verdict"]');
      assert.equal(text, verdict.headline);
      assert.match(text ?? '', new RegExp(`^first differs at step t = ${r.T - 1}, element \\[`));
      const mistakes = await page.$$eval('[data-testid="ddpm-mistake"]', (els) =>
        els.map((e) => ({ id: e.getAttribute('data-mistake-id'), text: e.textContent }))
      );
      assert.deepEqual(
        mistakes.map((m) => m.id),
        ['step-seed-plus-t']
      );
      assert.ok(mistakes[0].text?.includes('Step noise seeded with seed + t'), mistakes[0].text ?? '');
      assert.equal(
        await page.textContent('[data-testid="ddpm-mistake"] .ddpm-code-wrong'),
        'z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + t))'
      );
      assert.equal(
        await page.textContent('[data-testid="ddpm-mistake"] .ddpm-code-right'),
        'z = torch.randn(N, d, generator=torch.Generator().manual_seed(seed + 100 + t))'
      );
      assert.equal(await page.textContent('[data-testid="ddpm-recording-summary"]'), verdict.summary);
      for (const id of ['ddpm-recording-trajectory', 'ddpm-recording-distance']) {
        const p = await plotDrawn(page, id);
        assert.ok(p.svg > 0 && p.traces + p.gl > 0, `${id} not drawn: ${JSON.stringify(p)}`);
      }
      // the paths part from the first step: the reference's show beside yours in the plot's image
      assert.equal((await plotDrawn(page, 'ddpm-recording-trajectory')).paths, 1);
      const hues = await pathsImagePixels(page, 'ddpm-recording-trajectory');
      assert.ok(hues.orange > 50 && hues.blue > 50, JSON.stringify(hues));
      // the image lies over the grid, as plotly draws data, and holds the marks of the first divergence: yours' x,
      // opaque in its colour (no path is drawn in it)
      const trajectory = '[data-testid="ddpm-recording-trajectory"]';
      assert.equal(await page.locator(`${trajectory} .layer-above .imagelayer image`).count(), 1);
      const src = await page.$eval(`${trajectory} .imagelayer image`, (img) => img.getAttribute('href') ?? '');
      const xs = await imagePixels(page, src, parseCssColor(LIGHT_THEME.series[3]) ?? []);
      assert.ok(xs.same >= 20, `${xs.same} pixels of the marks' colour`);
      // the first divergence is marked on the trajectory plot (its two marker traces)
      const names = await page.$eval('[data-testid="ddpm-recording-trajectory"]', (el) =>
        ((el as unknown as { data?: { name?: string }[] }).data ?? []).map((d) => d.name ?? '')
      );
      assert.ok(
        names.some((n) => n.startsWith(`first divergence (after step t = ${r.T - 1})`)),
        names.join(', ')
      );
      // the marks are in the image; pointing at yours of sample 0 still shows its hover (its trace, unseen)
      const scene = recordingScene(r, verdict);
      const mark = scene.yours.mats[scene.firstDivergentIndex].data;
      const at = await screenPoint(page, trajectory, [mark[0], mark[1]]);
      await page.mouse.move(at.x, at.y);
      const label = page.locator(`${trajectory} .hoverlayer .hovertext`);
      await label.first().waitFor({ state: 'visible', timeout: 5000 });
      // (its two lines run together in the label's text)
      assert.equal(
        await label.first().textContent(),
        `yours, sample 0, after step t = ${r.T - 1}(${formatFloat32Shortest(mark[0])}, ${formatFloat32Shortest(mark[1])})`
      );
      await page.mouse.move(1, 1);
      await page.screenshot({ path: path.join(OUT, 'recording-step-seed-plus-t.png'), fullPage: true });
      for (const kind of ['vscode-dark', 'vscode-high-contrast'] as const) {
        await page.evaluate((k) => (document.body.className = k), kind);
        await page.waitForSelector(
          `.ddpm-run[data-ddpm-theme="${kind.slice('vscode-'.length)}"][data-ddpm-ready="true"]`
        );
        await page.screenshot({ path: path.join(OUT, `recording-step-seed-plus-t-${kind}.png`), fullPage: true });
      }
      await page.close();
    });

    for (const [name, cause] of [
      [
        'top-of-loop',
        /^Every recorded state is the reference's x before its step: rec\.step\(t, x\) was called at the top/
      ],
      [
        'float64-x_T',
        /^Every recorded state is, rounded to float32, what Algorithm 2 gives when the whole loop runs in float64: .* so x_T differs too\./
      ],
      [
        'float64-loop',
        /^Every recorded state is, rounded to float32, what Algorithm 2 gives when the whole loop runs in float64: .* their roundings differ from the first step on\./
      ]
    ] as const)
      it(`${name}: the cause is said under the verdict, not only in the verdict as text`, async () => {
        const json = recordingText(name);
        const r = decodeRecording(JSON.parse(json));
        const verdict = checkRecording(r);
        const page = await newPage(900);
        await renderInHarness(page, `rec-${name}`, json, '', RECORDING_MIME);
        await waitReady(page);
        assert.equal(await page.getAttribute('.ddpm-run', 'data-ddpm-matches'), 'false');
        const shown = await page.locator('[data-testid="ddpm-recording-diagnosis"]').innerText();
        assert.match(shown, cause);
        assert.equal(shown, divergenceCause(r, verdict));
        assert.ok(verdict.summary.includes(shown), 'the verdict as text says the same');
        await page.close();
      });

    it('a malformed or future-version recording shows one error line, never a blank output', async () => {
      const correct = JSON.parse(recordingText('correct'));
      const cases: [string, unknown, string][] = [
        [
          'future version',
          { ...correct, schema: 'ddpm-lab.recording/2' },
          'DDPM Lab could not show this output: recording: made by a newer DDPM Lab (schema "ddpm-lab.recording/2"); this version reads "ddpm-lab.recording/1": update the DDPM Lab extension'
        ],
        [
          'bad bytes',
          { ...correct, steps: [{ t: 3, x: { ...correct.steps[0].x, base64: 'not base64!' } }] },
          'DDPM Lab could not show this output: steps[0].x.base64: not valid base64'
        ]
      ];
      const page = await newPage(900);
      for (const [what, payload, message] of cases) {
        await renderInHarness(page, `rec-bad-${what}`, JSON.stringify(payload), '', RECORDING_MIME);
        await page.waitForSelector('.ddpm-run[data-ddpm-ready="error"]', { timeout: 30_000 });
        assert.equal(await page.textContent('[data-testid="ddpm-error"]'), message, what);
      }
      await page.close();
    });
  });
});
