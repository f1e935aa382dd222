// Bytes <-> base64 text (RFC 4648) with btoa/atob, which every host the core runs in has.

/** base64 text of the bytes (in 32 KiB pieces: String.fromCharCode takes its arguments on the stack). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes of base64 text as atob reads it; throws Error(`${field}: not valid base64`) where atob refuses it. */
export function base64ToBytes(text: string, field: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new Error(`${field}: not valid base64`);
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
