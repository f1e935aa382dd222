// The boundaries between the parts (eslint.config.mjs, README "Architecture"): ESLint's own API lints a
// line of code as if it were a file of each part, and each boundary rule must fire on a deliberate
// violation (static and dynamic imports) and stay quiet on the imports that part is allowed.
import { strict as assert } from 'node:assert';
import { ESLint } from 'eslint';
import { ROOT } from './helpers/paths';

const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

/** The boundary errors ESLint reports for `code` as the file `filePath` (relative to the repository root). */
async function boundaryErrors(eslint: ESLint, code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${filePath}: ESLint could not parse ${code}`);
  return result.messages.filter((m) => m.ruleId && BOUNDARY_RULES.has(m.ruleId)).map((m) => m.message);
}

interface Part {
  file: string;
  /** part name as the error message gives it */
  name: RegExp;
  forbidden: string[];
  allowed: string[];
}

const PARTS: Part[] = [
  {
    file: 'renderer/lintProbe.ts',
    name: /(^| )renderer\/ .* may not import /,
    forbidden: [
      "import * as vscode from 'vscode';",
      "import type { Uri } from 'vscode';",
      "const vscode = await import('vscode');",
      "import { ResultsPanel } from '../src/extension/panel';",
      "export { saveImage } from '../src/extension/viewActions';",
      "const p = await import('../src/extension/panel');",
      "import { readInput } from '../src/cli/io';",
      "import '../src/cli';",
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';"
    ],
    allowed: [
      "import { errorFirstLine } from '../src/core/errors';",
      "import { parseHostMessage } from '../src/common/viewMessages';",
      "import type { ActivationFunction } from 'vscode-notebook-renderer';",
      "import { h } from './dom';",
      "import { diffView } from './views/diff';",
      "const plotly = await import('./plotly');"
    ]
  },
  {
    file: 'src/core/sampler/lintProbe.ts',
    name: /(^| )src\/core .* may not import /,
    forbidden: [
      "import * as vscode from 'vscode';",
      "import { readFile } from 'node:fs/promises';",
      "import { readFile } from 'fs/promises';",
      "import { Worker } from 'worker_threads';",
      "const { createHash } = await import('node:crypto');",
      "import { saveImage } from '../../extension/viewActions';",
      "import { parseArgs } from '../../cli/io';",
      "import { buildReportHtml } from '../../report/html';",
      "import { parseViewMessage } from '../../common/viewMessages';",
      "import { runPythonCheck } from '../../host/pythonCheck';",
      "const h = await import('../../host/pythonCheck');",
      "import { h } from '../../../renderer/dom';"
    ],
    allowed: [
      "import { errorFirstLine } from '../errors';",
      "import { randnInto } from '../rng/randn';",
      "import { linspace } from './schedules';",
      "const { decodeRunResult } = await import('../run/runCodec');"
    ]
  },
  {
    file: 'src/common/lintProbe.ts',
    name: /(^| )src\/common .* may not import /,
    forbidden: [
      "import * as vscode from 'vscode';",
      "import path from 'node:path';",
      "import { copyText } from '../extension/viewActions';",
      "import { runPythonCheck } from '../host/pythonCheck';",
      "import { h } from '../../renderer/dom';"
    ],
    allowed: [
      "import type { RunResultJson } from '../core/run/runCodec';",
      "import { parseViewMessage } from './viewMessages';"
    ]
  },
  {
    file: 'src/cli/lintProbe.ts',
    name: /(^| )src\/cli .* may not import /,
    forbidden: [
      "import * as vscode from 'vscode';",
      "import { ResultsPanel } from '../extension/panel';",
      "const k = await import('../extension/kernel');"
    ],
    allowed: [
      "import { readFile } from 'node:fs/promises';",
      "import { runSampler } from '../core/sampler/sampler';",
      "import { buildReportHtml } from '../report/html';",
      "import { readInput } from './io';"
    ]
  },
  {
    file: 'src/cli.ts',
    name: /(^| )src\/cli .* may not import /,
    forbidden: ["import { activate } from './extension/extension';"],
    allowed: ["import { runSample } from './cli/sample';", "import { errorFirstLine } from './core/errors';"]
  },
  {
    file: 'src/host/lintProbe.ts',
    name: /(^| )src\/host .* may not import /,
    forbidden: [
      "import * as vscode from 'vscode';",
      "import { ResultsPanel } from '../extension/panel';",
      "import { main } from '../cli/check';"
    ],
    allowed: ["import { spawn } from 'node:child_process';", "import { runSampler } from '../core/sampler/sampler';"]
  },
  {
    file: 'src/extension/lintProbe.ts',
    name: /$^/, // the extension host may import all of these
    forbidden: [],
    allowed: [
      "import * as vscode from 'vscode';",
      "import { Worker } from 'node:worker_threads';",
      "import { parseViewMessage } from '../common/viewMessages';",
      "import { runSampler } from '../core/sampler/sampler';"
    ]
  }
];

describe('lint: the boundaries between the parts', function () {
  this.timeout(60000);
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });

  for (const part of PARTS) {
    for (const code of part.forbidden) {
      it(`${part.file}: refuses ${code}`, async () => {
        const errors = await boundaryErrors(eslint, `${code}\n`, part.file);
        assert.equal(errors.length, 1, `expected one boundary error, got ${JSON.stringify(errors)}`);
        assert.match(errors[0], part.name);
        assert.match(errors[0], /see README "Architecture"\.$/);
      });
    }
    it(`${part.file}: allows ${part.allowed.length} imports of its own dependencies`, async () => {
      for (const code of part.allowed) assert.deepEqual(await boundaryErrors(eslint, `${code}\n`, part.file), [], code);
    });
  }

  it('names the module kind that is refused', async () => {
    assert.match(
      (await boundaryErrors(eslint, "import * as vscode from 'vscode';\n", 'renderer/index.ts'))[0],
      /may not import vscode \(the API exists only in the extension host\)/
    );
    assert.match(
      (await boundaryErrors(eslint, "import fs from 'fs';\n", 'src/core/types.ts'))[0],
      /may not import Node built-in modules/
    );
    assert.match(
      (await boundaryErrors(eslint, "import '../extension/panel';\n", 'src/cli/io.ts'))[0],
      /may not import src\/extension/
    );
  });
});
