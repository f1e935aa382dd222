// Activation, the palette commands and the results panel, in a real extension host.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { readInputs } from '../../../src/core/sampler/inputs';
import { runSampler } from '../../../src/core/sampler/sampler';
import type { RunResult } from '../../../src/core/types';

export const EXTENSION_ID = 'ddpm-lab.ddpm-lab';
const root = process.env.DDPM_REPO_ROOT ?? path.resolve(__dirname, '../..');
const exampleInputs = path.join(root, 'media/examples/seed.inputs.json');

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('DDPM Lab extension', () => {
  it('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test host`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const id of contributed) assert.ok(registered.has(id), `${id} is contributed but not registered`);
    assert.ok(contributed.includes('ddpm-lab.runSampler') && contributed.includes('ddpm-lab.newNotebook'));
  });

  it('"DDPM: Run Sampler" on an inputs file runs in the worker and opens the results panel', async () => {
    const run = await vscode.commands.executeCommand<RunResult | undefined>(
      'ddpm-lab.runSampler',
      vscode.Uri.file(exampleInputs)
    );
    assert.ok(run, 'the command returned no run');
    // the worker's result equals the core run in this process, bit for bit (the core is checked against PyTorch by the unit tests)
    const { inputs } = readInputs(JSON.parse(readFileSync(exampleInputs, 'utf8')));
    const direct = runSampler(inputs, { profile: run.inputs.profile });
    assert.deepEqual([run.sample.rows, run.sample.cols], [direct.sample.rows, direct.sample.cols]);
    assert.deepEqual(bits(run.sample.data), bits(direct.sample.data));
    // the tab model reaches the extension host a moment after the panel opens
    const isPanel = (t: vscode.Tab) =>
      t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('ddpmLab.results');
    const tabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    for (let i = 0; i < 100 && !tabs().some(isPanel); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      tabs().some(isPanel),
      `no results panel among the tabs: ${tabs()
        .map((t) => t.label)
        .join(', ')}`
    );
  });

  it('"DDPM: Copy Equivalent PyTorch Script" copies a script for the last run', async () => {
    const script = await vscode.commands.executeCommand<string | undefined>('ddpm-lab.copyPytorchScript');
    assert.ok(script, 'no script returned');
    assert.equal(await vscode.env.clipboard.readText(), script);
    assert.match(script, /^import torch$/m);
    assert.match(script, /^seed = 42$/m);
  });
});
