// The Python helper's own unit tests (python/test_ddpm_lab.py, Python's unittest), run from `npm test` by the first
// of /usr/bin/python3 and python3 on PATH that imports torch; reported skipped, with the reason, when neither does.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../helpers/paths';

/** Pythons to try, in order (DDPM_PYTHON alone when set: to test the skip). */
const CANDIDATES = process.env.DDPM_PYTHON ? [process.env.DDPM_PYTHON] : ['/usr/bin/python3', 'python3'];

/** The first candidate that imports torch, or why none does. */
function pythonWithTorch(): { python: string } | { missing: string } {
  const why: string[] = [];
  for (const python of CANDIDATES) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60000 });
    if (r.error) why.push(`${python} not runnable (${r.error.message})`);
    else if (r.status !== 0)
      why.push(`PyTorch not importable by ${python} (${(r.stderr || '').trim().split('\n').pop()})`);
    else return { python };
  }
  return { missing: why.join('; ') };
}

describe('python helper: python/test_ddpm_lab.py (unittest)', function () {
  this.timeout(180000);
  let found: { python: string } | { missing: string } = { missing: 'not looked for yet' };
  const skipped: string[] = [];
  before(function () {
    found = pythonWithTorch();
  });

  it('passes under the Python that has PyTorch', function () {
    if ('missing' in found) {
      this.skip(); // reported as pending; the reason is printed below
    }
    const r = spawnSync(found.python, ['-m', 'unittest', 'discover', '-s', 'python', '-p', 'test_*.py', '-v'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 170000,
      maxBuffer: 1 << 24
    });
    const report = `${r.stdout}${r.stderr}`;
    assert.equal(r.error, undefined, `${found.python} -m unittest: ${r.error?.message}`);
    assert.equal(r.status, 0, `python/test_ddpm_lab.py failed under ${found.python}:\n${report.slice(-6000)}`);
    const ran = /^Ran (\d+) tests? in /m.exec(report);
    assert.ok(ran && Number(ran[1]) >= 20, `expected the helper's tests to run:\n${report.slice(-2000)}`);
    for (const m of report.matchAll(/^(\S+) \(([\w.]+)\)\s*\.\.\. skipped '?"?(.*?)'?"?$/gm))
      skipped.push(`${m[2]}: ${m[3]}`);
    assert.ok(
      !skipped.some((s) => /PyTorch is not importable/.test(s)),
      `torch imports here, yet tests skipped for it: ${skipped.join('; ')}`
    );
  });

  after(function () {
    if ('missing' in found) console.log(`      (skipped: ${found.missing})`);
    for (const s of skipped) console.log(`      (skipped in Python: ${s})`);
  });
});
