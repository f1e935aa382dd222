// --matmul on sample, compare and report (README "Command-line tool"): the sample is the one PyTorch gave on that BLAS
// (test/fixtures/matmul/sampler.json, made by scripts/fixtures/matmul.py on each library).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseReportArgs } from '../../../src/cli/report';
import { fromBits } from '../helpers/bits';
import { runCliInMemory } from '../helpers/cliInMemory';
import { FIXTURES } from '../helpers/paths';
import type { SamplerFixture } from '../helpers/samplerFixture';
import { profileFlags } from '../../../src/core/check/verdict';
import type { CheckVerdict } from '../../../src/core/check/verdict';

const fixture: SamplerFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'sampler.json'), 'utf8'));
// a case where the two BLAS give different samples, so each assertion below fails for the other profile
const kase = fixture.cases.find(
  (c) =>
    c.results.reference.sample &&
    c.results['openblas-haswell'].sample &&
    c.results.reference.sample.join() !== c.results['openblas-haswell'].sample.join()
)!;

/** A fixture case's inputs as an INPUT.json (every float32 written as the decimal that reads back as it). */
function inputJson(f: SamplerFixture['cases'][number]['inputs'] = kase.inputs): string {
  const w = Array.from(fromBits(f.w_model.bits));
  const rows = Array.from({ length: f.w_model.shape[0] }, (_, r) =>
    w.slice(r * f.w_model.shape[1], (r + 1) * f.w_model.shape[1])
  );
  return JSON.stringify({
    w_model: rows,
    shape: f.shape,
    betas: Array.from(fromBits(f.betas)),
    alpha_bar: Array.from(fromBits(f.alpha_bar)),
    seed: f.seed
  });
}

const bitsOf = (values: number[]) => Array.from(new Uint32Array(Float32Array.from(values).buffer));

/** Sampler runs on OpenBLAS with 1 and 2 threads (threads.json "sampler", scripts/fixtures/matmul.py). */
const threadRuns = (
  JSON.parse(readFileSync(path.join(FIXTURES, 'matmul', 'threads.json'), 'utf8')) as {
    sampler: {
      name: string;
      inputs: SamplerFixture['cases'][number]['inputs'];
      out: Record<'1' | '2', number[]> & { xT?: number[]; steps2?: { t: number; bits: number[] }[] };
    }[];
  }
).sampler;

describe('cli: --blas-threads (OpenBLAS on 2 threads, fixtures from PyTorch)', () => {
  for (const c of threadRuns) {
    it(`${c.name}: sample --matmul openblas-haswell --blas-threads 1 and 2 give PyTorch's sample for each`, async () => {
      assert.notDeepEqual(c.out['1'], c.out['2'], 'the threads change the bits');
      for (const t of ['1', '2'] as const) {
        const r = await runCliInMemory(
          ['sample', 'in.json', '--json', '--matmul', 'openblas-haswell', '--blas-threads', t],
          { 'in.json': inputJson(c.inputs) }
        );
        assert.equal(r.code, 0, r.err);
        assert.deepEqual(
          bitsOf((JSON.parse(r.out).sample as number[][]).flat()),
          c.out[t].map((b) => b >>> 0),
          `${t} thread(s)`
        );
      }
    });
  }

  it('compare names the 2-thread pair that reproduces the paste, and matches with --blas-threads 2', async () => {
    const c = threadRuns[0];
    const flat = Array.from(fromBits(c.out['2']));
    const [n, d] = c.inputs.shape;
    const files = {
      'in.json': inputJson(c.inputs),
      'p.txt': JSON.stringify(Array.from({ length: n }, (_, r) => flat.slice(r * d, (r + 1) * d)))
    };
    const r = await runCliInMemory(['compare', 'in.json', 'p.txt', '--json'], files);
    const j = JSON.parse(r.out);
    assert.equal(r.code, 1, j.summary);
    assert.deepEqual(j.pairSearch.matching, [{ rng: 'avx2-fma', matmul: 'openblas-haswell', threads: 2 }], j.summary);
    assert.match(
      j.summary,
      /\nProfile pairs: avx2-fma with matmul openblas-haswell \(2 threads\) reproduces the paste\./
    );
    const one = await runCliInMemory(['compare', 'in.json', 'p.txt', '--matmul', 'openblas-haswell'], files);
    assert.equal(one.code, 1, one.out);
    const two = await runCliInMemory(
      ['compare', 'in.json', 'p.txt', '--matmul', 'openblas-haswell', '--blas-threads', '2'],
      files
    );
    assert.equal(two.code, 0, two.out);
    assert.match(two.out, /\nBitwise equal: yes\n/);
  });

  it("step by step on 2 threads: matches with --blas-threads 2, and the print-placement hint runs on the run's threads", async () => {
    const c = threadRuns[0];
    const [n, d] = c.inputs.shape;
    const list = (bits: number[]) => {
      const v = Array.from(fromBits(bits));
      return JSON.stringify(Array.from({ length: n }, (_, r) => v.slice(r * d, (r + 1) * d)));
    };
    // x.tolist() after every step, then once more after the loop (the sample printed twice)
    const steps = c.out.steps2!;
    const paste = [...steps.map((s) => `t = ${s.t}\n${list(s.bits)}`), list(steps[steps.length - 1].bits)].join('\n');
    const args = ['compare', 'in.json', 'p.txt', '--matmul', 'openblas-haswell'];
    const files = { 'in.json': inputJson(c.inputs), 'p.txt': paste };
    const two = await runCliInMemory([...args, '--blas-threads', '2'], files);
    assert.equal(two.code, 0, two.out);
    // printed at the top of the loop body: x_T, then x after each step but the last (x before each step); the hint
    // that says so is given only where the correct loop runs on 2 threads, as the run does
    const top = [c.out.xT!, ...steps.slice(0, -1).map((s) => s.bits)].map(list).join('\n');
    const hinted = await runCliInMemory([...args, '--blas-threads', '2'], { ...files, 'p.txt': top });
    assert.equal(hinted.code, 1, hinted.out);
    assert.match(hinted.out, /\nHint: every print is the correct loop's x before a step/);
    const oneThread = await runCliInMemory(args, { ...files, 'p.txt': top });
    assert.doesNotMatch(oneThread.out, /\nHint: every print/);
  });

  it('refused in one line: no --matmul openblas-haswell, or not a thread count', async () => {
    const files = { 'in.json': inputJson() };
    for (const [args, message] of [
      [['--blas-threads', '2'], /^--blas-threads: only with --matmul openblas-haswell /],
      [['--matmul', 'reference', '--blas-threads', '2'], /^--blas-threads: only with --matmul openblas-haswell /],
      [
        ['--matmul', 'openblas-haswell', '--blas-threads', '0'],
        /^--blas-threads: expected a whole number from 1 to 256, got "0"$/
      ],
      [['--matmul', 'openblas-haswell', '--blas-threads', '1.5'], /^--blas-threads: expected a whole number/]
    ] as const) {
      const r = await runCliInMemory(['sample', 'in.json', ...args], files);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err.trimEnd(), message);
      assert.equal(r.err.trimEnd().split('\n').length, 1);
    }
  });

  it("check's summary gives the options that run as the PyTorch it checked", () => {
    const verdict = (rng: string, matmul: string | null, threads: number) =>
      ({ profile: { rng, matmul }, matmul: { openblasThreads: threads } }) as unknown as CheckVerdict;
    assert.equal(profileFlags(verdict('avx2-fma', 'reference', 1)), null);
    assert.equal(profileFlags(verdict('avx2-fma', 'openblas-haswell', 1)), '--matmul openblas-haswell');
    assert.equal(
      profileFlags(verdict('scalar', 'openblas-haswell', 2)),
      '--profile scalar --matmul openblas-haswell --blas-threads 2'
    );
  });
});

describe('cli: --matmul', () => {
  it('the fixture has a case the two profiles tell apart', () =>
    assert.ok(kase, 'no case differs between the BLAS libraries'));

  for (const profile of ['reference', 'openblas-haswell'] as const) {
    it(`sample --matmul ${profile}: PyTorch's sample on that BLAS, bit for bit`, async () => {
      const r = await runCliInMemory(['sample', 'in.json', '--json', '--matmul', profile], { 'in.json': inputJson() });
      assert.equal(r.code, 0, r.err);
      const sample = (JSON.parse(r.out).sample as number[][]).flat();
      assert.deepEqual(
        bitsOf(sample),
        kase.results[profile].sample!.map((b) => b >>> 0)
      );
    });
  }

  it('compare --matmul: matches the paste of the same BLAS only', async () => {
    // x.tolist() of PyTorch's (N, d) sample on OpenBLAS: a paste of our shape (another shape is a mismatch)
    const flat = Array.from(fromBits(kase.results['openblas-haswell'].sample!));
    const [n, d] = kase.inputs.shape;
    const pasted = JSON.stringify(Array.from({ length: n }, (_, r) => flat.slice(r * d, (r + 1) * d)));
    const files = { 'in.json': inputJson(), 'p.txt': pasted };
    assert.equal(
      (await runCliInMemory(['compare', 'in.json', 'p.txt', '--matmul', 'openblas-haswell'], files)).code,
      0
    );
    assert.equal((await runCliInMemory(['compare', 'in.json', 'p.txt', '--matmul', 'reference'], files)).code, 1);
  });

  it('compare names every (RNG, matmul) profile pair that reproduces the paste', async () => {
    const flat = Array.from(fromBits(kase.results['openblas-haswell'].sample!));
    const [n, d] = kase.inputs.shape;
    const files = {
      'in.json': inputJson(),
      'p.txt': JSON.stringify(Array.from({ length: n }, (_, r) => flat.slice(r * d, (r + 1) * d)))
    };
    const r = await runCliInMemory(['compare', 'in.json', 'p.txt', '--json', '--matmul', 'reference'], files);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.out) as {
      pairSearch: { tried: unknown[]; matching: { rng: string; matmul: string }[] };
      summary: string;
      diagnosis: unknown[];
    };
    assert.equal(out.pairSearch.tried.length, 6);
    // PyTorch's RNG kernel on this machine is avx2-fma: that pair with OpenBLAS's matmul reproduces it
    assert.ok(
      out.pairSearch.matching.some((p) => p.rng === 'avx2-fma' && p.matmul === 'openblas-haswell'),
      JSON.stringify(out.pairSearch)
    );
    assert.ok(
      out.pairSearch.matching.every((p) => p.matmul === 'openblas-haswell'),
      JSON.stringify(out.pairSearch)
    );
    assert.match(out.summary, /Profile pairs: .*avx2-fma with matmul openblas-haswell/);
    assert.deepEqual(out.diagnosis, []);
  });

  it('report --matmul, and unknown profiles are refused with one line (exit 2)', async () => {
    assert.equal(
      parseReportArgs(['in.json', '--matmul', 'openblas-haswell', '-o', 'r.html']).matmul,
      'openblas-haswell'
    );
    const r = await runCliInMemory(['sample', 'in.json', '--matmul', 'mkl'], { 'in.json': inputJson() });
    assert.equal(r.code, 2);
    assert.equal(r.err, '--matmul: unknown matmul profile "mkl" (expected one of reference, openblas-haswell)\n');
  });
});
