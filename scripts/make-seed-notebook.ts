// Writes media/examples/seed.ddpmnb, the notebook "DDPM: New Sampler Notebook" opens, from
// src/core/seedNotebook.ts and what real PyTorch printed for the seed inputs
// (test/fixtures/e2e/seed.expected.json, made by /usr/bin/python3 scripts/fixtures/e2e.py):
//   npx tsx scripts/make-seed-notebook.ts
// test/unit/core/notebook/notebookFile.test.ts fails when the committed file differs from what this writes.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { serializeNotebook } from '../src/core/notebook/notebookFile';
import { buildSeedNotebook, type SeedPytorchOutput } from './seedNotebook';

export const ROOT = path.resolve(__dirname, '..');
export const SEED_NOTEBOOK_FILE = path.join(ROOT, 'media/examples/seed.ddpmnb');
export const SEED_PYTORCH_FIXTURE = path.join(ROOT, 'test/fixtures/e2e/seed.expected.json');

/** The file's text as this script writes it. */
export function seedNotebookText(): string {
  const pytorch = JSON.parse(readFileSync(SEED_PYTORCH_FIXTURE, 'utf8')) as SeedPytorchOutput;
  return serializeNotebook(buildSeedNotebook(pytorch));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  writeFileSync(SEED_NOTEBOOK_FILE, seedNotebookText());
  console.log(`wrote ${path.relative(ROOT, SEED_NOTEBOOK_FILE)}`);
}
