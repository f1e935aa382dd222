// The few types of the 'vscode-notebook-renderer' API this renderer uses (the @types package is not
// installed; shapes follow https://code.visualstudio.com/api/extension-guides/notebook#notebook-renderer).

export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  readonly metadata: unknown;
  text(): string;
  json(): unknown;
  data(): Uint8Array;
  blob(): Blob;
}

export interface Disposable {
  dispose(): void;
}

export interface RendererContext<TMessage> {
  /** present when the renderer declares requiresMessaging and a host listens */
  postMessage?(message: TMessage): void;
  onDidReceiveMessage?(listener: (message: TMessage) => void): Disposable;
  readonly workspace: { readonly isTrusted: boolean };
  readonly settings?: { readonly lineLimit: number };
}

export interface RendererApi {
  renderOutputItem(outputItem: OutputItem, element: HTMLElement, signal?: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}

export type ActivationFunction<TMessage = unknown> = (context: RendererContext<TMessage>) => RendererApi | Promise<RendererApi>;
