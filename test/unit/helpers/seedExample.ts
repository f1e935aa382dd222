// The bundled example the tests share: media/examples/seed.inputs.json, and what real PyTorch printed for it
// (test/fixtures/e2e/seed.expected.json, made by scripts/fixtures/e2e.py).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SEED_PYTORCH_FIXTURE } from '../../../scripts/make-seed-notebook';
import { ROOT } from './paths';

export const SEED_INPUTS_FILE = path.join(ROOT, 'media', 'examples', 'seed.inputs.json');

/** The text of media/examples/seed.inputs.json. */
export const seedInputsText = readFileSync(SEED_INPUTS_FILE, 'utf8');

/** PyTorch's print of the example's x_0 and the bit patterns (uint32) of its values. */
export const seedExpected = JSON.parse(readFileSync(SEED_PYTORCH_FIXTURE, 'utf8')) as {
  printed: string;
  bits: number[];
};
