// Notebook renderer entry (ESM), dispatching by the output item's MIME type: RUN_MIME (a run result, drawn with the
// shared run view) and RECORDING_MIME (the user's own loop recorded by the Python helper, checked against the
// reference in the browser: views/recording/). Any notebook type may show either (package.json's notebookRenderer).
// Save-image and copy go to the extension host (ctx.postMessage) when it listens.
import type { ActivationFunction } from 'vscode-notebook-renderer';
import type { RendererMessage } from '../src/common/viewMessages';
import { errorFirstLine } from '../src/core/errors';
import { RECORDING_MIME, decodeRecording } from '../src/core/run/recording';
import { decodeRunResult } from '../src/core/run/runCodec';
import { downloadDataUrl } from './dom';
import { mountRunView, renderRunError, type HostBridge } from './runView';
import { mountRecordingView } from './views/recording/recordingView';
import { stopWarmUp } from './warmUp';

export const activate: ActivationFunction = (ctx) => {
  const handles = new Map<string, { dispose(): void }>();
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
      performance.mark('ddpm:output'); // when an output reached the renderer (the end-to-end timings read it)
      stopWarmUp(); // a real output: the preload's warm-up steps not yet begun do not begin
      handles.get(outputItem.id)?.dispose();
      handles.delete(outputItem.id);
      try {
        const json = outputItem.json();
        const handle =
          outputItem.mime === RECORDING_MIME
            ? mountRecordingView(element, decodeRecording(json), host)
            : mountRunView(element, decodeRunResult(json), host);
        handles.set(outputItem.id, handle);
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
