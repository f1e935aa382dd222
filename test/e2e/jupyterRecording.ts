// End-to-end steps for recordings in Jupyter notebooks (README "Use it from Jupyter"): the executed .ipynb files of
// `npm run test:jupyter` (scripts/jupyter/make-notebooks.py: the seed example's loop run by a real Jupyter kernel
// under the Python helper, correct and with the seed + t mistake) opened in code-server's built-in Jupyter notebook
// support, with no kernel: our renderer draws each recording (RECORDING_MIME), computing the reference in the output.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { strict as assert } from 'node:assert';
import type { Locator, Page } from 'playwright-core';
import { mistakeInfo } from '../../src/core/diagnosis/catalogue';
import { lowContrastText } from './contrast';
import type { ScenarioContext, Step } from './scenario';
import {
  LONG,
  SHORT,
  StopWaiting,
  activeTab,
  cellCount,
  focusCell,
  outputsOfRow,
  quickOpen,
  readableText,
  runCommand,
  waitFor
} from './workbench';

const NOTEBOOKS = ['correct.ipynb', 'step-seed-plus-t.ipynb'] as const;
const FOLDER = 'jupyter';
const RECORDING = '.ddpm-run[data-ddpm-view="recording"]';

/** The executed notebooks in the workspace: those of `npm run test:jupyter` when they are newer than what makes them, else made now. */
function provideNotebooks(ctx: ScenarioContext): string {
  const into = path.join(ctx.workspace, FOLDER);
  mkdirSync(into, { recursive: true });
  const made = path.join(ctx.root, 'test-results', 'jupyter');
  const sources = [
    path.join(ctx.root, 'python', 'ddpm_lab.py'),
    path.join(ctx.root, 'scripts', 'jupyter', 'make-notebooks.py')
  ];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  const fresh = NOTEBOOKS.every(
    (n) => existsSync(path.join(made, n)) && statSync(path.join(made, n)).mtimeMs >= newest
  );
  if (fresh) {
    for (const n of NOTEBOOKS) cpSync(path.join(made, n), path.join(into, n));
    return `copied from ${path.relative(ctx.root, made)}/`;
  }
  const python = process.env.DDPM_PYTHON ?? '/usr/bin/python3';
  const r = spawnSync(python, [path.join(ctx.root, 'scripts', 'jupyter', 'make-notebooks.py'), into], {
    encoding: 'utf8',
    timeout: 300_000
  });
  if (r.status !== 0) {
    throw new Error(
      `scripts/jupyter/make-notebooks.py failed (exit ${r.status ?? r.signal}; needs python3-nbclient, python3-ipykernel and PyTorch): ${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-3).join(' | ')}`
    );
  }
  return 'made by scripts/jupyter/make-notebooks.py';
}

/**
 * Opens FOLDER/name from the explorer, as a user clicks it (quick open's file search does not list files written
 * after the workspace opened in code-server); quick open when the explorer does not show it.
 */
async function openFromExplorer(page: Page, name: string): Promise<void> {
  try {
    await runCommand(page, 'View: Show Explorer');
    const tree = page.locator('.explorer-folders-view');
    const folder = tree.locator(`.monaco-list-row[aria-label="${FOLDER}"]`).first();
    await folder.waitFor({ timeout: SHORT });
    if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
    const file = tree.locator(`.monaco-list-row[aria-label="${name}"]`).first();
    await file.waitFor({ timeout: SHORT });
    await file.dblclick();
    await activeTab(page, name).waitFor({ timeout: SHORT });
  } catch (e) {
    await quickOpen(page, name).catch((q: unknown) => {
      throw new Error(
        `cannot open ${FOLDER}/${name}: from the explorer: ${e instanceof Error ? e.message.split('\n')[0] : e}; ${q instanceof Error ? q.message : q}`
      );
    });
  }
}

/** Opens an .ipynb and returns the recording output our renderer drew (data-ddpm-ready="true"), from whichever cell holds it. */
async function openRecording(page: Page, notebook: string): Promise<Locator> {
  await openFromExplorer(page, notebook);
  await waitFor(
    `${notebook}: the notebook editor with its cells`,
    async () => ((await cellCount(page)) > 0 ? true : undefined),
    LONG
  );
  return waitFor(
    `${notebook}: a recording drawn by the DDPM Lab renderer (${RECORDING}[data-ddpm-ready="true"])`,
    async () => {
      const n = await cellCount(page);
      for (let i = 0; i < n; i++) {
        const row = await focusCell(page, i);
        for (const out of await outputsOfRow(page, row)) {
          const rec = out.locator(RECORDING);
          if ((await rec.count()) === 0) continue;
          const state = await rec.first().getAttribute('data-ddpm-ready');
          if (state === 'error')
            throw new StopWaiting(`${notebook}: the renderer shows an error: ${await readableText(rec.first())}`);
          if (state === 'true') return rec.first();
        }
      }
      return undefined;
    },
    LONG
  );
}

async function checkReadable(rec: Locator, where: string): Promise<void> {
  const bad = await rec.evaluate(lowContrastText, 4.5);
  assert.deepEqual(bad, [], `${where}: text that is hard to read: ${bad.join('; ')}`);
}

/** The seed example's T (the notebooks run it): the seed + t mistake first shows at step t = T - 1. */
function seedT(root: string): number {
  return (
    JSON.parse(readFileSync(path.join(root, 'media', 'examples', 'seed.inputs.json'), 'utf8')) as { betas: number[] }
  ).betas.length;
}

const S = {
  correct: 'an executed Jupyter notebook (.ipynb, no kernel) with the correct loop: the recording says "matches"',
  mistaken: 'the executed notebook with the seed + t mistake: the first divergent step and the mistake are named'
};

export function jupyterRecordingSteps(): Step[] {
  return [
    {
      name: S.correct,
      async run(ctx) {
        const how = provideNotebooks(ctx);
        const rec = await openRecording(ctx.page, 'correct.ipynb');
        await ctx.screenshot('jupyter-correct');
        const verdict = (await rec.locator('[data-testid="ddpm-recording-verdict"]').innerText()).trim();
        assert.match(
          verdict,
          /^matches: every recorded step is bit for bit the reference/,
          `correct.ipynb (${how}): the verdict is "${verdict}"`
        );
        assert.equal(await rec.getAttribute('data-ddpm-matches'), 'true');
        assert.equal(
          await rec.locator('[data-testid="ddpm-mistake"]').count(),
          0,
          'a diagnosis is shown for the correct loop'
        );
        assert.ok(
          (await rec.locator('[data-testid="ddpm-recording-trajectory"] svg.main-svg').count()) > 0,
          'the trajectory plot is not drawn'
        );
        await checkReadable(rec, 'correct.ipynb');
      }
    },
    {
      name: S.mistaken,
      needs: [S.correct],
      async run(ctx) {
        const rec = await openRecording(ctx.page, 'step-seed-plus-t.ipynb');
        await ctx.screenshot('jupyter-step-seed-plus-t');
        const t = seedT(ctx.root) - 1;
        const verdict = (await rec.locator('[data-testid="ddpm-recording-verdict"]').innerText()).trim();
        assert.match(
          verdict,
          new RegExp(`^first differs at step t = ${t}, element \\[`),
          `the verdict is "${verdict}"`
        );
        assert.equal(await rec.getAttribute('data-ddpm-first-divergent-step'), String(t));
        const mistakes = await rec
          .locator('[data-testid="ddpm-mistake"]')
          .evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-mistake-id'), text: e.textContent ?? '' })));
        assert.deepEqual(
          mistakes.map((m) => m.id),
          ['step-seed-plus-t'],
          `the diagnosis names ${JSON.stringify(mistakes.map((m) => m.id))}`
        );
        const { title, wrong } = mistakeInfo('step-seed-plus-t');
        assert.ok(
          mistakes[0].text.includes(title) && mistakes[0].text.includes(wrong),
          `the diagnosis does not name "${title}" with its line: ${mistakes[0].text}`
        );
        await checkReadable(rec, 'step-seed-plus-t.ipynb');
      }
    }
  ];
}
