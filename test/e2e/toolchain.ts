// What the end-to-end run (run.ts), the integration suite (test/integration/runTest.ts) and the browser
// test share: Debian's Chromium and the flags it runs with, the cache folder scripts/e2e/setup.sh fills,
// and a staging copy of the repository to build and package in (so the checkout's dist/ is left alone).
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';
/** headless Chromium without a sandbox, GPU or any outside request (Playwright refuses --user-data-dir here) */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

/** Where setup.sh caches code-server, playwright-core and the rest: DDPM_E2E_CACHE, else .e2e-cache/. */
export function e2eCacheDir(root: string): string {
  return process.env.DDPM_E2E_CACHE ? path.resolve(process.env.DDPM_E2E_CACHE) : path.join(root, '.e2e-cache');
}

/** Top-level folders a staging copy leaves out: installed packages, git, build output, caches, results. */
const NOT_STAGED = new Set(['node_modules', '.git', 'dist', 'out', 'test-results', '.e2e-cache', '.vscode-test']);

/**
 * Copies the repository into `dest` (without NOT_STAGED and .vsix files), its node_modules linked. Entry by
 * entry: `dest` may lie inside the repository (test-results/), where one recursive copy of it is refused.
 */
export function stageRepository(root: string, dest: string): void {
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(root)) {
    if (NOT_STAGED.has(entry)) continue;
    cpSync(path.join(root, entry), path.join(dest, entry), {
      recursive: true,
      filter: (src) => !src.endsWith('.vsix')
    });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dest, 'node_modules'), 'dir');
}
