// code-server (VS Code 1.100 for the browser) for the end-to-end run: install the .vsix into a fresh
// extensions folder, start it on 127.0.0.1 on a free port with a fresh user-data folder, and stop it
// by its process group whatever happens.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { e2eCacheDir } from './toolchain';

export const CODE_SERVER_VERSION = '4.100.3';

/** Where scripts/e2e/setup.sh installs code-server. */
export function codeServerBin(root: string): string {
  return path.join(e2eCacheDir(root), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

/** User settings that avoid a welcome tab, telemetry and any outside request. */
export const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.colorTheme': 'Default Light Modern',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'files.autoSave': 'off',
  'git.openRepositoryInParentFolders': 'never',
  'remote.autoForwardPorts': false,
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnPaste': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'notebook.output.scrolling': false,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false
};

export interface CodeServerDirs {
  /** the run's folder: config, extensions, user data and the log live here */
  run: string;
  /** the folder opened as the workspace */
  workspace: string;
  /** the user-data folder; default <run>/data */
  userData?: string;
  /** the extensions folder; default <run>/ext */
  extensions?: string;
}

/** The user setting that makes VS Code run DDPM Lab in the browser's web worker extension host (README "In the browser"). */
export const WEB_HOST_SETTINGS = { 'remote.extensionKind': { 'ddpm-lab.ddpm-lab': ['web'] } };

const userDataDir = (dirs: CodeServerDirs): string => dirs.userData ?? path.join(dirs.run, 'data');
const extensionsDir = (dirs: CodeServerDirs): string => dirs.extensions ?? path.join(dirs.run, 'ext');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function commonArgs(dirs: CodeServerDirs): string[] {
  return [
    '--config',
    path.join(dirs.run, 'config.yaml'),
    '--extensions-dir',
    extensionsDir(dirs),
    '--user-data-dir',
    userDataDir(dirs)
  ];
}

/**
 * Writes the config and user settings (USER_SETTINGS plus `extraSettings`); installs the .vsix into the
 * fresh extensions folder, unless `vsix` is undefined (a second instance reusing the installed extension).
 */
export function prepareCodeServer(
  bin: string,
  dirs: CodeServerDirs,
  vsix: string | undefined,
  extraSettings: Record<string, unknown> = {}
): void {
  mkdirSync(path.join(userDataDir(dirs), 'User'), { recursive: true });
  mkdirSync(extensionsDir(dirs), { recursive: true });
  writeFileSync(path.join(dirs.run, 'config.yaml'), 'auth: none\ncert: false\n');
  writeFileSync(
    path.join(userDataDir(dirs), 'User', 'settings.json'),
    JSON.stringify({ ...USER_SETTINGS, ...extraSettings }, null, 2)
  );
  if (vsix === undefined) return;
  const r = spawnSync(bin, [...commonArgs(dirs), '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  writeFileSync(path.join(dirs.run, 'install-extension.log'), out);
  if (r.status !== 0 || !/successfully installed/i.test(out)) {
    throw new Error(
      `code-server --install-extension ${path.basename(vsix)} failed (exit ${r.status}): ${out.trim().split('\n').slice(-3).join(' | ')}`
    );
  }
}

export interface RunningCodeServer {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** Starts code-server in its own process group and waits for GET /healthz. */
export async function startCodeServer(
  bin: string,
  dirs: CodeServerDirs,
  timeoutMs = 60_000
): Promise<RunningCodeServer> {
  const logFile = path.join(dirs.run, 'code-server.log');
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(
      bin,
      [
        ...commonArgs(dirs),
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        dirs.workspace
      ],
      { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_PROXY_URI: '' } }
    );
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const stopOnExit = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    };
    process.on('exit', stopOnExit);
    const stop = async () => {
      process.off('exit', stopOnExit);
      await stopGroup(child);
      log.end();
    };
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null) {
      if (await healthy(url)) return { url, port, logFile, stop };
      await new Promise((r) => setTimeout(r, 250));
    }
    await stop();
    const tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ');
    lastError = `code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s (log: ${tail})`;
    if (!/EADDRINUSE/.test(tail)) break;
  }
  throw new Error(lastError);
}
