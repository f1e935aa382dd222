// Regenerates the cell-language parser from its grammar with peggy (a devDependency):
//   node scripts/gen-cell-parser.mjs [outDir]
// writes src/core/notebook/cellLanguage/parser.generated.js and .d.ts (or into outDir; the unit test uses that
// to check the committed parser is fresh).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const grammar = path.join(root, 'src/core/notebook/cellLanguage/grammar.peggy');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'src/core/notebook/cellLanguage'));
const peggy = path.join(root, 'node_modules/peggy/bin/peggy.js');
execFileSync(process.execPath, [peggy, '--format', 'es', '--dts', '--allowed-start-rules', 'Program,Expr',
  '-o', path.join(outDir, 'parser.generated.js'), grammar], { stdio: 'inherit' });
