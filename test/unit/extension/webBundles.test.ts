// The bundles that run in a browser (README "In the browser"): the web extension (dist/web/extension.js,
// VS Code's web worker extension host), the notebook renderer with its chunks, the results panel's and the
// report page's scripts. Built fresh by scripts/build.mjs into a temporary folder, none may load a Node
// module (require("fs"), import "node:worker_threads", ...): there is no Node in a browser, and a bundle
// that asks for one fails when it loads, or when the branch runs.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import * as esbuild from 'esbuild';
import { ROOT } from '../helpers/paths';
import type { ModuleRef } from '../../../src/common/viewMessages';

/** Node's own modules, bare and with the node: prefix (fs, fs/promises, node:test, ...). */
const NODE_MODULES = new Set(builtinModules.flatMap((m) => (m.startsWith('node:') ? [m] : [m, `node:${m}`])));

/** Every module specifier a bundle loads at run time that names a Node module: require(), import(), import ... from. */
export function nodeImports(bundle: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\brequire\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g,
    /\bimport\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g,
    /\b(?:import|export)\s*(?:[\w*{}\s,$]+\s*from\s*)?(["'])([^"']+)\1/g
  ];
  for (const re of patterns) for (const m of bundle.matchAll(re)) if (NODE_MODULES.has(m[2])) found.add(m[2]);
  return [...found].sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.js') ? [p] : [];
  });
}

describe('web bundles (README "In the browser")', function () {
  this.timeout(300_000);
  let out = '';
  before(() => {
    out = mkdtempSync(path.join(tmpdir(), 'ddpm-web-bundles-'));
    execFileSync(
      process.execPath,
      ['scripts/build.mjs', '--only=extension,web,renderer,panel-page,report', '--production'],
      {
        cwd: ROOT,
        env: { ...process.env, DDPM_OUT_DIR: out },
        stdio: 'pipe'
      }
    );
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  it('finds a Node module however a bundle loads it (a deliberate violation is caught)', async () => {
    assert.deepEqual(nodeImports('var a=require("node:fs"),b=require(\'child_process\');'), [
      'child_process',
      'node:fs'
    ]);
    assert.deepEqual(nodeImports('const w = await import("node:worker_threads");'), ['node:worker_threads']);
    assert.deepEqual(nodeImports('import{readFileSync as r}from"fs";import "os";export*from"path";'), [
      'fs',
      'os',
      'path'
    ]);
    assert.deepEqual(nodeImports('var x=require("vscode"),y="fs is a word";import("./chunk-1.js");'), []);
    // a real bundle, the way the web build makes them, of code that reaches for the file system
    const dir = mkdtempSync(path.join(tmpdir(), 'ddpm-violation-'));
    try {
      const built = await esbuild.build({
        stdin: {
          contents: 'import { readFileSync } from "node:fs"; export const f = () => readFileSync("x");',
          loader: 'ts',
          resolveDir: dir
        },
        bundle: true,
        write: false,
        format: 'cjs',
        platform: 'node',
        logLevel: 'silent'
      });
      assert.deepEqual(nodeImports(built.outputFiles[0].text), ['node:fs']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('both extension bundles hold the results panel’s page script and the modules of each set they send it, each set’s entry first', () => {
    // a JavaScript string literal as the minifier prints it, any quote; its value is read by evaluating it alone
    const literal = /page:("(?:[^"\\]|\\[^])*"|'(?:[^'\\]|\\[^])*'|`(?:[^`\\$]|\\[^]|\$(?!\{))*`)/g;
    const listed = ['extension.js', 'web/extension.js'].map((file) => {
      const ext = readFileSync(path.join(out, file), 'utf8');
      // the value the build defined (the fallback without it, `{}`, has neither modules nor page); the modules are
      // objects of file names, without braces in them
      const lists = [...ext.matchAll(/modules:(\{plotly:\[[^]*?\]\}),page:/g)];
      assert.equal(lists.length, 1, `dist/${file} does not name the panel’s chunks once (DDPM_PANEL_ASSETS)`);
      const pages = [...ext.matchAll(literal)];
      assert.equal(pages.length, 1, `dist/${file} does not hold the panel’s page script once`);
      // evaluated in a context of its own, brought into this one's objects
      const modules = JSON.parse(JSON.stringify(runInNewContext(`(${lists[0][1]})`))) as Record<
        'plotly' | 'plotly-gl',
        ModuleRef[]
      >;
      // each set's entry (its first module) is what the page imports by URL should the message not come
      return {
        modules,
        entry: modules.plotly[0].file,
        gl: modules['plotly-gl'][0].file,
        page: runInNewContext(pages[0][1]) as string
      };
    });
    assert.deepEqual(listed[0], listed[1], 'the Node and web extensions hold the same page and chunks');
    const { modules, entry, gl, page } = listed[0];
    assert.equal(page, readFileSync(path.join(out, 'panel-page.js'), 'utf8'), 'the page script is the build’s');
    assert.doesNotMatch(page, /<\/script|<!--/i, 'the page script would end its script element early');
    assert.deepEqual(nodeImports(page), []);
    // plotly is not in it (its chunks are imported by the URLs the page names, renderer/chunkImportsByUrl.ts): the
    // page script is a tenth of plotly's size, and nothing is imported by file
    assert.ok(page.includes('data-ddpm-chunk-'), 'the page script does not read the chunks’ URLs from the page');
    assert.ok(page.length < 400_000, `the page script is ${page.length} characters: plotly inside?`);
    assert.doesNotMatch(page, /\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?["'`]|\bimport\(\s*["'`]/);
    const renderer = path.join(out, 'renderer');
    const chunks = readdirSync(path.join(renderer, 'chunks'));
    assert.deepEqual(
      [entry, gl],
      ['plotly', 'plotlyGl'].map((name) => {
        const files = chunks.filter((f) => new RegExp(`^${name}-[A-Z0-9]+\\.js$`).test(f));
        assert.equal(files.length, 1, `the renderer has ${files.length} entries for ${name}`);
        return `chunks/${files[0]}`;
      })
    );
    const staticImports = (file: string): string[] =>
      [
        ...readFileSync(path.join(renderer, file), 'utf8').matchAll(/\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?"([^"]+)"/g)
      ].map((i) => path.posix.join(path.posix.dirname(file), i[1]));
    const closure = (file: string, seen: string[] = []): string[] => {
      if (!seen.includes(file)) {
        seen.push(file);
        staticImports(file).forEach((f) => closure(f, seen));
      }
      return seen;
    };
    // each set: its entry first, then every module it imports (transitively; the WebGL trace's set without plotly's
    // modules, which the page has by then), each with the modules it imports itself
    const plotlyFiles = closure(entry);
    for (const [set, first] of [
      ['plotly', entry],
      ['plotly-gl', gl]
    ] as const) {
      // (its entry first: `first` is its first module, checked above to be the renderer's entry of the set)
      const files = modules[set].map((m) => m.file);
      const expected = set === 'plotly' ? plotlyFiles : closure(first).filter((f) => !plotlyFiles.includes(f));
      assert.deepEqual([...files].sort(), expected.sort(), `the ${set} set`);
      for (const m of modules[set]) assert.deepEqual([...m.imports].sort(), staticImports(m.file).sort(), m.file);
    }
    assert.ok(
      modules.plotly.some((m) => statSync(path.join(renderer, m.file)).size > 500_000),
      'plotly’s own chunk is among them'
    );
  });

  for (const [what, rel] of [
    ['the web extension (dist/web/extension.js)', 'web'],
    ['the notebook renderer and its chunks (dist/renderer/)', 'renderer'],
    ['the report page (dist/report/)', 'report']
  ] as const) {
    it(`${what} loads no Node module`, () => {
      const files = filesUnder(path.join(out, rel));
      assert.ok(files.length > 0, `the build wrote nothing under ${rel}/`);
      if (rel === 'renderer')
        assert.ok(
          files.some((f) => f.endsWith('panel.js')),
          'the results panel script (renderer/panel.js) was not built'
        );
      const bad = files
        .map((f) => ({ f: path.relative(out, f), mods: nodeImports(readFileSync(f, 'utf8')) }))
        .filter((x) => x.mods.length);
      assert.deepEqual(
        bad.map((x) => `${x.f}: ${x.mods.join(', ')}`),
        []
      );
    });
  }
});
