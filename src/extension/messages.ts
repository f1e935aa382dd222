// Messages from the results panel and from notebook outputs (contracts: panel->host 'ready',
// 'compare-request', 'save-image', 'copy'), checked before use: a webview is untrusted input.
// Pure (no `vscode`), so test/unit/inputSource.test.ts covers it.

export type ViewMessage =
  | { type: 'ready' }
  | { type: 'compare-request' }
  | { type: 'save-image'; format: 'png' | 'svg'; data: string; name: string }
  | { type: 'copy'; text: string };

/** The message, or null when it is not one we know (it is then ignored). */
export function parseViewMessage(m: unknown): ViewMessage | null {
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  switch (o.type) {
    case 'ready':
    case 'compare-request':
      return { type: o.type };
    case 'copy':
      return typeof o.text === 'string' ? { type: 'copy', text: o.text } : null;
    case 'save-image':
      if ((o.format === 'png' || o.format === 'svg') && typeof o.data === 'string') {
        return { type: 'save-image', format: o.format, data: o.data, name: typeof o.name === 'string' ? o.name : 'ddpm-plot' };
      }
      return null;
    default:
      return null;
  }
}

/** A file name from a plot name: letters, digits, dot, dash and underscore only, plus the extension. */
export function imageFileName(name: string, format: 'png' | 'svg'): string {
  const base = name.replace(/\.(png|svg)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 80) || 'ddpm-plot';
  return `${base}.${format}`;
}

/** The bytes of a `data:` URL (base64 or percent-encoded), checked against the expected image type. */
export function imageBytesFromDataUrl(url: string, format: 'png' | 'svg'): Uint8Array {
  const m = /^data:([^;,]*)((?:;[^;,]*)*),/.exec(url);
  if (!m) throw new Error('save-image: data is not a data: URL');
  const mime = m[1].toLowerCase();
  const expected = format === 'png' ? 'image/png' : 'image/svg+xml';
  if (mime !== expected) throw new Error(`save-image: expected ${expected}, got ${mime || 'no type'}`);
  const payload = url.slice(m[0].length);
  if (/;base64$/i.test(m[2])) {
    let binary: string;
    try {
      binary = atob(payload.replace(/\s+/g, ''));
    } catch {
      throw new Error('save-image: data is not valid base64');
    }
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    if (format === 'png' && !(bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)) {
      throw new Error('save-image: data is not a PNG image');
    }
    return bytes;
  }
  let text: string;
  try {
    text = decodeURIComponent(payload);
  } catch {
    throw new Error('save-image: data is not valid percent-encoding');
  }
  return new TextEncoder().encode(text);
}
