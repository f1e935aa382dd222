// `npm run test:integration`: the @vscode/test-electron suite (test/integration/suite) in a real
// extension host. It builds the extension into a staging copy of the repository (the repository's own
// dist/ is left alone), then runs the suite in the first host available:
//   1. VS Code desktop 1.100.3 (Electron), downloaded into .vscode-test/ or given by VSCODE_EXECUTABLE_PATH,
//      with a display (DISPLAY, or xvfb-run, which it uses by itself);
//   2. otherwise code-server 4.100.3 (VS Code 1.100.3's server and Node extension host) where the
//      end-to-end setup installed it (.e2e-cache/, `npm run test:e2e`), with Debian's Chromium as the client;
//   3. otherwise it says why it is skipping, and exits 0.
// DDPM_INTEGRATION_HOST=electron|code-server forces a host (and fails instead of skipping).
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { errorFirstLine } from '../../src/core/errors';
import { codeServerBin, prepareCodeServer, startCodeServer } from '../e2e/codeServer';
import { CHROMIUM, CHROMIUM_ARGS, stageRepository } from '../e2e/toolchain';
import type { SuiteResult } from './suite/index';

const root = path.resolve(__dirname, '../..');
const VSCODE_VERSION = '1.100.3'; // the VS Code of code-server 4.100.3, within engines.vscode ^1.100.0
const forced = process.env.DDPM_INTEGRATION_HOST;

function say(s: string): void {
  console.log(`test:integration: ${s}`);
}

function skip(reason: string): never {
  say(`SKIPPED: ${reason}`);
  say('the end-to-end suite (npm run test:e2e) runs the extension in a real VS Code (code-server) instead.');
  process.exit(0);
}

function run(cmd: string, args: string[], cwd: string, what: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`${what} failed: ${`${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ')}`);
}

/** Packages the extension in `cwd` into `vsix` with the repo's vsce (no dependencies: the bundles hold them); returns vsix. */
function vscePackage(cwd: string, vsix: string, what: string, extra: string[] = []): string {
  const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
  run(
    process.execPath,
    [vsce, 'package', '--no-dependencies', '--allow-missing-repository', ...extra, '-o', vsix],
    cwd,
    what
  );
  return vsix;
}

/** A copy of the repository (sources, media, manifest; node_modules linked) with the extension built and the suite bundled. */
async function stage(dir: string): Promise<string> {
  const ext = path.join(dir, 'extension');
  stageRepository(root, ext);
  run(process.execPath, [path.join(ext, 'scripts/build.mjs')], ext, 'the build');
  await esbuild.build({
    entryPoints: [path.join(ext, 'test/integration/suite/index.ts')],
    outfile: path.join(ext, 'out/integration/index.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    // mocha is bundled in: its package is ESM, which the extension host's require cannot load
    external: ['vscode'],
    logLevel: 'error'
  });
  return ext;
}

async function electronExecutable(): Promise<string | undefined> {
  const given = process.env.VSCODE_EXECUTABLE_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`VSCODE_EXECUTABLE_PATH: ${given} does not exist`);
    return given;
  }
  try {
    return await downloadAndUnzipVSCode({
      version: VSCODE_VERSION,
      cachePath: path.join(root, '.vscode-test'),
      reporter: new SilentReporter(),
      timeout: 15000
    });
  } catch (e) {
    say(`VS Code ${VSCODE_VERSION} cannot be downloaded here (${errorFirstLine(e)}).`);
    return undefined;
  }
}

async function runInElectron(executable: string, ext: string, dir: string): Promise<void> {
  const workspace = path.join(dir, 'workspace');
  mkdirSync(path.join(dir, 'user-data'), { recursive: true });
  mkdirSync(workspace);
  say(`running the suite in VS Code ${VSCODE_VERSION} (Electron)`);
  await runTests({
    vscodeExecutablePath: executable,
    extensionDevelopmentPath: ext,
    extensionTestsPath: path.join(ext, 'out/integration/index.js'),
    extensionTestsEnv: { DDPM_INTEGRATION_WORKSPACE: workspace, DDPM_REPO_ROOT: ext },
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      `--user-data-dir=${path.join(dir, 'user-data')}`
    ]
  });
}

/** A tiny extension that runs the suite in code-server's extension host and writes the result to a file. */
function harnessVsix(ext: string, dir: string, resultFile: string): string {
  const h = path.join(dir, 'harness');
  mkdirSync(h);
  writeFileSync(
    path.join(h, 'package.json'),
    JSON.stringify({
      name: 'ddpm-integration-harness',
      publisher: 'ddpm-lab',
      version: '0.0.0',
      license: 'MIT',
      engines: { vscode: '^1.100.0' },
      main: './extension.js',
      activationEvents: ['onStartupFinished']
    })
  );
  writeFileSync(path.join(h, 'README.md'), 'Runs the DDPM Lab integration suite inside code-server.\n');
  cpSync(path.join(ext, 'out/integration/index.js'), path.join(h, 'suite.js'));
  writeFileSync(
    path.join(h, 'extension.js'),
    `const fs = require('fs');
const vscode = require('vscode');
exports.activate = () => {
  process.env.DDPM_INTEGRATION_WORKSPACE = vscode.workspace.workspaceFolders[0].uri.fsPath;
  process.env.DDPM_REPO_ROOT = ${JSON.stringify(ext)};
  setTimeout(async () => {
    let result;
    try { result = await require('./suite.js').runSuite(); } catch (e) { result = { passed: [], failed: ['the suite did not run: ' + String(e && e.message)] }; }
    fs.writeFileSync(${JSON.stringify(resultFile)}, JSON.stringify(result));
  }, 1000);
};
`
  );
  return vscePackage(h, path.join(dir, 'harness.vsix'), 'packaging the harness', ['--skip-license']);
}

async function runInCodeServer(bin: string, ext: string, dir: string): Promise<void> {
  say('running the suite in code-server 4.100.3 (VS Code 1.100.3 server, Node extension host), Chromium as the client');
  const vsix = vscePackage(ext, path.join(dir, 'ddpm-lab.vsix'), 'vsce package');
  const resultFile = path.join(dir, 'result.json');
  const dirs = { run: path.join(dir, 'code-server'), workspace: path.join(dir, 'workspace') };
  mkdirSync(dirs.workspace, { recursive: true });
  prepareCodeServer(bin, dirs, vsix);
  prepareCodeServer(bin, dirs, harnessVsix(ext, dir, resultFile));
  const server = await startCodeServer(bin, dirs);
  try {
    const browser = await chromium.launchPersistentContext(path.join(dir, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS
    });
    try {
      await browser.grantPermissions(['clipboard-read', 'clipboard-write']);
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${server.url}/?folder=${encodeURIComponent(dirs.workspace)}`);
      const deadline = Date.now() + 300_000;
      while (!existsSync(resultFile)) {
        if (Date.now() > deadline)
          throw new Error(`no result from the suite within 300 s (code-server log: ${server.logFile})`);
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await browser.close();
    }
  } finally {
    await server.stop();
  }
  const result: SuiteResult = JSON.parse(readFileSync(resultFile, 'utf8'));
  for (const t of result.passed) say(`  passed: ${t}`);
  for (const t of result.failed) say(`  FAILED: ${t}`);
  say(`${result.passed.length} passed, ${result.failed.length} failed`);
  if (result.failed.length || !result.passed.length)
    throw new Error(
      `${result.failed.length} of ${result.failed.length + result.passed.length} integration tests failed`
    );
}

async function main(): Promise<void> {
  const executable = forced === 'code-server' ? undefined : await electronExecutable();
  const bin = codeServerBin(root);
  const codeServerReady = existsSync(bin) && existsSync(CHROMIUM);
  if (forced === 'electron' && !executable)
    throw new Error(`DDPM_INTEGRATION_HOST=electron: VS Code ${VSCODE_VERSION} is not available`);
  if (forced === 'code-server' && !codeServerReady)
    throw new Error(`DDPM_INTEGRATION_HOST=code-server: needs ${bin} (npm run test:e2e installs it) and ${CHROMIUM}`);
  if (!executable && !codeServerReady) {
    skip(
      `no VS Code to run in: VS Code ${VSCODE_VERSION} cannot be downloaded (set VSCODE_EXECUTABLE_PATH to a local one), and code-server is not installed at ${bin} (npm run test:e2e installs it)`
    );
  }
  if (executable && process.platform === 'linux' && !process.env.DISPLAY) {
    if (process.env.DDPM_UNDER_XVFB) throw new Error('no display even under xvfb-run');
    if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status !== 0) {
      if (!codeServerReady) skip('no display (DISPLAY is unset) and no xvfb-run (apt-get install -y xvfb)');
    } else {
      const r = spawnSync('xvfb-run', ['-a', process.execPath, ...process.execArgv, __filename], {
        stdio: 'inherit',
        env: { ...process.env, DDPM_UNDER_XVFB: '1' }
      });
      process.exit(r.status ?? 1);
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ddpm-integration-'));
  try {
    say('building the extension and the suite in a staging copy');
    const ext = await stage(dir);
    if (executable && (process.platform !== 'linux' || process.env.DISPLAY)) await runInElectron(executable, ext, dir);
    else await runInCodeServer(bin, ext, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`test:integration: FAILED: ${errorFirstLine(e)}`);
  process.exit(1);
});
