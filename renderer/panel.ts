// The results panel's webview script: draws the run the extension host sends ({type: 'run', run}),
// keeps it in the webview state so a hidden and restored panel shows it again, and routes copy,
// save-image and compare requests to the host.
import { errorFirstLine } from '../src/core/errors';
import { decodeRunResult } from '../src/core/run/runCodec';
import type { RunResultJson } from '../src/core/run/runCodec';
import { mountRunView, renderRunError, type HostBridge, type RunViewHandle } from './runView';

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeWebviewApi;

interface PanelState {
  run?: RunResultJson;
}

const vscode = acquireVsCodeApi();
const container = document.getElementById('ddpm-root') ?? document.body.appendChild(document.createElement('div'));
let handle: RunViewHandle | undefined;

const host: HostBridge = {
  copy: (text) => vscode.postMessage({ type: 'copy', text }),
  saveImage: (format, data, name) => vscode.postMessage({ type: 'save-image', format, data, name }),
  compareRequest: () => vscode.postMessage({ type: 'compare-request' })
};

function show(json: unknown): void {
  handle?.dispose();
  handle = undefined;
  try {
    handle = mountRunView(container, decodeRunResult(json), host);
    vscode.setState({ run: json as RunResultJson } satisfies PanelState);
  } catch (e) {
    renderRunError(container, errorFirstLine(e));
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const msg = event.data as { type?: unknown; run?: unknown } | null;
  if (msg && msg.type === 'run') show(msg.run);
});

const saved = vscode.getState() as PanelState | undefined;
if (saved?.run) show(saved.run);
vscode.postMessage({ type: 'ready' });
