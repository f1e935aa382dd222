// `node dist/cli.js check`: every way a Python can fail to run the check (exit 4, one line, no traceback), and live
// checks against Debian's PyTorch on the reference BLAS, on OpenBLAS with one and two threads, and with ATEN_CPU_CAPABILITY=default
// (exit 0 and the profiles that reproduce each named). Failures are simulated with a real Python given a fake `torch`
// module on PYTHONPATH (so `import torch` fails, reports an old version, or crashes), not with mocks of our code.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/check';
import { CHECK_SCHEMA } from '../../../src/core/check/harness';
import { ROOT } from '../helpers/paths';
import { PYTHON, torchMissing } from '../helpers/torch';
import { generateInputs } from '../../../src/extension/resolveInputs';
import { inputsToFileJson } from '../../../src/core/sampler/inputs';

const SCRIPT = readFileSync(path.join(ROOT, 'python', 'ddpm_check.py'), 'utf8');
const OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-pthread';

// N x d = 48 values: randn's vectorised path (16 or more), where the RNG profiles differ; d = 4 where the BLAS's
// summation orders differ
const INPUTS = JSON.stringify({
  w_model: [
    [0.12, -0.3, 0.5, 0.07],
    [0.05, 0.41, -0.9, 0.33],
    [-0.2, 0.07, 0.13, -0.61],
    [0.77, -0.45, 0.29, 0.01],
    [0.3, 0.2, -0.1, 0.4]
  ],
  shape: [12, 4],
  betas: [0.0001, 0.005, 0.01, 0.015, 0.02],
  alpha_bar: 'cumprod',
  seed: 7
}).replace('"cumprod"', JSON.stringify(cumprod([0.0001, 0.005, 0.01, 0.015, 0.02])));

function cumprod(betas: number[]): number[] {
  let p = 1;
  return betas.map((b) => (p = Math.fround(p * Math.fround(1 - Math.fround(b)))));
}

async function runCheckCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  inputs = INPUTS
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = {
    stdout: (s: string) => void (out += s),
    stderr: (s: string) => void (err += s),
    readText: async () => inputs,
    writeText: async () => undefined
  };
  try {
    const code = await main(['in.json', ...args], io, { script: SCRIPT, env });
    return { code, out, err };
  } catch (e) {
    const ex = e as { exitCode?: number; message: string };
    return { code: ex.exitCode ?? 3, out, err: err + ex.message + '\n' };
  }
}

describe('cli: check, when the Python cannot run it', function () {
  this.timeout(60000);
  let dir = '';
  before(function () {
    if (!existsSync(PYTHON)) this.skip();
    dir = mkdtempSync(path.join(tmpdir(), 'ddpm-check-test-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** A folder holding a fake torch package with this __init__.py, for PYTHONPATH. */
  function fakeTorch(name: string, init: string): NodeJS.ProcessEnv {
    mkdirSync(path.join(dir, name, 'torch'), { recursive: true });
    writeFileSync(path.join(dir, name, 'torch', '__init__.py'), init);
    return { ...process.env, PYTHONPATH: path.join(dir, name) };
  }

  it('no such interpreter: exit 4, one line naming it', async () => {
    const r = await runCheckCli(['--python', path.join(dir, 'no-such-python')]);
    assert.equal(r.code, 4);
    // the CLI's way to choose a Python is --python, not the extension's setting
    assert.match(
      r.err,
      /^check: no usable PyTorch: .*no-such-python: no such interpreter; pass --python PY to a Python with PyTorch/
    );
    assert.doesNotMatch(r.err, /ddpmLab/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  it('--python naming a folder, or a file here by a bare name (looked up on PATH): exit 4, one line saying which', async () => {
    const lines: string[] = [];
    // package.json and src are in the working folder (the repository's root) and not on PATH
    for (const python of [dir, 'src', 'package.json']) {
      const r = await runCheckCli(['--python', python]);
      assert.equal(r.code, 4);
      assert.equal(r.err.trim().split('\n').length, 1);
      lines.push(r.err.replace(/; pass --python.*\n$/, ''));
    }
    assert.deepEqual(lines, [
      `check: no usable PyTorch: ${dir}: is a folder, not a Python interpreter`,
      'check: no usable PyTorch: src: is a folder, not a Python interpreter',
      `check: no usable PyTorch: package.json: not on PATH (a name without a folder is looked up there; give the file's path: ${path.resolve('package.json')})`
    ]);
  });

  it('no Python on PATH: exit 4, one line saying to pass --python', async () => {
    const r = await runCheckCli([], { ...process.env, PATH: dir });
    assert.equal(r.code, 4);
    assert.equal(
      r.err,
      'check: no usable PyTorch: no Python found: neither python3 nor python is on PATH; pass --python PY (a Python with PyTorch)\n'
    );
  });

  it('no torch: exit 4 with the pip install hint', async () => {
    const r = await runCheckCli(
      ['--python', PYTHON],
      fakeTorch('none', "raise ImportError('No module named torch')\n")
    );
    assert.equal(r.code, 4);
    assert.match(
      r.err,
      /cannot import torch \(No module named torch\); install PyTorch into it: .* -m pip install torch/
    );
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  it('torch there, a library it loads broken (LD_LIBRARY_PATH): exit 4, told to check the environment first', async function () {
    if (!existsSync('/usr/lib/python3/dist-packages/torch')) this.skip();
    // an empty libblas.so.3 ahead of the system's: the dynamic loader's own error, as the real torch import meets it
    const lib = path.join(dir, 'badlib');
    mkdirSync(lib, { recursive: true });
    writeFileSync(path.join(lib, 'libblas.so.3'), '');
    const r = await runCheckCli(['--python', PYTHON], { ...process.env, LD_LIBRARY_PATH: lib });
    assert.equal(r.code, 4, r.err);
    assert.match(
      r.err,
      /cannot import torch \(.*libblas\.so\.3: file too short\); torch is there, but a library it loads failed to load: check LD_LIBRARY_PATH and LD_PRELOAD in the environment .*; if neither is set, reinstall it: .* -m pip install --force-reinstall torch$/m
    );
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  it('too old a torch: exit 4 with the upgrade hint', async () => {
    const r = await runCheckCli(['--python', PYTHON], fakeTorch('old', "__version__ = '1.4.0'\n"));
    assert.equal(r.code, 4);
    assert.match(r.err, /PyTorch 1\.4\.0 is too old .*pip install --upgrade torch/);
  });

  it('a script error: exit 4 with the exception line, not the traceback', async () => {
    const r = await runCheckCli(
      ['--python', PYTHON],
      fakeTorch(
        'broken',
        "__version__ = '2.1.0'\nfloat32 = 'float32'\ndef tensor(*a, **k):\n    raise RuntimeError('simulated failure inside torch')\n"
      )
    );
    assert.equal(r.code, 4);
    assert.match(r.err, /the check script failed in .* \(exit 1\): RuntimeError: simulated failure inside torch/);
    assert.doesNotMatch(r.err, /Traceback/);
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  it('output of the protocol with a malformed field: exit 4, one line naming the field, not an internal error', async () => {
    const python = path.join(dir, 'malformed-python');
    writeFileSync(
      python,
      `#!/bin/sh\ncat > /dev/null\necho '${JSON.stringify({ schema: CHECK_SCHEMA, steps: [] })}'\n`,
      {
        mode: 0o700
      }
    );
    const r = await runCheckCli(['--python', python]);
    assert.equal(r.code, 4);
    assert.match(r.err, /no usable PyTorch: the check script's output is malformed: steps: expected 5 steps, got 0; /);
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  for (const [signal, advice] of [
    [
      'SIGILL',
      /killed by SIGILL \(illegal instruction\); the CPU lacks an instruction .*ATEN_CPU_CAPABILITY and OPENBLAS_CORETYPE/
    ],
    ['SIGSEGV', /killed by SIGSEGV \(segmentation fault\); it crashed inside PyTorch/],
    ['SIGKILL', /killed by SIGKILL; something outside it killed it, often the out-of-memory killer/]
  ] as const) {
    it(`a Python killed by ${signal}: exit 4, one line naming the signal and what to do`, async () => {
      const r = await runCheckCli(
        ['--python', PYTHON],
        fakeTorch(`signal-${signal}`, `import os, signal\nos.kill(os.getpid(), signal.${signal})\n`)
      );
      assert.equal(r.code, 4);
      assert.match(r.err, advice);
      assert.doesNotMatch(r.err, /by signal|import torch/);
      assert.equal(r.err.trim().split('\n').length, 1);
    });
  }

  it('a multi-line exception: exit 4 with its first line, "XxxError: first line", not its last', async () => {
    const r = await runCheckCli(
      ['--python', PYTHON],
      fakeTorch(
        'multiline',
        "__version__ = '2.1.0'\nfloat32 = 'float32'\ndef tensor(*a, **k):\n    raise RuntimeError('simulated failure inside torch\\n  detail one\\nlast detail')\n"
      )
    );
    assert.equal(r.code, 4);
    assert.match(r.err, /\(exit 1\): RuntimeError: simulated failure inside torch; run /);
    assert.equal(r.err.trim().split('\n').length, 1);
  });

  it('a timeout: exit 4, and the Python is gone', async () => {
    const env = fakeTorch(
      'slow',
      `import os\nopen(${JSON.stringify(path.join(dir, 'slow.pid'))}, 'w').write(str(os.getpid()))\nimport time\ntime.sleep(120)\n`
    );
    const r = await runCheckCli(['--python', PYTHON, '--timeout', '2'], env);
    assert.equal(r.code, 4);
    assert.match(r.err, /did not finish the check within 2 s/);
    const pid = Number(readFileSync(path.join(dir, 'slow.pid'), 'utf8'));
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the timed-out Python still runs');
  });

  it('a run too large to read back (N=1000 d=64 T=400): exit 2 at once, one line naming the size and the limit', async () => {
    const d = 64;
    const T = 400;
    const betas = Array.from({ length: T }, (_, i) => 0.0001 + (0.02 - 0.0001) * (i / (T - 1)));
    const large = JSON.stringify({
      w_model: Array.from({ length: d + 1 }, () => new Array(d).fill(0.01)),
      shape: [1000, d],
      betas,
      alpha_bar: cumprod(betas),
      seed: 1
    });
    const started = Date.now();
    const r = await runCheckCli(['--python', PYTHON], process.env, large);
    assert.equal(r.code, 2, r.err);
    assert.match(
      r.err,
      /^check: N=1000 d=64 T=400 is too large to check: PyTorch's states would be about [\d,]+ characters of output, more than the [\d,]+ Node\.js can read/
    );
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.ok(Date.now() - started < 10000, 'the Python ran before the refusal');
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143]
  ] as const) {
    it(`${signal} during the check: exit ${code}, one line, the Python killed, the temporary directory removed`, async () => {
      const pidFile = path.join(dir, `${signal}.pid`);
      const env = fakeTorch(
        `signal-${signal}`,
        `import os\nopen(${JSON.stringify(pidFile)}, 'w').write(str(os.getpid()))\nimport time\ntime.sleep(120)\n`
      );
      const tmp = mkdtempSync(path.join(dir, 'tmp-'));
      const saved = process.env.TMPDIR;
      const listeners = process.listenerCount(signal);
      process.env.TMPDIR = tmp; // os.tmpdir() reads it on each call
      let r: { code: number; out: string; err: string };
      try {
        const running = runCheckCli(['--python', PYTHON, '--timeout', '20'], env);
        while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8')) await new Promise((w) => setTimeout(w, 50));
        process.emit(signal, signal); // what the terminal's Ctrl-C or a kill delivers to the handler
        r = await running;
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
      assert.equal(r.code, code, r.err);
      assert.equal(r.err, `check: stopped by ${signal}; the Python was killed\n`);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the Python still runs');
      assert.deepEqual(readdirSync(tmp), [], 'the temporary directory was left behind');
      assert.equal(process.listenerCount(signal), listeners, 'the handler stayed installed');
    });
  }

  it('bad arguments: exit 2', async () => {
    assert.equal((await runCheckCli(['--matmul', 'mkl'])).code, 2);
    assert.equal((await runCheckCli(['--timeout', '0'])).code, 2);
    for (const py of ['', '  ']) {
      const r = await runCheckCli(['--python', py]);
      assert.equal(r.code, 2, `--python ${JSON.stringify(py)}: ${r.err}`);
      assert.equal(r.err, `--python: expected the Python to run, got ${JSON.stringify(py)}\n`);
    }
    // beyond setTimeout's longest delay (2^31 - 1 ms) the timer would fire at once; below 1 ms it says "within 0 s"
    for (const t of ['2147484', '0.0001', '0x10']) {
      const r = await runCheckCli(['--timeout', t]);
      assert.equal(r.code, 2, t);
      assert.equal(r.err, `--timeout: expected a number of seconds from 0.001 to 2147483, got ${JSON.stringify(t)}\n`);
    }
  });
});

describe('cli: check against the local PyTorch (live)', function () {
  this.timeout(240000);
  before(function () {
    const why = torchMissing();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  async function liveJson(env: NodeJS.ProcessEnv, inputs = INPUTS) {
    const r = await runCheckCli(['--python', PYTHON, '--json'], env, inputs);
    assert.equal(r.code, 0, r.err + r.out);
    return JSON.parse(r.out);
  }

  it('reference BLAS: exit 0, rng avx2-fma, matmul reference', async () => {
    const env = { ...process.env };
    delete env.LD_LIBRARY_PATH;
    delete env.ATEN_CPU_CAPABILITY;
    const v = await liveJson(env);
    assert.deepEqual(v.profile, { rng: 'avx2-fma', matmul: 'reference' });
    assert.equal(v.rngExact && v.stepArithmeticExact && v.bitwiseEqual, true);
    assert.equal(v.matmulMaxUlps, 0);
    assert.ok(!v.matmul.matching.includes('openblas-haswell'), 'the inputs do not tell the two BLAS apart');
    assert.equal(v.torch.cpuCapability, 'AVX2');
  });

  it('OpenBLAS, one thread, Haswell kernels: exit 0, matmul openblas-haswell', async function () {
    if (!existsSync(OPENBLAS)) {
      console.log(`      skipped: ${OPENBLAS} is missing (apt-get install libopenblas0-pthread)`);
      this.skip();
    }
    const v = await liveJson({
      ...process.env,
      LD_LIBRARY_PATH: OPENBLAS,
      OPENBLAS_NUM_THREADS: '1',
      OPENBLAS_CORETYPE: 'Haswell'
    });
    assert.deepEqual(v.profile, { rng: 'avx2-fma', matmul: 'openblas-haswell' });
    assert.deepEqual(v.matmul.matching, ['openblas-haswell']);
    assert.match(v.torch.blas, /^openblas .*Haswell, 1 thread/);
  });

  it('OpenBLAS, two threads, a product above its threading threshold: exit 0, openblas-haswell run with 2 threads', async function () {
    if (!existsSync(OPENBLAS)) {
      console.log(`      skipped: ${OPENBLAS} is missing (apt-get install libopenblas0-pthread)`);
      this.skip();
    }
    // N = 1000, d = 16: (1000 x 17) @ (17 x 16) is 272,000 multiply-adds, above the 262,144 where OpenBLAS splits
    // the product between its threads (README "Matmul profiles"), so one thread's order gives other bits
    const { inputs } = generateInputs({ n: 1000, d: 16, T: 2, seed: 5n, schedule: 'linear' }, 'avx2-fma');
    const v = await liveJson(
      { ...process.env, LD_LIBRARY_PATH: OPENBLAS, OPENBLAS_NUM_THREADS: '2', OPENBLAS_CORETYPE: 'Haswell' },
      JSON.stringify(inputsToFileJson(inputs, (x) => x))
    );
    assert.match(v.torch.blas, /^openblas .*Haswell, 2 threads/);
    assert.deepEqual(v.profile, { rng: 'avx2-fma', matmul: 'openblas-haswell' });
    assert.equal(v.matmul.openblasThreads, 2);
    assert.equal(v.bitwiseEqual, true);
    assert.ok(v.matmul.byProfile.reference.differing > 0, 'the reference order differs on this product');
    assert.match(v.summary, /openblas-haswell \(2 threads\)/);
  });

  it('ATEN_CPU_CAPABILITY=default: exit 0, rng scalar', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ATEN_CPU_CAPABILITY: 'default' };
    delete env.LD_LIBRARY_PATH;
    const v = await liveJson(env);
    assert.deepEqual(v.profile, { rng: 'scalar', matmul: 'reference' });
    assert.deepEqual(v.rng.matching, ['scalar']);
  });
});
