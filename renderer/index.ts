// Notebook renderer entry (ESM) for RUN_MIME: decodes the run result and draws it with the shared
// run view. Save-image and copy go to the extension host (ctx.postMessage) when it listens.
import type { ActivationFunction } from 'vscode-notebook-renderer';
import type { RendererMessage } from '../src/common/viewMessages';
import { errorFirstLine } from '../src/core/errors';
import { decodeRunResult } from '../src/core/run/runCodec';
import { downloadDataUrl } from './dom';
import { mountRunView, renderRunError, type HostBridge, type RunViewHandle } from './runView';

export const activate: ActivationFunction = (ctx) => {
  const handles = new Map<string, RunViewHandle>();
  /** Posts to the host; false when no host listens (the renderer's messaging is optional). */
  const post = (message: RendererMessage): boolean => {
    if (!ctx.postMessage) return false;
    ctx.postMessage(message);
    return true;
  };
  const host: HostBridge = {
    copy(text) {
      if (!post({ type: 'copy', text })) void navigator.clipboard?.writeText(text).catch(() => undefined);
    },
    saveImage(format, data, name) {
      if (!post({ type: 'save-image', format, data, name })) downloadDataUrl(data, name); // no host listening: let the webview try a plain download
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
