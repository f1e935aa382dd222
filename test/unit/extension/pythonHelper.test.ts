// DDPM: Add Python Helper to Workspace (src/extension/pythonHelper.ts) against the fake VS Code API
// (test/unit/helpers/fakeVscode.ts, its in-memory file system) with the dialogs answered by the test: writes
// python/ddpm_lab.py byte for byte as ddpm_lab.py, asks (modal) before replacing a different file, picks a folder
// when there are several, says what to do without a folder.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/paths';
import { FakeUri, makeFakeVscode } from '../helpers/fakeVscode';
import { addPythonHelper, type PythonHelperApi } from '../../../src/extension/pythonHelper';

const helperText = readFileSync(path.join(ROOT, 'python', 'ddpm_lab.py'), 'utf8');
const text = (b: Uint8Array | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);

interface Folder {
  uri: FakeUri;
  name: string;
  index: number;
}

/** The fake with workspace folders, the dialogs answered from `answers`, and what the command showed and opened. */
function setup(folderPaths: string[], answers: { pick?: number | undefined; overwrite?: string | undefined } = {}) {
  const fake = makeFakeVscode();
  const folders: Folder[] = folderPaths.map((p, index) => ({
    uri: new FakeUri(p),
    name: path.posix.basename(p),
    index
  }));
  const shown = {
    warnings: [] as { message: string; options: unknown; items: string[] }[],
    errors: [] as string[],
    infos: [] as string[],
    picks: 0,
    opened: [] as string[]
  };
  const api = {
    Uri: FakeUri,
    window: {
      showWorkspaceFolderPick: async () => {
        shown.picks++;
        return answers.pick === undefined ? undefined : folders[answers.pick];
      },
      showWarningMessage: async (message: string, options: unknown, ...items: string[]) => {
        shown.warnings.push({ message, options, items });
        return answers.overwrite;
      },
      showErrorMessage: async (message: string) => void shown.errors.push(message),
      showInformationMessage: async (message: string) => void shown.infos.push(message),
      showTextDocument: async (doc: { uri: FakeUri }) => void shown.opened.push(doc.uri.path)
    },
    workspace: {
      workspaceFolders: folders.length ? folders : undefined,
      openTextDocument: async (uri: FakeUri) => {
        if (!fake.files.has(uri.path)) throw new Error(`no such file ${uri.path}`);
        return { uri };
      },
      fs: (fake.api.workspace as unknown as { fs: unknown }).fs
    }
  } as unknown as PythonHelperApi;
  return { api, files: fake.files, shown };
}

describe('DDPM: Add Python Helper to Workspace', () => {
  it('writes python/ddpm_lab.py byte for byte as ddpm_lab.py in the only folder, and opens it', async () => {
    const { api, files, shown } = setup(['/work/project']);
    const uri = await addPythonHelper(api, helperText);
    assert.equal((uri as unknown as FakeUri).path, '/work/project/ddpm_lab.py');
    assert.equal(text(files.get('/work/project/ddpm_lab.py')), helperText);
    assert.deepEqual(shown.opened, ['/work/project/ddpm_lab.py']);
    assert.deepEqual([shown.picks, shown.warnings.length, shown.errors.length], [0, 0, 0]);
    assert.match(shown.infos[0], /^Added ddpm_lab\.py to project/);
  });

  it('several folders: writes into the one picked; a cancelled pick writes nothing', async () => {
    const two = setup(['/a', '/b'], { pick: 1 });
    await addPythonHelper(two.api, helperText);
    assert.equal(two.shown.picks, 1);
    assert.deepEqual([...two.files.keys()], ['/b/ddpm_lab.py']);
    const cancelled = setup(['/a', '/b']);
    assert.equal(await addPythonHelper(cancelled.api, helperText), undefined);
    assert.equal(cancelled.files.size, 0);
    assert.deepEqual(cancelled.shown.opened, []);
  });

  it("a different ddpm_lab.py: asks with a modal Overwrite; Cancel keeps the user's file, Overwrite replaces it", async () => {
    const mine = new TextEncoder().encode('# my own ddpm_lab.py\n');
    const kept = setup(['/p'], { overwrite: undefined });
    kept.files.set('/p/ddpm_lab.py', mine);
    assert.equal(await addPythonHelper(kept.api, helperText), undefined);
    assert.equal(kept.shown.warnings.length, 1);
    assert.deepEqual(kept.shown.warnings[0].items, ['Overwrite']);
    assert.equal((kept.shown.warnings[0].options as { modal?: boolean }).modal, true);
    assert.match(kept.shown.warnings[0].message, /ddpm_lab\.py already exists in p/);
    assert.equal(text(kept.files.get('/p/ddpm_lab.py')), '# my own ddpm_lab.py\n');
    assert.deepEqual(kept.shown.opened, []);

    const replaced = setup(['/p'], { overwrite: 'Overwrite' });
    replaced.files.set('/p/ddpm_lab.py', mine);
    await addPythonHelper(replaced.api, helperText);
    assert.equal(text(replaced.files.get('/p/ddpm_lab.py')), helperText);
    assert.deepEqual(replaced.shown.opened, ['/p/ddpm_lab.py']);
  });

  it('the same helper already there: no question, opened as it is', async () => {
    const same = setup(['/p']);
    same.files.set('/p/ddpm_lab.py', new TextEncoder().encode(helperText));
    await addPythonHelper(same.api, helperText);
    assert.equal(same.shown.warnings.length, 0);
    assert.deepEqual(same.shown.opened, ['/p/ddpm_lab.py']);
    assert.match(same.shown.infos[0], /already DDPM Lab's helper/);
  });

  it('a ddpm_lab.py that cannot be read (not missing: permissions, a folder of that name) is not written over', async () => {
    const r = setup(['/p'], { overwrite: 'Overwrite' });
    r.files.set('/p/ddpm_lab.py', new TextEncoder().encode('# mine\n'));
    const fs = (r.api.workspace as unknown as { fs: { readFile: unknown } }).fs;
    fs.readFile = async () => {
      throw Object.assign(new Error('EACCES: permission denied, open /p/ddpm_lab.py\n  at somewhere'), {
        code: 'NoPermissions'
      });
    };
    assert.equal(await addPythonHelper(r.api, helperText), undefined);
    assert.deepEqual(r.shown.errors, [
      'DDPM Lab: cannot read ddpm_lab.py in p (EACCES: permission denied, open /p/ddpm_lab.py); nothing was written.'
    ]);
    assert.equal(text(r.files.get('/p/ddpm_lab.py')), '# mine\n');
    assert.deepEqual([r.shown.warnings.length, r.shown.opened.length, r.shown.infos.length], [0, 0, 0]);
  });

  it('a folder that cannot be written (read-only): one error line, no "Added" message', async () => {
    const r = setup(['/ro']);
    const fs = (r.api.workspace as unknown as { fs: { writeFile: unknown } }).fs;
    fs.writeFile = async () => {
      throw Object.assign(new Error('EROFS: read-only file system'), { code: 'NoPermissions' });
    };
    assert.equal(await addPythonHelper(r.api, helperText), undefined);
    assert.deepEqual(r.shown.errors, ['DDPM Lab: cannot write ddpm_lab.py into ro (EROFS: read-only file system).']);
    assert.deepEqual([r.shown.opened.length, r.shown.infos.length], [0, 0]);
  });

  it('no folder open: one error line saying what to do, nothing written', async () => {
    const none = setup([]);
    assert.equal(await addPythonHelper(none.api, helperText), undefined);
    assert.equal(none.shown.errors.length, 1);
    assert.match(none.shown.errors[0], /open a folder first/);
    assert.ok(!none.shown.errors[0].includes('\n'));
    assert.equal(none.files.size, 0);
  });

  it("the extension bundles the helper's text as the CLI does (the .py text loader applies to both extension builds)", () => {
    const ext = readFileSync(path.join(ROOT, 'src', 'extension', 'extension.ts'), 'utf8');
    assert.match(ext, /import helperText from '\.\.\/\.\.\/python\/ddpm_lab\.py'/);
    const build = readFileSync(path.join(ROOT, 'scripts', 'build.mjs'), 'utf8');
    assert.match(build, /const common = \{[^}]*loader: \{ '\.py': 'text' \}/);
  });
});
