// Yielding to the event loop, alike in the extension host (Node, or a browser's web worker in the web host) and in
// the webviews (renderer/): the web host's sampler yields between its slices so that a cancel gets through, the
// plots yield before each draw so that an output that came meanwhile is rendered first.

interface Port {
  onmessage: (() => void) | null;
  close(): void;
  postMessage(message: unknown): void;
}
type Channel = new () => { port1: Port; port2: Port };
type Timer = (callback: () => void, ms: number) => unknown;

/**
 * Resolves in a task of its own, after what arrived meanwhile (a message, a click) has run: a message to ourselves,
 * which, unlike a nested setTimeout(0), is neither clamped to 4 ms nor throttled in a hidden page.
 */
export function nextTask(): Promise<void> {
  // (ES2022 alone declares neither: Node 20, browsers and web workers all provide MessageChannel)
  const host = globalThis as unknown as { MessageChannel?: Channel; setTimeout: Timer };
  const MessageChannel = host.MessageChannel;
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => host.setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
