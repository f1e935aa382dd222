// One esbuild script for every bundle: the Node extension, the web extension, the sampler worker,
// the CLI, and the ESM notebook renderer (plotly in its own lazily loaded chunk).
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const r = (p) => path.join(root, p);

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  { entryPoints: [r('src/extension/extension.ts')], outfile: r('dist/extension.js'), platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { entryPoints: [r('src/extension/extension.ts')], outfile: r('dist/web/extension.js'), platform: 'browser', format: 'cjs', target: 'es2022', external: ['vscode'], define: { 'process.env.DDPM_WEB': '"1"' } },
  { entryPoints: [r('src/extension/sampleWorker.ts')], outfile: r('dist/worker.js'), platform: 'node', format: 'cjs', target: 'node20' },
  { entryPoints: [r('src/cli.ts')], outfile: r('dist/cli.js'), platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  {
    entryPoints: [r('renderer/index.ts')], outdir: r('dist/renderer'), platform: 'browser', format: 'esm', target: 'es2022', splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    define: { global: 'window' },
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    inject: [r('scripts/buffer-shim.mjs')],
    loader: { '.css': 'text' }
  }
];

rmSync(r('dist'), { recursive: true, force: true });
const missing = targets.flatMap((t) => t.entryPoints).filter((e) => !existsSync(e));
if (missing.length) {
  console.error(`build: missing entry point(s): ${missing.map((m) => path.relative(root, m)).join(', ')}`);
  process.exit(1);
}
if (watch) {
  for (const t of targets) await (await esbuild.context({ ...common, ...t })).watch();
  console.log('build: watching');
} else {
  await Promise.all(targets.map((t) => esbuild.build({ ...common, ...t })));
}
