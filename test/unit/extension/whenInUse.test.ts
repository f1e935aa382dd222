// When the extension readies a run (src/extension/whenInUse.ts): at once when an inputs file or a DDPM notebook is
// open, else when the first opens (or is found a little later); never for any other JSON file.
import { strict as assert } from 'node:assert';
import { isInputsFile, whenInUse, type WhenInUseApi } from '../../../src/extension/whenInUse';

type Listener<T> = (value: T) => void;

/** A workspace with the given documents open, whose open events the test fires. */
function workspace(paths: string[], notebookTypes: string[] = []) {
  const textListeners: Listener<{ uri: { path: string } }>[] = [];
  const notebookListeners: Listener<{ notebookType: string }>[] = [];
  const textDocuments = paths.map((path) => ({ uri: { path } }));
  const notebookDocuments = notebookTypes.map((notebookType) => ({ notebookType }));
  const on =
    <T>(list: Listener<T>[]) =>
    (f: Listener<T>) => {
      list.push(f);
      return { dispose: () => void list.splice(list.indexOf(f), 1) };
    };
  const api = {
    workspace: {
      textDocuments,
      notebookDocuments,
      onDidOpenTextDocument: on(textListeners),
      onDidOpenNotebookDocument: on(notebookListeners)
    }
  } as unknown as WhenInUseApi;
  return {
    api,
    textDocuments,
    openText: (path: string) => [...textListeners].forEach((f) => f({ uri: { path } })),
    openNotebook: (notebookType: string) => [...notebookListeners].forEach((f) => f({ notebookType })),
    listeners: () => textListeners.length + notebookListeners.length
  };
}

describe('whenInUse (readying the sampler only where DDPM Lab is in use)', () => {
  it('an inputs file or a DDPM notebook already open: ready at once, nothing left listening', () => {
    for (const w of [
      workspace(['/p/a.json', '/p/run.inputs.json']),
      workspace(['/p/package.json'], ['ddpm-notebook'])
    ]) {
      let ready = 0;
      const subs = whenInUse(w.api, 'ddpm-notebook', () => ready++);
      assert.equal(ready, 1);
      assert.deepEqual(subs, []);
    }
  });

  it('only other JSON files open: nothing until an inputs file or a DDPM notebook opens, then once', () => {
    const w = workspace(['/p/package.json', '/p/tsconfig.json'], ['jupyter-notebook']);
    let ready = 0;
    const subs = whenInUse(w.api, 'ddpm-notebook', () => ready++, 60_000);
    w.openText('/p/settings.json');
    w.openNotebook('jupyter-notebook');
    assert.equal(ready, 0, 'not for another JSON file or notebook');
    w.openNotebook('ddpm-notebook');
    w.openText('/p/x.inputs.json');
    assert.equal(ready, 1, 'once');
    assert.equal(w.listeners(), 0, 'its listeners disposed');
    subs.forEach((s) => s.dispose());
  });

  it('the document that activated it, listed only after activation, is found by the recheck', async () => {
    const w = workspace(['/p/package.json']);
    let ready = 0;
    whenInUse(w.api, 'ddpm-notebook', () => ready++, 5);
    w.textDocuments.push({ uri: { path: '/p/timing-run.inputs.json' } });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(ready, 1);
  });

  it('an inputs file is named *.inputs.json, as the editor and explorer menus have it', () => {
    const names = [
      '/a/seed.inputs.json',
      '/a/RUN.INPUTS.JSON',
      '/a/inputs.json',
      '/a/x.inputs.json.bak',
      '/a/package.json'
    ];
    assert.deepEqual(
      names.filter((path) => isInputsFile({ uri: { path } } as never)),
      ['/a/seed.inputs.json', '/a/RUN.INPUTS.JSON']
    );
  });
});
