// "DDPM: Run Sampler"'s input resolution (src/extension/resolveInputs.ts): which editor text holds
// inputs, the one-line errors for broken inputs, the input boxes' validation, and the generated
// inputs of "Enter N, d, T and seed" — checked live against real PyTorch where it is installed.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { parseInputsText, readInputs } from '../../../src/core/sampler/inputs';
import { MAX_STEPS } from '../../../src/core/sampler/limits';
import { alphaBarFromBetas, cosineSchedule, linearSchedule } from '../../../src/core/sampler/schedules';
import type { SamplerInputs } from '../../../src/core/types';
import {
  countProblem,
  generatedWModel,
  generateInputs,
  intendedLanguage,
  resolveInputsFromCells,
  resolveInputsFromText,
  seedProblem,
  type CellInputsInterpreter,
  type NotebookCellsInterpreter
} from '../../../src/extension/resolveInputs';
import { inputsToMessage } from '../../../src/extension/workerProtocol';
import { interpretCellsInputs, interpretInputs } from '../../../src/core/notebook/cellLanguage/interpreter';
import { f32Bits } from '../helpers/bits';
import { PYTHON, torchMissing } from '../helpers/torch';
import { seedInputsText } from '../helpers/seedExample';

const example = JSON.parse(seedInputsText);

function sameInputs(a: SamplerInputs, b: SamplerInputs): void {
  assert.deepEqual([a.n, a.d, a.seed], [b.n, b.d, b.seed]);
  assert.deepEqual(f32Bits(a.wModel.data), f32Bits(b.wModel.data));
  assert.deepEqual(f32Bits(a.betas), f32Bits(b.betas));
  assert.deepEqual(f32Bits(a.alphaBar), f32Bits(b.alphaBar));
}

function assertOneLine(message: string): void {
  assert.ok(!message.includes('\n'), `not one line: ${message}`);
  assert.doesNotMatch(message, /\n\s+at |\.ts:\d+/, 'looks like a stack trace');
}

describe('resolveInputsFromText (the active editor)', () => {
  it('takes a JSON object with the five inputs, as readInputs reads it', () => {
    const r = resolveInputsFromText(seedInputsText, 'seed.inputs.json');
    assert.equal(r.kind, 'inputs');
    if (r.kind !== 'inputs') return;
    sameInputs(r.inputs, readInputs(example).inputs);
    assert.equal(r.origin, 'seed.inputs.json');
  });

  it('says what the CLI says of a broken file or a seed that lost digits: the same line, column and words', () => {
    const broken = `\n\n  ${seedInputsText.replace('"seed": 42', '"seed": 42,,')}`;
    const lostDigits = seedInputsText.replace('"seed": 42', '"seed": 18446744073709551615');
    const outOfRange = seedInputsText.replace('"seed": 42', '"seed": 18446744073709551616');
    for (const text of [broken, lostDigits, outOfRange]) {
      const r = resolveInputsFromText(text, 'in.json');
      assert.equal(r.kind, 'error');
      if (r.kind !== 'error') return;
      assert.throws(
        () => parseInputsText(text, 'in.json'), // what `cli sample in.json` reads it with
        (e: Error) => e.message === r.message
      );
    }
    const r = resolveInputsFromText(broken, 'in.json');
    assert.match(r.kind === 'error' ? r.message : '', /^in\.json: invalid JSON at line 8, column/);
    const seed = resolveInputsFromText(lostDigits, 'in.json');
    assert.match(seed.kind === 'error' ? seed.message : '', /seed: 18446744073709551615 is 2\^53 or more/);
  });

  it("keeps the schedule's decimals as written when they are not float32 values, for the float64-schedule diagnosis", () => {
    const written = resolveInputsFromText(seedInputsText, 'seed.inputs.json');
    assert.equal(written.kind, 'inputs');
    if (written.kind !== 'inputs') return;
    assert.deepEqual(written.writtenSchedule, { betas: example.betas, alphaBar: example.alpha_bar });
    // alpha_bar longer than betas: the loop reads its first T values, and so does the written schedule
    const longer = resolveInputsFromText(
      JSON.stringify({ ...example, alpha_bar: [...example.alpha_bar, 0.5] }),
      'longer.json'
    );
    assert.equal(longer.kind, 'inputs');
    if (longer.kind === 'inputs') assert.deepEqual(longer.writtenSchedule?.alphaBar, example.alpha_bar);
    // the same inputs written as their float32 values: nothing more to try
    const exact = resolveInputsFromText(JSON.stringify(inputsToMessage(written.inputs)), 'exact.json');
    assert.equal(exact.kind, 'inputs');
    if (exact.kind === 'inputs') assert.equal(exact.writtenSchedule, undefined);
  });

  it('takes a selection with surrounding whitespace, and arrays given as printed tensors', () => {
    const text = `\n\n   ${JSON.stringify({ ...example, w_model: 'tensor([[ 0.1200, -0.3000],\n        [ 0.0500,  0.4100],\n        [-0.2000,  0.0700]])' })}  \n`;
    const r = resolveInputsFromText(text, 'selection');
    assert.equal(r.kind, 'inputs');
    if (r.kind === 'inputs') sameInputs(r.inputs, readInputs(example).inputs);
  });

  it('reports broken inputs in one line naming the field, instead of falling back to the quick pick', () => {
    const { seed: _seed, ...noSeed } = example;
    const missing = resolveInputsFromText(JSON.stringify(noSeed), 'a.json');
    assert.equal(missing.kind, 'error');
    if (missing.kind === 'error') {
      assert.match(missing.message, /seed/);
      assertOneLine(missing.message);
    }
    const badShape = resolveInputsFromText(
      JSON.stringify({
        ...example,
        w_model: [
          [1, 2],
          [3, 4]
        ]
      }),
      'a.json'
    );
    assert.equal(badShape.kind, 'error');
    if (badShape.kind === 'error') {
      assert.match(badShape.message, /^w_model: /);
      assertOneLine(badShape.message);
    }
  });

  it('says where JSON that names our keys is broken (line and column)', () => {
    const broken = seedInputsText.replace('"shape": [4, 2],', '"shape": [4, 2]');
    const r = resolveInputsFromText(broken, 'seed.inputs.json');
    assert.equal(r.kind, 'error');
    if (r.kind === 'error') {
      assert.match(r.message, /^seed\.inputs\.json: .*line 4, column \d+/);
      assertOneLine(r.message);
    }
  });

  it('leaves text that is not ours to the quick pick', () => {
    for (const text of [
      '',
      '   \n',
      '{"name": "x", "version": "1.0.0"}',
      '[1, 2, 3]',
      '{ not json and no keys',
      'import torch\nx = torch.randn(4, 2)\n',
      '# notes\nhello'
    ]) {
      assert.equal(resolveInputsFromText(text, 'doc').kind, 'none', JSON.stringify(text));
    }
  });

  it('runs cell-language text through the interpreter when one is given', () => {
    const text = 'w_model = [[0.12, -0.30], [0.05, 0.41], [-0.20, 0.07]]\nshape = [4, 2]\n';
    const seen: string[] = [];
    const interpret: CellInputsInterpreter = (t, origin) => {
      seen.push(`${origin}:${t.length}`);
      return { inputs: readInputs(example).inputs, warnings: ['w'], profile: 'scalar' };
    };
    const r = resolveInputsFromText(text, 'cells.ddpm', interpret);
    assert.deepEqual(seen, [`cells.ddpm:${text.length}`]);
    assert.equal(r.kind, 'inputs');
    if (r.kind === 'inputs') assert.deepEqual([r.profile, r.warnings], ['scalar', ['w']]);
    // a sample(matmul=...) and the schedule as written reach the run and its comparisons
    const written = { betas: [0.5], alphaBar: [0.25] };
    const withMore: CellInputsInterpreter = () => ({
      inputs: readInputs(example).inputs,
      warnings: [],
      matmul: 'openblas-haswell',
      writtenSchedule: written
    });
    const more = resolveInputsFromText(text, 'cells.ddpm', withMore);
    assert.ok(more.kind === 'inputs' && more.matmul === 'openblas-haswell' && more.writtenSchedule === written);
    assert.equal(resolveInputsFromText(text, 'cells.ddpm').kind, 'none', 'without an interpreter');
    const failing: CellInputsInterpreter = () => {
      throw new Error('line 2, column 9: expected a number\n  extra detail');
    };
    const e = resolveInputsFromText(text, 'cells.ddpm', failing);
    assert.deepEqual(e, { kind: 'error', message: 'cells.ddpm: line 2, column 9: expected a number' });
    assert.equal(
      resolveInputsFromText('print(1)\nx = 3\n', 'cells.ddpm', interpret).kind,
      'none',
      'text that assigns no input'
    );
  });
});

describe('resolveInputsFromText: documents that share a name with the inputs (a review found them refused)', () => {
  // the real cell-language reader, as the command has it
  const interpret: CellInputsInterpreter = (text, origin) =>
    interpretInputs(text, origin, { profile: 'avx2-fma', matmul: 'reference', record: { kind: 'none' } });
  const script = [
    'import torch',
    'T = 1000',
    'betas = torch.linspace(1e-4, 0.02, T)',
    'alpha_bar = torch.cumprod(1 - betas, dim=0)',
    'seed = 42'
  ].join('\n');

  it('a PyTorch script, notes or a config file open in the editor: not ours, the quick pick follows', () => {
    for (const [text, origin] of [
      [script, 'ddpm.py'],
      ['# Notes\nseed = 42 is the one that diverged\n', 'notes.md'],
      ['[run]\nseed=1\n', 'config.ini']
    ]) {
      const r = resolveInputsFromText(text, origin, interpret, { intended: false });
      assert.equal(r.kind, 'none', `${origin}: ${JSON.stringify(r)}`);
      // the same text selected, or in a DDPM cell or a plain-text file, is meant as inputs: its error is shown
      const meant = resolveInputsFromText(text, origin, interpret);
      assert.equal(meant.kind, 'error', origin);
      if (meant.kind === 'error') assertOneLine(meant.message);
    }
    const languages = ['ddpm', 'plaintext', 'json', 'jsonc', 'python', 'markdown', 'ini'];
    assert.deepEqual(
      languages.filter((l) => intendedLanguage(l)),
      ['ddpm', 'plaintext', 'json', 'jsonc']
    );
  });

  it('a JSON config sharing a key is not ours; JSON of input keys only, or all five and more, is', () => {
    for (const text of ['{"seed": 42, "lr": 0.0001}', '{"betas": [0.1], "batch_size": 64, "seed": 1}'])
      assert.equal(resolveInputsFromText(text, 'config.json').kind, 'none', text);
    const { seed: _seed, ...noSeed } = example;
    assert.equal(resolveInputsFromText(JSON.stringify(noSeed), 'a.json').kind, 'error');
    const extra = resolveInputsFromText(JSON.stringify({ ...example, note: 'run 3' }), 'a.json');
    assert.equal(extra.kind, 'error');
    // a misspelt key: the reader's own message, as `cli sample` gives it
    const { alpha_bar: alphaBar, ...rest } = example;
    const misspelt = resolveInputsFromText(JSON.stringify({ ...rest, alphabar: alphaBar }), 'a.json');
    assert.equal(misspelt.kind, 'error');
    if (misspelt.kind === 'error') assert.match(misspelt.message, /unknown key "alphabar"/);
  });
});

describe('resolveInputsFromCells (Run Sampler in a DDPM notebook cell)', () => {
  const interpretCells: NotebookCellsInterpreter = (cells) =>
    interpretCellsInputs(cells, { profile: 'avx2-fma', matmul: 'reference', record: { kind: 'none' } });
  const cells = (...sources: string[]) => sources.map((source, i) => ({ source, language: 'ddpm', index: i + 1 }));
  const defs = [
    'w_model = [[0.12, -0.3], [0.05, 0.41], [-0.2, 0.07]]\nshape = [4, 2]\nseed = 42',
    'betas = linspace(1e-4, 0.02, 4)\nalpha_bar = cumprod(1 - betas)'
  ];

  it("the sample() cell with the cells above it: the notebook's inputs, named by the notebook and its cells", () => {
    const r = resolveInputsFromCells(cells(...defs, 'sample()'), 'seed.ddpmnb', interpretCells);
    assert.equal(r.kind, 'inputs');
    if (r.kind !== 'inputs') return;
    sameInputs(r.inputs, readInputs(example).inputs);
    assert.equal(r.origin, 'seed.ddpmnb, cells 2 to 4');
  });

  it('a mistake names the notebook and the cell; cells without inputs are not ours (the quick pick says why)', () => {
    const bad = resolveInputsFromCells(cells(defs[0], 'sample()'), 'seed.ddpmnb', interpretCells);
    assert.deepEqual(bad, {
      kind: 'error',
      message:
        'seed.ddpmnb: cell 3: line 1, column 1: sample(): betas is not set: assign it in a cell above, or pass betas=...'
    });
    assert.deepEqual(resolveInputsFromCells(cells('x = 1'), 'n.ddpmnb', interpretCells), {
      kind: 'none',
      reason: 'n.ddpmnb, cell 2 holds no DDPM inputs'
    });
    assert.deepEqual(resolveInputsFromCells([], 'n.ddpmnb', interpretCells), {
      kind: 'none',
      reason: 'n.ddpmnb has no DDPM code cell up to the active one'
    });
    // a selection in the active cell stands for its text
    const selected = resolveInputsFromCells(cells(...defs, 'sample(seed=3)'), 'seed.ddpmnb', interpretCells, {
      selection: true
    });
    assert.deepEqual(selected.kind === 'inputs' && [selected.origin, selected.inputs.seed], [
      'seed.ddpmnb, cells 2 to 4 (selection)',
      3n
    ]);
  });
});

describe('the input boxes of "Enter N, d, T and seed"', () => {
  it('accept whole numbers of at least 1 and explain anything else', () => {
    for (const ok of ['1', '16', ' 1000 ']) assert.equal(countProblem('N', ok), undefined, ok);
    for (const bad of ['', '0', '-3', '2.5', '1e3', 'ten', '99999999999999999999']) {
      const m = countProblem('T', bad);
      assert.ok(m?.startsWith('T: '), `${bad}: ${m}`);
    }
  });

  it('accept seeds in PyTorch range and refuse the rest in one line', () => {
    for (const ok of ['0', '42', '-9223372036854775808', '18446744073709551614'])
      assert.equal(seedProblem(ok), undefined, ok);
    for (const bad of ['', 'x', '1.5', '18446744073709551615', '18446744073709551616', '-9223372036854775809']) {
      const m = seedProblem(bad);
      assert.ok(m?.startsWith('seed: '), `${bad}: ${m}`);
      assertOneLine(m!);
    }
  });
});

describe('generateInputs', () => {
  it('builds valid inputs: the named schedule, alpha_bar = cumprod(1 - betas), w_model of shape (d + 1, d)', () => {
    for (const schedule of ['linear', 'cosine'] as const) {
      const { inputs, warnings } = generateInputs({ n: 6, d: 3, T: 25, seed: 7n, schedule }, 'avx2-fma');
      assert.deepEqual(warnings, [], 'alpha_bar agrees with the schedule');
      assert.deepEqual([inputs.n, inputs.d, inputs.seed, inputs.wModel.rows, inputs.wModel.cols], [6, 3, 7n, 4, 3]);
      const betas = schedule === 'linear' ? linearSchedule(25, 1e-4, 0.02, 'avx2-fma') : cosineSchedule(25);
      assert.deepEqual(f32Bits(inputs.betas), f32Bits(betas));
      assert.deepEqual(f32Bits(inputs.alphaBar), f32Bits(alphaBarFromBetas(betas)));
      // the JSON the worker receives reads back to the same inputs
      sameInputs(readInputs(inputsToMessage(inputs)).inputs, inputs);
    }
    const a = generateInputs({ n: 2, d: 2, T: 3, seed: 1n, schedule: 'linear' }, 'avx2-fma').inputs.wModel.data;
    const b = generateInputs({ n: 2, d: 2, T: 3, seed: 2n, schedule: 'linear' }, 'avx2-fma').inputs.wModel.data;
    assert.notDeepEqual(f32Bits(a), f32Bits(b), 'w_model depends on the seed');
  });

  it('refuses, before generating anything, runs beyond the memory limits (one line naming the field)', () => {
    const specs = [
      { spec: { n: 1e6, d: 1e4, T: 10 }, field: 'shape' },
      { spec: { n: 1, d: 1e5, T: 10 }, field: 'w_model' },
      { spec: { n: 1, d: 1, T: MAX_STEPS + 1 }, field: 'betas' }
    ];
    for (const { spec, field } of specs) {
      assert.throws(
        () => generateInputs({ ...spec, seed: 0n, schedule: 'linear' }, 'avx2-fma'),
        (e: Error) => {
          assert.ok(e.message.startsWith(`${field}: `), e.message);
          assertOneLine(e.message);
          return true;
        }
      );
    }
  });

  describe('equals real PyTorch (live)', function () {
    this.timeout(60000);
    before(function () {
      if (torchMissing()) this.skip();
    });
    it('w_model = torch.randn(d + 1, d, generator=Generator().manual_seed(seed + 1)) * 0.1; betas = torch.linspace(1e-4, 0.02, T); alpha_bar = torch.cumprod(1 - betas, 0)', () => {
      const specs = [
        { d: 1, T: 5, seed: 0n },
        { d: 2, T: 40, seed: 42n },
        { d: 5, T: 100, seed: -17n },
        { d: 8, T: 1000, seed: (1n << 63n) + 5n }
      ];
      const py = [
        'import json, sys, torch',
        'out = []',
        'for d, T, seed in json.loads(sys.argv[1]):',
        '    w = torch.randn(d + 1, d, generator=torch.Generator().manual_seed(seed + 1)) * 0.1',
        '    betas = torch.linspace(1e-4, 0.02, T)',
        '    ab = torch.cumprod(1 - betas, 0)',
        '    out.append([t.contiguous().view(torch.int32).flatten().tolist() for t in (w, betas, ab)])',
        'print(json.dumps(out))'
      ].join('\n');
      const arg = `[${specs.map((s) => `[${s.d}, ${s.T}, ${s.seed}]`).join(', ')}]`;
      const env = { ...process.env };
      delete env.ATEN_CPU_CAPABILITY;
      const r = spawnSync(PYTHON, ['-c', py, arg], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      const expected: number[][][] = JSON.parse(r.stdout);
      specs.forEach((s, i) => {
        const u = (xs: number[]) => xs.map((v) => v >>> 0);
        assert.deepEqual(
          f32Bits(generatedWModel(s.d, s.seed, 'avx2-fma')),
          u(expected[i][0]),
          `w_model d=${s.d} seed=${s.seed}`
        );
        const { inputs } = generateInputs({ n: 3, d: s.d, T: s.T, seed: s.seed, schedule: 'linear' }, 'avx2-fma');
        assert.deepEqual(f32Bits(inputs.wModel.data), u(expected[i][0]));
        assert.deepEqual(f32Bits(inputs.betas), u(expected[i][1]), `betas T=${s.T}`);
        assert.deepEqual(f32Bits(inputs.alphaBar), u(expected[i][2]), `alpha_bar T=${s.T}`);
      });
    });
  });
});
