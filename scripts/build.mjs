// One esbuild script for every bundle: the Node extension, the web extension, the sampler worker,
// the CLI, the ESM notebook renderer and results panel (plotly in its own lazily loaded chunk), the results panel's
// page script held inline by its HTML, the report script.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const r = (p) => path.join(root, p);
// DDPM_OUT_DIR lets a test or a second build write elsewhere than dist/ (e.g. parallel work).
const out = process.env.DDPM_OUT_DIR ? path.resolve(process.env.DDPM_OUT_DIR) : r('dist');
const o = (p) => path.join(out, p);
const only = (process.argv.find((a) => a.startsWith('--only=')) ?? '')
  .slice('--only='.length)
  .split(',')
  .filter(Boolean);

// .py files are bundled as their text (the CLI's python-helper prints python/ddpm_lab.py)
const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  loader: { '.py': 'text' }
};

/**
 * plotly's registry requires maplibre-gl's stylesheet (65 KB, bundled as text) when a map trace is registered, which
 * ours never are: the bundle gets an empty module for it instead.
 */
const noMapStyles = {
  name: 'no-map-styles',
  setup(build) {
    build.onResolve({ filter: /^maplibre-gl\/dist\/maplibre-gl\.css$/ }, (args) => ({
      path: args.path,
      namespace: 'no-map-styles'
    }));
    build.onLoad({ filter: /.*/, namespace: 'no-map-styles' }, () => ({ contents: '', loader: 'text' }));
  }
};

/**
 * renderer/chunkImports.ts replaced by chunkImportsByUrl.ts: the inline panel script imports plotly's chunks by URL.
 * A build in which nothing imported chunkImports fails: the page would hold plotly itself (2 MB of HTML).
 */
const chunksByUrl = {
  name: 'chunks-by-url',
  setup(build) {
    let replaced = false;
    build.onStart(() => {
      replaced = false;
    });
    build.onResolve({ filter: /^\.\/chunkImports$/ }, () => {
      replaced = true;
      return { path: r('renderer/chunkImportsByUrl.ts') };
    });
    build.onEnd((result) =>
      replaced || result.errors.length
        ? undefined
        : { errors: [{ text: "no module imported './chunkImports': the panel page would hold plotly's chunks" }] }
    );
  }
};

// what a browser bundle holding plotly.js needs (DEVELOPERS.md "Tools and components")
const plotlyBrowser = {
  define: { global: 'window' },
  alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
  inject: [r('scripts/buffer-shim.mjs')],
  loader: { '.css': 'text' },
  plugins: [noMapStyles]
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    entryPoints: [r('src/extension/extension.ts')],
    name: 'extension',
    outfile: o('extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode']
  },
  {
    entryPoints: [r('src/extension/extension.ts')],
    name: 'web',
    outfile: o('web/extension.js'),
    platform: 'browser',
    format: 'cjs',
    target: 'es2022',
    external: ['vscode'],
    define: { 'process.env.DDPM_WEB': '"1"' }
  },
  {
    entryPoints: [r('src/extension/sampleWorker.ts')],
    name: 'worker',
    outfile: o('worker.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20'
  },
  {
    entryPoints: [r('src/cli.ts')],
    name: 'cli',
    outfile: o('cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' }
  },
  // the notebook renderer, the DDPM notebook's preload and the results panel's webview script: ES modules sharing
  // chunks, plotly in its own chunk (the preload and the panel start loading it before the first draw)
  {
    name: 'renderer',
    entryPoints: [r('renderer/index.ts'), r('renderer/panel.ts'), r('renderer/preload.ts')],
    outdir: o('renderer'),
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    ...plotlyBrowser
  },
  // the results panel's page script as one file, which the panel's HTML holds inline (panelPage, below): the page
  // runs it as soon as the webview writes the HTML, without fetching its modules through the webview's service
  // worker first; plotly's chunks are the renderer's, imported by the URLs the HTML gives (chunkImportsByUrl.ts)
  {
    name: 'panel-page',
    entryPoints: [r('renderer/panel.ts')],
    outfile: o('panel-page.js'),
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: false,
    loader: { '.css': 'text' },
    plugins: [chunksByUrl]
  },
  // the report page's script: one file, plotly inside (the report is a single self-contained HTML file)
  {
    name: 'report',
    entryPoints: [r('renderer/report.ts')],
    outfile: o('report/report.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    ...plotlyBrowser
  }
];

/**
 * The bundles that hold the results panel's assets (DDPM_PANEL_ASSETS: its page script, held inline by its HTML, and
 * the lists of plotly's modules it sends the page): without this build's renderer and panel page (a watch build,
 * `--only=extension`) DDPM_PANEL_ASSETS is undefined there, and the panel's page loads dist/renderer/panel.js and
 * each module as it finds it imported.
 */
const WITH_PANEL_ASSETS = new Set(['extension', 'web']);
/** The bundles built before those (above), which give them the panel's assets. */
const BUILT_FIRST = new Set(['renderer', 'panel-page']);

// The extension bundles hold the panel's page script and name the renderer's chunks (DDPM_PANEL_ASSETS): the renderer
// or the page rebuilt alone (its earlier chunks deleted, their names changing with their content) would leave extension
// bundles already in the output folder loading chunks that are gone, or an old page; they are built again with it.
if (only.some((n) => BUILT_FIRST.has(n))) {
  const stale = [...WITH_PANEL_ASSETS].filter(
    (n) => !only.includes(n) && existsSync(targets.find((t) => t.name === n).outfile)
  );
  const added = [...(stale.length ? BUILT_FIRST : []), ...stale].filter((n) => !only.includes(n));
  if (added.length) {
    console.log(
      `build: also building ${added.join(', ')}: the extension bundles hold the panel's page and chunk names`
    );
    only.push(...added);
  }
}
const selected = only.length ? targets.filter((t) => only.includes(t.name)) : targets;
if (!only.length) rmSync(out, { recursive: true, force: true });
const missing = selected.flatMap((t) => t.entryPoints).filter((e) => !existsSync(e));
if (missing.length) {
  console.error(`build: missing entry point(s): ${missing.map((m) => path.relative(root, m)).join(', ')}`);
  process.exit(1);
}
if (watch) {
  // esbuild's own log is replaced by watchReporter's lines, which the editor's problem matcher reads
  const reporter = watchReporter();
  const contexts = await Promise.all(
    selected.map(({ name: _n, ...t }) =>
      esbuild.context({ ...common, ...t, logLevel: 'silent', plugins: [...(t.plugins ?? []), reporter] })
    )
  );
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('build: watching');
} else {
  // the extension bundles get the names of the panel's chunks from the renderer's build (panelModules, below), so
  // they wait for it; the other bundles build meanwhile
  const renderer = selected.find((t) => t.name === 'renderer');
  // the chunks of an earlier build go (their names change with their content; extension bundles naming them are
  // rebuilt too, above)
  if (renderer && only.length) rmSync(renderer.outdir, { recursive: true, force: true });
  const rendererBuilt = renderer ? build(renderer, { metafile: true }) : undefined;
  const page = selected.find((t) => t.name === 'panel-page');
  const pageBuilt = page && renderer ? build(page).then(() => panelPage(page.outfile)) : undefined;
  await Promise.all(
    selected
      .filter((t) => !BUILT_FIRST.has(t.name))
      .map(async (t) => {
        if (!rendererBuilt || !pageBuilt || !WITH_PANEL_ASSETS.has(t.name)) return build(t);
        const assets = {
          ...panelModules((await rendererBuilt).metafile, renderer.outdir),
          page: await pageBuilt
        };
        return build(t, { define: { ...t.define, DDPM_PANEL_ASSETS: JSON.stringify(assets) } });
      })
      .concat(rendererBuilt ?? [], pageBuilt ?? (page ? build(page) : []))
  );
}

/**
 * The panel page script's text, for the HTML to hold inline: esbuild escapes "</script" in its string literals (its
 * "inline-script" feature, on for the browser); should the text still hold one, or "<!--", the HTML parser would end
 * or bend the script early, so the build stops.
 */
async function panelPage(file) {
  const text = readFileSync(file, 'utf8');
  const bad = /<\/script|<!--/i.exec(text);
  if (bad)
    throw new Error(`build: ${path.relative(root, file)} holds "${bad[0]}" at ${bad.index}: it cannot go inline`);
  return text;
}

function build({ name: _n, ...t }, extra = {}) {
  return esbuild.build({ ...common, ...t, ...extra });
}

/**
 * The modules the results panel's page loads, relative to the renderer's folder: `modules`, the two sets of
 * plotly's ES modules (its chunk, loaded by renderer/chunkImports's import('./plotly'), and its WebGL trace's), each
 * the set's entry first and then the chunks it imports (transitive; the WebGL trace's without plotly's), with the
 * files each imports. The extension sends a set to the page by message (src/extension/panel.ts), where it is imported
 * from blob: URLs, each import ("./" and the chunk's name, checked here) pointed at its module's URL
 * (renderer/chunkImportsByUrl.ts), instead of fetched through code-server's webview resource loading (README
 * "Performance"); each set's entry is also what the page imports by URL should the message not come.
 */
function panelModules(metafile, outdir) {
  const outputs = metafile.outputs;
  const rel = (file) => path.relative(outdir, path.resolve(root, file)).split(path.sep).join('/');
  const closure = (entryPoint) => {
    const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === entryPoint);
    if (!entry) throw new Error(`build: the renderer has no output for ${entryPoint}`);
    const files = [];
    const visit = (file) => {
      if (files.includes(file)) return;
      files.push(file);
      for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
    };
    visit(entry);
    return files.map((file) => {
      const imports = outputs[file].imports.filter((i) => i.kind === 'import-statement' && !i.external);
      // a dynamic import would be resolved against the module's blob: URL in the page, and fail there
      const dynamic = outputs[file].imports.find((i) => i.kind === 'dynamic-import' && !i.external);
      if (dynamic)
        throw new Error(`build: ${rel(file)} imports ${rel(dynamic.path)} dynamically: the panel could not load it`);
      const text = readFileSync(path.resolve(root, file), 'utf8');
      for (const i of imports) {
        const spec = `"./${path.basename(i.path)}"`;
        if (path.dirname(i.path) !== path.dirname(file) || !text.includes(spec))
          throw new Error(`build: ${rel(file)} does not import ${rel(i.path)} as ${spec}: the panel could not load it`);
      }
      return { file: rel(file), imports: imports.map((i) => rel(i.path)) };
    });
  };
  const plotly = closure('renderer/plotly.ts');
  // the WebGL trace's set is what it adds to plotly's: the page asks for it only once plotly's set is in
  const inPlotly = new Set(plotly.map((m) => m.file));
  const plotlyGl = closure('renderer/plotlyGl.ts').filter((m) => !inPlotly.has(m.file));
  return { modules: { plotly, 'plotly-gl': plotlyGl } };
}

/**
 * Watch mode's log, one line each, for people and for the problem matcher of .vscode/tasks.json:
 * "build: started" when a round of rebuilds begins (a change can rebuild several bundles at once),
 * "<file>:<line>:<column>: error|warning: <text>" for each message, and "build: finished ..." when the
 * last bundle of the round is done.
 */
function watchReporter() {
  let running = 0;
  const seen = new Set(); // a file in several bundles gives the same message once
  const count = { error: 0, warning: 0 };
  return {
    name: 'watch-reporter',
    setup(build) {
      build.onStart(() => {
        if (running++ === 0) {
          seen.clear();
          count.error = count.warning = 0;
          console.log('build: started');
        }
      });
      build.onEnd((result) => {
        for (const [kind, messages] of [
          ['error', result.errors],
          ['warning', result.warnings]
        ]) {
          for (const { location: at, text } of messages) {
            const line = `${at ? `${at.file}:${at.line}:${at.column + 1}: ` : ''}${kind}: ${text}`;
            if (seen.has(line)) continue;
            seen.add(line);
            count[kind]++;
            console.log(line);
          }
        }
        if (--running === 0)
          console.log(`build: finished with ${count.error} error(s) and ${count.warning} warning(s)`);
      });
    }
  };
}
