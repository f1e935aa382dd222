// The .ddpmnb file format: readable, pretty-printed JSON that round-trips a notebook exactly (every cell,
// its language, metadata, execution summary and outputs, byte for byte). Pure: the VS Code side
// (src/extension/serializer.ts) maps these plain structures to NotebookData and back.
//
// {
//   "format": "ddpm-notebook/1",
//   "metadata": { ... },
//   "cells": [
//     { "kind": "markdown" | "code", "language": "ddpm", "source": ["line 1\n", "line 2"],
//       "metadata": { ... }, "execution": { "order": 3, "success": true, "start": 1700000000000, "end": 1700000000042 },
//       "outputs": [ { "metadata": { ... }, "items": [
//         { "mime": "text/plain", "text": "tensor([...])" },
//         { "mime": "application/vnd.ddpm-lab.run+json", "json": { ... } },
//         { "mime": "image/png", "base64": "iVBOR..." } ] } ] } ]
// }
// A text item holds UTF-8 text; a json item holds a JSON value whose compact (or tab-indented, "indent": "\t")
// serialisation is the item's bytes; anything else is base64.

import { base64ToBytes, bytesToBase64 } from '../base64';
import { describe, isObject } from '../describe';
import { jsonErrorDetail } from '../tensors/jsonText';
import { firstUnkeptValue } from './jsonKept';

/** The value of a .ddpmnb file's "format" key: which schema the file follows (a file contract, never renamed). */
export const NOTEBOOK_SCHEMA = 'ddpm-notebook/1';

export type CellKind = 'markdown' | 'code';

export interface OutputItemData {
  mime: string;
  data: Uint8Array;
}

export interface CellOutputData {
  items: OutputItemData[];
  metadata?: Record<string, unknown>;
}

export interface ExecutionSummaryData {
  order?: number;
  success?: boolean;
  /** milliseconds since the epoch */
  start?: number;
  end?: number;
}

export interface CellData {
  kind: CellKind;
  language: string;
  source: string;
  metadata?: Record<string, unknown>;
  outputs?: CellOutputData[];
  execution?: ExecutionSummaryData;
}

export interface NotebookFileData {
  cells: CellData[];
  metadata?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** A damaged or foreign file: one line naming where it is wrong. VS Code shows it and does not open the file. */
export class NotebookFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotebookFileError';
  }
}

function bad(field: string, problem: string): never {
  throw new NotebookFileError(`${field}: ${problem}`);
}

/** Strict base64 (no whitespace, padded to a multiple of 4), as serializeNotebook writes it. */
function strictBase64ToBytes(text: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) bad(field, 'not valid base64');
  return base64ToBytes(text, field);
}

const encoder = new TextEncoder();

/** Edit distance of two short keys (a typo's), for "did you mean". */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Refuses a key the format does not have (`cells[0].output`): a hand edit's typo would otherwise be dropped when the
 * notebook is saved again. Names the keys it has, and the nearest one when the key looks like a typo of it.
 */
function knownKeys(v: Record<string, unknown>, keys: readonly string[], field: string): void {
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    const near = keys.find((known) => editDistance(k.toLowerCase(), known) <= Math.min(2, known.length - 1));
    // a key that is not a plain name (a line break in it, a paragraph) quoted and cut, so the message stays one line
    const key = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(k) ? k : describe(k);
    bad(
      field.endsWith(':') ? `${field} ${key}` : `${field}.${key}`,
      `unknown key (${near ? `did you mean "${near}"? ` : ''}expected ${keys.map((x) => `"${x}"`).join(', ')}` +
        `${keys.includes('metadata') ? '; keys of your own go under "metadata"' : ''})`
    );
  }
}

function readMetadata(v: unknown, field: string): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) bad(field, `expected an object, got ${describe(v)}`);
  return v;
}

function readSource(v: unknown, field: string): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    v.forEach((line, i) => {
      if (typeof line !== 'string') bad(`${field}[${i}]`, `expected a string, got ${describe(line)}`);
    });
    return v.join('');
  }
  return bad(field, `expected a string or an array of lines, got ${describe(v)}`);
}

function readItem(v: unknown, field: string): OutputItemData {
  if (!isObject(v)) bad(field, `expected an object, got ${describe(v)}`);
  knownKeys(v, ['mime', 'text', 'json', 'base64', 'indent'], field);
  if (typeof v.mime !== 'string' || !v.mime) bad(`${field}.mime`, `expected a MIME type, got ${describe(v.mime)}`);
  const kinds = ['text', 'json', 'base64'].filter((k) => k in v);
  if (kinds.length !== 1) bad(field, 'expected exactly one of "text", "json" or "base64"');
  // only a json item is written indented: the next save would drop it from another
  if (v.indent !== undefined && kinds[0] !== 'json') bad(`${field}.indent`, 'only a "json" item has an indent');
  if (kinds[0] === 'text') {
    if (typeof v.text !== 'string') bad(`${field}.text`, `expected a string, got ${describe(v.text)}`);
    return { mime: v.mime, data: encoder.encode(v.text) };
  }
  if (kinds[0] === 'json') {
    if (v.indent !== undefined && v.indent !== '\t')
      bad(`${field}.indent`, `expected "\\t", got ${describe(v.indent)}`);
    return { mime: v.mime, data: encoder.encode(JSON.stringify(v.json, null, v.indent as string | undefined)) };
  }
  if (typeof v.base64 !== 'string') bad(`${field}.base64`, `expected a string, got ${describe(v.base64)}`);
  return { mime: v.mime, data: strictBase64ToBytes(v.base64, `${field}.base64`) };
}

function readOutput(v: unknown, field: string): CellOutputData {
  if (!isObject(v)) bad(field, `expected an object, got ${describe(v)}`);
  knownKeys(v, ['metadata', 'items'], field);
  if (!Array.isArray(v.items)) bad(`${field}.items`, `expected an array, got ${describe(v.items)}`);
  const out: CellOutputData = { items: v.items.map((item, i) => readItem(item, `${field}.items[${i}]`)) };
  const metadata = readMetadata(v.metadata, `${field}.metadata`);
  if (metadata) out.metadata = metadata;
  return out;
}

function readExecution(v: unknown, field: string): ExecutionSummaryData | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) bad(field, `expected an object, got ${describe(v)}`);
  knownKeys(v, ['order', 'success', 'start', 'end'], field);
  const out: ExecutionSummaryData = {};
  for (const key of ['order', 'start', 'end'] as const) {
    if (v[key] === undefined) continue;
    if (typeof v[key] !== 'number' || !Number.isFinite(v[key]))
      bad(`${field}.${key}`, `expected a number, got ${describe(v[key])}`);
    out[key] = v[key] as number;
  }
  if (v.success !== undefined) {
    if (typeof v.success !== 'boolean') bad(`${field}.success`, `expected true or false, got ${describe(v.success)}`);
    out.success = v.success;
  }
  // VS Code keeps a run's timing as both times or none: one alone would be dropped by the next save
  if ((out.start === undefined) !== (out.end === undefined))
    bad(`${field}.${out.start === undefined ? 'start' : 'end'}`, `missing: "start" and "end" go together`);
  return out;
}

function readCell(v: unknown, field: string): CellData {
  if (!isObject(v)) bad(field, `expected an object, got ${describe(v)}`);
  knownKeys(v, ['kind', 'language', 'source', 'metadata', 'outputs', 'execution'], field);
  if (v.kind !== 'markdown' && v.kind !== 'code')
    bad(`${field}.kind`, `expected "markdown" or "code", got ${describe(v.kind)}`);
  if (typeof v.language !== 'string' || !v.language)
    bad(`${field}.language`, `expected a language id, got ${describe(v.language)}`);
  const cell: CellData = { kind: v.kind, language: v.language, source: readSource(v.source, `${field}.source`) };
  const metadata = readMetadata(v.metadata, `${field}.metadata`);
  if (metadata) cell.metadata = metadata;
  if (v.outputs !== undefined) {
    if (!Array.isArray(v.outputs)) bad(`${field}.outputs`, `expected an array, got ${describe(v.outputs)}`);
    if (v.kind === 'markdown' && v.outputs.length) bad(`${field}.outputs`, 'a markdown cell has no outputs');
    cell.outputs = v.outputs.map((o, i) => readOutput(o, `${field}.outputs[${i}]`));
  }
  const execution = readExecution(v.execution, `${field}.execution`);
  if (execution) cell.execution = execution;
  return cell;
}

/**
 * Reads a .ddpmnb file. Empty content (a new file) is an empty notebook; anything that is not a valid
 * notebook throws NotebookFileError with one line naming the place, e.g. `cells[2].kind: expected
 * "markdown" or "code", got "raw"`, so that a damaged file is never opened as (and saved over by) an empty one.
 */
export function parseNotebook(bytes: Uint8Array | string, name = 'notebook'): NotebookFileData {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    bad(name, 'not UTF-8 text');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // an empty file (JSON's whitespace only) is a new notebook; any other character is the file's, refused below
  if (/^[ \t\r\n]*$/.test(text)) return { cells: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    bad(name, `not valid JSON${jsonErrorDetail(text, e)}`);
  }
  if (!isObject(json)) bad(name, `expected a JSON object, got ${describe(json)}`);
  const version = typeof json.format === 'string' ? /^ddpm-notebook\/(\d+)$/.exec(json.format) : null;
  if (version && Number(version[1]) > 1)
    bad(
      `${name}: format`,
      `${JSON.stringify(json.format)} is a newer format than this DDPM Lab reads (${JSON.stringify(NOTEBOOK_SCHEMA)}): update DDPM Lab to open it`
    );
  if (json.format !== NOTEBOOK_SCHEMA)
    bad(`${name}: format`, `expected ${JSON.stringify(NOTEBOOK_SCHEMA)}, got ${describe(json.format)}`);
  // a value the next save would change (a key given twice, a number it would write otherwise, nesting too deep)
  const unkept = firstUnkeptValue(text);
  if (unkept) bad(unkept.field, unkept.problem);
  knownKeys(json, ['format', 'metadata', 'cells'], `${name}:`);
  if (!Array.isArray(json.cells)) bad(`${name}: cells`, `expected an array, got ${describe(json.cells)}`);
  const data: NotebookFileData = { cells: json.cells.map((c, i) => readCell(c, `cells[${i}]`)) };
  const metadata = readMetadata(json.metadata, 'metadata');
  if (metadata) data.metadata = metadata;
  return data;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** "a\nb\n" -> ["a\n", "b\n"] (Jupyter's way: joining the lines gives back the text exactly). */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines;
}

function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || mime.endsWith('+json');
}

function writeItem(item: OutputItemData): Record<string, unknown> {
  let text: string | null = null;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(item.data);
  } catch {
    text = null;
  }
  // only when the text re-encodes to the same bytes (no BOM games, no lone surrogates)
  if (text !== null && bytesEqual(encoder.encode(text), item.data)) {
    if (isJsonMime(item.mime)) {
      try {
        const json: unknown = JSON.parse(text);
        if (JSON.stringify(json) === text) return { mime: item.mime, json };
        if (JSON.stringify(json, null, '\t') === text) return { mime: item.mime, json, indent: '\t' };
      } catch {
        // not JSON after all: keep as text
      }
    }
    if (
      item.mime.startsWith('text/') ||
      isJsonMime(item.mime) ||
      item.mime.startsWith('application/vnd.code.notebook.')
    ) {
      return { mime: item.mime, text };
    }
  }
  return { mime: item.mime, base64: bytesToBase64(item.data) };
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function writeCell(cell: CellData): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: cell.kind, language: cell.language, source: splitLines(cell.source) };
  if (cell.metadata && Object.keys(cell.metadata).length) out.metadata = cell.metadata;
  if (cell.execution && Object.keys(cell.execution).length) {
    const { order, success, start, end } = cell.execution;
    out.execution = { order, success, start, end }; // fixed key order; undefined keys are not written
  }
  if (cell.kind === 'code') {
    out.outputs = (cell.outputs ?? []).map((o) => {
      const w: Record<string, unknown> = {};
      if (o.metadata && Object.keys(o.metadata).length) w.metadata = o.metadata;
      w.items = o.items.map(writeItem);
      return w;
    });
  }
  return out;
}

/** The file's text: pretty JSON (two-space indent) ending with a newline. */
export function serializeNotebook(data: NotebookFileData): string {
  const out: Record<string, unknown> = { format: NOTEBOOK_SCHEMA };
  if (data.metadata && Object.keys(data.metadata).length) out.metadata = data.metadata;
  out.cells = data.cells.map(writeCell);
  return `${JSON.stringify(out, null, 2)}\n`;
}
