// package.json's contributions against the code: every command the extension registers is
// contributed and vice versa, the settings match src/extension/settings.ts, the renderer, main and
// browser entries are what scripts/build.mjs writes, engines.vscode and @types/vscode agree with the
// VS Code we run (1.100), and the packaged file list holds only what runs (and the Python helper).
import { strict as assert } from 'node:assert';
import { ROOT } from '../helpers/paths';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RNG_PROFILES, RUN_MIME } from '../../../src/core/types';
import { RECORDING_MIME } from '../../../src/core/run/recording';
import { PANEL_VIEW_TYPE } from '../../../src/extension/panelHtml';
import { NOTEBOOK_TRAJECTORY_MAX_MIB, SETTING_DEFAULTS, SETTINGS_SECTION } from '../../../src/extension/settings';

const root = ROOT;
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
const buildScript = readFileSync(path.join(root, 'scripts/build.mjs'), 'utf8');

function extensionSources(): string {
  const dir = path.join(root, 'src/extension');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}

/** [major, minor, patch] of a version or a ^/~ range. */
function version(v: string): [number, number, number] {
  const m = /^[\^~]?(\d+)\.(\d+)\.(\d+)/.exec(v);
  assert.ok(m, `not a version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

describe('manifest (package.json)', () => {
  const contributes = manifest.contributes;

  it('contributes exactly the commands the extension registers', () => {
    const src = extensionSources();
    // ids that are not commands: the kernel and the renderer
    const others = new Set(['ddpm-lab.kernel', 'ddpm-lab.renderer']);
    const inCode = new Set(
      [...src.matchAll(/['"`](ddpm-lab\.[A-Za-z]+)['"`]/g)].map((m) => m[1]).filter((id) => !others.has(id))
    );
    const contributed = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));
    assert.deepEqual([...contributed].sort(), [...inCode].sort());
    for (const c of contributes.commands) {
      assert.equal(c.category, 'DDPM', `${c.command}: category`);
      assert.ok(c.title && !c.title.startsWith('DDPM'), `${c.command}: the title is shown as "DDPM: <title>"`);
    }
    const titles = Object.fromEntries(
      contributes.commands.map((c: { command: string; title: string; category: string }) => [
        c.command,
        `${c.category}: ${c.title}`
      ])
    );
    assert.equal(titles['ddpm-lab.runSampler'], 'DDPM: Run Sampler');
    assert.equal(titles['ddpm-lab.newNotebook'], 'DDPM: New Sampler Notebook');
    assert.equal(titles['ddpm-lab.compareClipboard'], 'DDPM: Compare Clipboard with Last Run');
    assert.equal(titles['ddpm-lab.copyPytorchScript'], 'DDPM: Copy Equivalent PyTorch Script');
    assert.equal(titles['ddpm-lab.addPythonHelper'], 'DDPM: Add Python Helper to Workspace');
  });

  it('menus name only contributed commands', () => {
    const ids = new Set(contributes.commands.map((c: { command: string }) => c.command));
    for (const [menu, entries] of Object.entries(contributes.menus as Record<string, { command: string }[]>)) {
      for (const e of entries) assert.ok(ids.has(e.command), `${menu}: ${e.command} is not contributed`);
    }
  });

  it('contributes the settings settings.ts reads, with the same defaults, each documented', () => {
    const props = contributes.configuration.properties as Record<
      string,
      { default: unknown; markdownDescription?: string; enum?: string[] }
    >;
    const expected = Object.keys(SETTING_DEFAULTS).map((k) => `${SETTINGS_SECTION}.${k}`);
    assert.deepEqual(Object.keys(props).sort(), expected.sort());
    for (const [k, v] of Object.entries(SETTING_DEFAULTS)) {
      const p = props[`${SETTINGS_SECTION}.${k}`];
      assert.deepEqual(p.default, v, `${k}: default`);
      assert.ok((p.markdownDescription ?? '').length > 40, `${k}: markdownDescription`);
    }
    assert.deepEqual(props['ddpmLab.rngProfile'].enum, [...RNG_PROFILES]);
    assert.equal(props['ddpmLab.rngProfile'].default, 'avx2-fma');
    const budget = props['ddpmLab.trajectory.notebookMaxMiB'] as { minimum?: number; maximum?: number };
    assert.deepEqual(
      [budget.minimum, budget.maximum],
      [0, NOTEBOOK_TRAJECTORY_MAX_MIB],
      'notebookMaxMiB: the range notebookTrajectoryBytes clamps to'
    );
    // a deprecated setting is hidden from the Settings UI (unless set): every one of ours still has an effect
    for (const [k, p] of Object.entries(props))
      assert.ok(!('deprecationMessage' in p) && !('markdownDeprecationMessage' in p), `${k}: deprecated, so hidden`);
  });

  it('declares the notebook type, the renderer and the entries the build writes', () => {
    assert.deepEqual(
      contributes.notebooks.map((n: { type: string }) => n.type),
      ['ddpm-notebook']
    );
    assert.deepEqual(contributes.notebooks[0].selector, [{ filenamePattern: '*.ddpmnb' }]);
    assert.ok(extensionSources().includes("'ddpm-notebook'"), 'the extension registers the ddpm-notebook serializer');
    const [renderer] = contributes.notebookRenderer;
    assert.equal(contributes.notebookRenderer.length, 1);
    assert.equal(renderer.id, 'ddpm-lab.renderer');
    // a run, and a recording of the user's own loop: drawn in any notebook type (VS Code picks a renderer by MIME
    // type; nothing in the contribution ties it to ddpm-notebook or to a kernel)
    assert.deepEqual(renderer.mimeTypes, [RUN_MIME, RECORDING_MIME]);
    assert.deepEqual(Object.keys(renderer).sort(), [
      'displayName',
      'entrypoint',
      'id',
      'mimeTypes',
      'requiresMessaging'
    ]);
    assert.equal(renderer.requiresMessaging, 'optional');
    // the build's renderer target: renderer/index.ts, panel.ts, preload.ts -> <out>/renderer/ (ESM), the extension ->
    // extension.js, web -> web/extension.js
    assert.equal(renderer.entrypoint, './dist/renderer/index.js');
    assert.match(
      buildScript,
      /entryPoints: \[r\('renderer\/index\.ts'\), r\('renderer\/panel\.ts'\), r\('renderer\/preload\.ts'\)\],\s*outdir: o\('renderer'\)/
    );
    // the DDPM notebook's preload (starts loading plotly when the notebook opens), built by the same target
    assert.deepEqual(contributes.notebookPreload, [
      { type: 'ddpm-notebook', entrypoint: './dist/renderer/preload.js' }
    ]);
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(buildScript, /outfile: o\('extension\.js'\)/);
    assert.equal(manifest.browser, './dist/web/extension.js');
    assert.match(buildScript, /outfile: o\('web\/extension\.js'\)/);
    assert.match(buildScript, /outfile: o\('worker\.js'\)/);
  });

  it("activates on its own notebook, renderer and panel, and on a JSON file (the palette command's inputs), never at startup (commands activate implicitly)", () => {
    assert.deepEqual(
      [...manifest.activationEvents].sort(),
      [
        'onNotebook:ddpm-notebook',
        'onRenderer:ddpm-lab.renderer',
        `onWebviewPanel:${PANEL_VIEW_TYPE}`,
        'onLanguage:json'
      ].sort()
    );
    assert.ok(!manifest.activationEvents.includes('*'));
    assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  });

  it('targets VS Code 1.100 at most, with @types/vscode pinned to the same minor', () => {
    const engine = version(manifest.engines.vscode);
    assert.ok(manifest.engines.vscode.startsWith('^'), 'engines.vscode is a caret range');
    assert.ok(engine[0] === 1 && engine[1] <= 100, `engines.vscode ${manifest.engines.vscode} is above ^1.100.0`);
    const typesRange: string = manifest.devDependencies['@types/vscode'];
    assert.ok(
      typesRange.startsWith('~') || /^\d/.test(typesRange),
      `@types/vscode ${typesRange} is not pinned to a minor`
    );
    assert.deepEqual(version(typesRange).slice(0, 2), engine.slice(0, 2));
    const installed = lock.packages['node_modules/@types/vscode'].version as string;
    assert.deepEqual(version(installed).slice(0, 2), engine.slice(0, 2), `installed @types/vscode ${installed}`);
  });

  it('has the polished-extension fields and a real 128x128 PNG icon', () => {
    for (const k of ['displayName', 'description', 'publisher', 'license', 'icon']) assert.ok(manifest[k], k);
    assert.deepEqual([...manifest.categories].sort(), ['Machine Learning', 'Notebooks', 'Visualization']);
    assert.ok(manifest.keywords.length >= 3);
    const png = readFileSync(path.join(root, manifest.icon));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('ascii', 12, 16), 'IHDR');
    assert.equal(png.readUInt32BE(16), 128);
    assert.equal(png.readUInt32BE(20), 128);
    assert.ok(statSync(path.join(root, 'LICENSE')).size > 500);
    assert.match(readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License/);
  });

  it('packages only what runs: no sources, tests, maps or node_modules (vsce ls)', function () {
    this.timeout(60000);
    const out = execFileSync(
      process.execPath,
      [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'],
      { cwd: root, encoding: 'utf8' }
    );
    const files = out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media/icon.png', 'python/ddpm_lab.py'])
      assert.ok(files.includes(f), `${f} is not packaged: ${files.join(', ')}`);
    const bad = files.filter(
      (f) =>
        /^(src|test|scripts|renderer|node_modules|\.ci|\.vscode-test|test-results|\.e2e-cache)\//.test(f) ||
        f.endsWith('.map') ||
        f.endsWith('.ts') ||
        f.endsWith('.vsix') ||
        f === 'dist/cli.js'
    );
    assert.deepEqual(bad, []);
    // the Python helper alone of python/ (README "Use it from Jupyter"), not its tests
    for (const f of files)
      assert.ok(
        /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|dist\/.+|media\/.+|python\/ddpm_lab\.py)$/.test(f),
        `unexpected file in the package: ${f}`
      );
    // every file the manifest points at outside dist/ is packaged (dist/ exists only after a build)
    const referenced: string[] = [
      manifest.icon,
      ...(contributes.languages ?? []).map((l: { configuration?: string }) => l.configuration),
      ...(contributes.grammars ?? []).map((g: { path: string }) => g.path)
    ].filter(Boolean);
    for (const ref of referenced.map((r) => r.replace(/^\.\//, '')))
      assert.ok(files.includes(ref), `${ref} is referenced by package.json but not packaged`);
  });
});
