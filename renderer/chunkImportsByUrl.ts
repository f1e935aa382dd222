// chunkImports.ts for the results panel's inline page script (scripts/build.mjs puts this module in its place). The
// extension sends the page plotly's modules by message (src/extension/panel.ts: plotly's set as the page is written,
// the WebGL trace's when the page asks), and they are imported from blob: URLs, each module's imports of the set
// ("./" and a chunk's name, as the build checked) pointed at the URL of that chunk's module: in code-server the
// message brought plotly's 1.1 MB 0.2 to 0.3 s after the page started, where its chunks, fetched through the webview's
// resource loading, came 0.8 to 1.0 s after it (README "Performance"). Should plotly's set not come (an error reading
// it, or nothing within MODULES_WAIT_MS), plotly is imported by the URL the page's root element names
// (data-ddpm-chunk-*), and so is its WebGL trace then: the two must share one plotly. This page's own modules are
// copies, not the renderer's: plotly.ts and plotlyGl.ts must import none of them (they would be a second instance,
// apart from this page's), only plotly.
import type { HostMessage, ModuleSet, PageModule } from '../src/common/viewMessages';
import type { PlotlyApi } from './plotly';

type ModulesMessage = Extract<HostMessage, { type: 'modules' }>;

/** How long the page waits for a set of modules it needs before giving up on the message. */
export const MODULES_WAIT_MS = 10_000;

let ask: ((set: ModuleSet) => void) | undefined;
const arrived = new Map<ModuleSet, ModulesMessage>();
/** the pending waits for each set's message (each wait's own timer), and the sets asked for while they wait */
const waiters = new Map<ModuleSet, Set<(m: ModulesMessage) => void>>();
const asked = new Set<ModuleSet>();
/** blob: URL of each module imported so far, by file: plotly's core chunk is one module for both sets */
const urls = new Map<string, string>();
/** how plotly came: by message, or by URL (then its WebGL trace must come by URL too) */
let plotlyFrom: 'message' | 'url' | undefined;

/** How the page asks the extension for a set of modules (renderer/panel.ts gives its webview API's postMessage). */
export function connectHost(askForModules: (set: ModuleSet) => void): void {
  ask = askForModules;
}

/** A `modules` message from the extension (renderer/panel.ts passes them on); a set's first one counts. */
export function receiveModules(message: ModulesMessage): void {
  if (arrived.has(message.set)) return;
  arrived.set(message.set, message);
  // when plotly's set came (Date.now()): the end-to-end timing logs it
  if (message.set === 'plotly') document.documentElement.setAttribute('data-ddpm-modules-at', String(Date.now()));
  const waiting = waiters.get(message.set);
  waiters.delete(message.set);
  for (const w of waiting ?? []) w(message);
}

function chunkUrl(name: 'plotly' | 'plotly-gl'): string {
  const url = document.getElementById('ddpm-root')?.getAttribute(`data-ddpm-chunk-${name}`);
  if (!url) throw new Error(`the panel's page does not name its ${name} chunk (data-ddpm-chunk-${name})`);
  return url;
}

/**
 * The set's message: come already, or awaited up to MODULES_WAIT_MS (asked for when `askFor`, once while waits for
 * it are pending). Waits for the same set at once all get the message.
 */
export function awaitModules(set: ModuleSet, askFor: boolean): Promise<ModulesMessage> {
  const known = arrived.get(set);
  if (known) return Promise.resolve(known);
  return new Promise((resolve, reject) => {
    const pending = waiters.get(set) ?? new Set();
    waiters.set(set, pending);
    const waiter = (m: ModulesMessage): void => {
      clearTimeout(timer);
      resolve(m);
    };
    const timer = setTimeout(() => {
      pending.delete(waiter);
      if (!pending.size && waiters.get(set) === pending) {
        waiters.delete(set);
        asked.delete(set); // a later wait asks again
      }
      reject(new Error(`plotly's ${set} modules did not come within ${MODULES_WAIT_MS / 1000} s`));
    }, MODULES_WAIT_MS);
    pending.add(waiter);
    if (askFor && !asked.has(set)) {
      asked.add(set);
      ask?.(set);
    }
  });
}

/**
 * The blob: URL of the set's entry, its imports (depth first) made before it, each module's once (the WebGL trace's
 * set imports plotly's modules, made with plotly's set).
 */
function entryUrl(set: ModuleSet, list: PageModule[]): string {
  const byFile = new Map(list.map((m) => [m.file, m]));
  const visit = (file: string, from: readonly string[]): string => {
    const made = urls.get(file);
    if (made) return made;
    const m = byFile.get(file);
    if (!m) throw new Error(`plotly's ${set} modules: ${file} is not among them`);
    if (from.includes(file)) throw new Error(`plotly's ${set} modules: ${file} imports itself`);
    const deps = [...new Set(m.imports)];
    const specifiers = deps.map((dep) => `"./${dep.slice(dep.lastIndexOf('/') + 1)}"`);
    const found = specifierOffsets(m.bytes, specifiers);
    const missing = specifiers.findIndex((_, k) => !found.some((f) => f.k === k));
    if (missing >= 0) throw new Error(`plotly's ${set} modules: ${file} has no import ${specifiers[missing]}`);
    const depUrls = deps.map((dep) => JSON.stringify(visit(dep, [...from, file])));
    // the module's own bytes between its imports' specifiers, each specifier replaced by its module's URL: no
    // decoding of the module's text, no new string of it (plotly's 1.1 MB took 40 ms to decode, rewrite and encode)
    const bytes = m.bytes as Uint8Array<ArrayBuffer>; // a message's bytes: never a SharedArrayBuffer's
    const parts: BlobPart[] = [];
    let at = 0;
    for (const f of found) {
      // (two imports of one name, or overlapping: the page then imports plotly by URL instead)
      if (f.at < at) throw new Error(`plotly's ${set} modules: ${file} has overlapping imports ${specifiers[f.k]}`);
      parts.push(bytes.subarray(at, f.at), depUrls[f.k]);
      at = f.at + specifiers[f.k].length;
    }
    parts.push(bytes.subarray(at));
    const url = URL.createObjectURL(new Blob(parts, { type: 'text/javascript' }));
    urls.set(file, url);
    return url;
  };
  return visit(list[0].file, []);
}

/**
 * Where each of the (ASCII) `specifiers` occurs in the UTF-8 `bytes`, in the bytes' order: found in the bytes
 * read as windows-1252 (one character a byte, so a character's index is its byte's, whatever the text holds), by the
 * engine's own string search.
 */
export function specifierOffsets(bytes: Uint8Array, specifiers: readonly string[]): { at: number; k: number }[] {
  const text = new TextDecoder('windows-1252').decode(bytes);
  const found: { at: number; k: number }[] = [];
  specifiers.forEach((s, k) => {
    for (let i = text.indexOf(s); i >= 0; i = text.indexOf(s, i + s.length)) found.push({ at: i, k });
  });
  return found.sort((a, b) => a.at - b.at);
}

async function fromMessage(set: ModuleSet, askFor: boolean): Promise<{ default: PlotlyApi }> {
  const m = await awaitModules(set, askFor);
  if ('error' in m) throw new Error(`plotly's ${set} modules could not be read: ${m.error}`);
  return (await import(entryUrl(set, m.modules))) as { default: PlotlyApi };
}

export async function importPlotly(): Promise<{ default: PlotlyApi }> {
  let loaded: { default: PlotlyApi };
  try {
    loaded = await fromMessage('plotly', false);
    plotlyFrom = 'message';
  } catch {
    loaded = (await import(chunkUrl('plotly'))) as { default: PlotlyApi };
    plotlyFrom = 'url';
  }
  document.documentElement.setAttribute('data-ddpm-plotly-from', plotlyFrom); // the end-to-end timing checks it
  return loaded;
}

/**
 * plotly's WebGL trace, registered with the plotly this page imported (plotLoader imports plotly first): by message
 * if plotly came so, else by URL.
 */
export async function importPlotlyGl(): Promise<{ default: PlotlyApi }> {
  return plotlyFrom === 'message'
    ? fromMessage('plotly-gl', true)
    : ((await import(chunkUrl('plotly-gl'))) as { default: PlotlyApi });
}
