// Notebook renderer entry (ESM) for RUN_MIME: decodes the run result and draws it with the shared
// run view. Save-image and copy go to the extension host (ctx.postMessage) when it listens.
import { decodeRunResult } from '../src/core/runCodec';
import type { ActivationFunction } from './rendererApi';
import { messageOf } from './dom';
import { mountRunView, renderRunError, type HostBridge, type RunViewHandle } from './runView';

/** Messages this renderer posts to the host (see the extension's renderer messaging). */
export type RendererMessage =
  | { type: 'save-image'; format: 'png' | 'svg'; data: string; name: string }
  | { type: 'copy'; text: string };

export const activate: ActivationFunction<RendererMessage> = (ctx) => {
  const handles = new Map<string, RunViewHandle>();
  const host: HostBridge = {
    copy(text) {
      if (ctx.postMessage) ctx.postMessage({ type: 'copy', text });
      else void navigator.clipboard?.writeText(text).catch(() => undefined);
    },
    saveImage(format, data, name) {
      if (ctx.postMessage) {
        ctx.postMessage({ type: 'save-image', format, data, name });
        return;
      }
      const a = document.createElement('a'); // no host listening: let the webview try a plain download
      a.href = data;
      a.download = name;
      a.click();
    }
  };
  return {
    renderOutputItem(outputItem, element) {
      handles.get(outputItem.id)?.dispose();
      handles.delete(outputItem.id);
      let run;
      try {
        run = decodeRunResult(outputItem.json());
      } catch (e) {
        renderRunError(element, messageOf(e));
        return;
      }
      try {
        handles.set(outputItem.id, mountRunView(element, run, host));
      } catch (e) {
        renderRunError(element, messageOf(e));
      }
    },
    disposeOutputItem(id) {
      if (id === undefined) {
        for (const handle of handles.values()) handle.dispose();
        handles.clear();
        return;
      }
      handles.get(id)?.dispose();
      handles.delete(id);
    }
  };
};
