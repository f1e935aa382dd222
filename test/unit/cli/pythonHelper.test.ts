// `node dist/cli.js python-helper` prints python/ddpm_lab.py byte for byte. Checked on the real bundle: the CLI is
// built into a temporary folder by scripts/build.mjs (DDPM_OUT_DIR, --only=cli), since the helper's text gets into
// the CLI only through the build's text loader.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths';

describe('cli: python-helper (the built bundle)', function () {
  this.timeout(120000);
  let out = '';
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(out, 'cli.js'), ...args], { timeout: 60000, maxBuffer: 1 << 24 });

  before(function () {
    out = mkdtempSync(path.join(tmpdir(), 'ddpm-cli-'));
    const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs'), '--only=cli'], {
      cwd: ROOT,
      env: { ...process.env, DDPM_OUT_DIR: out },
      encoding: 'utf8',
      timeout: 110000
    });
    assert.equal(build.status, 0, `build --only=cli failed: ${build.stderr}`);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('prints the helper file byte for byte, exit 0', () => {
    const r = cli('python-helper');
    assert.equal(r.status, 0, r.stderr.toString());
    assert.equal(r.stderr.toString(), '');
    const file = readFileSync(path.join(ROOT, 'python', 'ddpm_lab.py'));
    assert.ok(file.length > 5000, 'the helper file is there');
    assert.ok(
      Buffer.compare(r.stdout, file) === 0,
      `output (${r.stdout.length} bytes) differs from python/ddpm_lab.py (${file.length} bytes)`
    );
  });

  it('--help shows the three lines of use; an argument is one line and exit 2', () => {
    const help = cli('python-helper', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout.toString(), /^usage: node dist\/cli\.js python-helper > ddpm_lab\.py\n/);
    assert.match(help.stdout.toString(), /rec = ddpm_lab\.Recorder\(w_model, shape, betas, alpha_bar, seed\)/);
    const bad = cli('python-helper', 'extra');
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout.toString(), '');
    assert.equal(
      bad.stderr.toString(),
      'python-helper: unexpected argument "extra" (it takes none; --help for usage)\n'
    );
    assert.match(cli('--help').stdout.toString(), /\n {2}python-helper\n {6}print the Python helper ddpm_lab\.py\n/);
  });
});
