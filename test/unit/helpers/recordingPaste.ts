// A recording of PyTorch running a loop (test/fixtures/recording/expected.json, made by scripts/fixtures/recording.py
// through the Python helper) printed as a user's loop prints it: `x.tolist()` after each step. Python prints a
// float32 tensor's tolist() as the doubles' shortest repr, which is what String() gives for the same doubles.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Each recorded step of recording `name`: its t and x as `x.tolist()` prints it. */
export function recordingTolistSteps(root: string, name: string): { t: number; list: string }[] {
  const rec = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'recording', 'expected.json'), 'utf8')) as {
    recordings: Record<string, { shape: [number, number]; steps: { t: number; bits: number[] }[] }>;
  };
  const { shape, steps } = rec.recordings[name];
  const d = shape[1];
  return steps.map(({ t, bits }) => {
    const v = Array.from(new Float32Array(new Uint32Array(bits).buffer));
    const rows: string[] = [];
    for (let i = 0; i < v.length; i += d)
      rows.push(
        `[${v
          .slice(i, i + d)
          .map(String)
          .join(', ')}]`
      );
    return { t, list: `[${rows.join(', ')}]` };
  });
}
