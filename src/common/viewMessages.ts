// The messages between the extension host and the views that draw a run: the results panel's webview
// (renderer/panel.ts, host side src/extension/panel.ts) and notebook outputs (renderer/index.ts, host side
// src/extension/rendererMessaging.ts). Both sides use these types; whoever receives a message checks it
// first with the parser below, since a webview is untrusted input. No vscode, DOM or Node here.
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
  | { type: 'copy'; text: string };

/** What the results panel posts. */
export type PanelMessage = ViewMessage;

/** What a notebook output posts (through the renderer messaging, when the host listens). */
export type RendererMessage = Extract<ViewMessage, { type: 'save-image' | 'copy' }>;

/** Host -> results panel: the run to draw (`encodeRunResult`), and where its inputs came from. */
export type HostMessage = { type: 'run'; run: RunResultJson; origin?: string };

/** A checked message, or one line saying why it is not one. */
export type Parsed<T> = { message: T; error?: undefined } | { message?: undefined; error: string };

const fail = (error: string): { error: string } => ({ error });

function typeOf(m: unknown): { o: Record<string, unknown>; type: string } | string {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'message: not an object';
  const o = m as Record<string, unknown>;
  if (typeof o.type !== 'string') return 'message: type is missing or not a string';
  return { o, type: o.type };
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
  if (type !== 'run') return fail(`message: unknown type ${JSON.stringify(type.slice(0, 40))}`);
  if (typeof o.run !== 'object' || o.run === null) return fail('run: run is missing or not an object');
  return {
    message: { type, run: o.run as RunResultJson, ...(typeof o.origin === 'string' ? { origin: o.origin } : {}) }
  };
}
