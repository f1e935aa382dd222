// The messages between the extension host and the views that draw a run: the results panel's webview
// (renderer/panel.ts, host side src/extension/panel.ts) and notebook outputs (renderer/index.ts, host side
// src/extension/rendererMessaging.ts). Both sides use these types; whoever receives a message checks it
// first with the parser below, since a webview is untrusted input. No vscode, DOM or Node here.
import { isObject } from '../core/describe';
import type { RunResultJson } from '../core/run/runCodec';

export type ImageFormat = 'png' | 'svg';

/** View -> host. */
export type ViewMessage =
  /** the panel's script is loaded: send the run */
  | { type: 'ready' }
  /** the panel's "Compare with clipboard" button */
  | { type: 'compare-request' }
  /** the panel's "Compare with Local PyTorch" button */
  | { type: 'torch-check-request' }
  /** a plot to save where the user picks; `data` is a `data:` URL of that image type */
  | { type: 'save-image'; format: ImageFormat; data: string; name: string }
  /** text for the clipboard */
  | { type: 'copy'; text: string }
  /** the results panel's page asks for a set of plotly's modules (`modules` below) */
  | { type: 'modules-request'; set: ModuleSet };

/** What the results panel posts. */
export type PanelMessage = ViewMessage;

/** What a notebook output posts (through the renderer messaging, when the host listens). */
export type RendererMessage = Extract<ViewMessage, { type: 'save-image' | 'copy' }>;

/** The results panel's two sets of plotly's ES modules: plotly's chunk, and its WebGL trace's (renderer/plotlyGl.ts). */
export type ModuleSet = 'plotly' | 'plotly-gl';
export const MODULE_SETS: readonly ModuleSet[] = ['plotly', 'plotly-gl'];

/**
 * One ES module of a set as the build lists it (scripts/build.mjs panelModules): its file under dist/renderer/ (the
 * set's entry first) and the files it imports (each written in its text as "./" and the file's name: the build
 * checks it). The WebGL trace's set holds only what it adds to plotly's: its modules' imports may name plotly's.
 */
export interface ModuleRef {
  file: string;
  imports: string[];
}

/** A module of a set with its bytes, as the extension sends it to the results panel's page. */
export interface PageModule extends ModuleRef {
  bytes: Uint8Array;
}

/**
 * Host -> results panel: the run to draw (`encodeRunResult`), and where its inputs came from; or a set of plotly's
 * modules, sent to the page by message instead of fetched through the webview's resource loading (README
 * "Performance"), or why they could not be read (the page then fetches them by URL).
 */
export type HostMessage =
  | { type: 'run'; run: RunResultJson; origin?: string }
  | { type: 'modules'; set: ModuleSet; modules: PageModule[] }
  | { type: 'modules'; set: ModuleSet; error: string };

/** A checked message, or one line saying why it is not one. */
export type Parsed<T> = { message: T; error?: undefined } | { message?: undefined; error: string };

const fail = (error: string): { error: string } => ({ error });

function typeOf(m: unknown): { o: Record<string, unknown>; type: string } | string {
  if (!isObject(m)) return 'message: not an object';
  if (typeof m.type !== 'string') return 'message: type is missing or not a string';
  return { o: m, type: m.type };
}

/** A message from a view, checked field by field; extra fields are dropped. */
export function parseViewMessage(m: unknown): Parsed<ViewMessage> {
  const t = typeOf(m);
  if (typeof t === 'string') return fail(t);
  const { o, type } = t;
  switch (type) {
    case 'ready':
    case 'compare-request':
    case 'torch-check-request':
      return { message: { type } };
    case 'copy':
      return typeof o.text === 'string'
        ? { message: { type, text: o.text } }
        : fail('copy: text is missing or not a string');
    case 'modules-request':
      return isModuleSet(o.set) ? { message: { type, set: o.set } } : fail(`modules-request: ${SET_EXPECTED}`);
    case 'save-image':
      if (o.format !== 'png' && o.format !== 'svg') return fail('save-image: format must be "png" or "svg"');
      if (typeof o.data !== 'string') return fail('save-image: data is missing or not a string');
      return {
        message: { type, format: o.format, data: o.data, name: typeof o.name === 'string' ? o.name : 'ddpm-plot' }
      };
    default:
      return fail(`message: unknown type ${JSON.stringify(type.slice(0, 40))}`);
  }
}

/** A message from the host to the results panel; the run itself is checked by `decodeRunResult` when drawn. */
export function parseHostMessage(m: unknown): Parsed<HostMessage> {
  const t = typeOf(m);
  if (typeof t === 'string') return fail(t);
  const { o, type } = t;
  if (type === 'modules') return parseModules(o);
  if (type !== 'run') return fail(`message: unknown type ${JSON.stringify(type.slice(0, 40))}`);
  if (typeof o.run !== 'object' || o.run === null) return fail('run: run is missing or not an object');
  return {
    message: { type, run: o.run as RunResultJson, ...(typeof o.origin === 'string' ? { origin: o.origin } : {}) }
  };
}

const isModuleSet = (x: unknown): x is ModuleSet => MODULE_SETS.includes(x as ModuleSet);
const SET_EXPECTED = `set must be one of ${MODULE_SETS.map((x) => `"${x}"`).join(', ')}`;

/** A `modules` message: its set, then its error or its modules, each checked. */
function parseModules(o: Record<string, unknown>): Parsed<HostMessage> {
  const set = o.set;
  if (!isModuleSet(set)) return fail(`modules: ${SET_EXPECTED}`);
  if (typeof o.error === 'string') return { message: { type: 'modules', set, error: o.error } };
  if (!Array.isArray(o.modules) || o.modules.length === 0)
    return fail('modules: modules is missing or not a non-empty array');
  const modules: PageModule[] = [];
  for (const [i, m] of (o.modules as unknown[]).entries()) {
    const r = isObject(m) ? m : {};
    if (typeof r.file !== 'string') return fail(`modules[${i}]: file is missing or not a string`);
    if (!Array.isArray(r.imports) || !r.imports.every((f) => typeof f === 'string'))
      return fail(`modules[${i}]: imports is missing or not an array of strings`);
    if (!(r.bytes instanceof Uint8Array)) return fail(`modules[${i}]: bytes is missing or not a Uint8Array`);
    modules.push({ file: r.file, imports: r.imports as string[], bytes: r.bytes });
  }
  return { message: { type: 'modules', set, modules } };
}
