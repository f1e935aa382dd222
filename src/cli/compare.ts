// `ddpm-lab compare INPUT.json PASTED.txt [--json] [--profile P] [--matmul M] [--rtol R] [--atol A]` (README "Comparing with PyTorch's output"):
// runs the sampler on the inputs and diffs the sample against PyTorch's output pasted in a file.
import { compareRecording, compareRun, DEFAULT_ATOL_F32, DEFAULT_RTOL_F32 } from '../core/compare/compare';
import { decodeRecording } from '../core/run/recording';
import { recordedLoopInputs } from '../core/diagnosis/float64Loop';
import { formatPythonFloat } from '../core/compare/summaryText';
import { runSampler } from '../core/sampler/sampler';
import {
  DEFAULT_PROFILE,
  RNG_PROFILES,
  type Comparison,
  type IndexedValue,
  type RunResult,
  type SamplerInputs
} from '../core/types';
import {
  CliError,
  decimalNumber,
  inputName,
  isInternalError,
  loadInputs,
  oneLine,
  parseCliArgs,
  readInputText,
  readPaste,
  readBlasThreads,
  readMatmul,
  readProfile,
  requirePaste,
  type CliIO
} from './io';
import { jsonFloat32 } from '../core/tensors/printTensor';
import { parsePaste } from '../core/compare/pasteLayout';
import { findPrints } from '../core/compare/stepPaste';
import { parseInputsText, type WrittenSchedule } from '../core/sampler/inputs';
import { errorFirstLine } from '../core/errors';

export const COMPARE_USAGE = `usage: node dist/cli.js compare INPUT.json PASTED.txt [--json] [--profile P] [--matmul M [--blas-threads N]] [--rtol R --atol A]
       node dist/cli.js compare run.json [--json] [--profile P] [--matmul M [--blas-threads N]]

Runs the DDPM sampler on INPUT.json and diffs its sample against PASTED.txt, PyTorch's output for the
same inputs ("-" reads standard input, for one of the two): print(x) at any precision (summarised with
"..." or not, scientific notation too), x.tolist(), a NumPy print, what np.savetxt wrote, a NumPy
.npy file (np.save: its exact values), or the JSON of "sample --json".

The rule that judges each element is chosen from the paste, and the summary says which:
  bitwise            the pasted digits identify each float32 value (e.g. x.tolist(), "sample --json",
                     torch.set_printoptions(precision=12)): an element matches only when it is our
                     float32 value bit for bit
  printed-precision  a PyTorch print with fewer digits (print(x): 4 decimals): an element matches when
                     our float32 value, printed the way PyTorch prints it, gives the pasted text
                     (a NumPy print, repr or str: our value printed by NumPy's rule, dtype and
                     precision read from the paste; the explanation names NumPy)
  tolerance          --rtol/--atol given, or a paste that is neither: torch.testing.assert_close's
                     |ours - pasted| <= atol + rtol * |pasted| (nan never equal)
A paste in another shape is a mismatch. Several prints (x printed inside the loop, other lines
ignored) are a step-by-step paste: x after each step t = T-1..0, optionally x_T first, fewer prints
being the last steps; each is compared with our state after that step. PASTED.txt may also be a
recording of the Python helper (run.json): exact bits, judged bitwise; a recording given alone is
compared with the inputs it holds.
When the run does not match, the sampler runs again under the other RNG profiles and the summary
names those that reproduce the paste; if none does, the diagnosis catalogue names the mistakes that
reproduce it (README "Diagnosis catalogue").

  --profile P   RNG profile of the run: ${RNG_PROFILES.join(', ')} (default ${DEFAULT_PROFILE})
  --matmul M    matmul profile of the run: reference (default), openblas-haswell (README "Matmul profiles")
  --blas-threads N  OpenBLAS's threads for openblas-haswell (default 1; "check" says how many PyTorch's runs)
  --rtol R      relative tolerance, with --atol (the two select the tolerance rule; PyTorch's float32 default
                is ${formatPythonFloat(DEFAULT_RTOL_F32)})
  --atol A      absolute tolerance, with --rtol (PyTorch's float32 default is ${formatPythonFloat(DEFAULT_ATOL_F32)})
  --json        one JSON object instead of the summary: rule, ruleExplanation, rtol, atol, matches,
                compared, mismatched, bitwiseEqual (null where the pasted digits cannot tell:
                every value agrees as printed, but the print does not identify float32 values),
                maxUlps, greatestAbs and greatestRel ({value, index: [row, col]} or null),
                printedDecimals, shapeNote, profileSearch ({tried, matching}, present when other
                profiles were tried), pairSearch ({tried, matching}
                of {rng, matmul} profile pairs, with threads for OpenBLAS on more than one,
                present when every pair was tried), summary,
                warnings, shape [N, d],
                mismatches (list of [row, col]), and expected: the pasted values laid over our shape
                as nested lists (null where the paste gave no value). Numbers that are not finite
                are the strings "nan", "inf", "-inf"; float32 values are their shortest decimals.
                The per-element arrays absDiff and known of the core's Comparison are left out
                (absDiff is |sample - expected|, known is where expected is not null).
                Also: firstDivergence ({step, index: [row, col]} of the first print that differs,
                step null for x_T, index null when only the shape differs; null when all match),
                diagnosis (list of {id, title, explanation, pytorch}, with profile when found under
                another RNG profile, pair ({rng, matmul, threads}) when found under another (RNG,
                matmul) profile pair, approximate: true when it gives exact values only within
                assert_close's tolerance), diagnosisNote (when not run), and for step-by-step pastes
                steps ({stepsNote, prints: [{step, matches, compared, mismatched, maxAbsDiff,
                maxUlps}]}).

Exit 0 when the sample (every print of a step-by-step paste) matches under the rule used, 1 when not,
2 on bad input.
`;

function readTolerance(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const v = decimalNumber(value);
  if (!Number.isFinite(v) || v < 0) {
    throw new CliError(`--${name}: expected a number >= 0, got ${JSON.stringify(value)}`);
  }
  return v;
}

function jsonNumber(v: number): string {
  if (Number.isNaN(v)) return '"nan"';
  if (!Number.isFinite(v)) return v > 0 ? '"inf"' : '"-inf"';
  return JSON.stringify(v);
}

function jsonIndexed(v: IndexedValue | null): string {
  return v ? `{"value":${jsonNumber(v.value)},"index":[${v.index.join(',')}]}` : 'null';
}

/** The --json text of a comparison (documented in COMPARE_USAGE). */
export function comparisonJson(c: Comparison, warnings: readonly string[]): string {
  const { rows, cols, data } = c.expected;
  const expectedRows: string[] = [];
  const mismatches: string[] = [];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      cells.push(c.known && !c.known[k] ? 'null' : jsonFloat32(data[k]));
      if (c.mismatchMask[k]) mismatches.push(`[${i},${j}]`);
    }
    expectedRows.push(`[${cells.join(',')}]`);
  }
  const fields = [
    `"rule":${JSON.stringify(c.rule)}`,
    `"ruleExplanation":${JSON.stringify(c.ruleExplanation)}`,
    `"rtol":${jsonNumber(c.rtol)}`,
    `"atol":${jsonNumber(c.atol)}`,
    `"matches":${c.matches}`,
    `"compared":${c.compared}`,
    `"mismatched":${c.mismatched}`,
    `"bitwiseEqual":${c.bitwiseUnknown ? 'null' : c.bitwiseEqual}`,
    `"maxUlps":${c.maxUlps === null ? 'null' : jsonNumber(c.maxUlps)}`,
    `"greatestAbs":${jsonIndexed(c.greatestAbs)}`,
    `"greatestRel":${jsonIndexed(c.greatestRel)}`,
    `"printedDecimals":${c.printedDecimals === null ? 'null' : c.printedDecimals}`,
    ...(c.shapeNote ? [`"shapeNote":${JSON.stringify(c.shapeNote)}`] : []),
    ...(c.profileSearch ? [`"profileSearch":${JSON.stringify(c.profileSearch)}`] : []),
    ...(c.pairSearch ? [`"pairSearch":${JSON.stringify(c.pairSearch)}`] : []),
    `"summary":${JSON.stringify(c.summary)}`,
    `"warnings":${JSON.stringify(warnings)}`,
    `"shape":[${rows},${cols}]`,
    `"mismatches":[${mismatches.join(',')}]`,
    `"expected":[${expectedRows.join(',')}]`,
    `"firstDivergence":${c.firstDivergence ? JSON.stringify({ step: c.firstDivergence.step, index: c.firstDivergence.index }) : 'null'}`,
    `"diagnosis":${JSON.stringify((c.diagnosis ?? []).map(({ id, title, explanation, pytorch, profile, pair, approximate }) => ({ id, title, explanation, pytorch, ...(profile ? { profile } : {}), ...(pair ? { pair } : {}), ...(approximate ? { approximate } : {}) })))}`,
    ...(c.diagnosisNote ? [`"diagnosisNote":${JSON.stringify(c.diagnosisNote)}`] : []),
    ...(c.steps
      ? [
          `"steps":{"stepsNote":${JSON.stringify(c.steps.stepsNote)},"prints":[${c.steps.prints
            .map(
              (p) =>
                `{"step":${p.step === null ? 'null' : p.step},"matches":${p.matches},"compared":${p.compared},"mismatched":${p.mismatched},"maxAbsDiff":${p.maxAbsDiff === null ? 'null' : jsonNumber(p.maxAbsDiff)},"maxUlps":${p.maxUlps === null ? 'null' : jsonNumber(p.maxUlps)}}`
            )
            .join(',')}]}`
        ]
      : [])
  ];
  return `{${fields.join(',')}}\n`;
}

/** Whether `text` is meant to be a recording: a JSON object naming the recording schema (readable or not). */
function looksLikeRecording(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.startsWith('{') && trimmed.includes('"ddpm-lab.recording');
}

/** The JSON of a recording (the Python helper's run.json), or null when the text is not one. */
function readRecording(text: string): unknown {
  const trimmed = text.trim();
  if (!looksLikeRecording(trimmed)) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(trimmed);
  } catch {
    return null; // parsePaste says what is wrong with the JSON
  }
  const schema = (obj as { schema?: unknown }).schema;
  if (typeof schema !== 'string' || !schema.startsWith('ddpm-lab.recording/')) return null;
  return obj;
}

/**
 * Compares `run` (the sampler on `inputs`, read from the file `inputsName`) with `pasted`: a recording of the Python
 * helper (run.json, exact bits; `recording` when already read) or PyTorch's printed output. Throws a one-line Error
 * naming `field` on bad input. `compare` and `report --expected` read a paste so.
 */
export function comparePasted(
  inputs: SamplerInputs,
  run: RunResult,
  pasted: string,
  opts: {
    field: string;
    inputsName: string;
    rtol?: number;
    atol?: number;
    writtenSchedule?: WrittenSchedule;
    recording?: { json: unknown; decoded?: ReturnType<typeof decodeRecording> };
    /** what a .npy file held (readPaste): the summary's last line */
    note?: string;
  }
): Comparison {
  const { field, rtol, atol, writtenSchedule } = opts;
  const recording = opts.recording ? opts.recording.json : readRecording(pasted);
  if (!recording) {
    const c = compareRun(inputs, run, pasted, { rtol, atol, field, ...(writtenSchedule ? { writtenSchedule } : {}) });
    return opts.note ? { ...c, summary: `${c.summary}\n${opts.note}` } : c;
  }
  if (rtol !== undefined || atol !== undefined)
    throw new Error(`${field}: a recording holds exact bits and is judged bitwise; --rtol/--atol do not apply`);
  const r = opts.recording?.decoded ?? decodeRecording(recording);
  const other = inputsDiffer(inputs, r.inputs);
  if (other)
    run.warnings.push(
      `${field}: the recording's inputs differ from ${opts.inputsName} (${other}); compared with the run of ${opts.inputsName}`
    );
  const float64 = r.float64Inputs.includes('betas') || r.float64Inputs.includes('alpha_bar');
  return compareRecording(
    inputs,
    run,
    {
      init: r.init?.x ?? null,
      steps: r.steps.map((st) => ({ t: st.t, x: st.x })),
      float64States: [r.init, ...r.steps].some((st) => st?.recorded.dtype === 'float64'),
      float64Init: r.init?.recorded.dtype === 'float64',
      recordedInputs: recordedLoopInputs(r)
    },
    `${field}: ${r.steps.length} recorded step${r.steps.length === 1 ? '' : 's'}`,
    {
      field,
      ...(float64
        ? { schedule64: { betas: r.recordedInputs.betas.values, alphaBar: r.recordedInputs.alpha_bar.values } }
        : {})
    }
  );
}

/** Every field that differs between two sets of inputs (the recording's, b, first), or null when they agree. */
function inputsDiffer(a: SamplerInputs, b: SamplerInputs): string | null {
  // every field that differs, so that fixing one does not leave the next to be found by the next mismatch
  const differ: string[] = [];
  const same = (x: Float32Array, y: Float32Array): boolean =>
    x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  if (a.seed !== b.seed) differ.push(`seed ${b.seed} vs ${a.seed}`);
  if (a.n !== b.n || a.d !== b.d) differ.push(`shape [${b.n}, ${b.d}] vs [${a.n}, ${a.d}]`);
  // w_model is (d + 1, d): comparable when d agrees, whatever N
  if (a.d === b.d && !same(a.wModel.data, b.wModel.data)) differ.push('w_model');
  if (a.betas.length !== b.betas.length) differ.push(`T = ${b.betas.length} vs ${a.betas.length}`);
  else {
    if (!same(a.betas, b.betas)) differ.push('betas');
    if (!same(a.alphaBar.subarray(0, a.betas.length), b.alphaBar.subarray(0, b.betas.length))) differ.push('alpha_bar');
  }
  return differ.length ? differ.join('; ') : null;
}

/**
 * A recording given where the inputs go (`compare run.json`, `report run.json`), read: its JSON, and the inputs it
 * holds, what reading them noticed, its steps; undefined when `text` is not a recording. With `cutShort`, a text meant
 * to be one that does not read (a kernel that died while saving it) throws what is wrong with its JSON.
 */
export function ownRecording(
  text: string,
  path: string,
  cutShort: boolean
): { json: unknown; decoded: ReturnType<typeof decodeRecording> } | undefined {
  const json = readRecording(text);
  if (!json) {
    if (cutShort && looksLikeRecording(text)) {
      try {
        parsePaste(text, inputName(path));
      } catch (e) {
        throw new CliError(errorFirstLine(e));
      }
    }
    return undefined;
  }
  try {
    return { json, decoded: decodeRecording(json) };
  } catch (e) {
    throw new CliError(`${inputName(path)}: ${oneLine(e)}`);
  }
}

/**
 * When INPUT.json does not read as inputs: the error for arguments given the other way round (a print where the
 * inputs go, and inputs where the paste goes), or null.
 */
async function swappedArguments(
  io: CliIO,
  inputPath: string,
  inputsText: string,
  pastedPath: string
): Promise<CliError | null> {
  if (pastedPath === inputPath || /^\s*\{/.test(inputsText) || findPrints(inputsText).length === 0) return null;
  try {
    parseInputsText(await readInputText(io, pastedPath), inputName(pastedPath));
  } catch {
    return null;
  }
  // the command in order, when both are plain file names that can be given back as they are
  const plain = [inputPath, pastedPath].every((p) => p !== '-' && !/[\s'"\\$`]/.test(p));
  return new CliError(
    `compare: ${inputName(inputPath)} holds printed output and ${inputName(pastedPath)} holds inputs: give the inputs first (compare ${plain ? `${pastedPath} ${inputPath}` : 'INPUT.json PASTED.txt'})`
  );
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCliArgs('compare', {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string' },
      matmul: { type: 'string' },
      'blas-threads': { type: 'string' },
      rtol: { type: 'string' },
      atol: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  });
  if (values.help) {
    io.stdout(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length === 0 || positionals.length > 2) {
    throw new CliError(
      positionals.length === 0
        ? 'compare: missing INPUT.json and PASTED.txt (--help for usage)'
        : `compare: expected INPUT.json and PASTED.txt, got ${positionals.length} arguments`
    );
  }
  const [inputPath, pastedPath = inputPath] = positionals;
  if (positionals.length === 2 && inputPath === '-' && pastedPath === '-')
    throw new CliError('compare: only one of INPUT.json and PASTED.txt can be - (standard input)');
  const profile = readProfile(values.profile);
  const matmul = readMatmul(values.matmul);
  const matmulThreads = readBlasThreads(values['blas-threads'], matmul);
  const rtol = readTolerance(values.rtol, 'rtol');
  const atol = readTolerance(values.atol, 'atol');
  // torch.testing.assert_close: "Both 'rtol' and 'atol' must be either specified or omitted, but got no atol."
  if ((rtol === undefined) !== (atol === undefined))
    throw new CliError(
      `compare: --rtol and --atol go together or not at all, as in torch.testing.assert_close; got no --${rtol === undefined ? 'rtol' : 'atol'}`
    );
  const inputsText = await readInputText(io, inputPath);
  const own = ownRecording(inputsText, inputPath, positionals.length === 1);
  if (positionals.length === 1 && !own)
    throw new CliError(
      'compare: missing PASTED.txt (only a recording, run.json, is compared alone, with its own inputs; --help for usage)'
    );
  if (own && positionals.length === 2 && inputPath !== pastedPath)
    throw new CliError(
      `${inputName(inputPath)}: a recording (run.json), not inputs: pass it alone (compare ${inputName(inputPath)}) to compare it with the inputs it holds`
    );
  const { inputs, warnings, writtenSchedule } = own
    ? { inputs: own.decoded.inputs, warnings: own.decoded.inputWarnings, writtenSchedule: undefined }
    : await loadInputs(io, inputPath, inputsText).catch(async (e: unknown) => {
        throw (await swappedArguments(io, inputPath, inputsText, pastedPath)) ?? e;
      });
  const samePaste = positionals.length === 1 || pastedPath === inputPath;
  const paste = samePaste ? { text: inputsText } : await readPaste(io, pastedPath);
  const pasted = paste.text;
  requirePaste(pasted, inputName(pastedPath));

  const run = runSampler(inputs, { profile, matmul, matmulThreads, record: { kind: 'none' }, inputWarnings: warnings });
  let comparison: Comparison;
  try {
    // a recording given alone was read and decoded above (a recording of N = 1000, T = 1000 is megabytes of JSON)
    comparison = comparePasted(inputs, run, pasted, {
      field: inputName(pastedPath),
      inputsName: inputName(inputPath),
      rtol,
      atol,
      writtenSchedule,
      note: paste.note,
      ...(samePaste && own ? { recording: own } : {})
    });
  } catch (e) {
    // what the paste or the options hold is bad input (a one-line Error); a slip of ours is an internal error (exit 3)
    if (isInternalError(e)) throw e;
    throw new CliError(oneLine(e));
  }
  if (values.json) {
    io.stdout(comparisonJson(comparison, run.warnings));
  } else {
    io.stdout(`${comparison.summary}\n`);
    for (const w of run.warnings) io.stderr(`warning: ${w}\n`);
  }
  return comparison.matches ? 0 : 1;
}
