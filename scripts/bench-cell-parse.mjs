#!/usr/bin/env node
// Times the notebook cell language's parser (src/core/notebook/cellLanguage) on large pastes, each case in a fresh
// Node process so that its peak memory is its own. Not a test; it prints, per case and size, the wall-clock time
// of parseCell and the process's peak resident memory (maxRSS):
//   string   compare("""...""") of a step-by-step paste: one `x.tolist()` line of N = 1000, d = 2 a step
//   print    x = tensor([...]) of a pasted PyTorch print, rows `[ 0.1234, -0.5678],`
//   node scripts/bench-cell-parse.mjs [--sizes 2,8,32] (MiB of cell text)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const self = fileURLToPath(import.meta.url);
const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2,8,32' },
    case: { type: 'string' },
    mib: { type: 'string' },
    bundle: { type: 'string' }
  }
});

/** The cell text of a case, about `mib` MiB. */
function cellText(kind, mib) {
  const bytes = mib * 2 ** 20;
  if (kind === 'print') {
    const row = '[ 0.1234, -0.5678],\n        ';
    return `x = tensor([${row.repeat(Math.floor(bytes / row.length))}])`;
  }
  const pair = '[0.12345678, -0.5678901], ';
  const line = `[${pair.repeat(1000)}]\n`;
  return `compare("""${line.repeat(Math.max(1, Math.floor(bytes / line.length)))}""")`;
}

if (opts.case) {
  // a child: parse one case with the parser bundled by the parent
  const { parseCell } = await import(pathToFileURL(opts.bundle).href);
  const text = cellText(opts.case, Number(opts.mib));
  const t0 = performance.now();
  parseCell(text);
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, mib: text.length / 2 ** 20 }));
} else {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'bench-cell-parse-'));
  const bundle = join(dir, 'parse.mjs');
  await build({
    stdin: {
      contents: "export { parseCell } from './src/core/notebook/cellLanguage/ast';",
      resolveDir: join(self, '..', '..'),
      loader: 'ts'
    },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    outfile: bundle,
    logLevel: 'warning'
  });
  const sizes = opts.sizes.split(',').map(Number);
  console.log('| case | cell text | parseCell | peak memory (maxRSS) |');
  console.log('| --- | --- | --- | --- |');
  try {
    for (const kind of ['string', 'print'])
      for (const mib of sizes) {
        const out = execFileSync(process.execPath, [self, '--case', kind, '--mib', String(mib), '--bundle', bundle], {
          encoding: 'utf8',
          maxBuffer: 1 << 20
        });
        const r = JSON.parse(out.trim().split('\n').pop());
        console.log(`| ${kind} | ${r.mib.toFixed(1)} MiB | ${r.ms.toFixed(0)} ms | ${r.maxRssMiB.toFixed(0)} MiB |`);
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
