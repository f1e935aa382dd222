// The end-to-end scenario (test/e2e/README.md lists it): what a user does with DDPM Lab in VS Code, each step named.
// Expected numbers come from the CLI (`node dist/cli.js sample`) and from real PyTorch's print of the bundled
// example (test/fixtures/e2e/seed.expected.json, made by scripts/fixtures/e2e.py); none is typed here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strict as assert } from 'node:assert';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { alphaBarFromBetas, linearSchedule } from '../../src/core/sampler/schedules';
import { lowContrastText } from './contrast';
import { jupyterRecordingSteps } from './jupyterRecording';
import { recordingTolistSteps } from '../unit/helpers/recordingPaste';
import {
  LONG,
  SHORT,
  activeTab,
  cellCount,
  cellState,
  cellInfo,
  focusCell,
  notebookEditor,
  outputsOfRow,
  paste,
  pickQuickItem,
  quickOpen,
  readableText,
  runCommand,
  sleep,
  StopWaiting,
  waitCellDone,
  waitFor
} from './workbench';

export interface ScenarioContext {
  page: Page;
  root: string;
  /** the workspace folder code-server opened (copies of media/examples/*) */
  workspace: string;
  /** the packaged build's dist/cli.js */
  cli: string;
  runDir: string;
  /** which extension host runs DDPM Lab in this pass: code-server's Node host, or the browser's web worker host */
  host: 'node' | 'web';
  /** the pass's code-server user-data folder (settings, logs) */
  userDataDir: string;
  screenshot(name: string): Promise<string | undefined>;
}

/** A named step; it is skipped (and says why) when a step it needs did not pass. run.ts runs them. */
export interface Step<C = ScenarioContext> {
  name: string;
  needs?: string[];
  /**
   * Whether the step also runs in the web pass (DDPM Lab in the browser's web worker extension host,
   * README "In the browser"): true = both passes, 'only' = the web pass only; absent = the Node pass only.
   */
  web?: boolean | 'only';
  run(ctx: C): Promise<void>;
}

const NOTEBOOK = 'seed.ddpmnb';
const INPUTS = 'seed.inputs.json';
const RUN = '.ddpm-run';
const exactText = (t: string): RegExp => new RegExp(`^\\s*${t}\\s*$`);
/** a cell that samples the notebook's own inputs: `sample()` or `x = sample()` on a line of its own */
const PLAIN_SAMPLE = /^\s*(?:\w+\s*=\s*)?sample\(\s*\)\s*(?:#.*)?$/m;

interface Expected {
  /** repr(x) as PyTorch prints it */
  printed: string;
  shape: [number, number];
  /** x's float32 values as uint32 bit patterns, row-major */
  bits: number[];
}

// ---- numbers ----------------------------------------------------------------------------------------

/** The numbers of a PyTorch print, in order, as printed. */
function printedTokens(text: string): string[] {
  const inner = text.replace(/^\s*tensor\(/, '').replace(/,\s*dtype=[^)]*\)\s*$/, '');
  return inner.match(/-?(?:\d+\.?\d*(?:e[+-]?\d+)?|nan|inf)/gi) ?? [];
}

function cli(ctx: ScenarioContext, args: string[]): string {
  const r = spawnSync(process.execPath, [ctx.cli, ...args], { encoding: 'utf8', cwd: ctx.workspace });
  if (r.status !== 0)
    throw new Error(`node dist/cli.js ${args.join(' ')} failed (exit ${r.status}): ${(r.stderr ?? '').trim()}`);
  return r.stdout;
}

/** What `node dist/cli.js sample seed.inputs.json` prints, and the exact values from --json. */
function cliSample(ctx: ScenarioContext): { printed: string; tokens: string[]; exact: number[] } {
  const printed = cli(ctx, ['sample', INPUTS]).trim();
  const json = JSON.parse(cli(ctx, ['sample', INPUTS, '--json'])) as { sample: (number | string)[][] };
  const exact = json.sample
    .flat()
    .map((v) =>
      Math.fround(typeof v === 'number' ? v : Number(v.replace(/^-?inf$/, (s) => s.replace('inf', 'Infinity'))))
    );
  return { printed, tokens: printedTokens(printed), exact };
}

function expectedFixture(ctx: ScenarioContext): Expected {
  const file = path.join(ctx.root, 'test', 'fixtures', 'e2e', 'seed.expected.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Expected;
}

/** PyTorch's print with the value at (i, j) changed by +0.5 (same number of decimals). */
function alterPrinted(printed: string, cols: number, i: number, j: number): string {
  let k = -1;
  const target = i * cols + j;
  return printed.replace(/-?\d+\.\d+(?:e[+-]?\d+)?/g, (tok) => {
    if (++k !== target) return tok;
    const decimals = (tok.split('.')[1] ?? '').replace(/e.*/, '').length;
    return (Number(tok) + 0.5).toFixed(decimals);
  });
}

// ---- what the renderer shows ------------------------------------------------------------------------

/**
 * The run view in the outputs of the cell `row` once it says drawn, at or after `since` (Date.now(), as its
 * data-ddpm-drawn-at), else undefined; a view that shows an error stops the wait (its message begins with `what`).
 */
async function drawnRunOfRow(page: Page, row: Locator, since = 0, what = ''): Promise<Locator | undefined> {
  for (const out of await outputsOfRow(page, row)) {
    const r = out.locator(RUN);
    if ((await r.count()) === 0) continue;
    const state = await r.first().getAttribute('data-ddpm-ready');
    if (state === 'error')
      throw new StopWaiting(`${what ? `${what}: ` : ''}the renderer shows an error: ${await readableText(r.first())}`);
    if (state === 'true' && Number(await r.first().getAttribute('data-ddpm-drawn-at')) >= since) return r.first();
  }
  return undefined;
}

/** Waits for the run output(s) over a cell and returns the first, drawn (data-ddpm-ready="true"). */
async function runOutputOfCell(page: Page, row: Locator, what: string): Promise<Locator> {
  return waitFor(
    `${what}: a DDPM Lab run output drawn by the renderer (${RUN}[data-ddpm-ready="true"])`,
    () => drawnRunOfRow(page, row, 0, what),
    LONG
  );
}

/** Shows the run view's tab `view` and waits up to `timeoutMs` for the view to be drawn (an error stops the wait). */
async function showTab(run: Locator, view: string, timeoutMs = SHORT): Promise<void> {
  const tab = run.locator(`[data-testid="ddpm-tab-${view}"]`);
  if ((await tab.count()) === 0) throw new Error(`the run output has no "${view}" tab`);
  // (an output below the notebook's visible part cannot take a pointer click: then the click event alone)
  if ((await run.getAttribute('data-ddpm-view')) !== view)
    await tab.click({ timeout: 5000 }).catch(() => tab.dispatchEvent('click'));
  await waitFor(
    `the "${view}" view to be drawn`,
    async () => {
      if ((await run.getAttribute('data-ddpm-view')) !== view) return undefined;
      const state = await run.getAttribute('data-ddpm-ready');
      if (state === 'error')
        throw new StopWaiting(
          `the "${view}" view shows an error: ${await readableText(run.locator(`[data-testid="ddpm-panel-${view}"]`))}`
        );
      return state === 'true' ? true : undefined;
    },
    timeoutMs
  );
}

/**
 * The trajectory plot is drawn: plotly's svg with at least one trace that has a path, WebGL traces, or (d = 2, the
 * plane) the PNG image of the paths drawn per pixel.
 */
async function checkTrajectoryPlot(run: Locator, samples: number): Promise<void> {
  await showTab(run, 'trajectories');
  const plot = run.locator('[data-testid="ddpm-trajectory-plot"]').first();
  await plot.locator('svg.main-svg').first().waitFor({ timeout: SHORT });
  const drawn = await plot.evaluate((p) => {
    const paths = Array.from(p.querySelectorAll('.scatterlayer .trace path.js-line, .scatterlayer .trace .point'));
    const withData = paths.filter((e) => (e.getAttribute('d') ?? '').length > 2).length;
    const gl = p.querySelectorAll('canvas').length;
    const images = Array.from(p.querySelectorAll('.imagelayer image')).filter((im) =>
      (im.getAttribute('href') ?? '').startsWith('data:image/png;base64,')
    ).length;
    return { traces: p.querySelectorAll('.scatterlayer .trace').length, withData, gl, images };
  });
  assert.ok(
    drawn.withData > 0 || drawn.gl > 0 || drawn.images > 0,
    `the trajectory plot has no drawn trace (${JSON.stringify(drawn)})`
  );
  assert.ok(drawn.traces >= Math.min(samples, 1) || drawn.gl > 0, `the trajectory plot has ${drawn.traces} traces`);
}

/** The table view's numbers equal the CLI's: printed text per cell, exact float32 in each cell's title. */
async function checkTableNumbers(
  run: Locator,
  expected: { tokens: string[]; exact: number[] },
  where: string
): Promise<void> {
  await showTab(run, 'table');
  const cells = run.locator('[data-testid="ddpm-table"] td');
  const shown = await cells.evaluateAll((tds) =>
    tds.map((td) => ({ text: (td.textContent ?? '').trim(), title: td.getAttribute('title') ?? '' }))
  );
  assert.equal(
    shown.length,
    expected.tokens.length,
    `${where}: the table shows ${shown.length} numbers, the CLI prints ${expected.tokens.length}`
  );
  shown.forEach((c, k) => {
    assert.equal(
      c.text,
      expected.tokens[k],
      `${where}: table cell ${k} shows ${c.text}, \`node dist/cli.js sample\` prints ${expected.tokens[k]}`
    );
    const m = /=\s*(\S+)/.exec(c.title);
    assert.ok(m, `${where}: table cell ${k} has no exact value in its hover text ("${c.title}")`);
    const v = Math.fround(Number(m![1].replace('inf', 'Infinity')));
    assert.ok(
      Object.is(v, expected.exact[k]) || (Number.isNaN(v) && Number.isNaN(expected.exact[k])),
      `${where}: table cell ${k} hover says ${m![1]}, \`node dist/cli.js sample --json\` gives ${expected.exact[k]}`
    );
  });
}

/** Plot colors that follow the theme: the paper background and the axis label color. */
async function plotColors(run: Locator): Promise<string> {
  const plot = run.locator('[data-testid="ddpm-trajectory-plot"] svg.main-svg').first();
  await plot.waitFor({ timeout: SHORT });
  return plot.evaluate((svg) => {
    const bg = (svg as SVGElement).style.background || getComputedStyle(svg).backgroundColor;
    const tick = svg.parentElement?.querySelector('.xtick text, .ytick text');
    const fg = tick ? (tick as SVGElement).style.fill || getComputedStyle(tick).fill : '';
    return `background ${bg}, text ${fg}`;
  });
}

// ---- notebook helpers -------------------------------------------------------------------------------

async function findCell(
  page: Page,
  predicate: (text: string) => boolean,
  what: string,
  from: 'first' | 'last' = 'first'
): Promise<{ index: number; row: Locator }> {
  const n = await cellCount(page);
  const order = Array.from({ length: n }, (_, i) => (from === 'first' ? i : n - 1 - i));
  for (const i of order) {
    const row = await focusCell(page, i);
    const info = await cellInfo(row);
    if (info.kind === 'code' && predicate(info.text)) return { index: i, row };
  }
  throw new Error(`the notebook has no cell ${what}`);
}

/** Adds a code cell after the last one, pastes `text` into it, runs it; returns its row and final state. */
async function addAndRunCell(page: Page, text: string): Promise<{ row: Locator; state: string; index: number }> {
  const { row, index } = await addCellAndStart(page, text);
  const state = await waitCellDone(row);
  return { row, state, index };
}

/**
 * Adds a compare cell holding `text`, runs it (it must succeed) and opens its run view's diff tab; `what` names the
 * cell in failures, `shot` the screenshot taken. Returns the cell's row, the run view, the verdict and the summary.
 */
async function runCompareCell(
  ctx: ScenarioContext,
  text: string,
  what: string,
  shot: string
): Promise<{ row: Locator; run: Locator; verdict: Locator; summary: string }> {
  const { row, state } = await addAndRunCell(ctx.page, text);
  assert.equal(state, 'success', 'the compare cell failed');
  const run = await runOutputOfCell(ctx.page, row, what);
  await showTab(run, 'diff');
  const verdict = run.locator('[data-testid="ddpm-diff-verdict"]');
  const summary = await run.locator('[data-testid="ddpm-diff-summary"]').innerText();
  await ctx.screenshot(shot);
  return { row, run, verdict, summary };
}

/** Adds a code cell after the last one, pastes `text` into it and starts it ("Notebook: Execute Cell"). */
async function addCellAndStart(page: Page, text: string): Promise<{ row: Locator; index: number }> {
  // a notebook just (re)opened may still be laying out its cells: take the count once it holds still
  const n = await waitFor('the number of cells to settle', async () => {
    const first = await cellCount(page);
    await sleep(300);
    return first > 0 && (await cellCount(page)) === first ? first : undefined;
  });
  await focusCell(page, n - 1);
  await runCommand(page, 'Notebook: Insert Code Cell Below');
  const row = notebookEditor(page).locator(`.monaco-list-row[data-index="${n}"]`);
  await waitFor('the new cell', async () =>
    (await cellCount(page)) === n + 1 && (await row.count()) > 0 ? true : undefined
  );
  await row.locator('.cell-editor-container .monaco-editor.focused').waitFor({ timeout: SHORT });
  await paste(page, text);
  await waitFor(
    'the pasted text in the new cell',
    async () => ((await cellInfo(row)).text.trim() === text.trim() ? true : undefined),
    SHORT
  ).catch(async () => {
    throw new Error(
      `pasting into the new cell gave ${JSON.stringify((await cellInfo(row)).text)}, not ${JSON.stringify(text)}`
    );
  });
  // (Control+Enter inserts a cell in VS Code for the browser; the palette's command runs the focused cell)
  await runCommand(page, 'Notebook: Execute Cell');
  return { row, index: n };
}

/** Runs all cells ("Notebook: Run All") and waits until every code cell ran. */
async function runAll(page: Page): Promise<void> {
  await runCommand(page, 'Notebook: Run All');
  // A notebook whose kernel is not chosen yet asks for one.
  await sleep(500);
  const picker = page.locator('.quick-input-widget').filter({ visible: true });
  if (await picker.count()) await pickQuickItem(page, 'DDPM Lab');
  const toolbar = notebookEditor(page).locator('.notebook-toolbar-container');
  await waitFor(
    '"Run All" to finish (the toolbar offers "Run All" again, not "Interrupt")',
    async () =>
      (await toolbar.locator('[aria-label^="Interrupt"]').count()) === 0 &&
      (await toolbar.locator('[aria-label^="Run All"]').count()) > 0
        ? true
        : undefined,
    LONG
  );
}

interface CellSnapshot {
  kind: string;
  text: string;
  outputs: string[];
}

async function snapshotNotebook(page: Page): Promise<CellSnapshot[]> {
  const n = await cellCount(page);
  const cells: CellSnapshot[] = [];
  for (let i = 0; i < n; i++) {
    const row = await focusCell(page, i);
    const info = await cellInfo(row);
    let outputs: string[] = [];
    // Outputs are drawn asynchronously (renderer): wait until what is shown is stable.
    let previous = '';
    for (let tries = 0; tries < 20; tries++) {
      const els = await outputsOfRow(page, row);
      const busy = await Promise.all(
        els.map(async (e) => (await e.locator(`${RUN}[data-ddpm-ready="false"]`).count()) > 0)
      );
      outputs = await Promise.all(els.map((e) => readableText(e)));
      const now = JSON.stringify(outputs);
      if (!busy.some(Boolean) && now === previous) break;
      previous = now;
      await sleep(300);
    }
    cells.push({ kind: info.kind, text: info.text, outputs });
  }
  return cells;
}

/** The visible results panel's frame (a webview editor, not the notebook's outputs). */
async function resultsPanelFrame(page: Page, timeoutMs = LONG): Promise<FrameLocator> {
  const frames = page.locator('iframe.webview').filter({ visible: true });
  return waitFor(
    'the results panel (a webview with a DDPM Lab run)',
    async () => {
      const n = await frames.count();
      for (let i = 0; i < n; i++) {
        const f = frames.nth(i);
        if (await f.evaluate((el) => !!el.closest('.notebookOverlay'))) continue;
        const inner = f.contentFrame().locator('iframe#active-frame').contentFrame();
        if ((await inner.locator(RUN).count()) > 0) return inner;
      }
      return undefined;
    },
    timeoutMs
  );
}

const THEME_CLASS = {
  light: 'vs',
  dark: 'vs-dark',
  'high-contrast': 'hc-black',
  'high-contrast-light': 'hc-light'
} as const;
type ThemeKind = keyof typeof THEME_CLASS;

/** "Preferences: Color Theme", pick `label`; waits for the workbench to wear it. */
async function switchTheme(page: Page, label: string, kind: ThemeKind): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await pickQuickItem(page, label, label);
  await waitFor(`the workbench to switch to ${label}`, async () =>
    page
      .locator('.monaco-workbench')
      .evaluate((el, c) => el.classList.contains(c), THEME_CLASS[kind])
      .then((on) => (on ? true : undefined))
  );
}

/** Waits until a run view has redrawn for the theme `kind`. */
async function waitThemed(run: Locator, kind: ThemeKind, where: string): Promise<void> {
  await waitFor(`the ${where} to follow the theme (data-ddpm-theme="${kind}")`, async () =>
    (await run.getAttribute('data-ddpm-theme')) === kind && (await run.getAttribute('data-ddpm-ready')) === 'true'
      ? true
      : undefined
  );
}

// ---- the web pass --------------------------------------------------------------------------------

/** The seed example's inputs as notebook cell text, so a cell does not depend on what ran before it. */
const SEED_CELL =
  'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nseed = 42\nbetas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)\nsample()';

/** "View: Close All Editors", answering "Don't Save" for a changed notebook: the steps after it start from one editor. */
async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  const dontSave = page
    .locator('.monaco-dialog-box .monaco-button')
    .filter({ hasText: /Don't Save/ })
    .first();
  await dontSave.click({ timeout: 3000 }).catch(() => undefined);
  await waitFor('every editor to close', async () =>
    (await page.locator('.tabs-container .tab').count()) === 0 ? true : undefined
  );
}

/** Answers "Run" in the dialog a run larger than ddpmLab.maxElementsWithoutAsking asks first; `what` names the run. */
async function confirmLargeRun(page: Page, what: string): Promise<void> {
  await page
    .locator('.monaco-dialog-box .monaco-button')
    .filter({ hasText: exactText('Run') })
    .first()
    .click({ timeout: SHORT })
    .catch(() => {
      throw new Error(`${what} did not ask first (no "Run" button in a dialog)`);
    });
}

/** The row of the Running Extensions view ("Developer: Show Running Extensions") that shows DDPM Lab, as text. */
async function runningExtensionRow(page: Page): Promise<string> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: 'DDPM Lab' }).first();
  await row.waitFor({ timeout: LONG }).catch(async () => {
    const shown = await page
      .locator('.runtime-extensions-editor .monaco-list-row')
      .allInnerTexts()
      .catch(() => [] as string[]);
    throw new Error(
      `the Running Extensions view does not list DDPM Lab (it lists: ${shown.map((t) => t.split('\n')[0]).join('; ') || 'nothing'})`
    );
  });
  return (await row.innerText()).replace(/\s+/g, ' ').trim();
}

/**
 * For a command that needs Node (e.g. one that starts the local Python): in the web pass it must say
 * plainly that it needs the desktop or a remote extension host. Put it in the step list with the
 * command's palette title once the command is on main.
 */
export function needsNodeHostStep(commandTitle: string): Step {
  return {
    name: `${commandTitle} says it needs the desktop or a remote extension host`,
    web: 'only',
    async run({ page, screenshot }) {
      await runCommand(page, 'View: Focus First Editor Group');
      await runCommand(page, commandTitle);
      const toast = page
        .locator('.notifications-toasts .notification-toast, .monaco-dialog-box')
        .filter({ hasText: /desktop|remote/i })
        .first();
      await toast.waitFor({ timeout: SHORT }).catch(async () => {
        throw new Error(
          `"${commandTitle}" in the web extension host shows no message naming the desktop or remote host (shown: ${
            (
              await page
                .locator('.notifications-toasts')
                .innerText()
                .catch(() => '')
            ).slice(0, 300) || 'nothing'
          })`
        );
      });
      await screenshot('needs-node-host');
    }
  };
}

// ---- the steps ----------------------------------------------------------------------------------------

const S = {
  open: 'open the bundled example notebook',
  runAll: 'run all cells',
  plot: 'the output shows the trajectory plot and the numbers `node dist/cli.js sample` prints',
  match: "paste PyTorch's printed output into a compare cell: the summary says it matches",
  mismatch: 'paste an altered copy: the mismatch is reported at the right index',
  syntax: 'a cell with a syntax error: the error names the line, the next cell still runs',
  palette: '"DDPM: Run Sampler" from the command palette on the inputs JSON: results panel with plots',
  themes: 'dark and high-contrast themes: the plots redraw',
  contrast: 'in every theme the text of the outputs is readable (contrast at least 4.5:1)',
  reopen: 'save, close and reopen the notebook: cells and outputs unchanged',
  timeRunAll: 'timing: Run All of a 1000-step N = 1000 notebook cell to its drawn plot',
  webgl: "a notebook cell's 2500 final samples draw with WebGL, nothing blocked by the content security policy",
  timePalette: 'timing: "DDPM: Run Sampler" on 1000-step N = 1000 inputs to the drawn panel plot',
  timePalette10k:
    'timing: "DDPM: Run Sampler" on 1000-step N = 10000 inputs to the drawn panel plot, and 20 moves of its step slider',
  webHost: 'the extension runs in the web worker extension host (Running Extensions says "web worker")',
  interrupt: 'interrupt a long sample(): the cell stops within seconds, the next cell runs',
  cancelPalette:
    'a long "DDPM: Run Sampler" shows a cancellable progress notification; Cancel stops it and closes the panel it opened',
  clipboard: '"Copy Equivalent PyTorch Script" and "Compare Clipboard with Last Run" (the clipboard commands)',
  newNotebook: '"DDPM: New Sampler Notebook" opens the example as an untitled notebook that runs',
  localTorch:
    '"DDPM: Compare with Local PyTorch" from the palette on the inputs JSON: both runs side by side, four exact parts'
};

/** The bundled example inputs' w_model and seed (the timing steps run them at other sizes). */
function exampleWeights(ctx: ScenarioContext): { w_model: number[][]; seed: string } {
  return JSON.parse(readFileSync(path.join(ctx.root, 'media', 'examples', INPUTS), 'utf8')) as {
    w_model: number[][];
    seed: string;
  };
}

/** The bundled example's w_model and seed with shape (1000, 2) and a 1000-step linear schedule, as cell text. */
function speedCell(ctx: ScenarioContext): string {
  const example = exampleWeights(ctx);
  return `w_model = ${JSON.stringify(example.w_model)}\nshape = [1000, 2]\nseed = ${example.seed}\nbetas = linspace(1e-4, 0.02, 1000)\nalpha_bar = cumprod(1 - betas)\nsample()`;
}

/**
 * Writes a one-cell DDPM notebook into the workspace, opens it, runs it with Run All (picking the DDPM Lab kernel
 * if VS Code asks) and waits until its run view says it is drawn. t0 is when Run All was chosen.
 */
async function runNotebookFile(
  ctx: ScenarioContext,
  file: string,
  source: string,
  what: string,
  opts: { settle?: boolean } = {}
): Promise<{ run: Locator; t0: number; picked: boolean; settledMs?: number }> {
  const { page, workspace } = ctx;
  const notebook = {
    format: 'ddpm-notebook/1',
    cells: [{ kind: 'code', language: 'ddpm', source: source.split(/(?<=\n)/) }]
  };
  writeFileSync(path.join(workspace, file), JSON.stringify(notebook, null, 2) + '\n');
  const opened = Date.now();
  await openWrittenFile(page, workspace, file);
  await waitFor(`the notebook ${file}`, async () => ((await cellCount(page)) > 0 ? true : undefined), LONG);
  let settledMs: number | undefined;
  if (opts.settle) {
    // as a user who reads the notebook first: its output webview's preload has finished its warm-up
    const warm = notebookEditor(page)
      .locator('iframe.webview')
      .first()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame()
      .locator('html[data-ddpm-warm-at]');
    // (a timing, not a check: should the webview be late, the run goes ahead and the line says so)
    const done = await warm.waitFor({ state: 'attached', timeout: 30_000 }).then(
      () => true,
      () => false
    );
    if (done) settledMs = Number(await warm.getAttribute('data-ddpm-warm-at')) - opened;
  }
  const row = await focusCell(page, 0);
  const { run, t0, picked } = await profiled(
    ctx,
    file,
    async () => {
      // from the click choosing the command (runCommand) to the moment the view says it drew (its data-ddpm-drawn-at)
      const t0 = await runCommand(page, 'Notebook: Run All');
      let picked = false;
      const run = await waitFor(
        what,
        async () => {
          const picker = page.locator('.quick-input-widget').filter({ visible: true });
          if (!picked && (await picker.count())) {
            await pickQuickItem(page, 'DDPM Lab');
            picked = true;
          }
          return drawnRunOfRow(page, row);
        },
        LONG
      );
      return { run, t0, picked };
    },
    // Run All on the profile's clock (to within the time Profiler.stop takes to begin), for tools reading it
    (r, profile, stoppedAt) => ({ ddpmRunAllUs: profile.endTime - (stoppedAt - r.t0) * 1000 })
  );
  return { run, t0, picked, settledMs };
}

/**
 * DDPM_E2E_PROFILE=1: runs work() under a CPU profile of the window's thread (the workbench and every webview in
 * it) and writes the profile, with the fields extra() adds, to `<host>-<name>.cpuprofile` in the run's folder; the
 * CDP session is detached whatever happens. Without it, just runs work().
 */
async function profiled<T>(
  ctx: ScenarioContext,
  name: string,
  work: () => Promise<T>,
  extra?: (result: T, profile: { endTime: number }, stoppedAt: number) => Record<string, unknown>
): Promise<T> {
  if (process.env.DDPM_E2E_PROFILE !== '1') return work();
  const session = await ctx.page.context().newCDPSession(ctx.page);
  try {
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 250 });
    await session.send('Profiler.start');
    const result = await work();
    const stoppedAt = Date.now();
    const { profile } = await session.send('Profiler.stop');
    writeFileSync(
      path.join(ctx.runDir, `${ctx.host}-${name}.cpuprofile`),
      JSON.stringify({ ...profile, ...extra?.(result, profile, stoppedAt) })
    );
    return result;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/**
 * Opens a file this scenario wrote into the workspace: quick open's file list may not have it yet, so through
 * "File: Open File..." (code-server's simple dialog takes a path) when quick open does not find it.
 */
async function openWrittenFile(page: Page, workspace: string, file: string): Promise<void> {
  try {
    await quickOpen(page, file);
  } catch {
    await runCommand(page, 'File: Open File...');
    const box = page.locator('.quick-input-widget input').filter({ visible: true }).first();
    await box.waitFor({ timeout: SHORT });
    await box.fill(path.join(workspace, file));
    await sleep(300);
    await page.keyboard.press('Enter');
    await activeTab(page, file).waitFor({ timeout: LONG });
  }
}

/**
 * How long the palette timing waits between opening the inputs file and running the command:
 * DDPM_E2E_PALETTE_SETTLE_MS (0: at once), else 3000.
 */
function paletteSettleMs(): number {
  const raw = process.env.DDPM_E2E_PALETTE_SETTLE_MS;
  const ms = raw === undefined || raw === '' ? 3000 : Number(raw);
  if (!Number.isFinite(ms) || ms < 0)
    throw new Error(`DDPM_E2E_PALETTE_SETTLE_MS: expected a number of milliseconds, got "${raw}"`);
  return ms;
}

/**
 * Writes 1000-step inputs of n samples, d = 2 (the bundled example's w_model and seed, the core's float32 linear
 * schedule torch.linspace(1e-4, 0.02, 1000), each value written exactly) into the workspace as `file`, and opens it.
 */
async function openSampleInputs(ctx: ScenarioContext, file: string, n: number): Promise<void> {
  const { page, workspace } = ctx;
  const example = exampleWeights(ctx);
  const betas = linearSchedule(1000);
  const inputs = {
    w_model: example.w_model,
    shape: [n, 2],
    betas: Array.from(betas),
    alpha_bar: Array.from(alphaBarFromBetas(betas)),
    seed: example.seed
  };
  writeFileSync(path.join(workspace, file), JSON.stringify(inputs) + '\n');
  await openWrittenFile(page, workspace, file);
  await page.locator('.monaco-editor .view-lines').filter({ visible: true }).first().waitFor({ timeout: SHORT });
}

/**
 * Writes and opens 1000-step inputs of n samples (openSampleInputs), waits paletteSettleMs(), runs "DDPM: Run
 * Sampler" and waits until the results panel has drawn that run. t0 is when the click choosing the command reached
 * the workbench (runCommand), drawnAt the view's data-ddpm-drawn-at (the same clock).
 */
async function paletteRun(
  ctx: ScenarioContext,
  file: string,
  n: number
): Promise<{ t0: number; drawnAt: number; frame: FrameLocator; settleMs: number }> {
  const { page } = ctx;
  await openSampleInputs(ctx, file, n);
  // as a user who looks at the inputs before running them: opening a .json file starts VS Code's JSON support
  // (four extensions and a language server), which held the command up by about 0.5 s when run at once
  const settleMs = paletteSettleMs();
  await sleep(settleMs);
  const headline = `N = ${n}, d = 2, T = 1000`;
  // DDPM_E2E_PROFILE=1: the window's thread (the workbench and the panel's page) from the command to the drawn plot
  const { t0, drawnAt, frame } = await profiled(
    ctx,
    `palette-${n}`,
    async () => {
      const t0 = await runCommand(page, 'DDPM: Run Sampler');
      const frame = await resultsPanelFrame(page);
      const drawnAt = await waitFor(
        `the results panel to draw the run of ${headline}`,
        async () => {
          const r = frame.locator(RUN).first();
          if (
            !(
              await r
                .locator('[data-testid="ddpm-headline"]')
                .innerText()
                .catch(() => '')
            ).includes(headline)
          )
            return undefined;
          const state = await r.getAttribute('data-ddpm-ready');
          if (state === 'error') throw new StopWaiting(`the results panel shows an error: ${await readableText(r)}`);
          return state === 'true' ? Number(await r.getAttribute('data-ddpm-drawn-at')) : undefined;
        },
        LONG
      );
      return { t0, drawnAt, frame };
    },
    // the command on the profile's clock, as for Run All
    (r, profile, stoppedAt) => ({ ddpmCommandUs: profile.endTime - (stoppedAt - r.t0) * 1000 })
  );
  return { t0, drawnAt, frame, settleMs };
}

/** One timing line in the e2e log (README "Performance" quotes them). */
function logTiming(what: string, ms: number, extra = ''): void {
  console.log(`      timing: ${what}: ${(ms / 1000).toFixed(2)} s${extra}`);
}

/**
 * The Python the local-PyTorch step relies on: python3 on code-server's PATH (this process's) when it imports torch;
 * else Debian's /usr/bin/python3, given to the extension through the workspace setting ddpmLab.pythonPath (a PATH
 * whose python3 lacks torch, e.g. a pyenv shim, would make the command report "no torch", which is right but not
 * this step's subject). Null when neither has torch.
 */
function e2ePython(): { setting?: string; python: string } | null {
  const torchOk = (py: string) => spawnSync(py, ['-c', 'import torch'], { timeout: 120_000 }).status === 0;
  const onPath = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();
  if (onPath && torchOk(onPath)) return { python: onPath };
  return torchOk('/usr/bin/python3') ? { setting: '/usr/bin/python3', python: '/usr/bin/python3' } : null;
}

export const scenario: Step[] = [
  {
    name: S.open,
    web: true,
    async run({ page, workspace, screenshot }) {
      if (!existsSync(path.join(workspace, NOTEBOOK)))
        throw new Error(`the bundled example notebook media/examples/${NOTEBOOK} is missing`);
      await quickOpen(page, NOTEBOOK);
      await waitFor(
        'the notebook editor with its cells',
        async () => ((await cellCount(page)) > 0 ? true : undefined),
        LONG
      );
      const codeRows = notebookEditor(page).locator('.monaco-list-row.code-cell-row');
      await codeRows.first().waitFor({ timeout: SHORT });
      await screenshot('notebook-opened');
    }
  },
  {
    name: S.webHost,
    web: 'only',
    needs: [S.open],
    async run({ page, screenshot }) {
      // opening the notebook activated the extension (onNotebook:ddpm-notebook)
      const text = await runningExtensionRow(page);
      await screenshot('running-extensions');
      assert.match(
        text,
        /web worker/i,
        `the Running Extensions view does not say DDPM Lab runs in the web worker: ${text}`
      );
      await runCommand(page, 'View: Close Editor');
      await quickOpen(page, NOTEBOOK);
    }
  },
  {
    name: S.runAll,
    web: true,
    needs: [S.open],
    async run({ page, screenshot }) {
      await runAll(page);
      const kernel = notebookEditor(page).locator('.notebook-toolbar-container').getByText('DDPM Lab', { exact: true });
      await kernel
        .first()
        .waitFor({ timeout: SHORT })
        .catch(() => {
          throw new Error('the notebook toolbar does not show the "DDPM Lab" kernel as selected');
        });
      const n = await cellCount(page);
      const failed: string[] = [];
      for (let i = 0; i < n; i++) {
        const row = await focusCell(page, i);
        if ((await cellInfo(row)).kind !== 'code') continue;
        const state = await waitCellDone(row);
        if (state !== 'success') {
          const outs = await Promise.all((await outputsOfRow(page, row)).map((o) => readableText(o)));
          failed.push(`cell ${i + 1}: ${state}${outs.length ? ` (${outs.join(' | ').slice(0, 200)})` : ''}`);
        }
      }
      await screenshot('run-all');
      assert.deepEqual(failed, [], `cells of the example did not run cleanly: ${failed.join('; ')}`);
    }
  },
  {
    name: S.plot,
    web: true,
    needs: [S.runAll],
    async run(ctx) {
      const { page } = ctx;
      const want = cliSample(ctx);
      const torch = Array.from(new Float32Array(new Uint32Array(expectedFixture(ctx).bits).buffer));
      assert.deepEqual(
        want.exact,
        torch,
        '`node dist/cli.js sample --json` is not bit for bit what PyTorch computed (test/fixtures/e2e/seed.expected.json)'
      );
      const { row } = await findCell(page, (t) => PLAIN_SAMPLE.test(t), 'that calls sample()');
      const run = await runOutputOfCell(page, row, 'the sample() cell');
      await checkTrajectoryPlot(run, want.exact.length);
      await ctx.screenshot('trajectory-plot');
      await checkTableNumbers(run, want, 'notebook output');
      await ctx.screenshot('sample-table');
      await showTab(run, 'trajectories');
    }
  },
  {
    name: S.match,
    web: true,
    needs: [S.runAll],
    async run(ctx) {
      const expected = expectedFixture(ctx);
      const { verdict, summary } = await runCompareCell(
        ctx,
        `expected = ${expected.printed}\ncompare(expected)`,
        'the compare cell',
        'compare-matches'
      );
      assert.equal(
        await verdict.getAttribute('data-matches'),
        'true',
        `the diff says it does not match: ${await verdict.innerText()}\n${summary}`
      );
      assert.match(await verdict.innerText(), /Matches/, 'the verdict does not say it matches');
      assert.match(
        summary,
        new RegExp(`Mismatched elements: 0 / ${expected.shape[0] * expected.shape[1]}|close`),
        `the summary does not say so: ${summary}`
      );
    }
  },
  {
    name: S.mismatch,
    web: true,
    needs: [S.runAll],
    async run(ctx) {
      const expected = expectedFixture(ctx);
      const [rows, cols] = expected.shape;
      const [i, j] = [rows - 2, cols - 1];
      const altered = alterPrinted(expected.printed, cols, i, j);
      assert.notEqual(altered, expected.printed);
      const { run, verdict, summary } = await runCompareCell(
        ctx,
        `expected = ${altered}\ncompare(expected)`,
        'the compare cell with the altered copy',
        'compare-mismatch'
      );
      assert.equal(
        await verdict.getAttribute('data-matches'),
        'false',
        `the diff says the altered copy matches: ${summary}`
      );
      assert.match(
        summary,
        new RegExp(`Mismatched elements: 1 / ${rows * cols}\\b`),
        `the summary does not count 1 mismatch of ${rows * cols}: ${summary}`
      );
      assert.match(
        summary,
        new RegExp(`Greatest absolute difference: .* at index \\(${i}, ${j}\\)`),
        `the summary does not point at index (${i}, ${j}): ${summary}`
      );
      const marked = await run
        .locator('[data-testid="ddpm-diff-ours"] td.ddpm-mismatch')
        .evaluateAll((tds) => tds.map((td) => `(${td.getAttribute('data-row')}, ${td.getAttribute('data-col')})`));
      assert.deepEqual(
        marked,
        [`(${i}, ${j})`],
        'the side-by-side table does not highlight exactly the altered element'
      );
    }
  },
  {
    name: S.syntax,
    needs: [S.runAll],
    async run(ctx) {
      const { page } = ctx;
      // line 2 lacks a comma between two numbers
      const bad = await addAndRunCell(page, 'seed = 7\nw_model = [[0.12, -0.30], [0.05 0.41], [-0.20, 0.07]]');
      assert.equal(bad.state, 'error', 'the cell with a syntax error did not fail');
      const errText = await waitFor('the error output', async () => {
        const outs = await outputsOfRow(page, bad.row);
        const texts = await Promise.all(outs.map((o) => readableText(o)));
        return texts.find((t) => t.length > 0);
      });
      assert.match(errText, /\bline 2\b/i, `the error does not name line 2: ${errText}`);
      assert.doesNotMatch(errText, /\n\s+at |\bat \S+ \(.*:\d+:\d+\)/, `the error shows a stack trace: ${errText}`);
      const next = await addAndRunCell(page, 'sample()');
      assert.equal(next.state, 'success', 'the cell after the failing one did not run');
      await runOutputOfCell(page, next.row, 'the cell after the error');
      await focusCell(page, bad.index);
      await ctx.screenshot('syntax-error');
    }
  },
  {
    name: S.palette,
    web: true,
    needs: [],
    async run(ctx) {
      const { page, workspace } = ctx;
      if (!existsSync(path.join(workspace, INPUTS)))
        throw new Error(`the bundled example media/examples/${INPUTS} is missing`);
      await quickOpen(page, INPUTS);
      await page.locator('.monaco-editor .view-lines').filter({ visible: true }).first().waitFor({ timeout: SHORT });
      await runCommand(page, 'DDPM: Run Sampler');
      const frame = await resultsPanelFrame(page);
      const run = await waitFor(
        'the results panel to draw the run (data-ddpm-ready="true")',
        async () => {
          const r = frame.locator(RUN).first();
          const state = await r.getAttribute('data-ddpm-ready');
          if (state === 'error') throw new StopWaiting(`the results panel shows an error: ${await readableText(r)}`);
          return state === 'true' ? r : undefined;
        },
        LONG
      );
      const want = cliSample(ctx);
      await checkTrajectoryPlot(run, want.exact.length);
      await ctx.screenshot('results-panel');
      await checkTableNumbers(run, want, 'results panel');
      await showTab(run, 'trajectories');
    }
  },
  {
    name: S.themes,
    needs: [S.runAll],
    async run(ctx) {
      const { page } = ctx;
      // the notebook in the first editor group, the results panel (if open) beside it
      await runCommand(page, 'View: Focus First Editor Group');
      await quickOpen(page, NOTEBOOK);
      const { row } = await findCell(page, (t) => PLAIN_SAMPLE.test(t), 'that calls sample()', 'last');
      let run = await runOutputOfCell(page, row, 'the sample() cell');
      await showTab(run, 'trajectories');
      const panel = await resultsPanelFrame(page, 2000).catch(() => undefined);
      const panelRun = panel?.locator(RUN).first();
      if (panelRun) await showTab(panelRun, 'trajectories');
      const seen = new Map<string, string>([['light', await plotColors(run)]]);
      const seenPanel = new Map<string, string>(panelRun ? [['light', await plotColors(panelRun)]] : []);
      for (const [label, kind] of [
        ['Dark Modern', 'dark'],
        ['Dark High Contrast', 'high-contrast']
      ] as const) {
        await switchTheme(page, label, kind);
        await focusCell(page, Number(await row.getAttribute('data-index')));
        run = await runOutputOfCell(page, row, 'the sample() cell');
        for (const [where, r, colorsSeen] of [
          ['notebook output', run, seen],
          ['results panel', panelRun, seenPanel]
        ] as const) {
          if (!r) continue;
          await waitThemed(r, kind, where);
          const colors = await plotColors(r);
          for (const [before, c] of colorsSeen)
            assert.notEqual(
              colors,
              c,
              `the ${where}'s plot colors under ${label} are those of the ${before} theme (${colors})`
            );
          colorsSeen.set(kind, colors);
        }
        await ctx.screenshot(`theme-${kind}`);
      }
    }
  },
  {
    name: S.contrast,
    needs: [S.runAll],
    async run(ctx) {
      const { page } = ctx;
      await runCommand(page, 'View: Focus First Editor Group');
      await quickOpen(page, NOTEBOOK);
      const { row, index } = await findCell(page, (t) => PLAIN_SAMPLE.test(t), 'that calls sample()', 'last');
      const problems: string[] = [];
      const themes: [string, ThemeKind][] = [
        ['Dark High Contrast', 'high-contrast'],
        ['Light High Contrast', 'high-contrast-light'],
        ['Dark Modern', 'dark'],
        ['Light Modern', 'light']
      ];
      for (const [label, kind] of themes) {
        await switchTheme(page, label, kind);
        await focusCell(page, index);
        const run = await runOutputOfCell(page, row, 'the sample() cell');
        const panelRun = (await resultsPanelFrame(page, 2000).catch(() => undefined))?.locator(RUN).first();
        for (const [where, r] of [
          ['notebook output', run],
          ['results panel', panelRun]
        ] as const) {
          if (!r) continue;
          await waitThemed(r, kind, where);
          const bad = await r.evaluate(lowContrastText, 4.5);
          if (bad.length) problems.push(`${label}, ${where}: ${bad.join('; ')}`);
        }
      }
      await ctx.screenshot('theme-light-again');
      assert.deepEqual(problems, [], `text that is hard to read: ${problems.join(' | ')}`);
    }
  },
  // Self-contained: a step-by-step paste of a mistaken loop (the helper's recording of PyTorch running the loop
  // with `seed + t` step seeds on the example's inputs, test/fixtures/recording/expected.json, made by
  // scripts/fixtures/recording.py) as x.tolist() after each step: the notebook's compare() names the mistake and the
  // first divergent step; then the diff tab is readable in every theme.
  {
    name: 'a step-by-step paste of a mistaken loop: compare() shows the diagnosis and the first divergent step; the diff tab is readable in every theme',
    needs: [S.runAll],
    async run(ctx) {
      const { page } = ctx;
      // written into the cell's string literal: its line breaks as \\n
      const wrong = recordingTolistSteps(ctx.root, 'step-seed-plus-t');
      const text = wrong.map((s) => `t = ${s.t}\\n${s.list}`).join('\\n');
      await runCommand(page, 'View: Focus First Editor Group');
      await quickOpen(page, NOTEBOOK);
      // the run is assigned, so the cell's one run output is the comparison's (a bare sample() would show first)
      const { row, run, verdict, summary } = await runCompareCell(
        ctx,
        `r = sample()\ncompare("${text}")`,
        'the step-by-step compare cell',
        'compare-step-by-step'
      );
      assert.equal(
        await verdict.getAttribute('data-matches'),
        'false',
        `the step-by-step paste of a mistaken loop matches: ${summary}`
      );
      const first = run.locator('[data-testid="ddpm-diff-first-divergence"]');
      assert.equal(
        await first.getAttribute('data-step'),
        String(wrong[0].t),
        `first divergence: ${await first.innerText()}`
      );
      const diagnosis = run.locator('[data-testid="ddpm-diff-diagnosis"]');
      assert.equal(
        await diagnosis.getAttribute('data-ids'),
        'step-seed-plus-t',
        `diagnosis: ${await diagnosis.innerText()}`
      );
      assert.match(summary, /First divergence: x after step t = 3 /);
      assert.match(
        summary,
        /Diagnosis: your output is exactly what Algorithm 2 gives with this mistake from step t = 3 on: .*\(step-seed-plus-t\)/
      );
      await waitFor('the step-by-step plot', async () =>
        (await run.locator('[data-testid="ddpm-diff-steps"] .main-svg').count()) > 0 ? true : undefined
      );

      const problems: string[] = [];
      const themes: [string, ThemeKind][] = [
        ['Dark High Contrast', 'high-contrast'],
        ['Light High Contrast', 'high-contrast-light'],
        ['Dark Modern', 'dark'],
        ['Light Modern', 'light']
      ];
      for (const [label, kind] of themes) {
        await switchTheme(page, label, kind);
        const r = await runOutputOfCell(page, row, 'the step-by-step compare cell');
        await waitThemed(r, kind, 'diff tab');
        const bad = await r.evaluate(lowContrastText, 4.5);
        if (bad.length) problems.push(`${label}, diff tab: ${bad.join('; ')}`);
      }
      // the matching compare of the example (its verdict is the "✓ Matches" line) in Light Modern
      const expected = expectedFixture(ctx);
      const ok = await addAndRunCell(page, `compare(${expected.printed.replace(/\n\s*/g, ' ')})`);
      const okRun = await runOutputOfCell(page, ok.row, 'the matching compare cell');
      await showTab(okRun, 'diff');
      const okBad = await okRun.evaluate(lowContrastText, 4.5);
      if (okBad.length) problems.push(`Light Modern, matching diff tab: ${okBad.join('; ')}`);
      assert.deepEqual(problems, [], `text that is hard to read in the diff tab: ${problems.join(' | ')}`);
    }
  },
  {
    name: S.reopen,
    web: true,
    needs: [S.runAll],
    async run(ctx) {
      const { page, workspace } = ctx;
      await quickOpen(page, NOTEBOOK);
      await runCommand(page, 'File: Save');
      await waitFor('the notebook to be saved (its tab not dirty)', async () =>
        (await activeTab(page, NOTEBOOK).getAttribute('class'))?.includes('dirty') ? undefined : true
      );
      const before = await snapshotNotebook(page);
      const saved = readFileSync(path.join(workspace, NOTEBOOK), 'utf8');
      await runCommand(page, 'View: Close Editor');
      await waitFor('the notebook to close', async () =>
        (await activeTab(page, NOTEBOOK).count()) === 0 ? true : undefined
      );
      await quickOpen(page, NOTEBOOK);
      await waitFor('the reopened notebook', async () => ((await cellCount(page)) > 0 ? true : undefined), LONG);
      const after = await snapshotNotebook(page);
      await ctx.screenshot('reopened');
      assert.equal(
        after.length,
        before.length,
        `the reopened notebook has ${after.length} cells, ${before.length} were saved`
      );
      after.forEach((c, i) => {
        assert.equal(c.kind, before[i].kind, `cell ${i + 1} changed kind`);
        assert.equal(c.text, before[i].text, `cell ${i + 1}'s text changed`);
        assert.deepEqual(
          c.outputs,
          before[i].outputs,
          `cell ${i + 1}'s outputs changed: saved ${JSON.stringify(before[i].outputs)}, reopened ${JSON.stringify(c.outputs)}`
        );
      });
      assert.ok(
        before.some((c) => c.outputs.length > 0),
        'no cell had an output to keep'
      );
      assert.equal(readFileSync(path.join(workspace, NOTEBOOK), 'utf8'), saved, 'reopening changed the file');
    }
  },
  {
    name: S.timeRunAll,
    web: true,
    needs: [S.open],
    async run(ctx) {
      const { run, t0, picked } = await runNotebookFile(
        ctx,
        'timing-run.ddpmnb',
        speedCell(ctx),
        "the 1000-step cell's drawn plot"
      );
      const ms = Number(await run.getAttribute('data-ddpm-drawn-at')) - t0;
      const note = await run.locator('.ddpm-notes').first().innerText();
      await ctx.screenshot('timing-run-all');
      // the preload's warm-up (renderer/warmUp.ts): drawn or skipped, and when, against Run All
      // and when the output reached the renderer (its first renderOutputItem: the User Timing mark ddpm:output)
      const [warm, warmAt, entryAt, sketchedAt] = await run.evaluate((el) => {
        const html = el.ownerDocument.documentElement;
        const entry = performance.getEntriesByName('ddpm:output', 'mark')[0];
        return [
          html.getAttribute('data-ddpm-plotly-warm'),
          Number(html.getAttribute('data-ddpm-warm-at')),
          entry ? performance.timeOrigin + entry.startTime : NaN,
          Number(el.getAttribute('data-ddpm-sketched-at') ?? NaN)
        ] as const;
      });
      const after = (ms: number): string => `${((ms - t0) / 1000).toFixed(2)} s after Run All`;
      // plotly's chunk still loading when the output came: the plots were sketched first (renderer/views/sketch.ts)
      const sketchNote = Number.isFinite(sketchedAt) ? `, sketched ${after(sketchedAt)}` : '';
      const warmNote = `${warm ? `preload warm-up ${warm === 'true' ? 'done' : warm} ${after(warmAt)}` : 'preload warm-up not finished'}, the output reached the renderer ${after(entryAt)}${sketchNote}`;
      logTiming(
        'Run All -> drawn plot, N = 1000, d = 2, T = 1000',
        ms,
        `${picked ? ' (kernel picked on the way)' : ''}; ${warmNote}; ${note.split('\n')[0]}`
      );
      assert.match(note, /^Recorded: all 1001 states/, 'the view does not have every step');
      // Run All again, the notebook open and its output webview settled: what every later run of the cell waits
      const row = await focusCell(ctx.page, 0);
      const t1 = await runCommand(ctx.page, 'Notebook: Run All');
      const again = await waitFor("the second run's drawn plot", () => drawnRunOfRow(ctx.page, row, t1), LONG);
      logTiming(
        'Run All again -> drawn plot, the same notebook open',
        Number(await again.getAttribute('data-ddpm-drawn-at')) - t1
      );
      // another new notebook, run once it has settled (its preload done), as when a user reads it before running it
      const settled = await runNotebookFile(
        ctx,
        'timing-settled.ddpmnb',
        speedCell(ctx),
        "the settled notebook's drawn plot",
        { settle: true }
      );
      logTiming(
        'Run All -> drawn plot, a new notebook once its preload finished',
        Number(await settled.run.getAttribute('data-ddpm-drawn-at')) - settled.t0,
        settled.settledMs === undefined
          ? '; the preload had not finished 30 s after the notebook was opened'
          : `; the preload finished ${(settled.settledMs / 1000).toFixed(2)} s after the notebook was opened`
      );
    }
  },
  {
    name: S.webgl,
    web: true,
    needs: [S.open],
    async run(ctx) {
      // 2500 samples: the final samples' scatter plot is plotly's scattergl (over 2000 points), drawn inside VS Code's
      // own notebook webview and its content security policy (no 'unsafe-eval'); the paths are drawn per pixel
      const blocked: string[] = [];
      const onConsole = (m: { text(): string }): void => {
        if (/Content Security Policy|unsafe-eval/i.test(m.text())) blocked.push(m.text());
      };
      ctx.page.on('console', onConsole);
      try {
        const cell = `w_model = [[0.5, -0.2], [0.05, 0.41], [0.1, 0.2]]
shape = [2500, 2]
seed = 7
betas = linspace(1e-4, 0.02, 100)
alpha_bar = cumprod(1 - betas)
sample()`;
        const { run } = await runNotebookFile(ctx, 'webgl-run.ddpmnb', cell, "the 2500-sample cell's drawn plots");
        const paths = await run.locator('[data-testid="ddpm-trajectory-plot"] .imagelayer image').count();
        assert.equal(paths, 1, 'the paths plot has no paths image');
        await showTab(run, 'samples', LONG);
        const gl = await run.locator('[data-testid="ddpm-samples-scatter"] canvas.gl-canvas-context').count();
        await ctx.screenshot('webgl-samples');
        assert.ok(gl > 0, 'the final samples plot has no WebGL canvas');
        assert.deepEqual(blocked, [], 'the content security policy blocked something');
      } finally {
        ctx.page.off('console', onConsole);
      }
    }
  },
  {
    name: S.timePalette,
    web: true,
    needs: [],
    async run(ctx) {
      // whether a progress notification showed during the run (src/extension/delayedProgress.ts: only once a run
      // has gone on for half a second, which this one does not, here): the toasts are looked at every 50 ms (VS Code
      // keeps a progress toast 800 ms at least), a light poll rather than watching the workbench's every change
      await ctx.page.evaluate(() => {
        const seen: string[] = [];
        const timer = window.setInterval(() => {
          for (const t of document.querySelectorAll('.notifications-toasts .notification-toast')) {
            const text = t.textContent ?? '';
            if (/DDPM: sampling/.test(text) && !seen.includes(text)) seen.push(text);
          }
        }, 50);
        (window as unknown as { ddpmToasts?: { seen: string[]; timer: number } }).ddpmToasts = { seen, timer };
      });
      const { t0, drawnAt, frame, settleMs } = await paletteRun(ctx, 'timing-run.inputs.json', 1000);
      const toasts = await ctx.page.evaluate(() => {
        const w = window as unknown as { ddpmToasts: { seen: string[]; timer: number } };
        window.clearInterval(w.ddpmToasts.timer);
        return w.ddpmToasts.seen;
      });
      // where the wait went inside the panel's page: when its page started, when plotly's modules arrived (by
      // message: src/extension/panel.ts, renderer/chunkImportsByUrl.ts), when the warm-up ended (renderer/warmUp.ts),
      // against the command
      const marks = await frame
        .locator(RUN)
        .first()
        .evaluate(() => {
          const html = document.documentElement;
          const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
          const script = document.querySelector('script[type="module"]');
          return {
            // plotly's chunks fetched through the webview's resource loading (none when they came by message)
            fetched: resources
              .filter((e) => /\/renderer\/chunks\//.test(e.name))
              .map((e) => e.name.replace(/^.*\//, '')),
            from: html.getAttribute('data-ddpm-plotly-from'),
            // the page's script is held in its HTML (src/extension/panelHtml.ts), not fetched
            scriptFetched: resources.filter((e) => /\/renderer\/panel\.js$/.test(e.name)).length,
            scriptInline: !!script && !script.hasAttribute('src') && (script.textContent ?? '').length > 0,
            page: performance.timeOrigin,
            modules: Number(html.getAttribute('data-ddpm-modules-at') ?? NaN),
            warm: Number(html.getAttribute('data-ddpm-warm-at') ?? NaN),
            warmState: html.getAttribute('data-ddpm-plotly-warm'),
            sketched: Number(document.querySelector('.ddpm-run')?.getAttribute('data-ddpm-sketched-at') ?? NaN),
            received: Number(html.getAttribute('data-ddpm-run-received-at') ?? NaN)
          };
        });
      const at = (ms: number): string => `${((ms - t0) / 1000).toFixed(2)} s`;
      logTiming(
        '"DDPM: Run Sampler" -> drawn panel plot, N = 1000, d = 2, T = 1000',
        drawnAt - t0,
        `; the inputs file opened ${(settleMs / 1000).toFixed(1)} s before; the panel's page started at ${at(marks.page)}, the run reached it at ${at(marks.received)}, ${Number.isFinite(marks.sketched) ? `the plots sketched at ${at(marks.sketched)} (plotly loading), ` : ''}plotly's modules in at ${at(marks.modules)} (by ${marks.from ?? 'nothing'}), warm-up ${marks.warmState ?? 'not finished'} at ${at(marks.warm)}; progress notification: ${toasts.length ? 'shown' : 'none'}`
      );
      await ctx.screenshot('timing-palette');
      assert.equal(marks.from, 'message', "plotly's modules did not come to the panel's page by message");
      assert.deepEqual(marks.fetched, [], "the panel's page fetched plotly's chunks");
      assert.ok(
        marks.scriptInline && marks.scriptFetched === 0,
        `the panel's page script is not held inline (inline: ${marks.scriptInline}, fetched ${marks.scriptFetched} times)`
      );
    }
  },
  {
    name: S.timePalette10k,
    web: true,
    needs: [],
    async run(ctx) {
      const panelOpen = await resultsPanelFrame(ctx.page, 1000).then(
        () => true,
        () => false
      );
      const { t0, drawnAt, frame } = await paletteRun(ctx, 'timing-run-10k.inputs.json', 10_000);
      logTiming(
        '"DDPM: Run Sampler" -> drawn panel plot, N = 10000, d = 2, T = 1000',
        drawnAt - t0,
        panelOpen ? '; the results panel already open' : '; the results panel opened by the command'
      );
      // 20 moves of the step slider, each from the move to the cloud redrawn and the next frame, timed in the page
      // as npm run bench:editor times them (scripts/slider-moves.js; a move whose cloud is not redrawn within 10 s
      // fails the step); DDPM_E2E_PROFILE=1: a CPU profile of the window's thread over the moves
      const moveScript = readFileSync(path.join(ctx.root, 'scripts', 'slider-moves.js'), 'utf8');
      const moves: unknown = await profiled(ctx, 'slider-10k', () => frame.locator(RUN).first().evaluate(moveScript));
      if (typeof moves === 'string') throw new Error(moves);
      const times = (moves as number[]).slice().sort((a, b) => a - b);
      if (times.length < 10) throw new Error(`only ${times.length} slider moves were made`);
      console.log(
        `      timing: the panel's step slider, N = 10000: median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, worst ${times[times.length - 1].toFixed(0)} ms over ${times.length} moves (in order: ${(moves as number[]).map((t) => t.toFixed(0)).join(', ')} ms)`
      );
      await ctx.screenshot('timing-palette-10k');
    }
  },
  ...jupyterRecordingSteps(),
  {
    name: S.interrupt,
    web: true,
    needs: [S.open],
    async run({ page, screenshot }) {
      await closeAllEditors(page);
      await quickOpen(page, NOTEBOOK);
      await waitFor(
        'the notebook editor with its cells',
        async () => ((await cellCount(page)) > 0 ? true : undefined),
        LONG
      );
      // N x d x T = 3 billion values, more than the large-run threshold (it asks first): 15 s or more uninterrupted
      // (300 million took 1.8 s in the CLI on 2026-12-04, and that run ended before the Interrupt came)
      const big = SEED_CELL.replace('shape = [4, 2]', 'shape = [150000, 2]').replace(
        'linspace(1e-4, 0.02, 4)',
        'linspace(1e-4, 0.02, 10000)'
      );
      const { row } = await addCellAndStart(page, big);
      await confirmLargeRun(page, 'running 3 billion values');
      await waitFor('the long cell to run', async () => ((await cellState(row)) === 'running' ? true : undefined));
      await sleep(1500); // let the sampler get going
      await screenshot('interrupt-running');
      // (the toolbar says "Stop Execution" while one cell runs, "Interrupt" during Run All)
      const interrupt = notebookEditor(page)
        .locator('.notebook-toolbar-container')
        .locator('[aria-label^="Stop Execution"], [aria-label^="Interrupt"]')
        .first();
      const t0 = Date.now();
      await interrupt.click({ timeout: SHORT });
      const state = await waitCellDone(row);
      const stoppedMs = Date.now() - t0;
      assert.ok(stoppedMs < 8000, `the cell ran on for ${(stoppedMs / 1000).toFixed(1)} s after Interrupt`);
      assert.equal(state, 'error', 'the interrupted cell does not show as failed');
      const text = (await Promise.all((await outputsOfRow(page, row)).map((o) => readableText(o)))).join(' ');
      assert.match(text, /Interrupted|cancelled/, `the interrupted cell's output does not say so: ${text}`);
      const next = await addAndRunCell(page, SEED_CELL);
      assert.equal(next.state, 'success', 'the cell after the interrupted one did not run');
      await runOutputOfCell(page, next.row, 'the cell after the interrupted one');
    }
  },
  {
    name: S.cancelPalette,
    web: true,
    needs: [],
    async run(ctx) {
      const { page, screenshot } = ctx;
      await closeAllEditors(page);
      // N x d x T = 2 billion values: it asks first, then runs for seconds (past the notification's half-second delay)
      await openSampleInputs(ctx, 'long-run.inputs.json', 1_000_000);
      await runCommand(page, 'DDPM: Run Sampler');
      await confirmLargeRun(page, 'running 2 billion values');
      const toast = page
        .locator('.notifications-toasts .notification-toast')
        .filter({ hasText: 'DDPM: sampling N=1000000 d=2 T=1000' })
        .first();
      await toast.waitFor({ timeout: SHORT }).catch(() => {
        throw new Error('the long run shows no progress notification');
      });
      await screenshot('palette-progress');
      const tabs = page.locator('.tabs-container .tab').filter({ hasText: 'DDPM: sampling N=1000000' });
      assert.equal(await tabs.count(), 1, 'the results panel did not open while the run goes');
      await toast.hover();
      await toast
        .locator('.monaco-button')
        .filter({ hasText: exactText('Cancel') })
        .first()
        .click({ timeout: SHORT });
      await page
        .locator('.notifications-toasts .notification-toast')
        .filter({ hasText: 'DDPM: sampling N=1000000 d=2 T=1000: cancelled' })
        .first()
        .waitFor({ timeout: LONG })
        .catch(() => {
          throw new Error('Cancel did not stop the run (no "cancelled" message)');
        });
      await waitFor('the results panel the run opened to close', async () =>
        (await tabs.count()) === 0 ? true : undefined
      );
    }
  },
  {
    name: S.clipboard,
    web: true,
    needs: [S.open],
    async run(ctx) {
      const { page, screenshot } = ctx;
      await closeAllEditors(page);
      await quickOpen(page, NOTEBOOK);
      await waitFor(
        'the notebook editor with its cells',
        async () => ((await cellCount(page)) > 0 ? true : undefined),
        LONG
      );
      const last = await addAndRunCell(page, SEED_CELL);
      assert.equal(last.state, 'success', 'the sample() cell failed');
      await page.evaluate(() => navigator.clipboard.writeText(''));
      await runCommand(page, 'DDPM: Copy Equivalent PyTorch Script');
      const script = await waitFor(
        'the script on the clipboard',
        async () => (await page.evaluate(() => navigator.clipboard.readText())) || undefined
      );
      assert.match(script, /import torch/, `the clipboard does not hold a PyTorch script: ${script.slice(0, 200)}`);
      // what real PyTorch prints when it runs the copied script, pasted back
      const py = spawnSync('/usr/bin/python3', ['-'], { input: script, encoding: 'utf8', timeout: 120_000 });
      assert.equal(
        py.status,
        0,
        `PyTorch could not run the copied script: ${(py.stderr ?? '').trim().split('\n').pop()}`
      );
      await page.evaluate((t) => navigator.clipboard.writeText(t), py.stdout);
      await runCommand(page, 'DDPM: Compare Clipboard with Last Run');
      const frame = await resultsPanelFrame(page);
      const run = await waitFor(
        'the results panel to show the comparison',
        async () => {
          const r = frame.locator(RUN).first();
          if ((await r.getAttribute('data-ddpm-ready')) !== 'true') return undefined;
          return (await r.locator('[data-testid="ddpm-tab-diff"]').count()) > 0 ? r : undefined;
        },
        LONG
      );
      await showTab(run, 'diff');
      const verdict = run.locator('[data-testid="ddpm-diff-verdict"]');
      await screenshot('compare-clipboard');
      assert.equal(
        await verdict.getAttribute('data-matches'),
        'true',
        `the comparison with PyTorch's print of the copied script does not match: ${await verdict.innerText()}`
      );
    }
  },
  {
    name: S.newNotebook,
    web: true,
    async run({ page, screenshot }) {
      await closeAllEditors(page);
      await runCommand(page, 'DDPM: New Sampler Notebook');
      await activeTab(page, /^Untitled/)
        .waitFor({ timeout: LONG })
        .catch(() => {
          throw new Error('"DDPM: New Sampler Notebook" opened no untitled editor');
        });
      await waitFor(
        'the new notebook with its cells',
        async () => ((await cellCount(page)) > 1 ? true : undefined),
        LONG
      );
      await runAll(page);
      const n = await cellCount(page);
      const failed: string[] = [];
      for (let i = 0; i < n; i++) {
        const row = await focusCell(page, i);
        if ((await cellInfo(row)).kind !== 'code') continue;
        const state = await waitCellDone(row);
        if (state !== 'success') failed.push(`cell ${i + 1}: ${state}`);
      }
      await screenshot('new-notebook');
      assert.deepEqual(failed, [], `cells of the new notebook did not run cleanly: ${failed.join('; ')}`);
    }
  },
  {
    name: S.localTorch,
    needs: [],
    async run(ctx) {
      const { page, workspace } = ctx;
      const py = e2ePython();
      if (!py)
        throw new Error(
          'no Python with torch: neither python3 on PATH nor /usr/bin/python3 imports torch (apt-get install -y python3-torch)'
        );
      if (py.setting) {
        mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
        writeFileSync(
          path.join(workspace, '.vscode', 'settings.json'),
          JSON.stringify({ 'ddpmLab.pythonPath': py.setting }, null, 2)
        );
        // VS Code reads a new workspace settings file through its file watcher: give it time before the command
        // reads the setting (a fresh-clone run got there first and ran the PATH python3, which has no torch)
        await sleep(5000);
      }
      await runCommand(page, 'View: Focus First Editor Group');
      await quickOpen(page, INPUTS);
      await page.locator('.monaco-editor .view-lines').filter({ visible: true }).first().waitFor({ timeout: SHORT });
      await runCommand(page, 'DDPM: Compare with Local PyTorch');
      // PyTorch starts in a fresh Python: allow for its import on a loaded machine
      const view = await waitFor(
        'the results panel to show the Local PyTorch view',
        async () => {
          const frame = await resultsPanelFrame(page, 2000).catch(() => undefined);
          const run = frame?.locator(RUN).first();
          if (!run || (await run.count()) === 0) return undefined;
          if ((await run.getAttribute('data-ddpm-ready')) === 'error')
            throw new StopWaiting(`the results panel shows an error: ${await readableText(run)}`);
          const v = run.locator('[data-testid="ddpm-torch-view"]');
          return (await v.count()) > 0 && (await run.getAttribute('data-ddpm-ready')) === 'true' ? v : undefined;
        },
        4 * LONG
      );
      await ctx.screenshot('local-pytorch');
      const verdict = view.locator('[data-testid="ddpm-torch-verdict"]');
      assert.equal(await verdict.getAttribute('data-equal'), 'true', `verdict: ${await readableText(verdict)}`);
      for (let i = 1; i <= 4; i++) {
        const part = view.locator(`[data-testid="ddpm-torch-part-${i}"]`);
        assert.equal(await part.getAttribute('data-exact'), 'true', `part ${i}: ${await readableText(part)}`);
      }
      assert.match(
        await readableText(view.locator('[data-testid="ddpm-torch-part-3"]')),
        /matmul: bit for bit, matmul profile reference/
      );
      assert.match(
        await readableText(view.locator('[data-testid="ddpm-torch-first-difference"]')),
        /No difference at any step/
      );
      assert.match(
        await readableText(view.locator('[data-testid="ddpm-torch-machine"]')),
        new RegExp(`^${py.python.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `)
      );
      for (const plot of ['ddpm-torch-overlay', 'ddpm-torch-ulps']) {
        const traces = await view.locator(`[data-testid="${plot}"] .scatterlayer .trace`).count();
        assert.ok(traces > 0, `the ${plot} plot has no traces`);
      }
      // the overlay holds both runs: as many PyTorch traces as ours
      assert.equal(
        (await view.locator('[data-testid="ddpm-torch-overlay"] .legendtext').count()) % 2,
        0,
        'the overlay pairs ours with PyTorch'
      );
    }
  },
  // Commands that need Node: in the web extension host they say so
  needsNodeHostStep('DDPM: Compare with Local PyTorch')
];
