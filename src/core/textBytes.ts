// A text file's bytes as text, alike in the CLI (Node) and the extension (Node or a browser's web worker): UTF-8, or
// UTF-16 when the bytes begin with its byte order mark, which is what Windows PowerShell's `python loop.py > out.txt`
// writes (and Notepad's "Unicode"). A UTF-8 byte order mark is dropped (the readers would skip it).

/** `bytes` decoded; with fatal, bytes that are not UTF-8 (nor UTF-16 with its mark) throw a TypeError. */
export function decodeText(bytes: Uint8Array, opts: { fatal?: boolean } = {}): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8', { fatal: opts.fatal === true }).decode(bytes);
}
