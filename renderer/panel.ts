// The results panel's webview script: draws the run the extension host sends ({type: 'run', run}) and keeps it in
// the webview state so a hidden and restored panel shows it again; takes the plotly modules the host sends
// ({type: 'modules'}, chunkImportsByUrl.ts); routes copy, save-image and compare requests to the host.
import { parseHostMessage, type PanelMessage } from '../src/common/viewMessages';
import { errorFirstLine } from '../src/core/errors';
import { decodeRunResult } from '../src/core/run/runCodec';
import type { RunResultJson } from '../src/core/run/runCodec';
import { connectHost, receiveModules } from './chunkImports';
import { mountRunView, renderRunError, type HostBridge, type RunViewHandle } from './runView';
import { stopWarmUp, warmUp } from './warmUp';

interface PanelState {
  run?: RunResultJson;
}

/** The part of VS Code's webview API the panel uses, typed with the messages it may post. */
interface VsCodeWebviewApi {
  postMessage(message: PanelMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeWebviewApi;

const vscode = acquireVsCodeApi();
connectHost((set) => vscode.postMessage({ type: 'modules-request', set }));
// plotly's chunk loads, and the view is warmed off screen, while the extension host is still sampling (the panel
// opens before the result)
void warmUp({ whileLoading: false });
const container = document.getElementById('ddpm-root') ?? document.body.appendChild(document.createElement('div'));
let handle: RunViewHandle | undefined;

const host: HostBridge = {
  copy: (text) => vscode.postMessage({ type: 'copy', text }),
  saveImage: (format, data, name) => vscode.postMessage({ type: 'save-image', format, data, name }),
  compareRequest: () => vscode.postMessage({ type: 'compare-request' }),
  torchCheckRequest: () => vscode.postMessage({ type: 'torch-check-request' })
};

function show(json: unknown): void {
  stopWarmUp();
  handle?.dispose();
  handle = undefined;
  try {
    handle = mountRunView(container, decodeRunResult(json), host);
    vscode.setState({ run: json as RunResultJson });
  } catch (e) {
    renderRunError(container, errorFirstLine(e));
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const { message } = parseHostMessage(event.data);
  if (!message) return;
  if (message.type === 'modules') return receiveModules(message);
  // when the run reached the page (Date.now()), for the end-to-end timings
  document.documentElement.setAttribute('data-ddpm-run-received-at', String(Date.now()));
  show(message.run);
});

const saved = vscode.getState();
if (saved?.run) show(saved.run);
vscode.postMessage({ type: 'ready' });
