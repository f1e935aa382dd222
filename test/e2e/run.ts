// `npm run test:e2e`: DDPM Lab in a real VS Code (code-server 4.100.3), driven by Debian's Chromium
// through playwright-core, the way a user works with it.
//   1. scripts/e2e/setup.sh installs what is missing (cached in .e2e-cache/);
//   2. packages the extension with vsce (from a copy of the repo, so the checkout's dist/ is left alone),
//      installs the .vsix into a fresh extensions folder, starts code-server on a free 127.0.0.1 port;
//   3. runs the scenario (scenario.ts), each step named, with screenshots, in two passes: DDPM Lab in
//      code-server's Node extension host, then (a second code-server, the same installed extension and
//      browser, a fresh user-data folder with "remote.extensionKind" set to web) in the browser's web
//      worker extension host, the steps that apply there (Step.web);
//   4. leaves screenshots, logs and a summary in test-results/e2e/<time>/, and stops everything it started.
// Environment: DDPM_E2E_VSIX=<file> tests that .vsix instead of packaging the repo; DDPM_E2E_HEADED=1 shows
// the browser; DDPM_E2E_EXAMPLES=<folder> takes seed.ddpmnb and seed.inputs.json from there instead of
// media/examples/; DDPM_E2E_KEEP=1 keeps the run's whole folder (profile, extensions) for debugging;
// DDPM_E2E_HOSTS=node or =web runs one pass only (default node,web); DDPM_E2E_STEPS=<regex> runs only the steps
// whose names match it and the steps they need (a developer's knob: the timing steps, say);
// DDPM_E2E_PALETTE_SETTLE_MS=<ms> is how long the palette timing waits after opening its inputs file (default 3000).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync
} from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import {
  codeServerBin,
  prepareCodeServer,
  startCodeServer,
  WEB_HOST_SETTINGS,
  type CodeServerDirs,
  type RunningCodeServer
} from './codeServer';
import { scenario, type ScenarioContext, type Step } from './scenario';
import { CHROMIUM, CHROMIUM_ARGS, e2eCacheDir, stageRepository } from './toolchain';
import { openWorkbench } from './workbench';

const ROOT = path.resolve(__dirname, '..', '..');
const KEEP_RUNS = 3;
/** no scenario step of a healthy run takes a tenth of this */
const STEP_TIMEOUT_MS = 240_000;

interface StepResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  message?: string;
  screenshot?: string;
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
/** the setup steps both passes rely on */
const SHARED_SETUP = [
  'setup: install code-server, Chromium (scripts/e2e/setup.sh)',
  'setup: package the extension (vsce package)'
];
type Host = 'node' | 'web';
const HOST_LABEL: Record<Host, string> = { node: 'Node extension host', web: 'web worker extension host' };

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const oneLine = (e: unknown): string => {
  const m = e instanceof Error ? e.message : String(e);
  // Playwright's messages carry a call log after the first lines; keep what names the problem.
  const lines = m.split('\n').filter((l) => l.trim() && !/^\s*(Call log|- |at |\+ actual)/.test(l));
  return lines
    .slice(0, e instanceof assert.AssertionError ? 1 : 3)
    .map((l) => (l.length > 800 ? `${l.slice(0, 800)}...` : l))
    .join(' | ');
};

function sh(
  cmd: string,
  args: string[],
  opts: { cwd: string; log: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }
): void {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 600_000,
    maxBuffer: 64 << 20
  });
  appendFileSync(opts.log, `$ ${cmd} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}\n`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').filter(Boolean).slice(-4).join(' | ');
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${tail}`);
  }
}

/** Copies the repo (without node_modules, .git, build output, caches) and packages it there with vsce. */
function packageExtension(runDir: string, log: string): { vsix: string; cli: string } {
  const staging = path.join(runDir, 'staging');
  stageRepository(ROOT, staging);
  const manifest = JSON.parse(readFileSync(path.join(staging, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  // vsce runs "vscode:prepublish" itself (the production build); without one, build first.
  if (!manifest.scripts?.['vscode:prepublish']) sh(process.execPath, ['scripts/build.mjs'], { cwd: staging, log });
  const vsix = path.join(runDir, 'ddpm-lab.vsix');
  sh(
    path.join(ROOT, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '-o', vsix],
    { cwd: staging, log }
  );
  const cli = path.join(staging, 'dist', 'cli.js');
  if (!existsSync(cli)) sh(process.execPath, ['scripts/build.mjs', '--only=cli'], { cwd: staging, log });
  return { vsix, cli };
}

/** playwright-core from the project's devDependencies, else from where setup.sh put it (.e2e-cache/playwright). */
function loadPlaywright(): typeof import('playwright-core') {
  try {
    return createRequire(path.join(ROOT, 'package.json'))('playwright-core') as typeof import('playwright-core');
  } catch {
    return createRequire(path.join(e2eCacheDir(ROOT), 'playwright', 'package.json'))(
      'playwright-core'
    ) as typeof import('playwright-core');
  }
}

/** Removes old runs' folders, keeping the newest few. */
function pruneOldRuns(base: string): void {
  if (!existsSync(base)) return;
  const runs = readdirSync(base)
    .filter((d) => /^\d{4}-/.test(d))
    .sort();
  for (const d of runs.slice(0, Math.max(0, runs.length - KEEP_RUNS)))
    rmSync(path.join(base, d), { recursive: true, force: true });
}

async function main(): Promise<number> {
  const started = Date.now();
  const base = path.join(ROOT, 'test-results', 'e2e');
  pruneOldRuns(base);
  const runDir = path.join(base, new Date().toISOString().replace(/[:.]/g, '-'));
  const shots = path.join(runDir, 'screenshots');
  mkdirSync(shots, { recursive: true });
  const buildLog = path.join(runDir, 'build.log');
  const consoleLog = path.join(runDir, 'browser-console.log');
  console.log(`e2e: results in ${path.relative(ROOT, runDir)}/`);

  const results: StepResult[] = [];
  let shotNo = 0;
  let server: RunningCodeServer | undefined;
  let browser: BrowserContext | undefined;
  let page: Page | undefined;
  let vsix = process.env.DDPM_E2E_VSIX ? path.resolve(process.env.DDPM_E2E_VSIX) : '';
  let cli = '';
  const workspace = path.join(runDir, 'workspace');
  const dirs: CodeServerDirs = { run: runDir, workspace };
  const hosts = (process.env.DDPM_E2E_HOSTS ?? 'node,web')
    .split(',')
    .map((h) => h.trim())
    .filter((h): h is Host => h === 'node' || h === 'web');
  const passes: { host: Host; ms: number; passed: number; failed: number; skipped: number }[] = [];
  let extensionInstalled = false;

  const screenshot = async (name: string): Promise<string | undefined> => {
    if (!page || page.isClosed()) return undefined;
    const file = path.join(shots, `${String(++shotNo).padStart(2, '0')}-${slug(name)}.png`);
    try {
      await page.screenshot({ path: file, timeout: 10_000 });
      return path.relative(ROOT, file);
    } catch {
      return undefined;
    }
  };

  /** Runs the steps in order; in the web pass (prefix "web: ") names, needs and its setup steps carry the prefix. */
  const runSteps = async <C>(steps: Step<C>[], ctx: C, prefix = ''): Promise<void> => {
    for (const unnamed of steps) {
      const step = { ...unnamed, name: prefix + unnamed.name };
      const t0 = Date.now();
      const failedNeed = (step.needs ?? [])
        .map((n) => prefix + n)
        .find((n) => results.find((r) => r.name === n)?.status !== 'passed');
      const broken = results.find(
        (r) => r.status !== 'passed' && (r.name.startsWith(`${prefix}setup:`) || SHARED_SETUP.includes(r.name))
      );
      if (failedNeed || broken) {
        const why = failedNeed
          ? `needs "${failedNeed}", which did not pass`
          : `setup step "${broken!.name}" did not pass`;
        results.push({ name: step.name, status: 'skipped', ms: 0, message: why });
        console.log(`  - ${step.name}: skipped (${why})`);
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      try {
        const limit = step.name.startsWith('setup:') ? 900_000 : STEP_TIMEOUT_MS;
        await Promise.race([
          step.run(ctx),
          new Promise(
            (_, reject) =>
              (timer = setTimeout(() => reject(new Error(`the step took longer than ${limit / 1000} s`)), limit))
          )
        ]);
        results.push({ name: step.name, status: 'passed', ms: Date.now() - t0 });
        console.log(`  ✓ ${step.name} (${seconds(Date.now() - t0)})`);
      } catch (e) {
        const shot = await screenshot(`failed-${step.name}`);
        results.push({ name: step.name, status: 'failed', ms: Date.now() - t0, message: oneLine(e), screenshot: shot });
        console.log(
          `  ✗ ${step.name} (${seconds(Date.now() - t0)})\n      ${oneLine(e)}${shot ? `\n      screenshot: ${shot}` : ''}`
        );
      } finally {
        clearTimeout(timer);
      }
    }
  };

  const stopAll = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    browser = undefined;
    await server?.stop().catch(() => undefined);
    server = undefined;
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    console.log(`e2e: ${sig}, stopping code-server and Chromium`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const setupSteps: Step<null>[] = [
      {
        name: 'setup: install code-server, Chromium (scripts/e2e/setup.sh)',
        run: async () =>
          sh('bash', [path.join(ROOT, 'scripts', 'e2e', 'setup.sh')], { cwd: ROOT, log: buildLog, timeoutMs: 900_000 })
      },
      {
        name: 'setup: package the extension (vsce package)',
        run: async () => {
          if (vsix) {
            if (!existsSync(vsix)) throw new Error(`DDPM_E2E_VSIX=${vsix}: no such file`);
            const out = path.join(runDir, 'cli-dist');
            sh(process.execPath, ['scripts/build.mjs', '--only=cli'], {
              cwd: ROOT,
              log: buildLog,
              env: { ...process.env, DDPM_OUT_DIR: out }
            });
            cli = path.join(out, 'cli.js');
          } else {
            ({ vsix, cli } = packageExtension(runDir, buildLog));
          }
        }
      }
    ];
    await runSteps(setupSteps, null);

    // One pass per extension host: a code-server with its own user-data folder and workspace (fresh
    // copies of the examples), the extension installed once, the browser kept open (a new page).
    for (const host of hosts) {
      const passStart = Date.now();
      const firstResult = results.length;
      const prefix = host === 'web' ? 'web: ' : '';
      const passDirs: CodeServerDirs =
        host === 'node'
          ? dirs
          : {
              ...dirs,
              workspace: path.join(runDir, 'workspace-web'),
              userData: path.join(runDir, 'data-web'),
              extensions: path.join(runDir, 'ext')
            };
      console.log(`e2e: ${HOST_LABEL[host]} pass`);
      const passSetup: Step<null>[] = [
        {
          name:
            host === 'node'
              ? 'setup: start code-server with the extension installed'
              : 'setup: start code-server again, DDPM Lab in the web worker extension host ("remote.extensionKind")',
          run: async () => {
            await page?.close().catch(() => undefined);
            page = undefined;
            await server?.stop().catch(() => undefined);
            server = undefined;
            mkdirSync(passDirs.workspace, { recursive: true });
            const examples = process.env.DDPM_E2E_EXAMPLES
              ? path.resolve(process.env.DDPM_E2E_EXAMPLES)
              : path.join(ROOT, 'media', 'examples');
            for (const f of ['seed.ddpmnb', 'seed.inputs.json']) {
              const src = path.join(examples, f);
              if (existsSync(src)) cpSync(src, path.join(passDirs.workspace, f));
            }
            const bin = codeServerBin(ROOT);
            prepareCodeServer(
              bin,
              passDirs,
              extensionInstalled ? undefined : vsix,
              host === 'web' ? WEB_HOST_SETTINGS : {}
            );
            extensionInstalled = true;
            server = await startCodeServer(bin, passDirs);
          }
        },
        {
          name:
            host === 'node'
              ? 'setup: open VS Code in Chromium'
              : 'setup: open VS Code in a new page of the same Chromium',
          run: async () => {
            if (!browser) {
              const { chromium } = loadPlaywright();
              browser = await chromium.launchPersistentContext(path.join(runDir, 'chromium-profile'), {
                executablePath: CHROMIUM,
                headless: process.env.DDPM_E2E_HEADED !== '1',
                viewport: { width: 1600, height: 1000 },
                args: CHROMIUM_ARGS
              });
            }
            await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server!.url });
            const p =
              browser.pages().find((x) => !x.isClosed() && x.url() === 'about:blank') ?? (await browser.newPage());
            page = p;
            p.on('console', (m) => appendFileSync(consoleLog, `[${host}] [${m.type()}] ${m.text()}\n`));
            p.on('pageerror', (e) => appendFileSync(consoleLog, `[${host}] [pageerror] ${e.message}\n`));
            await openWorkbench(p, `${server!.url}/?folder=${encodeURIComponent(passDirs.workspace)}`);
            await screenshot(`${prefix}workbench`);
          }
        }
      ];
      await runSteps(passSetup, null, prefix);
      const steps = onlySteps(
        scenario.filter((st) => (host === 'web' ? st.web === true || st.web === 'only' : st.web !== 'only'))
      );
      if (page && server) {
        const ctx: ScenarioContext = {
          page,
          root: ROOT,
          workspace: passDirs.workspace,
          cli,
          screenshot,
          runDir,
          host,
          userDataDir: passDirs.userData ?? path.join(runDir, 'data')
        };
        await runSteps(steps, ctx, prefix);
      } else {
        for (const st of steps)
          results.push({ name: prefix + st.name, status: 'skipped', ms: 0, message: 'setup did not pass' });
      }
      const mine = results.slice(firstResult);
      const pass = {
        host,
        ms: Date.now() - passStart,
        passed: mine.filter((r) => r.status === 'passed').length,
        failed: mine.filter((r) => r.status === 'failed').length,
        skipped: mine.filter((r) => r.status === 'skipped').length
      };
      passes.push(pass);
      console.log(
        `e2e: ${HOST_LABEL[host]} pass: ${pass.passed} passed, ${pass.failed} failed, ${pass.skipped} skipped in ${seconds(pass.ms)}`
      );
    }
  } finally {
    await stopAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  // Copy VS Code's own logs (extension host, renderer) next to code-server's.
  for (const [data, logs] of [
    ['data', 'vscode-logs'],
    ['data-web', 'vscode-logs-web']
  ]) {
    const vsLogs = path.join(runDir, data, 'logs');
    if (existsSync(vsLogs)) cpSync(vsLogs, path.join(runDir, logs), { recursive: true });
  }
  if (process.env.DDPM_E2E_KEEP !== '1') {
    for (const d of ['chromium-profile', 'ext', 'data', 'data-web', 'staging'])
      rmSync(path.join(runDir, d), { recursive: true, force: true });
  }

  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  writeFileSync(
    path.join(runDir, 'summary.json'),
    JSON.stringify({ passed, failed, skipped, ms: Date.now() - started, passes, steps: results }, null, 2)
  );
  const firstFailure = results.find((r) => r.status === 'failed');
  if (firstFailure) console.log(`e2e: FAILED at step "${firstFailure.name}": ${firstFailure.message}`);
  for (const p of passes)
    console.log(
      `e2e: ${HOST_LABEL[p.host]} pass took ${seconds(p.ms)} (${p.passed} passed, ${p.failed} failed, ${p.skipped} skipped)`
    );
  console.log(
    `e2e: screenshots and logs (code-server.log, browser-console.log, vscode-logs/, vscode-logs-web/) in ${path.relative(ROOT, runDir)}/ (${seconds(Date.now() - started)} in all)`
  );
  console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed + skipped > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`e2e: ${oneLine(e)}`);
    process.exit(1);
  }
);

/** The steps DDPM_E2E_STEPS (a regular expression over step names) selects, with the steps they need; all without it. */
function onlySteps<S extends { name: string; needs?: string[] }>(steps: S[]): S[] {
  const pattern = process.env.DDPM_E2E_STEPS;
  if (!pattern) return steps;
  const re = new RegExp(pattern);
  const keep = new Set(steps.filter((st) => re.test(st.name)).map((st) => st.name));
  for (let grew = true; grew;) {
    grew = false;
    for (const st of steps)
      if (keep.has(st.name))
        for (const need of st.needs ?? [])
          if (!keep.has(need)) {
            keep.add(need);
            grew = true;
          }
  }
  return steps.filter((st) => keep.has(st.name));
}
