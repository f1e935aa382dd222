// Regenerates every parser from its peggy grammar (peggy is a devDependency): `npm run gen:parsers`.
// Convention: a grammar's parser is committed beside it as <name>.generated.js + <name>.generated.d.ts
// (ES module with its declarations), never edited by hand; .gitattributes marks them as generated.
//   node scripts/gen-parsers.mjs [outDir]
// With outDir, writes the parsers under outDir at their repository paths instead (the unit test
// test/unit/generatedParsers.test.ts uses that to check the committed parsers are fresh).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Every grammar in the repository, its generated parser and the rules a caller may start from. */
const PARSERS = [
  {
    grammar: 'src/core/tensors/tensorText.peggy',
    parser: 'src/core/tensors/tensorText.generated.js',
    startRules: ['Start']
  },
  {
    grammar: 'src/core/notebook/cellLanguage/grammar.peggy',
    parser: 'src/core/notebook/cellLanguage/parser.generated.js',
    startRules: ['Program', 'Expr']
  }
];

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const peggy = path.join(root, 'node_modules/peggy/bin/peggy.js');

const outDir = path.resolve(process.argv[2] ?? root);
for (const { grammar, parser, startRules } of PARSERS) {
  const out = path.join(outDir, parser);
  mkdirSync(path.dirname(out), { recursive: true });
  execFileSync(
    process.execPath,
    [
      peggy,
      '--format',
      'es',
      '--dts',
      '--allowed-start-rules',
      startRules.join(','),
      '-o',
      out,
      path.join(root, grammar)
    ],
    {
      stdio: 'inherit'
    }
  );
}
