// Which Python runs the check: ddpmLab.pythonPath, else the Python extension's interpreter, else python3, then python.
import { strict as assert } from 'node:assert';
import { NoPythonError, resolvePython, type PythonResolutionHost } from '../../../../src/core/check/pythonResolution';

const onPath = (found: Record<string, string>) => async (c: string) => found[c];

describe('check: which Python', () => {
  it('the setting wins over the Python extension and PATH', async () => {
    const host: PythonResolutionHost = {
      setting: '/opt/py/bin/python',
      pythonExtensionInterpreter: async () => '/venv/bin/python',
      which: onPath({ python3: '/usr/bin/python3' })
    };
    assert.deepEqual(await resolvePython(host), {
      command: '/opt/py/bin/python',
      source: 'setting',
      origin: 'ddpmLab.pythonPath (/opt/py/bin/python)'
    });
  });

  it('a setting that is not a string (settings.json holds any JSON) is refused naming it, not used', async () => {
    for (const [setting, got] of [
      [3, '3'],
      [true, 'true'],
      [['python3'], 'an array'],
      [{ path: 'python3' }, 'an object']
    ] as const) {
      await assert.rejects(
        resolvePython({ setting, which: onPath({ python3: '/usr/bin/python3' }) }),
        (e: Error) =>
          e instanceof NoPythonError &&
          e.message === `ddpmLab.pythonPath: expected the path of a Python (a string), got ${got}`
      );
    }
    // null is how settings.json unsets it
    const r = await resolvePython({ setting: null, which: onPath({ python3: '/usr/bin/python3' }) });
    assert.equal(r.command, '/usr/bin/python3');
  });

  it('${workspaceFolder} and a relative path with a folder in it are taken from the folder; a bare name is left to PATH', async () => {
    const which = onPath({ python3: '/usr/bin/python3' });
    const command = async (setting: string, workspaceFolder?: string) =>
      (await resolvePython({ setting, workspaceFolder, which })).command;
    assert.equal(await command('${workspaceFolder}/.venv/bin/python', '/ws/proj'), '/ws/proj/.venv/bin/python');
    assert.equal(await command('.venv/bin/python', '/ws/proj/'), '/ws/proj/.venv/bin/python');
    assert.equal(await command('./venv/bin/python', '/ws/proj'), '/ws/proj/venv/bin/python');
    assert.equal(await command('/opt/py/bin/python', '/ws/proj'), '/opt/py/bin/python');
    assert.equal(await command('C:\\Python311\\python.exe', 'C:\\ws'), 'C:\\Python311\\python.exe');
    assert.equal(await command('python3.11', '/ws/proj'), 'python3.11');
    assert.equal(await command('.venv/bin/python'), '.venv/bin/python', 'no folder: as written');
    const home = await resolvePython({ setting: '~/venvs/torch/bin/python', homeDir: '/home/me', which });
    assert.equal(home.command, '/home/me/venvs/torch/bin/python');
    // the CLI's --python is named as such
    await assert.rejects(
      resolvePython({ setting: '${workspaceFolder}/py', settingName: '--python', which }),
      (e: Error) => e.message === '--python: ${workspaceFolder}/py names ${workspaceFolder}, but no folder is open'
    );
    await assert.rejects(
      command('${workspaceFolder}/.venv/bin/python'),
      (e: Error) =>
        e instanceof NoPythonError &&
        e.message ===
          'ddpmLab.pythonPath: ${workspaceFolder}/.venv/bin/python names ${workspaceFolder}, but no folder is open'
    );
  });

  it('a blank setting counts as unset; the Python extension comes next', async () => {
    const r = await resolvePython({
      setting: '  ',
      pythonExtensionInterpreter: async () => '/venv/bin/python',
      which: onPath({ python3: '/usr/bin/python3' })
    });
    assert.equal(r.command, '/venv/bin/python');
    assert.equal(r.source, 'python-extension');
  });

  it('without the extension (or when it has no interpreter, or fails), python3 on PATH', async () => {
    for (const ext of [
      undefined,
      async () => undefined,
      async (): Promise<string> => Promise.reject(new Error('extension failed'))
    ]) {
      const r = await resolvePython({
        pythonExtensionInterpreter: ext,
        which: onPath({ python3: '/usr/bin/python3', python: '/usr/bin/python' })
      });
      assert.deepEqual([r.command, r.source], ['/usr/bin/python3', 'path']);
    }
  });

  it('python when PATH has no python3', async () => {
    const r = await resolvePython({ which: onPath({ python: '/usr/local/bin/python' }) });
    assert.equal(r.command, '/usr/local/bin/python');
    assert.match(r.origin, /^python on PATH/);
  });

  it('none anywhere: one line saying what was tried and how to fix it', async () => {
    await assert.rejects(
      resolvePython({ which: onPath({}) }),
      (e: Error) =>
        e instanceof NoPythonError && /neither python3 nor python is on PATH; set ddpmLab.pythonPath/.test(e.message)
    );
  });
});
