// The command line (README "Command-line tool": a contract), run in-process through runCli with an in-memory CliIO.
// Expected numbers and prints come from PyTorch (test/fixtures/sampler/{sampler,cli}.json).
import { strict as assert } from 'node:assert';
import { FIXTURES, ROOT } from '../helpers/paths';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli';
import type { CliIO } from '../../../src/cli/io';
import { runCliInMemory, type CliRun } from '../helpers/cliInMemory';
import { inputsToFileJson } from '../../../src/core/sampler/inputs';
import { formatFloat32Shortest } from '../../../src/core/tensors/printTensor';
import { firstBitDifference, toInputs, type FixtureInputs, type SamplerFixture } from '../helpers/samplerFixture';
import { seedInputsText } from '../helpers/seedExample';

const fixtures = path.join(FIXTURES, 'sampler');
const sampler: SamplerFixture = JSON.parse(readFileSync(path.join(fixtures, 'sampler.json'), 'utf8'));
interface RandnCase {
  seed: string;
  shape: number[];
  results: Record<string, { bits: number[]; printed: string; sha256: string }>;
}
const cli: { randn: RandnCase[] } = JSON.parse(readFileSync(path.join(fixtures, 'cli.json'), 'utf8'));
const caseNamed = (name: string) => sampler.cases.find((c) => c.name === name)!;

/** An inputs file holding the fixture's tensors, every number the shortest decimal of its float32. */
function inputsFile(f: FixtureInputs): string {
  const json = inputsToFileJson(toInputs(f), (v) => Number(formatFloat32Shortest(v)));
  return JSON.stringify({ ...json, seed: f.seed });
}

/** The CLI on in-memory files (`-` reads stdin). */
const run = (argv: string[], files: Record<string, string> = {}, stdin?: string): Promise<CliRun> =>
  runCliInMemory(argv, files, { stdin });

/** Exit 2, exactly one line on stderr (no stack trace), nothing on stdout. */
function assertBadInput(r: CliRun, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code (stderr: ${r.err})`);
  assert.equal(r.out, '');
  assert.equal(r.err.split('\n').length, 2, `one line: ${JSON.stringify(r.err)}`);
  assert.ok(!/\n\s+at /.test(r.err));
  assert.match(r.err, pattern);
}

const f32Values = (nested: unknown): number[] =>
  (nested as unknown[])
    .flat(Infinity)
    .map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Math.fround(v as number)));

describe('cli: sample', () => {
  it('prints the sample exactly as PyTorch prints it', async () => {
    const r = await run(['sample', 'seed.inputs.json'], { 'seed.inputs.json': seedInputsText });
    assert.equal(r.code, 0);
    assert.equal(r.out, caseNamed('seed example').results['avx2-fma'].printed + '\n');
    assert.equal(r.err, '');
  });

  for (const profile of ['avx2-fma', 'scalar']) {
    it(`--json gives every float32 exactly (--profile ${profile}, read from standard input)`, async () => {
      for (const c of sampler.cases.filter((x) => x.results[profile].sample && x.inputs.betas.length <= 100)) {
        const r = await run(['sample', '-', '--json', '--profile', profile], {}, inputsFile(c.inputs));
        assert.equal(r.code, 0, r.err);
        const json = JSON.parse(r.out);
        assert.deepEqual(Object.keys(json), ['sample', 'warnings']);
        const ours = new Float32Array(f32Values(json.sample));
        assert.equal(firstBitDifference(ours, c.results[profile].sample!), -1, c.name);
        if (c.results[profile].nonfinite_step !== null) assert.match(r.out, /"nan"|"inf"|"-inf"/);
      }
    });
  }

  it("--json --trajectory adds every step, equal to PyTorch's", async () => {
    const c = caseNamed('N*d = 17 (vector path with tail), trajectory');
    const r = await run(['sample', 'in.json', '--json', '--trajectory'], { 'in.json': inputsFile(c.inputs) });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    const expected = c.results['avx2-fma'].trajectory!;
    assert.equal(json.trajectory.length, expected.length);
    json.trajectory.forEach((s: Record<string, unknown>, i: number) => {
      assert.equal(s.t, expected[i].t);
      for (const key of ['x', 'eps', 'mean', 'x_prev'] as const) {
        assert.equal(
          firstBitDifference(new Float32Array(f32Values(s[key])), expected[i][key]),
          -1,
          `t = ${s.t} ${key}`
        );
      }
      if (expected[i].z) assert.equal(firstBitDifference(new Float32Array(f32Values(s.z)), expected[i].z!), -1);
      else assert.equal(s.z, null);
    });
  });

  it('--checksum gives the sha256 of the float32 little-endian bytes and the time', async () => {
    const c = caseNamed('T = 50, d = 64, checksum');
    const r = await run(['sample', 'in.json', '--checksum'], { 'in.json': inputsFile(c.inputs) });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json), ['shape', 'checksum', 'elapsed_ms']);
    assert.deepEqual(json.shape, c.inputs.shape);
    assert.equal(json.checksum, c.results['avx2-fma'].sha256);
    assert.ok(json.elapsed_ms >= 0);
  });

  it('--trajectory without --json prints each step then the sample', async () => {
    const r = await run(['sample', 'x.json', '--trajectory'], { 'x.json': seedInputsText });
    assert.equal(r.code, 0);
    assert.match(r.out, /^t = 3\nx_t = tensor\(/);
    assert.match(r.out, /\nt = 0\n[^]*z = None\n/);
    assert.ok(r.out.endsWith('sample =\n' + caseNamed('seed example').results['avx2-fma'].printed + '\n'));
  });

  it('puts warnings on stderr (and in --json)', async () => {
    const c = caseNamed('alpha_bar not cumprod(1 - betas)');
    const r = await run(['sample', 'in.json'], { 'in.json': inputsFile(c.inputs) });
    assert.equal(r.code, 0);
    assert.match(r.err, /^warning: alpha_bar: differs from cumprod\(1 - betas\)/);
    const j = await run(['sample', 'in.json', '--json'], { 'in.json': inputsFile(c.inputs) });
    assert.equal(JSON.parse(j.out).warnings.length, 1);
  });

  it('bad input: exit 2 and one line on stderr', async () => {
    assertBadInput(await run(['sample', 'missing.json']), /^missing\.json: cannot read: no such file$/m);
    assertBadInput(
      await run(['sample', 'a.json'], { 'a.json': '{"seed": 1,' }),
      /^a\.json: invalid JSON at line 1, column 12/
    );
    assertBadInput(
      await run(['sample', 'a.json'], {
        'a.json': JSON.stringify({
          ...JSON.parse(seedInputsText),
          w_model: [
            [1, 2],
            [3, 4]
          ]
        })
      }),
      /^w_model: expected shape \(3, 2\) for d = 2, got \(2, 2\)$/m
    );
    assertBadInput(
      await run(['sample', 'a.json', '--profile', 'gpu'], { 'a.json': seedInputsText }),
      /^--profile: unknown profile "gpu"/
    );
    assertBadInput(
      await run(['sample', 'a.json', '--json', '--checksum'], { 'a.json': seedInputsText }),
      /exclude each other/
    );
    assertBadInput(
      await run(['sample', 'a.json', '--fast'], { 'a.json': seedInputsText }),
      /^sample: unknown option '--fast'/
    );
    assertBadInput(await run(['sample']), /^sample: missing INPUT\.json/);
    // every command names itself, in its own words (not node:util's)
    assertBadInput(
      await run(['compare', '--fast']),
      /^compare: unknown option '--fast' \(compare --help for usage\)\n$/
    );
    assertBadInput(
      await run(['demo', 'extra']),
      /^demo: unexpected argument "extra" \(it takes none\) \(demo --help for usage\)\n$/
    );
  });
});

describe('cli: randn', () => {
  for (const c of cli.randn) {
    it(`randn --seed ${c.seed} --shape ${c.shape.join(',')}: print, --json and --checksum equal PyTorch`, async () => {
      for (const profile of ['avx2-fma', 'scalar']) {
        const e = c.results[profile];
        const args = ['randn', '--seed', c.seed, '--shape', c.shape.join(','), '--profile', profile];
        const printed = await run(args);
        assert.equal(printed.code, 0, printed.err);
        assert.equal(printed.out, e.printed + '\n');
        const json = JSON.parse((await run([...args, '--json'])).out);
        assert.deepEqual(Object.keys(json), ['values']);
        let probe: unknown = json.values;
        for (const size of c.shape) {
          assert.ok(Array.isArray(probe) && probe.length === size, 'nested by shape');
          probe = (probe as unknown[])[0];
        }
        assert.equal(firstBitDifference(new Float32Array(f32Values(json.values)), e.bits), -1);
        const sum = JSON.parse((await run([...args, '--checksum'])).out);
        assert.deepEqual(sum.shape, c.shape);
        assert.equal(sum.checksum, e.sha256);
      }
    });
  }

  it('the checksum is the sha256 of the little-endian float32 bytes', async () => {
    const c = cli.randn[0];
    const bytes = new Uint8Array(Uint32Array.from(c.results['avx2-fma'].bits).buffer);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), c.results['avx2-fma'].sha256);
  });

  it('bad input: exit 2 and one line on stderr', async () => {
    assertBadInput(await run(['randn', '--shape', '4']), /^--seed: missing/);
    assertBadInput(await run(['randn', '--seed', '1']), /^--shape: missing/);
    assertBadInput(await run(['randn', '--seed', '1.5', '--shape', '4']), /^--seed: expected an integer/);
    assertBadInput(await run(['randn', '--seed', '18446744073709551616', '--shape', '4']), /^--seed: .*out of range/);
    assertBadInput(await run(['randn', '--seed', '1', '--shape', '4,x']), /^--shape: expected sizes like 4,2/);
    assertBadInput(await run(['randn', '--seed', '1', '--shape', '100000,100000']), /^--shape: .* exceeds the limit/);
  });

  it('an option without its value: one line naming the option, in our words', async () => {
    assertBadInput(
      await run(['randn', '--seed', '--shape', '3']),
      /^--seed: missing value \(a value that starts with "-" is written --seed=-VALUE\) \(randn --help for usage\)$/m
    );
    assertBadInput(
      await run(['randn', '--seed', '1', '--shape']),
      /^--shape: missing value \(randn --help for usage\)$/m
    );
    assertBadInput(
      await run(['sample', 'a.json', '--profile'], { 'a.json': seedInputsText }),
      /^--profile: missing value \(sample --help for usage\)$/m
    );
    const r = await run(['randn', '--seed', '1', '--shape=-1']);
    assertBadInput(r, /^--shape: expected sizes like 4,2/);
  });
});

describe('cli: JSON numbers', () => {
  it('every float32 reads back exactly, and -0 is written so that integer-keeping readers (Python) keep its sign (property)', async () => {
    const fc = (await import('fast-check')).default;
    const { jsonNested } = await import('../../../src/cli/io');
    const { jsonFloat32 } = await import('../../../src/core/tensors/printTensor');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (bits) => {
        const v = new Float32Array(new Uint32Array([bits]).buffer)[0];
        const token = jsonFloat32(v);
        const back = JSON.parse(token) as number | string;
        if (Number.isNaN(v)) assert.equal(back, 'nan');
        else if (!Number.isFinite(v)) assert.equal(back, v > 0 ? 'inf' : '-inf');
        else assert.ok(Object.is(Math.fround(back as number), v), `${token} for ${v}`);
        if (Object.is(v, -0)) assert.match(token, /[.eE]/);
      }),
      { numRuns: 20000, examples: [[0x80000000], [0], [0x7fc00000], [0xff800000], [1]] }
    );
    assert.ok(Object.is((JSON.parse(jsonNested(Float32Array.from([-0, 0]), [2])) as number[])[0], -0));
  });
});

describe('cli: the real process', () => {
  it('stops quietly (no stack trace) when the reader closes the pipe early, as `| head` does', async function () {
    this.timeout(60_000);
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), 'randn', '--seed', '0', '--shape', '3000,1000', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // the reader goes away after the first chunk
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(err, '', 'nothing on stderr');
    assert.equal(code, 0);
  });

  /** Runs the CLI with its stdout or stderr closed from the start (the reader is gone); resolves with the exit code. */
  async function withClosed(
    stream: 'stdout' | 'stderr',
    args: string[]
  ): Promise<{ code: number | null; err: string }> {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let err = '';
    child[stream].destroy();
    if (stream === 'stdout') child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    return { code, err };
  }

  it('keeps its exit code when a reader closes the pipe: a mismatch stays 1, bad input stays 2', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'ddpm-cli-pipe-'));
    const inputs = path.join(ROOT, 'media', 'examples', 'seed.inputs.json');
    const paste = path.join(dir, 'zeros.txt');
    writeFileSync(paste, '[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]');
    const mismatch = await withClosed('stdout', ['compare', inputs, paste, '--json']);
    assert.equal(mismatch.err, '', 'nothing on stderr');
    assert.equal(mismatch.code, 1);
    assert.equal((await withClosed('stderr', ['randn', '--seed', 'x', '--shape', '2'])).code, 2);
  });
});

describe('cli: dispatcher, help, demo', () => {
  it('prints usage for --help (exit 0) and with no command (exit 2)', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(
      help.out,
      /sample INPUT\.json \[--profile P\] \[--matmul M \[--blas-threads N\]\] \[--json \| --checksum\] \[--trajectory\]/
    );
    assert.match(help.out, /randn --seed S --shape N\[,d,\.\.\.\] \[--profile P\] \[--json \| --checksum\]/);
    for (const cmd of ['sample', 'randn', 'demo']) {
      const r = await run([cmd, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`^usage: node dist/cli\\.js ${cmd}`));
    }
    assert.equal((await run([])).code, 2);
    assertBadInput(await run(['smaple']), /^smaple: unknown command/);
  });

  it("--help lists every option that each command's own --help lists", async () => {
    const help = (await run(['--help'])).out;
    const commands = ['sample', 'randn', 'compare', 'report', 'demo', 'python-helper', 'check'];
    for (const cmd of commands) {
      const own = (await run([cmd, '--help'])).out.split('\n')[0];
      const line = help.split('\n').find((l) => l.startsWith(`  ${cmd} `) || l === `  ${cmd}`);
      assert.ok(line, `--help has no line for ${cmd}`);
      const options = own.match(/(?<![\w-])--?[a-z][\w-]*/g) ?? [];
      for (const option of options) assert.ok(line.includes(option), `--help's ${cmd} line lacks ${option}: ${line}`);
    }
  });

  it('turns an unexpected internal error into one line and exit 3', async () => {
    let err = '';
    const io: CliIO = {
      stdout: () => {
        throw new Error('disk on fire\n    at somewhere (file.js:1:1)');
      },
      stderr: (s) => void (err += s),
      readText: async () => seedInputsText,
      writeText: async () => undefined
    };
    assert.equal(await runCli(['sample', 'x.json'], io), 3);
    assert.equal(err, 'sample: internal error: disk on fire\n');
  });

  it('demo prints the bundled example as PyTorch prints it', async () => {
    const files: Record<string, string> = {};
    let out = '';
    const io: CliIO = {
      stdout: (s) => void (out += s),
      stderr: () => undefined,
      readText: async (p) => readFileSync(p, 'utf8'),
      writeText: async (p, s) => void (files[p] = s)
    };
    assert.equal(await runCli(['demo', '-o', 'report.html'], io), 0);
    assert.ok(out.includes('\n' + caseNamed('seed example').results['avx2-fma'].printed + '\n'), out);
  });

  it('demo -o to a place that cannot be written: one line and exit 2 (the report was asked for)', async () => {
    let err = '';
    const io: CliIO = {
      stdout: () => undefined,
      stderr: (s) => void (err += s),
      readText: async (p) => readFileSync(p, 'utf8'),
      writeText: async (p) => {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      }
    };
    assert.equal(await runCli(['demo', '-o', 'no/such/folder/r.html'], io), 2);
    assert.equal(err, 'demo: no HTML report (no/such/folder/r.html: cannot write: no such folder)\n');
  });
});
