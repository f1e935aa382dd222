// The standalone report: the page builder (src/report/html.ts) and `ddpm report` (src/cli/report.ts).
import { strict as assert } from 'node:assert';
import { decodeRunResult } from '../../../src/core/run/runCodec';
import { main, parseReportArgs } from '../../../src/cli/report';
import { fakeCliIO } from '../helpers/cliInMemory';
import { buildReportHtml } from '../../../src/report/html';
import { fixtureCases, fixtureRun } from '../../browser/fixtureRuns';
import { verdicts } from '../helpers/compareFixtures';
import { recomputeTrajectory } from '../../../src/core/run/recompute';
import { runSampler } from '../../../src/core/sampler/sampler';
import { readInputs } from '../../../src/core/sampler/inputs';
import { f32Bits } from '../helpers/bits';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths';

/** The JSON inside <script type="application/json" id="ddpm-run-data">. */
function embeddedRun(html: string): unknown {
  const m = /<script type="application\/json" id="ddpm-run-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'no run data in the page');
  return JSON.parse(m[1]);
}

const SCRIPT = 'report.js';

describe('report page (src/report/html.ts)', () => {
  const c = fixtureCases()[0];
  const { run } = fixtureRun(c, 'altered');

  it('holds the run bit for bit and loads nothing from the network', () => {
    const html = buildReportHtml(run, 'console.log(1)');
    const back = decodeRunResult(embeddedRun(html));
    assert.deepEqual(
      new Uint32Array(back.sample.data.buffer.slice(0)),
      new Uint32Array(run.sample.data.buffer.slice(0))
    );
    assert.equal(back.comparison?.summary, run.comparison?.summary);
    assert.doesNotMatch(html, /\b(?:src|href)\s*=/i, 'the page references an outside resource');
    assert.match(html, /Content-Security-Policy" content="default-src &#39;none&#39;/);
    // WebGL draws with plotly's precompiled (strict) scattergl: the page allows no JS eval
    assert.doesNotMatch(html, /[^-]&#39;unsafe-eval&#39;|[^-]'unsafe-eval'/);
  });

  it('cannot be broken out of by text in the run or in the script', () => {
    const evil = {
      ...run,
      warnings: ['</script><script>alert(1)</script>'],
      comparison: run.comparison && { ...run.comparison, expectedText: '<!-- </SCRIPT>' }
    };
    const html = buildReportHtml(evil, 'var s = "</script><script>alert(2)</script>"; // <!--');
    assert.equal(html.match(/<\/script>/gi)?.length, 2, 'only the two script elements may close');
    assert.doesNotMatch(html, /alert\(2\)<\/script>/i);
    const back = decodeRunResult(embeddedRun(html));
    assert.deepEqual(back.warnings, evil.warnings);
    assert.equal(back.comparison?.expectedText, '<!-- </SCRIPT>');
  });

  it("drops the script's source-map comment (the page has no map file beside it)", () => {
    const html = buildReportHtml(run, 'var a = 1;\n//# sourceMappingURL=report.js.map\n');
    assert.doesNotMatch(html, /sourceMappingURL/);
    assert.ok(html.includes('var a = 1;'));
  });

  it('puts the inputs in the title, escaped', () => {
    const html = buildReportHtml(run, '');
    assert.match(
      html,
      new RegExp(
        `<title>DDPM Lab report: N = ${run.inputs.n}, d = ${run.inputs.d}, T = ${run.inputs.T}, seed ${run.inputs.seed}</title>`
      )
    );
  });
});

describe('ddpm report (src/cli/report.ts)', () => {
  const c = fixtureCases()[0];
  const inputs = JSON.stringify(c.inputs);

  it('writes the page with the diff when PyTorch output is given', async () => {
    const io = fakeCliIO({ 'in.json': inputs, 'paste.txt': c.altered_printed, [SCRIPT]: '/* report script */' });
    const code = await main(['in.json', '--expected', 'paste.txt', '-o', 'out.html'], io, [SCRIPT]);
    assert.equal(code, 0, io.err);
    const html = io.written.get('out.html');
    assert.ok(html);
    assert.ok(html.includes('/* report script */'));
    const back = decodeRunResult(embeddedRun(html));
    assert.equal(back.comparison?.matches, false);
    assert.match(
      io.out,
      /^report: wrote out\.html \(\d+\.\d MB\); does not match the PyTorch output \(printed-precision\)\n$/
    );
    const bits = Array.from(
      new Uint32Array(
        back.sample.data.buffer.slice(
          back.sample.data.byteOffset,
          back.sample.data.byteOffset + back.sample.data.byteLength
        )
      )
    );
    assert.deepEqual(bits, c.sample_bits, "the report does not hold PyTorch's sample");
  });

  it('carries the inputs, not the steps: the page recomputes every step, the same bits as the run recorded in full', async () => {
    const io = fakeCliIO({ 'in.json': inputs, [SCRIPT]: '' });
    assert.equal(await main(['in.json', '-o', 'out.html'], io, [SCRIPT]), 0, io.err);
    const back = decodeRunResult(embeddedRun(io.written.get('out.html')!));
    assert.equal(back.trajectory.recompute, true);
    assert.equal(back.trajectory.steps.length, 0);
    const recomputed = recomputeTrajectory(back);
    const full = runSampler(readInputs(c.inputs).inputs, { record: { kind: 'all' } });
    assert.equal(recomputed.trajectory.steps.length, full.trajectory.steps.length);
    recomputed.trajectory.steps.forEach((s, k) =>
      assert.deepEqual(f32Bits(s.xPrev.data), f32Bits(full.trajectory.steps[k].xPrev.data), `step ${s.t}`)
    );
  });

  it("diagnoses a float64 schedule made from the inputs file's decimals, as cli compare does", async () => {
    const w = verdicts.writtenFloat64;
    const io = fakeCliIO({ 'in.json': w.inputsText, 'paste.txt': w.pastes[0].text, [SCRIPT]: '' });
    assert.equal(await main(['in.json', '--expected', 'paste.txt', '-o', 'out.html'], io, [SCRIPT]), 0, io.err);
    const back = decodeRunResult(embeddedRun(io.written.get('out.html')!));
    assert.ok(
      back.comparison?.diagnosis?.some((d) => d.id === 'schedule-float64'),
      back.comparison?.summary
    );
  });

  it('takes --profile and writes to standard output with -o -', async () => {
    const io = fakeCliIO({ 'in.json': inputs, [SCRIPT]: '' });
    assert.equal(await main(['in.json', '--profile=scalar', '-o', '-'], io, [SCRIPT]), 0, io.err);
    assert.equal(decodeRunResult(embeddedRun(io.out)).inputs.profile, 'scalar');
    assert.match(io.err, /^report: wrote standard output/);
  });

  it('exits 2 with one line naming the problem on bad usage or input', async () => {
    const cases: [string[], RegExp][] = [
      [['in.json'], /^-o: missing/],
      [['-o', 'x.html'], /^INPUT\.json: missing/],
      [
        ['in.json', '-o', 'x.html', '--profile', 'neon'],
        /^--profile: unknown profile "neon" \(expected one of avx2-fma, avx2, scalar\)$/
      ],
      [['in.json', '-o', 'x.html', '--bogus'], /^report: unknown option '--bogus' \(report --help for usage\)$/],
      [['in.json', '-o'], /^-o, --output: missing value \(report --help for usage\)$/],
      [
        ['in.json', '-o', '-x.html'],
        /^--output: missing value \(a value that starts with "-" is written --output=-VALUE\) \(report --help for usage\)$/
      ],
      [
        ['in.json', '-o=-'],
        /^-o=-: a short option takes its value after a space \(-o VALUE\), or write --output=VALUE \(report --help for usage\)$/
      ],
      [['in.json', 'other.json', '-o', 'x.html'], /^other\.json: unexpected argument/],
      [
        ['in.json', '--expected', 'empty.txt', '-o', 'x.html'],
        /^empty\.txt: empty \(paste PyTorch's printed output\)$/
      ],
      [['missing.json', '-o', 'x.html'], /^missing\.json: cannot read: no such file$/],
      [['bad.json', '-o', 'x.html'], /^bad\.json: invalid JSON at line 1, column \d+/],
      [['in.json', '--expected', 'nope.txt', '-o', 'x.html'], /^nope\.txt: cannot read: no such file$/],
      [['in.json', '--expected', 'garbage.txt', '-o', 'x.html'], /^garbage\.txt: line 1, column 1: expected /]
    ];
    for (const [argv, message] of cases) {
      const io = fakeCliIO({
        'in.json': inputs,
        'bad.json': '{"w_model": [',
        'garbage.txt': 'garbage',
        'empty.txt': ' \n',
        [SCRIPT]: ''
      });
      assert.equal(await main(argv, io, [SCRIPT]), 2, argv.join(' '));
      assert.match(io.err.trim(), message);
      assert.equal(io.err.trim().split('\n').length, 1, `more than one line: ${io.err}`);
      assert.equal(io.written.size, 0);
    }
  });

  it("says in one line, without the system's wording, when the page cannot be written", async () => {
    const io = fakeCliIO({ 'in.json': inputs, [SCRIPT]: '' });
    io.writeText = async (p: string) => {
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    };
    assert.equal(await main(['in.json', '-o', 'no/such/folder/x.html'], io, [SCRIPT]), 2); // bad input, not a mismatch
    assert.equal(io.err.trim(), 'no/such/folder/x.html: cannot write: no such folder');
  });

  it('says where the report script is missing instead of writing a page without it (exit 3: not the input)', async () => {
    const io = fakeCliIO({ 'in.json': inputs });
    assert.equal(await main(['in.json', '-o', 'x.html'], io, ['/nowhere/report.js']), 3);
    assert.match(io.err, /^report script: not found at \/nowhere\/report\.js/);
  });

  it('refuses to write the report over its own INPUT.json or --expected file, before running anything', async () => {
    for (const [argv, message] of [
      [['in.json', '-o', 'in.json'], '-o: in.json would replace INPUT.json: write the report to another file'],
      [
        ['in.json', '--expected', 'paste.txt', '-o', 'paste.txt'],
        '-o: paste.txt would replace --expected: write the report to another file'
      ]
    ] as const) {
      const io = fakeCliIO({ 'in.json': inputs, 'paste.txt': '[[0.0, 0.0]]', [SCRIPT]: '' });
      assert.equal(await main([...argv], io, [SCRIPT]), 2);
      assert.equal(io.err, `${message}\n`);
      assert.equal(io.written.size, 0);
    }
    const empty = fakeCliIO({ 'in.json': inputs, [SCRIPT]: '' });
    assert.equal(await main(['in.json', '-o', ''], empty, [SCRIPT]), 2);
    assert.equal(empty.err, '-o: empty; give a file name, or - for standard output\n');
  });

  it('--help: the usage and every option, on standard output, exit 0', async () => {
    const io = fakeCliIO({ [SCRIPT]: '' });
    assert.equal(await main(['--help'], io, [SCRIPT]), 0);
    assert.match(io.out, /^usage: node dist\/cli\.js report INPUT\.json /);
    for (const option of ['--expected', '--profile', '--matmul', '-o, --output'])
      assert.ok(io.out.includes(`  ${option} `), option);
    assert.equal(io.err, '');
  });

  it('--expected takes a recording of the Python helper (run.json), as compare does', async () => {
    const dir = path.join(ROOT, 'test', 'fixtures', 'recording');
    const io = fakeCliIO({
      'in.json': readFileSync(path.join(dir, 'seed.inputs.json'), 'utf8'),
      'run.json': readFileSync(path.join(dir, 'step-seed-plus-t.run.json'), 'utf8'),
      [SCRIPT]: ''
    });
    assert.equal(await main(['in.json', '--expected', 'run.json', '-o', '-'], io, [SCRIPT]), 0, io.err);
    const back = decodeRunResult(embeddedRun(io.out));
    assert.equal(back.comparison?.matches, false);
    assert.equal(back.comparison?.firstDivergence?.step, 3);
    assert.ok(
      back.comparison?.diagnosis?.some((d) => d.id === 'step-seed-plus-t'),
      back.comparison?.summary
    );
    assert.match(io.err, /does not match the PyTorch output \(bitwise\)/);
  });

  it('a recording alone (report run.json) is reported with the inputs it holds, its float64 inputs in the warnings', async () => {
    const dir = path.join(ROOT, 'test', 'fixtures', 'recording');
    const recording = readFileSync(path.join(dir, 'float64-schedule.run.json'), 'utf8');
    const io = fakeCliIO({ 'run.json': recording, [SCRIPT]: '' });
    assert.equal(await main(['run.json', '-o', '-'], io, [SCRIPT]), 0, io.err);
    const back = decodeRunResult(embeddedRun(io.out));
    const held = (JSON.parse(recording) as { inputs: { shape: number[]; seed: string } }).inputs;
    assert.deepEqual([back.inputs.n, back.inputs.d], held.shape);
    assert.equal(String(back.inputs.seed), held.seed);
    assert.equal(back.comparison?.matches, false);
    assert.match(
      back.comparison?.summary ?? '',
      /^Compared step by step: a recording of x_T and x after 4 of the 10 steps/
    );
    // the page's banner lists what compare prints as warnings
    for (const name of ['betas', 'alpha_bar'])
      assert.ok(
        back.warnings.some((w) => w.startsWith(`${name}: recorded as float64`)),
        `${name}: ${back.warnings.join(' | ')}`
      );
    assert.match(io.err, /does not match the PyTorch output \(bitwise\)\nwarning: /);
  });

  it('a recording with another --expected, or cut short, is one line naming the file (exit 2)', async () => {
    const dir = path.join(ROOT, 'test', 'fixtures', 'recording');
    const recording = readFileSync(path.join(dir, 'correct.run.json'), 'utf8');
    for (const [argv, files, message] of [
      [
        ['run.json', '--expected', 'paste.txt', '-o', 'out.html'],
        { 'run.json': recording, 'paste.txt': 'tensor([1.])' },
        'run.json: a recording (run.json), not inputs: give it alone (report run.json -o REPORT.html) to report it with the inputs it holds'
      ],
      [
        ['run.json', '-o', 'out.html'],
        { 'run.json': recording.slice(0, 200) },
        /^run\.json: not valid JSON: line 1, column/
      ]
    ] as const) {
      const io = fakeCliIO({ ...files, [SCRIPT]: '' });
      assert.equal(await main([...argv], io, [SCRIPT]), 2, io.err);
      if (typeof message === 'string') assert.equal(io.err, `${message}\n`);
      else assert.match(io.err, message);
      assert.equal(io.err.trim().split('\n').length, 1);
      assert.equal(io.written.size, 0);
    }
  });

  it('parses flags in either form', () => {
    assert.deepEqual(parseReportArgs(['a.json', '--expected=p.txt', '--output', 'r.html']), {
      input: 'a.json',
      expected: 'p.txt',
      profile: undefined,
      matmul: undefined,
      output: 'r.html'
    });
    assert.deepEqual(
      parseReportArgs(['a.json', '--matmul', 'openblas-haswell', '--blas-threads', '2', '-o', 'r.html']),
      {
        input: 'a.json',
        expected: undefined,
        profile: undefined,
        matmul: 'openblas-haswell',
        matmulThreads: 2,
        output: 'r.html'
      }
    );
  });
});
