// The committed parsers are what their grammars generate: `npm run gen:parsers` (scripts/gen-parsers.mjs)
// regenerates every grammar into a temporary folder, and each generated file must equal the committed
// one byte for byte; every committed *.generated.* file must come from a grammar.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers/paths';

/** Files under `dir` (repository-relative paths with "/"), keeping those `keep` accepts. */
function filesUnder(dir: string, base: string, keep: (name: string) => boolean): string[] {
  return readdirSync(path.join(base, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => path.relative(base, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('generated parsers', () => {
  it('are fresh: regenerating every grammar gives the committed files, and every committed parser has its grammar', function () {
    this.timeout(60000);
    const out = mkdtempSync(path.join(tmpdir(), 'ddpm-parsers-'));
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-parsers.mjs'), out]);
      const generated = filesUnder('.', out, () => true);
      assert.deepEqual(generated, [
        'src/core/notebook/cellLanguage/parser.generated.d.ts',
        'src/core/notebook/cellLanguage/parser.generated.js',
        'src/core/tensors/tensorText.generated.d.ts',
        'src/core/tensors/tensorText.generated.js'
      ]);
      assert.deepEqual(
        filesUnder('src', ROOT, (name) => name.includes('.generated.')),
        generated,
        'a committed *.generated.* file that no grammar generates'
      );
      for (const file of generated) {
        const fresh = readFileSync(path.join(out, file), 'utf8');
        const committed = readFileSync(path.join(ROOT, file), 'utf8');
        assert.ok(fresh === committed, `${file} is stale: run npm run gen:parsers`);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
