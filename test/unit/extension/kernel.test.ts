// The DDPM kernel (src/extension/kernel.ts) against a thin fake of VS Code's notebook API: execution
// order, timing, both output items of a run (checked against PyTorch's output), variables kept per notebook,
// a bad cell failing alone, interrupt, the requests sent to the worker, and the large-run question.
import { strict as assert } from 'node:assert';
import { ROOT } from '../helpers/paths';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeRunResult } from '../../../src/core/run/runCodec';
import { recomputeTrajectory } from '../../../src/core/run/recompute';
import { parseNotebook } from '../../../src/core/notebook/notebookFile';
import { RUN_MIME, type RunResult } from '../../../src/core/types';
import { DdpmKernel, KERNEL_ID, KERNEL_LABEL, WARM_UP_CELL, type KernelDeps } from '../../../src/extension/kernel';
import { executeRequest } from '../../../src/extension/sampleJob';
import {
  NOTEBOOK_TRAJECTORY_DEFAULT_BYTES,
  SETTING_DEFAULTS,
  type DdpmSettings
} from '../../../src/extension/settings';
import { runSampler } from '../../../src/core/sampler/sampler';
import { readInputs } from '../../../src/core/sampler/inputs';
import type { WorkerRequest } from '../../../src/extension/workerProtocol';
import {
  fakeNotebook,
  FakeExecution,
  makeFakeVscode,
  type FakeCell,
  type FakeController,
  type FakeNotebook
} from '../helpers/fakeVscode';
import { f32Bits } from '../helpers/bits';
import { seedInputsText, seedExpected } from '../helpers/seedExample';
import { verdicts } from '../helpers/compareFixtures';

const root = ROOT;
const seedNotebook = parseNotebook(readFileSync(path.join(root, 'media/examples/seed.ddpmnb')));
const seedCodeCells = seedNotebook.cells
  .filter((c) => c.kind === 'code')
  .map((c) => ({ text: c.source, language: c.language }));

const decoder = new TextDecoder();

/** The worker's job, run in this thread (what dist/worker.js does with each request). */
async function runLikeWorker(request: WorkerRequest): Promise<RunResult> {
  const reply = executeRequest(request);
  if (reply.type === 'result') return decodeRunResult(reply.run);
  if (reply.type === 'error') throw new Error(reply.message);
  throw new Error('unexpected reply');
}

function settings(over: Partial<DdpmSettings> = {}): DdpmSettings {
  return {
    profile: SETTING_DEFAULTS.rngProfile,
    record: { kind: 'all' },
    maxElementsWithoutAsking: SETTING_DEFAULTS.maxElementsWithoutAsking,
    ...over
  };
}

function setup(deps: Partial<KernelDeps> = {}) {
  const fake = makeFakeVscode();
  const requests: WorkerRequest[] = [];
  const kernel = new DdpmKernel(fake.api, {
    run: (req, _signal) => {
      requests.push(req);
      return runLikeWorker(req);
    },
    settings: () => settings(),
    ...deps
  });
  const controller = fake.controllers[0];
  const execute = (cells: FakeCell[], nb: FakeNotebook) => controller.executeHandler!(cells, nb, controller);
  return { fake, kernel, controller, requests, execute };
}

function items(cell: FakeCell): { mime: string; text: string }[][] {
  return cell.outputs.map((o) => o.items.map((i) => ({ mime: i.mime, text: decoder.decode(i.data) })));
}

function errorOf(cell: FakeCell): { name: string; message: string; stack?: string } {
  const [[item]] = items(cell);
  assert.equal(item.mime, 'application/vnd.code.notebook.error');
  return JSON.parse(item.text);
}

function executionsOf(controller: FakeController, cell: FakeCell) {
  return controller.executions.filter((e) => e.cell === cell);
}

describe('kernel: DDPM Lab notebook controller', () => {
  it('is the controller the manifest and the contracts name', () => {
    const { controller } = setup();
    assert.equal(controller.id, KERNEL_ID);
    assert.equal(controller.id, 'ddpm-lab.kernel');
    assert.equal(controller.label, KERNEL_LABEL);
    assert.equal(controller.notebookType, 'ddpm-notebook');
    assert.ok(controller.supportedLanguages?.includes('ddpm') && controller.supportedLanguages.includes('json'));
    assert.equal(controller.supportsExecutionOrder, true);
  });

  it("runs the seed notebook: order numbers, timing, and a run as RUN_MIME + text/plain equal to PyTorch's output", async () => {
    const { controller, execute } = setup();
    const nb = fakeNotebook('untitled:1', seedCodeCells);
    await execute(nb.cells, nb);
    const execs = nb.cells.map((c) => executionsOf(controller, c)[0]);
    assert.deepEqual(
      execs.map((e) => e.executionOrder),
      nb.cells.map((_, i) => i + 1)
    );
    for (const e of execs) {
      assert.equal(e.ended?.success, true, e.cell.document.getText());
      assert.ok(e.started !== undefined && e.ended?.time !== undefined && e.ended.time >= e.started);
    }
    // the input cells are assignments: no output
    assert.deepEqual(items(nb.cells[0]), []);
    assert.deepEqual(items(nb.cells[1]), []);
    // sample(): one output with both items
    const [[runItem, textItem]] = items(nb.cells[2]);
    assert.equal(runItem.mime, RUN_MIME);
    assert.equal(textItem.mime, 'text/plain');
    assert.equal(textItem.text, seedExpected.printed);
    const run = decodeRunResult(JSON.parse(runItem.text));
    assert.deepEqual(f32Bits(run.sample.data), seedExpected.bits);
    // the output carries the inputs, not the steps: the renderer recomputes the 4 steps
    assert.equal(run.trajectory.recompute, true);
    assert.equal(run.trajectory.steps.length, 0);
    assert.equal(recomputeTrajectory(run).trajectory.steps.length, 4);
    // compare(expected): the same run with the comparison filled, and its summary as text
    const [[cmpItem, summary]] = items(nb.cells[3]);
    const compared = decodeRunResult(JSON.parse(cmpItem.text));
    assert.equal(compared.comparison?.matches, true);
    assert.deepEqual(f32Bits(compared.sample.data), seedExpected.bits);
    assert.equal(summary.text, compared.comparison?.summary);
  });

  it('keeps variables between executions of one notebook, separately per notebook, until it closes', async () => {
    const { fake, execute, controller } = setup();
    const a = fakeNotebook('file:///a.ddpmnb', [...seedCodeCells.slice(0, 2), { text: 'sample(seed=7)' }]);
    const b = fakeNotebook('file:///b.ddpmnb', [{ text: 'sample()' }]);
    await execute(a.cells.slice(0, 2), a);
    await execute([a.cells[2]], a);
    assert.equal(executionsOf(controller, a.cells[2])[0].ended?.success, true);
    assert.equal(executionsOf(controller, a.cells[2])[0].executionOrder, 3);
    await execute(b.cells, b);
    assert.match(errorOf(b.cells[0]).message, /^line 1, column 1: sample\(\): w_model is not set/);
    assert.equal(executionsOf(controller, b.cells[0])[0].executionOrder, 1, 'order numbers count per notebook');
    fake.closeNotebook.fire(a);
    await execute([a.cells[2]], a);
    assert.match(errorOf(a.cells[2]).message, /w_model is not set/, 'closing the notebook ends its session');
  });

  it('keeps the session when an untitled notebook is saved (or one is saved as): the saved file opens, then the old one closes', async () => {
    const { fake, kernel, execute, controller } = setup();
    const untitled = fakeNotebook('untitled:Untitled-1.ddpmnb', seedCodeCells);
    await execute(untitled.cells, untitled);
    // what VS Code 1.100 does on the first save (the integration suite logs it): the file's notebook opens, with the
    // same cells, then the untitled one closes
    const saved = fakeNotebook('file:///w/seed.ddpmnb', seedCodeCells);
    const other = fakeNotebook('file:///w/other.ddpmnb', seedCodeCells.slice(0, 2));
    fake.notebookDocuments.push(saved, other);
    fake.openNotebook.fire(other);
    fake.openNotebook.fire(saved);
    fake.closeNotebook.fire(untitled);
    assert.equal(kernel.lastRun(untitled.uri.toString()), undefined);
    assert.deepEqual(f32Bits(kernel.lastRun(saved.uri.toString())!.run.sample.data), seedExpected.bits);
    const next = fakeNotebook('file:///w/seed.ddpmnb', [{ text: 'sample(seed=7)' }]).cells[0];
    await execute([next], saved);
    const [run] = executionsOf(controller, next);
    assert.equal(run.ended?.success, true, 'the variables of the cells run before the save are still set');
    assert.equal(run.executionOrder, untitled.cells.length + 1, 'the execution order goes on');
    // a notebook with other cells is not the saved one: its session is its own
    await execute([next], other);
    assert.match(errorOf(next).message, /w_model is not set/);
  });

  it('hands the session only to the saved file: not an untitled notebook, not one opened earlier, not one of two', async () => {
    let clock = 1000;
    const { fake, kernel, execute } = setup({ now: () => clock });
    const run = async (uri: string) => {
      const nb = fakeNotebook(uri, seedCodeCells);
      await execute(nb.cells, nb);
      return nb;
    };
    const opened = (uri: string, extra: object = {}) => {
      const nb = Object.assign(fakeNotebook(uri, seedCodeCells), extra);
      fake.notebookDocuments.push(nb);
      fake.openNotebook.fire(nb);
      return nb;
    };
    const heirOf = (closing: FakeNotebook, candidates: FakeNotebook[]) => {
      fake.closeNotebook.fire(closing);
      const kept = candidates.filter((c) => kernel.lastRun(c.uri.toString()));
      fake.notebookDocuments.splice(0);
      for (const c of candidates) fake.closeNotebook.fire(c);
      return kept.map((c) => c.uri.toString());
    };
    // New Sampler Notebook again (an untitled notebook of the same cells), then the first closed without saving
    let closing = await run('untitled:Untitled-1.ddpmnb');
    assert.deepEqual(heirOf(closing, [opened('untitled:Untitled-2.ddpmnb', { isUntitled: true })]), []);
    // a file of the same cells opened more than 5 s before the close
    closing = await run('untitled:Untitled-3.ddpmnb');
    const early = opened('file:///w/early.ddpmnb');
    clock += 5001;
    assert.deepEqual(heirOf(closing, [early]), []);
    // two files of the same cells: which one was saved cannot be told
    closing = await run('untitled:Untitled-4.ddpmnb');
    assert.deepEqual(heirOf(closing, [opened('file:///w/a.ddpmnb'), opened('file:///w/b.ddpmnb')]), []);
    // the saved file alone, 5 s after it opened: it takes the session
    closing = await run('untitled:Untitled-5.ddpmnb');
    const saved = opened('file:///w/saved.ddpmnb');
    clock += 5000;
    assert.deepEqual(heirOf(closing, [saved]), ['file:///w/saved.ddpmnb']);
  });

  it("gives a notebook's last sample() run and its inputs (for the palette's Last Run commands), until it closes", async () => {
    const { fake, kernel, execute } = setup();
    const nb = fakeNotebook('file:///last.ddpmnb', seedCodeCells);
    assert.equal(kernel.lastRun(nb.uri.toString()), undefined, 'no run before the first execution');
    await execute(nb.cells.slice(0, 2), nb);
    assert.equal(kernel.lastRun(nb.uri.toString()), undefined, 'no run before sample()');
    await execute(nb.cells, nb);
    const last = kernel.lastRun(nb.uri.toString());
    assert.ok(last);
    assert.deepEqual(f32Bits(last.run.sample.data), seedExpected.bits);
    assert.equal(last.inputs.seed, 42n);
    assert.equal(last.run.comparison, undefined, 'the run of sample(), not the compare() after it');
    assert.equal(kernel.lastRun('file:///other.ddpmnb'), undefined);
    fake.closeNotebook.fire(nb);
    assert.equal(kernel.lastRun(nb.uri.toString()), undefined, 'closing the notebook ends its session');
  });

  it("warm-up: runs the bundled example's cells up to its sample(), which it refuses: nothing sampled, no session kept", async () => {
    const firstRun = seedCodeCells.findIndex((c) => /^sample\(\)$/m.test(c.text));
    assert.ok(firstRun > 0, "the example's cells call sample()");
    assert.equal(
      WARM_UP_CELL,
      seedCodeCells
        .slice(0, firstRun + 1)
        .map((c) => c.text)
        .join('\n'),
      "the warm-up is the example's cells up to its first run"
    );
    const { kernel, controller, requests, execute } = setup();
    assert.equal(await kernel.warmUp(), true, 'the cell ran up to its sample()');
    assert.deepEqual(requests, [], 'the warm-up samples nothing');
    assert.equal(controller.executions.length, 0, 'no cell execution');
    const nb = fakeNotebook('untitled:1', [{ text: 'sample()' }]);
    await execute(nb.cells, nb);
    assert.match(errorOf(nb.cells[0]).message, /w_model is not set/, "a notebook does not see the warm-up's variables");
  });

  it('warms up once, when the first DDPM notebook opens (not for other notebook types)', async () => {
    const { fake, kernel } = setup();
    let warmUps = 0;
    kernel.warmUp = async () => (warmUps++, true);
    const tick = () => new Promise((r) => setTimeout(r, 0));
    await tick();
    assert.equal(warmUps, 0, 'no notebook open, no warm-up');
    fake.openNotebook.fire(fakeNotebook('file:///a.ipynb', [], 'jupyter-notebook'));
    await tick();
    assert.equal(warmUps, 0, 'a Jupyter notebook does not warm the DDPM interpreter');
    fake.openNotebook.fire(fakeNotebook('file:///a.ddpmnb', []));
    await tick();
    assert.equal(warmUps, 1);
    fake.openNotebook.fire(fakeNotebook('file:///b.ddpmnb', []));
    await tick();
    assert.equal(warmUps, 1, 'only the first');
  });

  it('warms up once as it starts when a DDPM notebook is open already (an extension host restarted)', async () => {
    const fake = makeFakeVscode();
    fake.notebookDocuments.push(
      fakeNotebook('file:///a.ipynb', [], 'jupyter-notebook'),
      fakeNotebook('file:///a.ddpmnb', []),
      fakeNotebook('file:///b.ddpmnb', [])
    );
    const kernel = new DdpmKernel(fake.api, {
      run: () => Promise.reject(new Error('no run')),
      settings: () => settings()
    });
    let warmUps = 0;
    kernel.warmUp = async () => (warmUps++, true);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(warmUps, 1);
    fake.openNotebook.fire(fakeNotebook('file:///c.ddpmnb', []));
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(warmUps, 1, 'not again for the next notebook');
  });

  it('a bad cell fails with a one-line error naming line and column; as in Jupyter, the cells after it in the same Run All do not run', async () => {
    const { controller, execute } = setup();
    const nb = fakeNotebook('untitled:2', [
      ...seedCodeCells.slice(0, 2),
      { text: 'x = 1\ny = (2 +\n' },
      { text: 'sample()' }
    ]);
    await execute(nb.cells, nb);
    const err = errorOf(nb.cells[2]);
    assert.equal(err.name, 'SyntaxError');
    assert.match(err.message, /^line 3, column 1: expected an expression, found end of input$/);
    assert.equal(err.stack, undefined, 'no stack trace for users');
    assert.equal(executionsOf(controller, nb.cells[2])[0].ended?.success, false);
    // sample() would have run on the values before the failed cell: it is left not run (ended without a verdict)
    const after = executionsOf(controller, nb.cells[3])[0];
    assert.deepEqual([after.started, after.ended?.success], [undefined, undefined]);
    assert.equal(nb.cells[3].outputs.length, 0);
    // run on its own afterwards (the user fixed nothing yet), the next cell runs: the session is unaffected
    await execute([nb.cells[3]], nb);
    assert.equal(executionsOf(controller, nb.cells[3])[1].ended?.success, true);
    assert.equal(items(nb.cells[3])[0][1].text, seedExpected.printed);
  });

  it('pytorch() where no Python can run (the web host): one line naming pytorch() once', async () => {
    const { execute } = setup();
    const nb = fakeNotebook('untitled:pt', [...seedCodeCells.slice(0, 2), { text: 'pytorch()' }]);
    await execute(nb.cells, nb);
    assert.equal(
      errorOf(nb.cells[2]).message,
      'line 1, column 1: pytorch(): Compare with Local PyTorch needs the desktop or remote extension host (it runs Python on your machine)'
    );
  });

  it('interrupt cancels the running sampler (its AbortSignal) and the queued cells; the kernel then works again', async () => {
    let signalSeen: AbortSignal | undefined;
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const { controller, execute } = setup({
      run: (req, signal) => {
        if (req.op === 'sample' && !signalSeen) {
          signalSeen = signal;
          started();
          return new Promise<RunResult>((_resolve, reject) =>
            signal.addEventListener('abort', () => {
              const e = new Error('run cancelled');
              e.name = 'AbortError';
              reject(e);
            })
          );
        }
        return runLikeWorker(req);
      }
    });
    const nb = fakeNotebook('untitled:3', [...seedCodeCells.slice(0, 2), { text: 'sample()' }, { text: 'seed = 5' }]);
    const done = execute(nb.cells, nb);
    await running;
    const [running3] = executionsOf(controller, nb.cells[2]);
    const [queued4] = executionsOf(controller, nb.cells[3]);
    running3.token.cancel();
    queued4.token.cancel(); // VS Code cancels every pending execution of the notebook
    await done;
    assert.equal(signalSeen?.aborted, true);
    assert.equal(running3.ended?.success, false);
    assert.equal(errorOf(nb.cells[2]).name, 'Interrupted');
    assert.deepEqual([queued4.started, queued4.ended?.success], [undefined, undefined], 'the queued cell did not run');
    await execute([nb.cells[2]], nb);
    assert.equal(executionsOf(controller, nb.cells[2])[1].ended?.success, true);
    assert.equal(items(nb.cells[2])[0][1].text, seedExpected.printed);
  });

  it("clears a cell's old outputs at once but runs without waiting for the window's answer; the new ones come after", async () => {
    const events: string[] = [];
    const { fake, execute } = setup({
      run: (req) => {
        events.push('run');
        return runLikeWorker(req);
      }
    });
    const clear = FakeExecution.prototype.clearOutput;
    const replace = FakeExecution.prototype.replaceOutput;
    FakeExecution.prototype.clearOutput = async function (this: FakeExecution) {
      events.push('clear asked');
      await new Promise((r) => setTimeout(r, 100)); // a slow round trip to the window
      await clear.call(this);
      events.push('cleared');
    };
    FakeExecution.prototype.replaceOutput = async function (this: FakeExecution, out) {
      events.push('replace');
      return replace.call(this, out);
    };
    try {
      const nb = fakeNotebook('untitled:clear', [{ text: seedCodeCells.map((c) => c.text).join('\n') }]);
      nb.cells[0].outputs = [new fake.api.NotebookCellOutput([])];
      await execute(nb.cells, nb);
      assert.deepEqual(events.slice(0, 2), ['clear asked', 'run'], 'the run waited for the clear');
      assert.ok(events.indexOf('replace') > events.indexOf('cleared'), `outputs before the clear: ${events}`);
      assert.ok(nb.cells[0].outputs.length > 0, 'the new outputs are there');
    } finally {
      FakeExecution.prototype.clearOutput = clear;
      FakeExecution.prototype.replaceOutput = replace;
    }
  });

  it('a cell that ran but whose outputs cannot go in (deleted while it ran) does not stop the Run All', async () => {
    const { controller, execute } = setup();
    const nb = fakeNotebook('untitled:gone', [...seedCodeCells.slice(0, 2), { text: 'sample()' }]);
    const replace = FakeExecution.prototype.replaceOutput;
    FakeExecution.prototype.replaceOutput = async function (this: FakeExecution, out) {
      if (this.cell === nb.cells[1]) throw new Error('cell was deleted');
      return replace.call(this, out);
    };
    try {
      await execute(nb.cells, nb);
    } finally {
      FakeExecution.prototype.replaceOutput = replace;
    }
    assert.equal(executionsOf(controller, nb.cells[1])[0].ended?.success, true, 'it ran');
    assert.equal(executionsOf(controller, nb.cells[2])[0].ended?.success, true, 'the next cell ran too');
    assert.equal(items(nb.cells[2])[0][1].text, seedExpected.printed);
  });

  it('does not clear a cell that has no outputs (no round trip to the window before its outputs)', async () => {
    const { execute } = setup();
    const clear = FakeExecution.prototype.clearOutput;
    let clears = 0;
    FakeExecution.prototype.clearOutput = async function (this: FakeExecution) {
      clears++;
      return clear.call(this);
    };
    try {
      const nb = fakeNotebook('untitled:new', [{ text: seedCodeCells.map((c) => c.text).join('\n') }]);
      await execute(nb.cells, nb);
      assert.equal(clears, 0, 'a cell without outputs was cleared first');
      assert.ok(nb.cells[0].outputs.length > 0, 'the new outputs are there');
      await execute(nb.cells, nb);
      assert.equal(clears, 1, 'a cell with outputs was not cleared first');
    } finally {
      FakeExecution.prototype.clearOutput = clear;
    }
  });

  it('sends the worker the inputs exactly, with the profile, record policy and tolerances of the settings', async () => {
    const { controller, execute, requests } = setup({
      settings: () =>
        settings({ profile: 'scalar', record: { kind: 'every', k: 2 }, tolerances: { rtol: 0.5, atol: 0.25 } })
    });
    const nb = fakeNotebook('untitled:4', [
      ...seedCodeCells.slice(0, 2),
      { text: 'seed = 18446744073709551415\nsample()' },
      { text: 'compare(tensor([[1.0, 2.0]]))' }
    ]);
    await execute(nb.cells, nb);
    assert.ok(controller.executions.every((e) => e.ended?.success === true));
    const [sample, compare] = requests;
    assert.equal(sample.op, 'sample');
    assert.equal(sample.inputs.seed, '18446744073709551415');
    assert.deepEqual(sample.inputs.shape, [4, 2]);
    assert.equal(sample.profile, 'scalar');
    assert.deepEqual(sample.record, { kind: 'every', k: 2 });
    assert.equal(compare.op, 'compare');
    if (compare.op !== 'compare') return;
    assert.equal(compare.expectedText, 'tensor([[1.0, 2.0]])');
    assert.deepEqual([compare.rtol, compare.atol], [0.5, 0.25]);
  });

  it("sends compare() the schedule as the cells wrote it: PyTorch's float64 schedule of those decimals is diagnosed", async () => {
    const w = verdicts.writtenFloat64;
    const { kernel, execute, requests } = setup();
    const nb = fakeNotebook('untitled:written', [{ text: w.inputsText }, { text: `compare(${w.pastes[0].text})` }]);
    await execute(nb.cells, nb);
    const compare = requests.find((r) => r.op === 'compare');
    assert.ok(compare?.op === 'compare', 'a compare request');
    const file = JSON.parse(w.inputsText) as { betas: number[]; alpha_bar: number[] };
    assert.deepEqual(compare.writtenSchedule, { betas: file.betas, alphaBar: file.alpha_bar });
    // and the palette's "Compare Clipboard with Last Run" on this notebook has it too
    assert.deepEqual(kernel.lastRun(nb.uri.toString())?.writtenSchedule, compare.writtenSchedule);
    const [[cmpItem]] = items(nb.cells[1]);
    const compared = decodeRunResult(JSON.parse(cmpItem.text));
    assert.equal(compared.comparison?.matches, false);
    assert.ok(
      compared.comparison?.diagnosis?.some((d) => d.id === 'schedule-float64'),
      compared.comparison?.summary
    );
  });

  it('asks before a run larger than ddpmLab.maxElementsWithoutAsking, and does not start it when declined', async () => {
    const asked: [number, number][] = [];
    let answer = false;
    const { execute, requests } = setup({
      settings: () => settings({ maxElementsWithoutAsking: 10 }),
      confirmLargeRun: async ({ elements, limit }) => {
        asked.push([elements, limit]);
        return answer;
      }
    });
    const nb = fakeNotebook('untitled:5', [...seedCodeCells.slice(0, 2), { text: 'sample()' }]);
    await execute(nb.cells, nb);
    assert.deepEqual(asked, [[4 * 2 * 4, 10]]);
    assert.equal(requests.length, 0);
    assert.match(
      errorOf(nb.cells[2]).message,
      /^line 1, column 1: sample\(\): a run of N x d x T = 32 values is larger than ddpmLab\.maxElementsWithoutAsking \(10\); not started$/
    );
    answer = true;
    await execute([nb.cells[2]], nb);
    assert.equal(requests.length, 1);
    assert.equal(items(nb.cells[2])[0][1].text, seedExpected.printed);
  });

  it("a notebook output carries the run's inputs instead of its steps: a few KB saved, all 1000 steps recomputed by the view", async () => {
    // N = 1000, d = 2, T = 1000 with every step recorded: 40 MB of trajectory, which neither the output nor the .ddpmnb file holds
    const big = [
      'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [1000, 2]\nseed = 5\nbetas = linspace(1e-4, 0.02, 1000)\nalpha_bar = cumprod(1 - betas)',
      'sample()'
    ];
    const { execute, requests } = setup();
    const nb = fakeNotebook(
      'untitled:7',
      big.map((text) => ({ text }))
    );
    await execute(nb.cells, nb);
    assert.equal(requests.length, 1);
    const [req] = requests;
    assert.equal(req.op === 'sample' && req.deferTrajectory, true);
    assert.equal(req.op === 'sample' && req.maxTrajectoryBytes, NOTEBOOK_TRAJECTORY_DEFAULT_BYTES);
    const [[runItem, textItem], ...others] = items(nb.cells[1]);
    assert.deepEqual(others, []);
    assert.equal(runItem.mime, RUN_MIME);
    assert.equal(textItem.mime, 'text/plain');
    // the sample (8 KB as base64 is 10.7 KB), the schedule (2 x 4 KB), the weights: well under 64 KB
    assert.ok(runItem.text.length < 64 * 1024, `${runItem.text.length} bytes`);
    const run = decodeRunResult(JSON.parse(runItem.text));
    assert.equal(run.trajectory.recompute, true);
    assert.equal(run.trajectory.note, undefined);
    const full = runSampler(readInputs(req.inputs).inputs, { profile: req.profile, record: { kind: 'all' } });
    assert.deepEqual(f32Bits(run.sample.data), f32Bits(full.sample.data));
    const shown = recomputeTrajectory(run);
    assert.equal(shown.trajectory.steps.length, 1000);
    assert.deepEqual(f32Bits(shown.trajectory.steps[500].xPrev.data), f32Bits(full.trajectory.steps[500].xPrev.data));
  });

  it('a JSON cell runs as sample() of its inputs; warnings go to a stderr output', async () => {
    const { execute } = setup();
    const json = seedInputsText.replace(/"alpha_bar": \[[^\]]*\]/, '"alpha_bar": [0.9999, 0.99, 0.98, 0.96]');
    const nb = fakeNotebook('untitled:6', [
      { text: seedInputsText, language: 'json' },
      { text: json, language: 'json' }
    ]);
    await execute(nb.cells, nb);
    assert.equal(items(nb.cells[0])[0][1].text, seedExpected.printed);
    const out = items(nb.cells[1]);
    assert.equal(out.length, 2);
    assert.equal(out[1][0].mime, 'application/vnd.code.notebook.stderr');
    assert.match(out[1][0].text, /^warning: alpha_bar/);
  });
});
