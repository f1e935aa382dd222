// The standalone report page's script (src/report/html.ts inlines it): reads the run embedded in
// the page and draws it with the same views. Copy uses the clipboard; images download as files.
import { decodeRunResult } from '../src/core/runCodec';
import { messageOf } from './dom';
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
  saveImage(_format, data, name) {
    const a = document.createElement('a');
    a.href = data;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
  }
};

function main(): void {
  const container = document.getElementById('ddpm-root') ?? document.body.appendChild(document.createElement('div'));
  const data = document.getElementById(REPORT_DATA_ID);
  try {
    if (!data?.textContent) throw new Error('run result: the page holds no run data');
    mountRunView(container, decodeRunResult(JSON.parse(data.textContent)), host);
  } catch (e) {
    renderRunError(container, messageOf(e));
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
