// The command-line tool (src/cli.ts) run in this process with in-memory files: its IO (src/cli/io.ts) reads the
// given files and standard input and records what the tool printed and wrote.
import { runCli } from '../../../src/cli';
import type { CliIO } from '../../../src/cli/io';
import { decodeText } from '../../../src/core/textBytes';

export interface FakeCliIO extends CliIO {
  /** what the tool printed on standard output */
  out: string;
  /** what it printed on standard error */
  err: string;
  /** the files it wrote, by path */
  written: Map<string, string>;
}

export interface FakeCliOptions {
  /** what `-` reads; without it reading `-` fails */
  stdin?: FakeFile;
  /** false: writing a file fails (for a command that must write none) */
  writable?: boolean;
}

/** A file's contents: text, or bytes (a NumPy .npy file, a text file in UTF-16). */
export type FakeFile = string | Uint8Array;

/** A CliIO over `files` (path -> contents); a missing file fails as Node's ENOENT does. */
export function fakeCliIO(files: Record<string, FakeFile> = {}, opts: FakeCliOptions = {}): FakeCliIO {
  const read = (p: string): FakeFile => {
    if (p === '-') {
      if (opts.stdin === undefined) throw new Error('no standard input in this test');
      return opts.stdin;
    }
    if (p in files) return files[p];
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
  };
  const io: FakeCliIO = {
    out: '',
    err: '',
    written: new Map<string, string>(),
    stdout: (s) => void (io.out += s),
    stderr: (s) => void (io.err += s),
    readText: async (p) => {
      const f = read(p);
      return typeof f === 'string' ? f : decodeText(f);
    },
    readBytes: async (p) => {
      const f = read(p);
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    writeText: async (p, s) => {
      if (opts.writable === false) throw new Error('this command writes no files');
      io.written.set(p, s);
    },
    // one file when both name it (no links here), and it exists
    sameFile: async (a, b) => a === b && (a in files || io.written.has(a))
  };
  return io;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
  written: Map<string, string>;
}

/** Runs `node dist/cli.js ...argv` in this process with in-memory files: the exit code and what it printed and wrote. */
export async function runCliInMemory(
  argv: string[],
  files: Record<string, FakeFile> = {},
  opts: FakeCliOptions = {}
): Promise<CliRun> {
  const io = fakeCliIO(files, opts);
  const code = await runCli(argv, io);
  return { code, out: io.out, err: io.err, written: io.written };
}
