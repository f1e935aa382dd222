// The DDPM kernel: a NotebookController ('ddpm-lab.kernel', "DDPM Lab") for 'ddpm-notebook'. Cells run in
// order, one notebook at a time per queue; variables live per notebook document until it closes (like a
// Jupyter session). The sampler and comparisons run off the extension host's thread (workerClient.ts);
// each cell's execution token is wired to an AbortController that stops the worker. A failing cell ends
// alone with a one-line error output; the kernel keeps going.
import type * as vscode from 'vscode';
import type { CellOutput, CellSession, HostRequest } from '../core/notebook/cellLanguage/interpreter';
import type { WrittenSchedule } from '../core/sampler/inputs';
import type { RunResult, SamplerInputs } from '../core/types';
import { RUN_MIME } from '../core/types';
import { abortError, errorFirstLine, isAbort } from '../core/errors';
import { NOTEBOOK_TYPE } from './serializer';
import {
  cellDefaults,
  largeRun,
  NOTEBOOK_TRAJECTORY_DEFAULT_BYTES,
  type DdpmSettings,
  type LargeRun
} from './settings';
import type { WorkerRequest } from './workerProtocol';

export const KERNEL_ID = 'ddpm-lab.kernel';
export const KERNEL_LABEL = 'DDPM Lab';
export const SUPPORTED_LANGUAGES = ['ddpm', 'json'];

/** The VS Code API the kernel uses (the real module, or a test's fake). */
export type KernelApi = Pick<typeof vscode, 'NotebookCellOutput' | 'NotebookCellOutputItem'> & {
  notebooks: Pick<typeof vscode.notebooks, 'createNotebookController'>;
  workspace: Pick<
    typeof vscode.workspace,
    'notebookDocuments' | 'onDidCloseNotebookDocument' | 'onDidOpenNotebookDocument'
  >;
};

export interface KernelDeps {
  /** runs a sampler or comparison request off the main thread; rejects with an AbortError when `signal` aborts */
  run(request: WorkerRequest, signal: AbortSignal): Promise<RunResult>;
  /** the ddpmLab.* settings for a notebook */
  settings(scope: vscode.Uri): DdpmSettings;
  /** asks before a run larger than ddpmLab.maxElementsWithoutAsking (runSettings.ts); false = do not run */
  confirmLargeRun?(run: LargeRun): Promise<boolean>;
  /** the clock (Date.now) that times how soon a saved notebook's file opened before the old one closed */
  now?(): number;
  /** a cell's pytorch(): runs the inputs in the user's own PyTorch (localTorch.ts); absent: not available here */
  pytorch?(
    request: Extract<HostRequest, { kind: 'pytorch' }>,
    scope: vscode.Uri,
    signal: AbortSignal
  ): Promise<RunResult>;
}

interface NotebookState {
  session: CellSession;
  order: number;
  /** the tail of this notebook's queue of executions */
  queue: Promise<void>;
}

/** Loaded when a DDPM notebook opens (DdpmKernel.warmUp) or on the first execution, so that activation stays light. */
const loadInterpreter = () => import('../core/notebook/cellLanguage/interpreter');
const loadCodec = () => import('../core/run/runCodec');
const loadProtocol = () => import('./workerProtocol');

/**
 * What DdpmKernel.warmUp runs: the code cells of the bundled example (media/examples/seed.ddpmnb, what "DDPM: New
 * Sampler Notebook" opens), as one cell; a unit test keeps the two the same.
 */
export const WARM_UP_CELL = [
  '# The noise model: eps = concat(x_t, t/T) @ w_model, a (d+1, d) matrix',
  'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]',
  'shape = [4, 2]   # N samples of dimension d',
  'seed = 42        # x_T = torch.randn(N, d, generator=torch.Generator().manual_seed(seed))',
  '# The linear schedule of Ho et al. 2020 with T = 4 steps, in float32 like torch.linspace',
  'betas = linspace(1e-4, 0.02, 4)',
  'alpha_bar = cumprod(1 - betas)',
  '# Runs Algorithm 2 on the variables above. Try sample(seed=7) or sample(profile="scalar").',
  'sample()'
].join('\n');

/** How soon after the saved file's notebook opened its old, closing notebook hands it the session (DdpmKernel.closed). */
const SAVED_AS_WITHIN_MS = 5000;

/** Whether two notebooks hold the same cells: kinds, languages and texts. */
function sameCells(a: vscode.NotebookDocument, b: vscode.NotebookDocument): boolean {
  const ca = a.getCells();
  const cb = b.getCells();
  return (
    ca.length === cb.length &&
    ca.every(
      (c, i) =>
        c.kind === cb[i].kind &&
        c.document.languageId === cb[i].document.languageId &&
        c.document.getText() === cb[i].document.getText()
    )
  );
}

export class DdpmKernel {
  readonly controller: vscode.NotebookController;
  private readonly states = new Map<string, NotebookState>();
  /** when each open DDPM notebook was opened (Date.now()), to find the one a closing notebook was saved as */
  private readonly openedAt = new Map<string, number>();
  private readonly disposables: { dispose(): unknown }[] = [];

  constructor(
    private readonly api: KernelApi,
    private readonly deps: KernelDeps
  ) {
    this.controller = api.notebooks.createNotebookController(KERNEL_ID, NOTEBOOK_TYPE, KERNEL_LABEL);
    this.controller.supportedLanguages = SUPPORTED_LANGUAGES;
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'Runs DDPM cells: the sampler, bit for bit with PyTorch float32';
    this.controller.executeHandler = (cells, notebook) => this.execute(cells, notebook);
    // the first DDPM notebook readies the interpreter: one open already (the extension host restarted), or the next
    let warming = false;
    const warmOnce = (nb: vscode.NotebookDocument): void => {
      if (warming || nb.notebookType !== NOTEBOOK_TYPE) return;
      warming = true;
      setTimeout(() => void this.warmUp(), 0);
    };
    api.workspace.notebookDocuments.forEach(warmOnce);
    this.disposables.push(
      this.controller,
      api.workspace.onDidOpenNotebookDocument((nb) => {
        if (nb.notebookType !== NOTEBOOK_TYPE) return;
        this.openedAt.set(nb.uri.toString(), this.now());
        warmOnce(nb);
      }),
      api.workspace.onDidCloseNotebookDocument((nb) => this.closed(nb))
    );
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /**
   * A notebook closed: its session ends, unless the notebook was saved under a new name (an untitled notebook's first
   * save, Save As). VS Code then opens the saved file as a new notebook document (its cells the same) just before it
   * closes the old one (in VS Code 1.100: 0.2 s before, in the integration suite), and the session, as in Jupyter,
   * goes with it: the variables, the last run, the execution order.
   */
  private closed(nb: vscode.NotebookDocument): void {
    const key = nb.uri.toString();
    const state = this.states.get(key);
    this.states.delete(key);
    this.openedAt.delete(key);
    if (!state) return;
    const now = this.now();
    // the saved file: a notebook of a file (not another untitled one, a New Sampler Notebook of the same cells), as
    // it was read (not dirty), opened moments ago, with no session of its own, and the only one
    const heirs = this.api.workspace.notebookDocuments.filter((other) => {
      const at = this.openedAt.get(other.uri.toString());
      return (
        other !== nb &&
        !other.isUntitled &&
        !other.isDirty &&
        at !== undefined &&
        now - at <= SAVED_AS_WITHIN_MS &&
        !this.states.has(other.uri.toString()) &&
        sameCells(other, nb)
      );
    });
    if (heirs.length === 1) this.states.set(heirs[0].uri.toString(), state);
  }

  /**
   * Readies the interpreter for a notebook's first run; called once, when the first DDPM notebook opens (the
   * extension activates for it before it opens), or as the kernel starts should one be open already. It loads the
   * interpreter and runs WARM_UP_CELL in a session of its own, whose `sample()` is refused before anything is sampled,
   * so that the first Run All does not pay for loading the interpreter and for the JIT's first runs of its parser and
   * operators (README "Performance"). No notebook's session, cell or output is touched. True when the cell ran up to
   * its `sample()`; false if anything else failed, which then shows on the first real run.
   */
  async warmUp(): Promise<boolean> {
    let asked = false;
    try {
      const { CellSession, DEFAULT_CELL_DEFAULTS, executeCell } = await loadInterpreter();
      await executeCell(new CellSession(), WARM_UP_CELL, 'ddpm', DEFAULT_CELL_DEFAULTS, () => {
        asked = true;
        return Promise.reject(new Error('warm-up: not sampled'));
      });
    } catch {
      // the refused sample() ends it (or an error the first real run will show)
    }
    return asked;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.states.clear();
  }

  /**
   * The last run of a notebook's session (its last `sample()` or `compare()`), with the inputs it ran on;
   * undefined before the first run or after the notebook closed. The palette's "Compare Clipboard with Last
   * Run" and "Copy Equivalent PyTorch Script" use it when a DDPM notebook is the active editor.
   */
  lastRun(
    notebookUri: string
  ): { run: RunResult; inputs: SamplerInputs; writtenSchedule?: WrittenSchedule } | undefined {
    const last = this.states.get(notebookUri)?.session.lastRun;
    if (!last) return undefined;
    const { run, inputs, writtenSchedule } = last;
    return { run, inputs, ...(writtenSchedule ? { writtenSchedule } : {}) };
  }

  /** The session of a notebook (variables and last run); created on its first execution. */
  async stateOf(notebook: vscode.NotebookDocument): Promise<NotebookState> {
    const key = notebook.uri.toString();
    let state = this.states.get(key);
    if (!state) {
      const { CellSession } = await loadInterpreter();
      state = this.states.get(key) ?? { session: new CellSession(), order: 0, queue: Promise.resolve() };
      this.states.set(key, state);
    }
    return state;
  }

  /** executeHandler: every cell becomes pending at once, then runs in order after earlier requests. */
  execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    const executions = cells.map((cell) => this.controller.createNotebookCellExecution(cell));
    const pending = new Set(executions);
    const run = async () => {
      const state = await this.stateOf(notebook);
      const previous = state.queue;
      let release!: () => void;
      state.queue = new Promise<void>((r) => (release = r));
      await previous;
      try {
        // as in Jupyter, the cells after one that failed or was interrupted in the same request (Run All) do not
        // run: a later sample() would use the values from before the failed cell, unlike the notebook's text
        let stopped = false;
        for (const execution of executions) {
          pending.delete(execution);
          if (stopped || execution.token.isCancellationRequested) {
            stopped = true;
            execution.end(undefined);
            continue;
          }
          stopped = (await this.executeOne(execution, state, notebook)) !== 'ok';
        }
      } finally {
        release();
      }
    };
    // never leave a cell pending, even if something unexpected fails (e.g. loading the interpreter)
    return run().catch(() => {
      for (const execution of pending) execution.end(false, Date.now());
    });
  }

  /** Runs one cell: 'ok', 'failed' (its error shown) or 'interrupted' (either way the rest of the request is not run). */
  private async executeOne(
    execution: vscode.NotebookCellExecution,
    state: NotebookState,
    notebook: vscode.NotebookDocument
  ): Promise<'ok' | 'failed' | 'interrupted'> {
    const abort = new AbortController();
    const subscription = execution.token.onCancellationRequested(() => abort.abort());
    execution.executionOrder = ++state.order;
    execution.start(Date.now());
    let success = false;
    let interrupted = false;
    // the old outputs go at once, as in Jupyter, but the cell does not wait for the window's answer (a round trip of
    // 0.1 to 0.2 s in code-server): it runs meanwhile, and its outputs replace them only after the clear is done; a
    // cell without outputs (a new notebook's) is not cleared, so its outputs wait for no round trip but their own
    const cleared =
      execution.cell.outputs.length === 0
        ? Promise.resolve()
        : execution.clearOutput().then(
            () => undefined,
            () => undefined
          );
    try {
      const { executeCell } = await loadInterpreter();
      const settings = this.deps.settings(notebook.uri);
      const defaults = cellDefaults(settings);
      const cell = execution.cell;
      const outputs = await executeCell(
        state.session,
        cell.document.getText(),
        cell.document.languageId,
        defaults,
        (req) => this.answer(req, settings, abort.signal, notebook.uri)
      );
      if (abort.signal.aborted) throw abortError();
      const shown = await this.toOutputs(outputs);
      success = true; // the cell ran: a cell deleted meanwhile (its outputs cannot go) does not stop the Run All
      await cleared;
      try {
        await execution.replaceOutput(shown);
      } catch (e) {
        // its outputs refused (or the cell gone): said in the cell where it still is
        await this.showError(execution, {
          name: 'Error',
          message: `the outputs could not be shown: ${errorFirstLine(e)}`
        });
      }
    } catch (e) {
      interrupted = isAbort(e) || abort.signal.aborted;
      await cleared;
      await this.showError(
        execution,
        interrupted
          ? { name: 'Interrupted', message: 'the run was cancelled' }
          : {
              name: e instanceof Error && e.name === 'SyntaxError' ? 'SyntaxError' : 'Error',
              message: errorFirstLine(e)
            }
      );
    } finally {
      subscription.dispose();
      execution.end(success, Date.now());
    }
    return success ? 'ok' : interrupted ? 'interrupted' : 'failed';
  }

  /**
   * Replaces the cell's outputs with one error line, without a stack (users see the place and the problem); a cell
   * gone meanwhile (deleted while it ran) is left as it is: ending its execution is what matters.
   */
  private async showError(
    execution: vscode.NotebookCellExecution,
    error: { name: string; message: string }
  ): Promise<void> {
    try {
      await execution.replaceOutput([
        new this.api.NotebookCellOutput([this.api.NotebookCellOutputItem.error({ ...error, stack: undefined })])
      ]);
    } catch {
      // the cell is gone
    }
  }

  /** Answers the interpreter's requests by running them in the worker. */
  private async answer(
    req: HostRequest,
    settings: DdpmSettings,
    signal: AbortSignal,
    scope: vscode.Uri
  ): Promise<RunResult> {
    const { inputsToMessage } = await loadProtocol();
    if (req.kind === 'pytorch') {
      if (!this.deps.pytorch)
        // executeCell names the call (pytorch(): ...) as it does for every host failure
        throw new Error(
          'Compare with Local PyTorch needs the desktop or remote extension host (it runs Python on your machine)'
        );
      return this.deps.pytorch(req, scope, signal);
    }
    if (req.kind === 'sample') {
      const large = largeRun(req.inputs.n, req.inputs.d, req.inputs.betas.length, settings);
      if (large && !(this.deps.confirmLargeRun && (await this.deps.confirmLargeRun(large)))) {
        throw new Error(
          `a run of N x d x T = ${large.elements} values is larger than ddpmLab.maxElementsWithoutAsking (${large.limit}); not started`
        );
      }
      // The output carries the run's inputs, not its steps: the renderer recomputes them (README "Performance"), so
      // neither the output nor the .ddpmnb file holds the trajectory. The notebook budget applies only when the
      // weights are too large to carry (d > 511), where the steps are sent as before.
      const maxTrajectoryBytes = settings.notebookTrajectoryBytes ?? NOTEBOOK_TRAJECTORY_DEFAULT_BYTES;
      const run = await this.deps.run(
        {
          op: 'sample',
          inputs: inputsToMessage(req.inputs),
          profile: req.profile,
          matmul: req.matmul,
          record: req.record,
          maxTrajectoryBytes,
          deferTrajectory: true
        },
        signal
      );
      if (run.trajectory.note)
        run.trajectory.note += `; ddpmLab.trajectory.notebookMaxMiB sets how much a notebook output keeps`;
      return run;
    }
    const { encodeRunResult } = await loadCodec();
    return this.deps.run(
      {
        op: 'compare',
        inputs: inputsToMessage(req.inputs),
        profile: req.profile,
        record: req.record,
        run: encodeRunResult(req.run),
        expectedText: req.expectedText,
        rtol: req.tolerances?.rtol,
        atol: req.tolerances?.atol,
        ...(req.writtenSchedule ? { writtenSchedule: req.writtenSchedule } : {})
      },
      signal
    );
  }

  /** Cell outputs -> notebook outputs: a run is RUN_MIME (compact JSON) + text/plain; warnings go to stderr. */
  private async toOutputs(outputs: CellOutput[]): Promise<vscode.NotebookCellOutput[]> {
    const Output = this.api.NotebookCellOutput;
    const Item = this.api.NotebookCellOutputItem;
    const result: vscode.NotebookCellOutput[] = [];
    for (const o of outputs) {
      if (o.kind === 'run') {
        const { encodeRunResult } = await loadCodec();
        const json = new TextEncoder().encode(JSON.stringify(encodeRunResult(o.run)));
        result.push(new Output([new Item(json, RUN_MIME), Item.text(o.text, 'text/plain')]));
      } else if (o.kind === 'warning') {
        result.push(new Output([Item.stderr(o.text)]));
      } else {
        result.push(new Output([Item.text(o.text, 'text/plain')]));
      }
    }
    return result;
  }
}
