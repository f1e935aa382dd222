// Notebook renderer entry (ESM) for RUN_MIME: decodes the run result and draws it with the shared
// run view. Save-image and copy go to the extension host (ctx.postMessage) when it listens.
import { errorFirstLine } from '../src/core/errors';
import { decodeRunResult } from '../src/core/run/runCodec';
import type { ActivationFunction } from './rendererApi';
import { downloadDataUrl } from './dom';
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
      if (ctx.postMessage) ctx.postMessage({ type: 'save-image', format, data, name });
      else downloadDataUrl(data, name); // no host listening: let the webview try a plain download
    }
  };
  return {
    renderOutputItem(outputItem, element) {
      handles.get(outputItem.id)?.dispose();
      handles.delete(outputItem.id);
      try {
        handles.set(outputItem.id, mountRunView(element, decodeRunResult(outputItem.json()), host));
      } catch (e) {
        renderRunError(element, errorFirstLine(e));
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
