// The palette's comparisons read the ddpmLab.compare.* settings of the run's own folder (src/extension/commands.ts):
// in a multi-root workspace each folder may set its tolerances, and "Compare Clipboard with Last Run" (or the
// panel's "Compare with PyTorch output…") must judge a run with the settings that folder gives, not the
// workspace's. Against a thin fake of VS Code (test/unit/helpers/fakeVscode.ts), the comparison itself done by the
// worker's own request handler in process (src/extension/sampleJob.ts).
import { strict as assert } from 'node:assert';
import Module from 'node:module';
import { readInputs } from '../../../src/core/sampler/inputs';
import { runSampler } from '../../../src/core/sampler/sampler';
import { decodeRunResult } from '../../../src/core/run/runCodec';
import type { RunResult } from '../../../src/core/types';
import type * as CommandsModule from '../../../src/extension/commands';
import { executeRequest } from '../../../src/extension/sampleJob';
import { inputsToMessage, type WorkerRequest } from '../../../src/extension/workerProtocol';
import { FakeUri, makeFakeVscode } from '../helpers/fakeVscode';
import { seedInputsText } from '../helpers/seedExample';

/** commands.ts (and the extension modules it imports) loaded afresh with the fake for `vscode` and the worker in process. */
function loadCommands(fake: unknown, requests: WorkerRequest[]): typeof CommandsModule {
  const mod = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = mod._load;
  const worker = {
    runInWorker: async (req: WorkerRequest): Promise<RunResult> => {
      requests.push(req);
      const reply = executeRequest(req);
      if (reply.type !== 'result') throw new Error(reply.type === 'error' ? reply.message : 'no result');
      return decodeRunResult(reply.run);
    }
  };
  const ours = Object.keys(require.cache).filter((k) => /[\\/]src[\\/]extension[\\/]/.test(k));
  const saved = new Map(ours.map((k) => [k, require.cache[k]]));
  ours.forEach((k) => delete require.cache[k]);
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return fake;
    if (request === './workerClient') return worker;
    return load.call(this, request, ...rest);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('../../../src/extension/commands') as typeof CommandsModule;
  } finally {
    mod._load = load;
    Object.keys(require.cache)
      .filter((k) => /[\\/]src[\\/]extension[\\/]/.test(k))
      .forEach((k) => delete require.cache[k]);
    saved.forEach((m, k) => (require.cache[k] = m));
  }
}

describe('palette comparisons read the settings of the run’s folder (multi-root workspaces)', () => {
  const { inputs } = readInputs(JSON.parse(seedInputsText));
  const run = runSampler(inputs, { record: { kind: 'all' } });
  // PyTorch's list print of x_0 with every element 1% off: a mismatch at PyTorch's float32 tolerances
  // (rtol 1.3e-6, atol 1e-5), a match at folder b's rtol of 0.05
  const rows: number[][] = [];
  for (let i = 0; i < inputs.n; i++)
    rows.push(Array.from(run.sample.data.subarray(i * inputs.d, (i + 1) * inputs.d), (v) => v * 1.01));
  const offByOnePercent = JSON.stringify(rows);

  /** An editor in front with a file of `path` (not inputs). */
  function setActiveEditor(fake: ReturnType<typeof makeFakeVscode>, path: string): void {
    (fake.api as unknown as { window: { activeTextEditor?: unknown } }).window.activeTextEditor = {
      document: { uri: new FakeUri(path), getText: () => 'notes' },
      selection: { isEmpty: true }
    };
  }

  /** folder a sets no tolerances (PyTorch's defaults: the 1% paste differs), folder b rtol 0.05 (it matches) */
  const FOLDERS = [
    ['/ws/a', false],
    ['/ws/b', true]
  ] as const;

  function setup() {
    const fake = makeFakeVscode();
    fake.folderSettings.set('/ws/b', { 'compare.rtol': 0.05, 'compare.atol': 0 });
    const requests: WorkerRequest[] = [];
    const commands = loadCommands(fake.api, requests);
    return { fake, requests, commands };
  }

  it('"Compare Clipboard with Last Run" on a notebook’s run uses the notebook folder’s tolerances', async () => {
    for (const [folder, matches] of FOLDERS) {
      const { fake, requests, commands } = setup();
      fake.clipboard.text = offByOnePercent;
      const result = await commands.compareClipboardCommand(new FakeUri('/ext') as never, {
        run,
        inputs,
        notebookName: 'seed.ddpmnb',
        notebookUri: new FakeUri(`${folder}/seed.ddpmnb`).toString()
      });
      assert.deepEqual(fake.errors, []);
      assert.equal(requests.length, 1);
      const c = result?.comparison;
      assert.ok(c, `${folder}: a comparison`);
      assert.equal(c.matches, matches, `${folder}: ${c.mismatched} of ${c.compared} differ, rtol ${c.rtol}`);
      assert.deepEqual([c.rtol, c.atol], folder === '/ws/b' ? [0.05, 0] : [1.3e-6, 1e-5]);
    }
  });

  it('the panel’s comparison of a palette run uses the inputs file’s folder, whatever editor is active', async () => {
    const { fake, requests, commands } = setup();
    setActiveEditor(fake, '/ws/a/notes.md');
    const data = {
      run,
      inputs: inputsToMessage(inputs),
      profile: run.inputs.profile,
      origin: 'seed.inputs.json',
      scope: new FakeUri('/ws/b/seed.inputs.json').toString()
    };
    const result = await commands.compareWithText(new FakeUri('/ext') as never, data, offByOnePercent);
    assert.deepEqual(fake.errors, []);
    const req = requests[0];
    assert.equal(req?.op === 'compare' && req.rtol, 0.05);
    assert.equal(result?.comparison?.matches, true);
    // and shown in the results panel
    assert.equal(fake.panels.length, 1);
  });

  it('"Run Sampler" with a PyTorch script in front offers the quick pick and says why the script was not taken', async () => {
    const { fake, requests, commands } = setup();
    (fake.api as unknown as { window: { activeTextEditor?: unknown } }).window.activeTextEditor = {
      document: {
        uri: new FakeUri('/ws/a/ddpm.py'),
        languageId: 'python',
        getText: () => 'import torch\nbetas = torch.linspace(1e-4, 0.02, 4)\n'
      },
      selection: { isEmpty: true }
    };
    fake.answers.quickPick = 'example';
    fake.files.set('/ext/media/examples/seed.inputs.json', new TextEncoder().encode(seedInputsText));
    const sampled = await commands.runSamplerCommand(new FakeUri('/ext') as never);
    assert.deepEqual(fake.errors, []);
    assert.deepEqual(fake.quickPicks, [
      'ddpm.py holds no DDPM inputs the cell language reads: where should the inputs come from?'
    ]);
    assert.ok(sampled && requests[0]?.op === 'sample', 'the bundled example ran');
  });

  it('"Run Sampler" on a file from the explorer runs it as its open editor holds it (unsaved edits), not as saved', async () => {
    const { fake, requests, commands } = setup();
    setActiveEditor(fake, '/ws/a/notes.md');
    const file = new FakeUri('/ws/a/seed.inputs.json');
    fake.files.set(file.path, new TextEncoder().encode(seedInputsText));
    const edited = seedInputsText.replace('"seed": 42', '"seed": 7');
    assert.notEqual(edited, seedInputsText);
    fake.textDocuments.push({ uri: file, getText: () => edited });
    const sampled = await commands.runSamplerCommand(new FakeUri('/ext') as never, file as never);
    assert.ok(sampled, fake.errors.join('; '));
    assert.equal(requests[0]?.op === 'sample' && requests[0].inputs.seed, '7');
  });

  it('a setting given a value it does not take is said once a session, and does not switch the rule', async () => {
    const { fake, requests, commands } = setup();
    fake.folderSettings.set('/ws/a', { 'compare.atol': '1e-3', rngProfile: 'scaler' });
    for (let i = 0; i < 2; i++) {
      fake.clipboard.text = offByOnePercent;
      await commands.compareClipboardCommand(new FakeUri('/ext') as never, {
        run,
        inputs,
        notebookName: 'seed.ddpmnb',
        notebookUri: new FakeUri('/ws/a/seed.ddpmnb').toString()
      });
    }
    assert.deepEqual(fake.warnings, [
      'ddpmLab.rngProfile: unknown value "scaler" (expected avx2-fma, avx2 or scalar); avx2-fma is used',
      'ddpmLab.compare.atol: expected a number of at least 0, got "1e-3"; it is ignored'
    ]);
    // the comparison chose its rule from the paste (no tolerances sent), as with nothing set
    assert.equal(requests.length, 2);
    assert.ok(requests.every((r) => r.op === 'compare' && r.rtol === undefined && r.atol === undefined));
  });

  it('a run of a file opened from the quick pick keeps the file’s folder: "Compare Clipboard with Last Run" uses its tolerances', async () => {
    for (const [folder, matches] of FOLDERS) {
      const { fake, requests, commands } = setup();
      setActiveEditor(fake, '/ws/a/notes.md');
      fake.files.set(`${folder}/seed.inputs.json`, new TextEncoder().encode(seedInputsText));
      // "DDPM: Run Sampler" from the palette, the editor in front holding no inputs: the file opened from the quick pick
      fake.answers.quickPick = 'file';
      fake.answers.openDialog = [new FakeUri(`${folder}/seed.inputs.json`)];
      const sampled = await commands.runSamplerCommand(new FakeUri('/ext') as never);
      assert.ok(sampled, `${folder}: the run failed: ${fake.errors.join('; ')}`);
      fake.clipboard.text = offByOnePercent;
      const result = await commands.compareClipboardCommand(new FakeUri('/ext') as never);
      assert.deepEqual(fake.errors, []);
      assert.deepEqual(
        requests.map((r) => r.op),
        ['sample', 'compare']
      );
      assert.equal(result?.comparison?.matches, matches, folder);
    }
  });
});
