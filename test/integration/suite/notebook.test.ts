// The notebook type through the real API: the serializer's round trip (save, then open from disk)
// and the kernel executing the bundled example, with both output items.
import { strict as assert } from 'node:assert';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { decodeRunResult, encodeRunResult } from '../../../src/core/run/runCodec';
import { formatTensorF32 } from '../../../src/core/tensors/printTensor';
import { RUN_MIME, type RunResult } from '../../../src/core/types';
import { EXTENSION_ID } from './extension.test';

const root = process.env.DDPM_REPO_ROOT ?? path.resolve(__dirname, '../..');
const workspace = process.env.DDPM_INTEGRATION_WORKSPACE ?? '';
const exampleNotebook = path.join(root, 'media/examples/seed.ddpmnb');

function copyExample(name: string): vscode.Uri {
  const target = path.join(workspace, name);
  copyFileSync(exampleNotebook, target);
  return vscode.Uri.file(target);
}

function runOf(cell: vscode.NotebookCell): RunResult | undefined {
  for (const o of cell.outputs) {
    const item = o.items.find((i) => i.mime === RUN_MIME);
    if (item) return decodeRunResult(JSON.parse(new TextDecoder().decode(item.data)));
  }
  return undefined;
}

async function until<T>(what: string, probe: () => T | undefined, ms = 90000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const plain = (cell: vscode.NotebookCell) => {
  return {
    kind: cell.kind,
    language: cell.document.languageId,
    source: cell.document.getText(),
    metadata: cell.metadata,
    outputs: cell.outputs.map((o) => ({
      metadata: o.metadata,
      items: o.items.map((i) => ({ mime: i.mime, data: Array.from(i.data) }))
    }))
  };
};

describe('DDPM notebooks', () => {
  before(async () => {
    assert.ok(workspace, 'DDPM_INTEGRATION_WORKSPACE is not set (run through npm run test:integration)');
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  });

  it('saves and reopens a notebook with every cell, language, metadata and output unchanged', async () => {
    const uri = copyExample('roundtrip.ddpmnb');
    const nb = await vscode.workspace.openNotebookDocument(uri);
    assert.equal(nb.notebookType, 'ddpm-notebook');
    assert.ok(nb.cellCount > 0, 'the example notebook has no cells');
    const run = await vscode.commands.executeCommand<RunResult | undefined>(
      'ddpm-lab.runSampler',
      vscode.Uri.file(path.join(root, 'media/examples/seed.inputs.json'))
    );
    assert.ok(run);
    const extra = new vscode.NotebookCellData(
      vscode.NotebookCellKind.Code,
      'seed = 7  # added by the round-trip test',
      'ddpm'
    );
    extra.metadata = { note: 'kept', nested: { n: 1 } };
    extra.outputs = [
      new vscode.NotebookCellOutput(
        [
          vscode.NotebookCellOutputItem.json(encodeRunResult(run), RUN_MIME),
          vscode.NotebookCellOutputItem.text(
            formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols]),
            'text/plain'
          )
        ],
        { kept: true }
      )
    ];
    const md = new vscode.NotebookCellData(vscode.NotebookCellKind.Markup, '## Notes\n\nunicode: α, β, ε', 'markdown');
    const edit = new vscode.WorkspaceEdit();
    edit.set(uri, [vscode.NotebookEdit.insertCells(nb.cellCount, [extra, md])]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await nb.save(), 'save failed');
    // Open the saved bytes as a new file, so the serializer reads them from disk.
    const copy = vscode.Uri.file(path.join(workspace, 'roundtrip-copy.ddpmnb'));
    await vscode.workspace.fs.writeFile(copy, await vscode.workspace.fs.readFile(uri));
    const reopened = await vscode.workspace.openNotebookDocument(copy);
    assert.equal(reopened.cellCount, nb.cellCount);
    for (let i = 0; i < nb.cellCount; i++)
      assert.deepEqual(plain(reopened.cellAt(i)), plain(nb.cellAt(i)), `cell ${i}`);
  });

  it('"DDPM: Run Sampler" in the sample() cell reads the inputs the cells above it assign', async () => {
    const nb = await vscode.workspace.openNotebookDocument(copyExample('palette-cell.ddpmnb'));
    const index = nb.getCells().findIndex((c) => /^\s*sample\(\)\s*$/m.test(c.document.getText()));
    assert.ok(index > 0, 'the example has no sample() cell');
    await vscode.window.showNotebookDocument(nb, { selections: [new vscode.NotebookRange(index, index + 1)] });
    await vscode.commands.executeCommand('notebook.cell.edit');
    const cellUri = nb.cellAt(index).document.uri.toString();
    await until('the sample() cell as the active editor', () =>
      vscode.window.activeTextEditor?.document.uri.toString() === cellUri ? true : undefined
    );
    const run = await vscode.commands.executeCommand<RunResult | undefined>('ddpm-lab.runSampler');
    assert.ok(run, 'the command returned no run (it read the cell alone: w_model is not set)');
    // the example's inputs (seed.inputs.json holds the same), run: PyTorch's sample, which the example's compare
    // cell holds; the kernel test checks its bits against it
    assert.deepEqual([run.inputs.n, run.inputs.d, run.inputs.T, run.inputs.seed], [4, 2, 4, '42']);
  });

  it("keeps an untitled notebook's variables through its first save (the saved file's notebook takes its session)", async () => {
    const defs =
      'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nseed = 42\nbetas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)';
    const untitled = await vscode.workspace.openNotebookDocument(
      'ddpm-notebook',
      new vscode.NotebookData([new vscode.NotebookCellData(vscode.NotebookCellKind.Code, defs, 'ddpm')])
    );
    assert.ok(untitled.isUntitled);
    await vscode.window.showNotebookDocument(untitled);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'ddpm-lab.kernel', extension: EXTENSION_ID });
    await vscode.commands.executeCommand('notebook.execute');
    await until('the cell to run', () => untitled.cellAt(0).executionSummary?.success);
    // Save: code-server asks for the file's name in its own dialog (a quick input), whose proposed name is taken
    const saving = vscode.commands.executeCommand('workbench.action.files.save');
    await until(
      'the untitled notebook saved and closed',
      () => {
        if (!untitled.isClosed) void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return untitled.isClosed ? true : undefined;
      },
      30000
    );
    await saving;
    const saved = await until('the saved notebook', () =>
      vscode.workspace.notebookDocuments.find(
        (d) => d.uri.scheme === 'file' && d.cellCount === 1 && d.cellAt(0).document.getText() === defs
      )
    );
    const edit = new vscode.WorkspaceEdit();
    edit.set(saved.uri, [
      vscode.NotebookEdit.insertCells(1, [
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'sample()', 'ddpm')
      ])
    ]);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await vscode.window.showNotebookDocument(saved);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'ddpm-lab.kernel', extension: EXTENSION_ID });
    await vscode.commands.executeCommand('notebook.cell.execute', {
      ranges: [{ start: 1, end: 2 }],
      document: saved.uri
    });
    const summary = await until('the new cell to run', () => saved.cellAt(1).executionSummary?.success);
    const error = saved
      .cellAt(1)
      .outputs.flatMap((o) => o.items)
      .find((i) => i.mime.endsWith('.error'));
    assert.equal(summary, true, error ? new TextDecoder().decode(error.data) : 'failed');
    assert.ok(runOf(saved.cellAt(1)), 'no run output');
    assert.equal(saved.cellAt(1).executionSummary?.executionOrder, 2, 'the execution order goes on');
  });

  it('the DDPM Lab kernel runs the example: sample() gives the run item and the PyTorch-printed text', async () => {
    const uri = copyExample('kernel.ddpmnb');
    const nb = await vscode.workspace.openNotebookDocument(uri);
    await vscode.window.showNotebookDocument(nb);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'ddpm-lab.kernel', extension: EXTENSION_ID });
    await vscode.commands.executeCommand('notebook.execute');
    const sampleCell = nb
      .getCells()
      .find((c) => c.kind === vscode.NotebookCellKind.Code && /^\s*sample\(/m.test(c.document.getText()));
    assert.ok(sampleCell, 'the example has no sample() cell');
    const run = await until('the sample() cell output', () => runOf(sampleCell));
    const text = sampleCell.outputs.flatMap((o) => o.items).find((i) => i.mime === 'text/plain');
    assert.ok(text, 'no text/plain item beside the run item');
    assert.equal(
      new TextDecoder().decode(text.data),
      formatTensorF32(run.sample.data, [run.sample.rows, run.sample.cols])
    );
    assert.equal(typeof sampleCell.executionSummary?.executionOrder, 'number');
    // The example's compare cell holds PyTorch's real output for these inputs: it must match.
    const compareCell = nb.getCells().find((c) => /^\s*compare\(/m.test(c.document.getText()));
    assert.ok(compareCell, 'the example has no compare() cell');
    const compared = await until('the compare() cell output', () => runOf(compareCell));
    assert.ok(compared.comparison, 'the compare() output has no comparison');
    assert.equal(compared.comparison.matches, true, compared.comparison.summary);
  });
});
