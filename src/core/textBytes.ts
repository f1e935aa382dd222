// A text file's bytes as text, alike in the CLI (Node) and the extension (Node or a browser's web worker): UTF-8, or
// UTF-16 when the bytes begin with its byte order mark, which is what Windows PowerShell's `python loop.py > out.txt`
// writes (and Notepad's "Unicode"), or without the mark when its first characters are ASCII (a zero byte beside each:
// UTF-8 text holds no zero byte), as Python's `open(f, 'w', encoding='utf-16-le')` writes it. A UTF-8 byte order mark
// is dropped (the readers would skip it).

/** `bytes` decoded; with fatal, bytes that are not UTF-8 (nor UTF-16 with its mark) throw a TypeError. */
export function decodeText(bytes: Uint8Array, opts: { fatal?: boolean } = {}): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const unmarked = unmarkedUtf16(bytes);
  if (unmarked) return new TextDecoder(unmarked, { fatal: opts.fatal === true }).decode(bytes);
  return new TextDecoder('utf-8', { fatal: opts.fatal === true }).decode(bytes);
}

/** How many leading characters unmarkedUtf16 looks at. */
const UNMARKED_PROBE_CHARS = 32;

/** UTF-16 without a byte order mark: an even length, and its first characters ASCII with a zero byte beside each. */
function unmarkedUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length < 2 || bytes.length % 2 !== 0) return null;
  const end = Math.min(bytes.length, 2 * UNMARKED_PROBE_CHARS);
  const ascii = (b: number) => b !== 0 && b < 0x80;
  let le = true;
  let be = true;
  for (let i = 0; i < end; i += 2) {
    le &&= ascii(bytes[i]) && bytes[i + 1] === 0;
    be &&= bytes[i] === 0 && ascii(bytes[i + 1]);
  }
  return le ? 'utf-16le' : be ? 'utf-16be' : null;
}
