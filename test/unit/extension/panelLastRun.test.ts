// The results panel (src/extension/panel.ts) against a thin fake of the few VS Code APIs it uses: its last run
// ("Compare Clipboard with Last Run" and "Copy Equivalent PyTorch Script" still find it after its panel was closed,
// and after a window reload, from the run the panel saved in the extension's storage), and the plotly modules it
// sends its page.
import { strict as assert } from 'node:assert';
import Module from 'node:module';
import { readInputs } from '../../../src/core/sampler/inputs';
import { runSampler } from '../../../src/core/sampler/sampler';
import type * as PanelModule from '../../../src/extension/panel';
import { inputsToMessage } from '../../../src/extension/workerProtocol';
import { INLINE_SCRIPT_NAME } from '../../../src/extension/panelHtml';
import { STORED_TRAJECTORY_BYTES, thinTrajectory } from '../../../src/extension/storedRun';
import { trajectoryStepBytes } from '../../../src/core/sampler/limits';
import { decodeRunResult } from '../../../src/core/run/runCodec';
import { FakeUri, makeFakeVscode } from '../helpers/fakeVscode';
import { f32Bits } from '../helpers/bits';
import { seedInputsText } from '../helpers/seedExample';

/** panel.ts loaded with the fake in place of the `vscode` module. */
function loadPanel(fake: unknown): typeof PanelModule {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? fake : load.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../../src/extension/panel') as typeof PanelModule;
  } finally {
    mod._load = load;
  }
}

/** The bundled example sampled with every step recorded, and the panel's data for it. */
function seedPanelRun() {
  const json = JSON.parse(seedInputsText) as { betas: number[]; alpha_bar: number[] };
  const { inputs } = readInputs(json);
  const run = runSampler(inputs, { record: { kind: 'all' } });
  const data = {
    run,
    inputs: inputsToMessage(inputs),
    profile: run.inputs.profile,
    origin: 'seed.inputs.json',
    // the file's decimals, which the panel's comparisons try as a float64 schedule
    writtenSchedule: { betas: json.betas, alphaBar: json.alpha_bar },
    // the file whose folder's settings the run read
    scope: 'file:///ws/b/seed.inputs.json'
  };
  return { run, data };
}

describe('results panel: the last run outlives the panel', () => {
  const fake = makeFakeVscode();
  const { ResultsPanel } = loadPanel(fake.api);
  const extensionUri = new FakeUri('/ext');
  const { run, data } = seedPanelRun();
  const context = {
    storageUri: new FakeUri('/storage'),
    globalStorageUri: new FakeUri('/global'),
    extensionUri,
    subscriptions: [] as unknown[]
  };

  it('finds the last run after the panel is closed, and after a reload from the stored copy', async () => {
    ResultsPanel.configure(context as never, async () => undefined);
    assert.equal(await ResultsPanel.lastRun(), undefined, 'no run yet');
    ResultsPanel.show(extensionUri as never, data);
    assert.equal(ResultsPanel.current?.run, data);
    assert.equal(await ResultsPanel.lastRun(), data);
    // the user closes the panel
    fake.panels[0].dispose();
    assert.equal(ResultsPanel.current, undefined);
    assert.equal(await ResultsPanel.lastRun(), data, 'closing the panel keeps the last run');
    // a window reload: the module's memory is gone, the stored run is not
    await until(() => fake.files.has('/storage/results-panel.json')); // the store's write is asynchronous
    const reloaded = loadPanelFresh(fake.api);
    assert.notEqual(reloaded.ResultsPanel, ResultsPanel, 'a fresh module');
    reloaded.ResultsPanel.configure(context as never, async () => undefined);
    const restored = await reloaded.ResultsPanel.lastRun();
    assert.ok(restored, 'the stored run is found after a reload');
    assert.deepEqual(f32Bits(restored.run.sample.data), f32Bits(run.sample.data));
    assert.deepEqual(restored.inputs, data.inputs);
    assert.equal(restored.origin, data.origin);
    assert.deepEqual(restored.writtenSchedule, data.writtenSchedule);
    assert.equal(restored.scope, data.scope);
    // a stored written schedule of another length is dropped, the run kept
    const stored = JSON.parse(new TextDecoder().decode(fake.files.get('/storage/results-panel.json'))) as {
      writtenSchedule: { betas: number[] };
    };
    stored.writtenSchedule.betas.pop();
    fake.files.set('/storage/results-panel.json', new TextEncoder().encode(JSON.stringify(stored)));
    const again = loadPanelFresh(fake.api);
    again.ResultsPanel.configure(context as never, async () => undefined);
    const dropped = await again.ResultsPanel.lastRun();
    assert.ok(dropped, 'the run is still restored');
    assert.equal(dropped.writtenSchedule, undefined);
  });

  it('stores a bounded copy: a large trajectory is thinned to STORED_TRAJECTORY_BYTES, the sample kept bit for bit', async () => {
    // N = 1000, d = 2, T = 200, every step recorded: 8 MB of trajectory
    const big = readInputs({
      ...data.inputs,
      shape: [1000, 2],
      betas: Array.from({ length: 200 }, () => 0.01),
      alpha_bar: Array.from({ length: 200 }, () => 0.5)
    }).inputs;
    const bigRun = runSampler(big, { record: { kind: 'all' } });
    assert.ok(bigRun.trajectory.steps.length * trajectoryStepBytes(1000, 2) > STORED_TRAJECTORY_BYTES);
    fake.files.clear();
    ResultsPanel.show(extensionUri as never, { ...data, run: bigRun, inputs: inputsToMessage(big) });
    await until(() => fake.files.has('/storage/results-panel.json'));
    const text = new TextDecoder().decode(fake.files.get('/storage/results-panel.json'));
    assert.ok(text.length <= (STORED_TRAJECTORY_BYTES * 4) / 3 + 2 ** 20, `${text.length} bytes stored`);
    const stored = decodeRunResult(JSON.parse(text).run);
    assert.deepEqual(f32Bits(stored.sample.data), f32Bits(bigRun.sample.data));
    const steps = stored.trajectory.steps;
    assert.ok(steps.length > 1 && steps.length < 200);
    assert.deepEqual([steps[0].t, steps[steps.length - 1].t], [199, 0]);
    assert.match(stored.trajectory.note ?? '', new RegExp(`keeps ${steps.length} of the 200 recorded steps`));
    // the panel itself shows the whole run
    assert.equal(ResultsPanel.current?.run?.run, bigRun);
  });
});

describe('results panel: opened while the sampler runs', () => {
  const fake = makeFakeVscode();
  const { ResultsPanel } = loadPanelFresh(fake.api);
  const extensionUri = new FakeUri('/ext');
  const { data } = seedPanelRun();

  it('opens its page before the result; the result then goes into the same panel', () => {
    const { unprepare } = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling N=4 d=2 T=4…');
    assert.equal(fake.panels.length, 1, 'the panel is open before any result');
    assert.equal(fake.panels[0].title, 'DDPM: sampling N=4 d=2 T=4…');
    assert.match(fake.panels[0].webview.html, /panel\.js/, 'its page is loading');
    assert.equal(ResultsPanel.current?.run, undefined);
    ResultsPanel.show(extensionUri as never, data);
    assert.equal(fake.panels.length, 1, 'no second panel');
    assert.equal(ResultsPanel.current?.run, data);
    assert.equal(fake.panels[0].title, 'DDPM: N=4 d=2 T=4 seed=42');
    unprepare(); // too late to matter: the run is shown
    assert.equal(ResultsPanel.current?.run, data);
    fake.panels[0].dispose();
  });

  it('closes a panel it opened when no run comes, and gives an open one its title back', () => {
    const { unprepare } = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling…');
    assert.equal(fake.panels.length, 2);
    unprepare();
    assert.equal(ResultsPanel.current, undefined, 'the empty panel is closed');
    ResultsPanel.show(extensionUri as never, data);
    const { unprepare: again } = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling…');
    assert.equal(fake.panels.length, 3, 'the open panel is reused');
    assert.equal(fake.panels[2].title, 'DDPM: sampling…');
    again();
    const current = (): { run?: unknown } | undefined => ResultsPanel.current; // read again (an assert above narrowed it)
    assert.equal(current()?.run, data, 'the open panel keeps its run');
    assert.equal(fake.panels[2].title, 'DDPM: N=4 d=2 T=4 seed=42');
    fake.panels[2].dispose();
  });

  it('overlapping runs: the first cancelled leaves the second its panel; a run finishing after a later one is not shown over it', () => {
    const first = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling A…');
    const second = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling B…');
    assert.equal(fake.panels.length, 4, 'one panel for both');
    first.unprepare(); // A cancelled while B runs
    const current = (): { run?: unknown } | undefined => ResultsPanel.current;
    assert.ok(current(), "B's panel stays open");
    assert.equal(fake.panels[3].title, 'DDPM: sampling B…');
    const later = { ...data, origin: 'B' };
    assert.equal(ResultsPanel.show(extensionUri as never, later, second.runId), true);
    // A again, from a third run that started before B finished: ordered by start
    const third = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling C…');
    const fourth = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling D…');
    assert.equal(ResultsPanel.show(extensionUri as never, { ...data, origin: 'D' }, fourth.runId), true);
    assert.equal(ResultsPanel.show(extensionUri as never, { ...data, origin: 'C' }, third.runId), false);
    assert.equal((current()?.run as { origin?: string }).origin, 'D', 'the later run stays');
    assert.equal(fake.panels.length, 4, 'still one panel');
    fake.panels[3].dispose();
  });

  it('overlapping runs that all fail: the panel they opened is closed when the last gives up, titled by the one still going', () => {
    const a = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling A…');
    const b = ResultsPanel.prepare(extensionUri as never, 'DDPM: sampling B…');
    assert.equal(fake.panels.length, 5);
    b.unprepare(); // B fails while A still runs: A's title
    const current = (): { run?: unknown } | undefined => ResultsPanel.current;
    assert.ok(current());
    assert.equal(fake.panels[4].title, 'DDPM: sampling A…');
    a.unprepare(); // then A is cancelled: nothing was shown, the blank panel goes
    assert.equal(current(), undefined, 'no blank panel left open');
  });
});

describe('thinTrajectory', () => {
  const { run } = seedPanelRun();
  const stepBytes = trajectoryStepBytes(run.sample.rows, run.sample.cols);

  it('returns the run itself when its steps fit, else evenly spaced steps with the first and the last, and a note', () => {
    assert.equal(thinTrajectory(run, 4 * stepBytes), run);
    const two = thinTrajectory(run, 2 * stepBytes);
    assert.deepEqual(two.trajectory.steps, [run.trajectory.steps[0], run.trajectory.steps[3]]);
    assert.equal(two.sample, run.sample);
    assert.match(two.trajectory.note ?? '', /keeps 2 of the 4 recorded steps/);
    assert.equal(run.trajectory.steps.length, 4, 'the original run is not changed');
    assert.deepEqual(thinTrajectory(run, 0).trajectory.steps, []);
  });
});

async function until(cond: () => boolean): Promise<void> {
  // generous: the first write lazily loads (and, under tsx, compiles) storedRun.ts, slow on a loaded machine
  const deadline = Date.now() + 15_000; // within mocha's 20 s test timeout
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'timed out');
}

/** A second, fresh instance of panel.ts (as after a window reload). */
function loadPanelFresh(fake: unknown): typeof PanelModule {
  const id = require.resolve('../../../src/extension/panel');
  const cached = require.cache[id];
  delete require.cache[id];
  try {
    return loadPanel(fake);
  } finally {
    if (cached) require.cache[id] = cached;
  }
}

describe("results panel: plotly's modules sent to its page", () => {
  const fake = makeFakeVscode();
  const extensionUri = new FakeUri('/ext');
  const bytes = (file: string) => new TextEncoder().encode(`/* ${file} */`);
  const sets = {
    plotly: [
      { file: 'chunks/plotly-A.js', imports: ['chunks/chunk-C.js'] },
      { file: 'chunks/chunk-C.js', imports: [] }
    ],
    // what the WebGL trace adds to plotly's set (its import of chunk-C is plotly's)
    'plotly-gl': [{ file: 'chunks/plotlyGl-B.js', imports: ['chunks/chunk-C.js'] }]
  };
  const files = ['chunks/plotly-A.js', 'chunks/plotlyGl-B.js', 'chunks/chunk-C.js'];
  const global = globalThis as { DDPM_PANEL_ASSETS?: unknown };
  type Posted = {
    type: string;
    set?: string;
    error?: string;
    modules?: { file: string; imports: string[]; bytes: Uint8Array }[];
  };

  // the build's list of them (scripts/build.mjs defines DDPM_PANEL_ASSETS; the sources read it as a global)
  before(() => {
    global.DDPM_PANEL_ASSETS = {
      modules: sets,
      page: 'void 0;'
    };
    // as Buffers, as the Node host's readFile gives them
    for (const f of files) fake.files.set(`/ext/dist/renderer/${f}`, Buffer.from(bytes(f)));
  });
  after(() => delete global.DDPM_PANEL_ASSETS);

  it("sends plotly's set as it writes the page, the WebGL set when asked, and plotly's again to a page loaded again", async () => {
    const { ResultsPanel } = loadPanelFresh(fake.api);
    ResultsPanel.prepare(extensionUri as never, 'DDPM: N=4 d=2 T=10 seed=0');
    const panel = fake.panels.at(-1)!;
    const modules = () => (panel.posted as Posted[]).filter((m) => m.type === 'modules');
    await until(() => modules().length === 1);
    assert.match(
      panel.webview.html,
      new RegExp(`<script type="module" nonce="[0-9a-f]{32}">void 0;\n//# sourceURL=${INLINE_SCRIPT_NAME}</script>`)
    );
    // the entries the page imports by URL should a set's message not come: each set's first module
    assert.match(
      panel.webview.html,
      /data-ddpm-chunk-plotly="file:\/\/\/ext\/dist\/renderer\/chunks\/plotly-A\.js" data-ddpm-chunk-plotly-gl="file:\/\/\/ext\/dist\/renderer\/chunks\/plotlyGl-B\.js"/
    );
    const expected = (set: 'plotly' | 'plotly-gl') => ({
      type: 'modules',
      set,
      modules: sets[set].map((r) => ({ ...r, bytes: bytes(r.file) }))
    });
    assert.deepEqual(modules()[0], expected('plotly'));
    assert.ok(
      modules()[0].modules!.every((m) => Object.getPrototypeOf(m.bytes) === Uint8Array.prototype),
      'plain Uint8Arrays (a Buffer would go into the message as its JSON)'
    );
    panel.receive({ type: 'ready' });
    panel.receive({ type: 'modules-request', set: 'plotly-gl' });
    await until(() => modules().length === 2);
    assert.deepEqual(modules()[1], expected('plotly-gl'));
    // Developer: Reload Webviews: the page says it is ready a second time, with nothing loaded
    panel.receive({ type: 'ready' });
    await until(() => modules().length === 3);
    assert.deepEqual(modules()[2], expected('plotly'));
    // a request the page may not make is ignored
    panel.receive({ type: 'modules-request', set: '../../secrets' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(modules().length, 3);
    panel.dispose();
  });

  it('says in its message why, when a module cannot be read', async () => {
    const { ResultsPanel } = loadPanelFresh(fake.api);
    fake.files.delete('/ext/dist/renderer/chunks/plotlyGl-B.js');
    try {
      ResultsPanel.prepare(extensionUri as never, 'DDPM: N=4 d=2 T=10 seed=0');
      const panel = fake.panels.at(-1)!;
      panel.receive({ type: 'ready' });
      panel.receive({ type: 'modules-request', set: 'plotly-gl' });
      const gl = () => (panel.posted as Posted[]).find((m) => m.type === 'modules' && m.set === 'plotly-gl');
      await until(() => gl() !== undefined);
      assert.deepEqual(Object.keys(gl()!).sort(), ['error', 'set', 'type']);
      assert.equal(gl()!.error, 'file not found'); // the fake's FileSystemError, its first line
      panel.dispose();
    } finally {
      fake.files.set('/ext/dist/renderer/chunks/plotlyGl-B.js', Buffer.from(bytes('chunks/plotlyGl-B.js')));
    }
  });
});
