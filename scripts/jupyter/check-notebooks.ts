// Checks the notebooks scripts/jupyter/make-notebooks.py executed (`npm run test:jupyter`): each ran every code cell,
// none with an error, and shows exactly one output of the recording MIME type (README "Use it from Jupyter") whose
// payload decodes, with its text/plain fallback. Then what the recordings say: the correct loop's x_T and states equal
// our reference run bit for bit; in the step-seed-plus-t loop x_T agrees, the first step (t = T-1) already differs, and
// the verdict the renderer shows (checkRecording) names that mistake.
// Usage: tsx scripts/jupyter/check-notebooks.ts [DIR]   (default test-results/jupyter/); exit 1, one line per problem.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errorFirstLine } from '../../src/core/errors';
import { checkRecording } from '../../src/core/run/checkRecording';
import { RECORDING_MIME, decodeRecording, type Recording } from '../../src/core/run/recording';
import { runSampler } from '../../src/core/sampler/sampler';

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  execution_count?: number | null;
  outputs?: Output[];
}

/** Which step the notebook's loop first differs from the reference at: null when never, 'x_T' for the initial noise. */
const EXPECTED_DIVERGENCE: Record<string, (T: number) => number | 'x_T' | null> = {
  correct: () => null,
  'step-seed-plus-t': (T) => T - 1
};

/** The catalogue mistakes the verdict must name for the notebook's loop. */
const EXPECTED_DIAGNOSIS: Record<string, string[] | null> = {
  correct: null,
  'step-seed-plus-t': ['step-seed-plus-t']
};

const sameBits = (a: Float32Array, b: Float32Array): boolean =>
  a.length === b.length &&
  new Uint32Array(a.buffer, a.byteOffset, a.length).every(
    (v, i) => v === new Uint32Array(b.buffer, b.byteOffset, b.length)[i]
  );

/** The first recorded state that differs from the reference run of the recording's inputs. */
function firstDivergence(r: Recording): number | 'x_T' | null {
  const reference = runSampler(r.inputs, { record: { kind: 'all' } }).trajectory.steps; // reference[T-1-t] is step t
  if (r.init && !sameBits(r.init.x.data, reference[0].x.data)) return 'x_T';
  for (const s of r.steps) if (!sameBits(s.x.data, reference[r.T - 1 - s.t].xPrev.data)) return s.t;
  return null;
}

/** Problems with one executed notebook (empty when it is as expected), and a line saying what it holds. */
export function checkNotebook(file: string, name: string): { problems: string[]; summary: string } {
  const problems: string[] = [];
  const say = (p: string) => problems.push(`${name}.ipynb: ${p}`);
  let nb: { cells?: Cell[] };
  try {
    nb = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    say(`cannot read: ${errorFirstLine(e)}`);
    return { problems, summary: '' };
  }
  const code = (nb.cells ?? []).filter((c) => c.cell_type === 'code');
  if (code.length === 0) say('no code cells');
  code.forEach((c, i) => {
    if (typeof c.execution_count !== 'number') say(`code cell ${i + 1} was not executed`);
    for (const o of c.outputs ?? [])
      if (o.output_type === 'error') say(`code cell ${i + 1} failed: ${o.ename}: ${o.evalue}`);
  });
  const bundles = code.flatMap((c) => c.outputs ?? []).filter((o) => o.data && RECORDING_MIME in o.data);
  if (bundles.length !== 1) {
    say(`expected one output of ${RECORDING_MIME}, found ${bundles.length}`);
    return { problems, summary: '' };
  }
  const data = bundles[0].data!;
  const text = data['text/plain'];
  const plain = Array.isArray(text) ? text.join('') : text;
  if (typeof plain !== 'string' || !plain.startsWith('DDPM Lab recording of '))
    say(`the text/plain fallback is not the helper's: ${JSON.stringify(plain)?.slice(0, 80)}`);
  let r: Recording;
  try {
    r = decodeRecording(data[RECORDING_MIME]);
  } catch (e) {
    say(`the recording does not decode: ${errorFirstLine(e)}`);
    return { problems, summary: '' };
  }
  if (!r.init) say('x_T was not recorded');
  if (r.steps.length !== r.T) say(`${r.steps.length} of T = ${r.T} steps recorded`);
  const found = firstDivergence(r);
  const expected = EXPECTED_DIVERGENCE[name]?.(r.T);
  if (expected === undefined) say('no expectation for this notebook');
  else if (found !== expected) say(`first divergent step ${found ?? 'none'}, expected ${expected ?? 'none'}`);
  const verdict = checkRecording(r);
  const diagnosed = verdict.diagnosis ? verdict.diagnosis.mistakes.map((m) => m.id) : null;
  if (JSON.stringify(diagnosed) !== JSON.stringify(EXPECTED_DIAGNOSIS[name] ?? null))
    say(
      `the verdict names ${JSON.stringify(diagnosed)}, expected ${JSON.stringify(EXPECTED_DIAGNOSIS[name] ?? null)}: ${verdict.summary}`
    );
  const what =
    found === null
      ? 'every state equals the reference bit for bit'
      : `first divergent step: ${found === 'x_T' ? 'x_T' : `t = ${found}`}`;
  return {
    problems,
    summary: `${name}.ipynb: executed; ${r.steps.length} steps recorded (T = ${r.T}, torch ${r.torch?.version ?? '?'}); ${what}`
  };
}

function main(argv: string[]): number {
  const dir = path.resolve(argv[0] ?? path.join('test-results', 'jupyter'));
  const problems: string[] = [];
  for (const name of Object.keys(EXPECTED_DIVERGENCE)) {
    const file = path.join(dir, `${name}.ipynb`);
    if (!existsSync(file)) {
      problems.push(`${name}.ipynb: missing in ${dir} (scripts/jupyter/make-notebooks.py writes it)`);
      continue;
    }
    const result = checkNotebook(file, name);
    problems.push(...result.problems);
    if (result.summary) console.log(`check-notebooks: ${result.summary}`);
  }
  for (const p of problems) console.error(`check-notebooks: ${p}`);
  return problems.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename))
  process.exitCode = main(process.argv.slice(2));
