// The standalone report page's script (src/report/html.ts inlines it): reads the run embedded in
// the page and draws it with the same views. Copy uses the clipboard; images download as files.
import { errorFirstLine } from '../src/core/errors';
import { decodeRunResult } from '../src/core/run/runCodec';
import { downloadDataUrl } from './dom';
import { mountRunView, renderRunError, type HostBridge } from './runView';

/** The id of the <script type="application/json"> element holding the encoded run. */
export const REPORT_DATA_ID = 'ddpm-run-data';

function copyText(text: string): void {
  if (navigator.clipboard) {
    void navigator.clipboard.writeText(text).catch(() => copyWithSelection(text));
  } else {
    copyWithSelection(text);
  }
}

function copyWithSelection(text: string): void {
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

const host: HostBridge = {
  copy: copyText,
  saveImage: (_format, data, name) => downloadDataUrl(data, name)
};

function main(): void {
  const container = document.getElementById('ddpm-root') ?? document.body.appendChild(document.createElement('div'));
  const data = document.getElementById(REPORT_DATA_ID);
  try {
    if (!data?.textContent) throw new Error('run result: the page holds no run data');
    mountRunView(container, decodeRunResult(JSON.parse(data.textContent)), host);
  } catch (e) {
    renderRunError(container, errorFirstLine(e));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
