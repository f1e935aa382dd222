// Running a local Python for the check: cancel kills it (and the process group), no shell, temporary script removed.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runPythonScript, whichOnPath } from '../../../src/host/pythonCheck';
import { PYTHON } from '../helpers/torch';

/** Whether a process runs (exists and is not a zombie waiting for its parent to reap it). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('host: running the check Python', function () {
  this.timeout(60000);
  let dir = '';
  before(function () {
    if (!existsSync(PYTHON)) this.skip();
    dir = mkdtempSync(path.join(tmpdir(), 'ddpm-run-test-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('passes stdin, returns stdout; arguments reach no shell', async () => {
    const r = await runPythonScript({
      python: PYTHON,
      script: 'import sys\nprint(sys.stdin.read().upper())\n',
      stdin: '$(echo hi); `x`'
    });
    assert.equal(r.stdout, '$(ECHO HI); `X`\n');
    assert.equal(r.code, 0);
  });

  it('cancel: rejects with AbortError and kills the Python and its children', async () => {
    const pidFile = path.join(dir, 'pids');
    const script = `import os, subprocess, time\nchild = subprocess.Popen(['sleep', '120'])\nopen(${JSON.stringify(pidFile)}, 'w').write('%d %d' % (os.getpid(), child.pid))\ntime.sleep(120)\n`;
    const ac = new AbortController();
    const running = runPythonScript({ python: PYTHON, script, stdin: '', signal: ac.signal });
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').split(' ').length < 2)
      await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await assert.rejects(running, (e: Error) => e.name === 'AbortError');
    const [python, grandchild] = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    assert.throws(
      () => process.kill(python, 0),
      /ESRCH/,
      `the Python (${python}) survived the cancel or was not reaped`
    );
    // the grandchild was killed with the group; reaping it is its new parent's (init's) job, so a zombie counts as gone
    assert.ok(!alive(grandchild), `its child (${grandchild}) survived the cancel`);
  });

  it('more output than can be read: rejects with one line, the Python stopped, the temporary directory removed', async () => {
    const tmp = mkdtempSync(path.join(dir, 'tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // os.tmpdir() reads it on each call
    try {
      await assert.rejects(
        runPythonScript({
          python: PYTHON,
          script: "import sys, time\nsys.stdout.write('x' * 5000)\nsys.stdout.flush()\ntime.sleep(120)\n",
          stdin: '',
          maxOutputBytes: 1000
        }),
        (e: Error) => /wrote more than 1,000 bytes of output$/.test(e.message) && !e.message.includes('\n')
      );
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    assert.deepEqual(readdirSync(tmp), [], 'the temporary directory was left behind');
  });

  /** A fake "python": a shell script that starts `sleep 30` in a session of its own (holding our pipes), then this. */
  function strayHolder(name: string, then: string): { python: string; pidFile: string } {
    const python = path.join(dir, name);
    const pidFile = path.join(dir, `${name}.pid`);
    writeFileSync(python, `#!/bin/sh\nsetsid sleep 30 &\necho $! > ${pidFile}\n${then}\n`, { mode: 0o700 });
    return { python, pidFile };
  }
  const killStray = (pidFile: string) => {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      // gone already
    }
  };

  it('a process in its own session holding the pipes: the result comes once the Python exited, not when it ends', async () => {
    const { python, pidFile } = strayHolder('exits', 'echo hi; exit 0');
    const started = Date.now();
    try {
      const r = await runPythonScript({ python, script: '', stdin: '' });
      assert.equal(r.stdout, 'hi\n');
      assert.equal(r.code, 0);
      assert.ok(Date.now() - started < 10000, `waited ${Date.now() - started} ms`);
    } finally {
      killStray(pidFile);
    }
  });

  it('... and --timeout bounds the wait when the Python runs on', async () => {
    const { python, pidFile } = strayHolder('runs', 'sleep 30');
    const started = Date.now();
    try {
      await assert.rejects(runPythonScript({ python, script: '', stdin: '', timeoutMs: 1000 }), /within 1 s/);
      assert.ok(Date.now() - started < 10000, `waited ${Date.now() - started} ms`);
    } finally {
      killStray(pidFile);
    }
  });

  it('finds commands on PATH like the shell, and not elsewhere', async () => {
    assert.equal(await whichOnPath('python3', path.dirname(PYTHON)), path.join(path.dirname(PYTHON), 'python3'));
    assert.equal(await whichOnPath('no-such-command-ddpm', path.dirname(PYTHON)), undefined);
  });
});
