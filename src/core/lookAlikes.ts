// Characters that text pasted from a paper, a slide or a word processor has where Python (and a tensor print) has
// ASCII: a minus sign for "-", curly quotes, a multiplication sign, full-width brackets and digits. The cell
// language's syntax errors and the reader of pasted prints name them, as Python does ("invalid character '−'
// (U+2212)"), with the character to type instead.
import { codePointLabel } from './describe';

const LOOK_ALIKES: Record<string, string> = {
  '\u2212': '-', // minus sign
  '\u2010': '-', // hyphen
  '\u2011': '-', // non-breaking hyphen
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u00d7': '*', // multiplication sign
  '\u22c5': '*', // dot operator
  '\u00b7': '*', // middle dot
  '\u00f7': '/', // division sign
  '\u2215': '/', // division slash
  '\u2018': "'", // left single quotation mark
  '\u2019': "'", // right single quotation mark
  '\u201c': '"', // left double quotation mark
  '\u201d': '"', // right double quotation mark
  '\u2026': '...' // horizontal ellipsis
};

/**
 * The ASCII character that `ch` stands in for (LOOK_ALIKES, or a full-width form of a digit or of ASCII's
 * punctuation), else undefined. Full-width letters are left out: Python reads them as the letters (NFKC), so a name
 * holding them is a name, which the language refuses as one beyond ASCII.
 */
export function lookAlikeOf(ch: string): string | undefined {
  const cp = ch.codePointAt(0) ?? 0;
  // the full-width forms of ASCII's printable characters (U+FF01 to U+FF5E: `（`, `＝`, `－`) are 0xFEE0 above them
  const ascii = cp >= 0xff01 && cp <= 0xff5e ? String.fromCharCode(cp - 0xfee0) : undefined;
  return LOOK_ALIKES[ch] ?? (ascii !== undefined && !/[A-Za-z]/.test(ascii) ? ascii : undefined);
}

/** `c` quoted as Python quotes a character in its messages: `'c'`, or `"'"`. */
export function quoted(c: string): string {
  return c.includes("'") ? `"${c}"` : `'${c}'`;
}

/** `'c' (U+XXXX)`: a character quoted and named by its code point. */
export function characterNamed(ch: string): string {
  return `${quoted(ch)} (${codePointLabel(ch.codePointAt(0) ?? 0)})`;
}

/** `'c' (U+XXXX): type 'a' instead`. */
export function typeInstead(ch: string, ascii: string): string {
  return `${characterNamed(ch)}: type ${quoted(ascii)} instead`;
}

/**
 * A character a message cannot show (a non-breaking space pasted from a web page or a chat, a byte order mark, a
 * zero-width space, a control character): named by its code point, as Python names it ("invalid non-printable
 * character U+00A0"). Undefined for anything else, the ordinary space, tab and line breaks included.
 */
export function invisibleCharacter(cp: number | undefined): string | undefined {
  if (cp === undefined || cp === 0x20 || cp === 0x09 || cp === 0x0a || cp === 0x0d) return undefined;
  const ch = String.fromCodePoint(cp);
  if (!/[\p{Zs}\p{Zl}\p{Zp}\p{Cf}\p{Cc}]/u.test(ch)) return undefined;
  const hint = /\p{Zs}/u.test(ch) ? ' (a space of another kind: type a plain space)' : ' (delete it)';
  return `invalid non-printable character ${codePointLabel(cp)}${hint}`;
}
