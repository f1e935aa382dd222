// The image data of a view's 'save-image' message (the message itself is defined and checked in
// src/common/viewMessages.ts): a safe file name and the checked bytes. Pure (no `vscode`), so
// test/unit/extension/resultsPanel.test.ts covers it.
import type { ImageFormat } from '../common/viewMessages';

/** A file name from a plot name: letters, digits, dot, dash and underscore only, plus the extension. */
export function imageFileName(name: string, format: ImageFormat): string {
  const base =
    name
      .replace(/\.(png|svg)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 80) || 'ddpm-plot';
  return `${base}.${format}`;
}

/** The bytes of a `data:` URL (base64 or percent-encoded), checked against the expected image type. */
export function imageBytesFromDataUrl(url: string, format: ImageFormat): Uint8Array {
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
