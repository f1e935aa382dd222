// Driving VS Code's workbench (code-server in Chromium) the way a user does: quick open, the command
// palette, notebook cells and their outputs. Selectors are VS Code 1.100's DOM.
import type { Locator, Page } from 'playwright-core';

export const SHORT = 15_000;
export const LONG = 60_000;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Thrown by a probe of waitFor when waiting longer cannot help (e.g. the view shows an error). */
export class StopWaiting extends Error {}

/** Polls `probe` until it returns a value (not undefined) or the time is up; then throws `what`. */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs = SHORT,
  everyMs = 200
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      if (e instanceof StopWaiting) throw new Error(e.message);
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = typeof what === 'function' ? what() : what;
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${why}${detail}`);
    }
    await sleep(everyMs);
  }
}

/** Waits for the workbench and the explorer. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: LONG });
  await page.locator('.monaco-workbench').waitFor({ timeout: LONG });
  await page.locator('.explorer-folders-view').first().waitFor({ timeout: LONG });
}

const quickInput = (page: Page): Locator => page.locator('.quick-input-widget');
const quickInputBox = (page: Page): Locator => page.locator('.quick-input-widget input.input');
const quickRows = (page: Page): Locator => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');

export async function closeQuickInput(page: Page): Promise<void> {
  if (
    await quickInput(page)
      .isVisible()
      .catch(() => false)
  )
    await page.keyboard.press('Escape');
}

const exactly = (s: string): RegExp => new RegExp(`^\\s*${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

async function shownRows(page: Page): Promise<string> {
  const labels = await quickRows(page)
    .locator('.label-name')
    .allInnerTexts()
    .catch(() => [] as string[]);
  return labels.slice(0, 8).join('; ') || 'nothing';
}

/**
 * Control+P, the file's name, Enter; waits for its editor tab to be active. Just after the workbench
 * opened, the file search may not answer yet (a loaded machine): it asks again for up to a minute.
 */
export async function quickOpen(page: Page, fileName: string): Promise<void> {
  const deadline = Date.now() + LONG;
  const row = quickRows(page)
    .filter({ has: page.locator('.label-name', { hasText: exactly(fileName) }) })
    .first();
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('Control+P');
    await quickInputBox(page).waitFor({ state: 'visible', timeout: SHORT });
    await quickInputBox(page).fill(fileName);
    let found = false;
    try {
      await row.waitFor({ timeout: SHORT });
      found = true;
      // a click made while quick open lays its list out again (file results coming in) can be lost: the list stays
      // open and no editor opens (seen once in the web pass, 2026-12-04); tried again until the deadline
      await row.click();
      await activeTab(page, fileName).waitFor({ timeout: SHORT });
      return;
    } catch {
      const shown = await shownRows(page);
      await closeQuickInput(page);
      if (Date.now() > deadline)
        throw new Error(
          `quick open (Control+P) ${found ? 'does not open' : 'does not find'} ${fileName} (it shows: ${shown})`
        );
    }
  }
}

export function activeTab(page: Page, title: string | RegExp): Locator {
  return page
    .locator('.tabs-container .tab.active')
    .filter({ has: page.locator('.label-name', { hasText: typeof title === 'string' ? exactly(title) : title }) });
}

/**
 * F1, '>' + the command's title; clicks the row whose label is exactly that title. Commands appear once
 * their context is ready (e.g. a notebook's just after it opened), so this retries for a while.
 */
/**
 * Runs a command from the palette; resolves with the time (Date.now(), the page's clock and this process's are the
 * machine's) at which the click that chose its entry reached the workbench (a mousedown listener in the page). The
 * time taken just before the click came 41 to 72 ms sooner (playwright's own checks that the row is visible and still
 * before it clicks; eight runs on 2026-12-05), which no user waits for; it stands in when no mousedown was seen.
 */
export async function runCommand(page: Page, title: string, timeoutMs = SHORT): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await closeQuickInput(page);
    await page.keyboard.press('F1');
    await quickInputBox(page).waitFor({ state: 'visible', timeout: SHORT });
    await quickInputBox(page).fill(`>${title}`);
    const row = quickRows(page)
      .filter({ has: page.locator('.label-name', { hasText: exactly(title) }) })
      .first();
    try {
      await row.waitFor({ timeout: 2000 });
      await page.evaluate(() => {
        const w = window as unknown as { ddpmClickAt?: number; ddpmClickHooked?: boolean };
        w.ddpmClickAt = undefined;
        if (w.ddpmClickHooked) return;
        w.ddpmClickHooked = true;
        window.addEventListener('mousedown', () => (w.ddpmClickAt ??= Date.now()), true);
      });
      const chosen = Date.now();
      await row.click();
      const clickAt = await page.evaluate(() => (window as unknown as { ddpmClickAt?: number }).ddpmClickAt);
      return typeof clickAt === 'number' && clickAt >= chosen ? clickAt : chosen;
    } catch {
      const shown = await shownRows(page);
      await closeQuickInput(page);
      if (Date.now() > deadline) throw new Error(`the command palette has no command "${title}" (it shows: ${shown})`);
      await sleep(500);
    }
  }
}

/** Picks the item labelled `label` in the open quick pick, typing `filter` first if given. */
export async function pickQuickItem(page: Page, label: string, filter?: string): Promise<void> {
  await quickInputBox(page).waitFor({ state: 'visible', timeout: SHORT });
  if (filter !== undefined) await quickInputBox(page).fill(filter);
  const row = quickRows(page)
    .filter({ has: page.locator('.label-name', { hasText: exactly(label) }) })
    .first();
  try {
    await row.waitFor({ timeout: SHORT });
  } catch {
    throw new Error(`the quick pick has no item "${label}" (it shows: ${await shownRows(page)})`);
  }
  await row.click();
}

/** Writes `text` to the clipboard and pastes it into whatever has the focus (Control+V), as a user pastes. */
export async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.keyboard.press('Control+V');
}

// ---- notebooks ------------------------------------------------------------------------------------

/** The visible notebook editor (VS Code draws it in an overlay outside the editor part's DOM). */
export function notebookEditor(page: Page): Locator {
  return page.locator('.notebookOverlay').filter({ visible: true }).first();
}

export function cellRow(page: Page, index: number): Locator {
  return notebookEditor(page).locator(`.monaco-list-row[data-index="${index}"]`);
}

/** Number of cells in the visible notebook (every rendered row carries aria-setsize). */
export async function cellCount(page: Page): Promise<number> {
  const row = notebookEditor(page).locator('.monaco-list-row[aria-setsize]').first();
  await row.waitFor({ state: 'attached', timeout: SHORT });
  return Number(await row.getAttribute('aria-setsize'));
}

/**
 * Focuses cell `index` in command mode and scrolls it into view (the notebook renders only the rows in
 * view): Escape, Control+Home (first cell), then Down.
 */
export async function focusCell(page: Page, index: number): Promise<Locator> {
  const row = cellRow(page, index);
  const first = cellRow(page, 0);
  const isFocused = async (r: Locator): Promise<true | undefined> =>
    (await r.getAttribute('class', { timeout: 1000 }))?.includes('focused') ? true : undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Home');
    // the first cell focused before moving down: the target row may still carry 'focused' from an earlier step, and
    // a command run then would act on whichever cell the pending key presses had reached
    if (index > 0) await waitFor('the first cell to be focused', () => isFocused(first), 3000).catch(() => undefined);
    for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
    try {
      await waitFor(`cell ${index} to be focused`, () => isFocused(row), 3000);
      return row;
    } catch {
      // The keyboard focus was elsewhere (e.g. in an output): click the first visible cell's gutter and retry.
      const any = notebookEditor(page).locator('.monaco-list-row .cell-focus-indicator-left').first();
      await any.click({ timeout: 5000 }).catch(() => undefined);
    }
  }
  throw new Error(`could not focus cell ${index} of the notebook`);
}

/** A cell's kind and its source as the editor shows it (code cells; markdown cells show their rendering). */
export async function cellInfo(row: Locator): Promise<{ kind: 'code' | 'markdown'; text: string }> {
  const cls = (await row.getAttribute('class')) ?? '';
  const kind = cls.includes('markdown-cell-row') ? 'markdown' : 'code';
  if (kind === 'markdown') return { kind, text: '' };
  const lines = row.locator('.cell-editor-container .view-lines .view-line');
  await lines.first().waitFor({ timeout: SHORT });
  // Monaco positions lines absolutely; order them by their top and read them with nbsp as spaces.
  const text = await row.locator('.cell-editor-container .view-lines').evaluate((el) =>
    Array.from(el.querySelectorAll<HTMLElement>('.view-line'))
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '))
      .join('\n')
  );
  return { kind, text };
}

/** VS Code's execution state icon of a code cell: 'success', 'error', 'running', 'pending' or 'idle'. */
export async function cellState(row: Locator): Promise<string> {
  return row.evaluate((r) => {
    const bar = r.querySelector('.cell-statusbar-container');
    const html = bar ? bar.innerHTML : '';
    if (html.includes('notebook-state-error')) return 'error';
    if (html.includes('notebook-state-success')) return 'success';
    if (
      html.includes('notebook-state-executing') ||
      html.includes('codicon-modifier-spin') ||
      html.includes('codicon-sync')
    )
      return 'running';
    if (html.includes('notebook-state-pending')) return 'pending';
    return 'idle';
  });
}

/** Waits until the cell's run ended; returns 'success' or 'error'. */
export async function waitCellDone(row: Locator, timeoutMs = LONG): Promise<string> {
  let last = '';
  return waitFor(
    () => `the cell to finish running (state: ${last || 'unknown'})`,
    async () => {
      last = await cellState(row);
      return last === 'success' || last === 'error' ? last : undefined;
    },
    timeoutMs,
    250
  );
}

/**
 * The outputs (or the markdown preview) the webview draws for a cell. VS Code renders every output of a
 * notebook in one webview (iframe.webview -> iframe#active-frame), which scrolls with the cell list and
 * places each cell's container at the cell's top, so they are the ones whose top is the row's.
 */
export async function outputsOfRow(page: Page, row: Locator): Promise<Locator[]> {
  const rb = await row.boundingBox();
  const frameEl = notebookEditor(page).locator('iframe.webview').first().contentFrame().locator('iframe#active-frame');
  const fb = await frameEl.boundingBox().catch(() => null);
  if (!rb || !fb) return [];
  const items = frameEl.contentFrame().locator('.cell_container, .markup .preview');
  const tops = await items.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
  const k = tops.findIndex((top) => Math.abs(fb.y + top - rb.y) <= 3);
  if (k < 0) return [];
  const item = items.nth(k);
  if (((await item.getAttribute('class')) ?? '').includes('preview')) return [item];
  return item.locator('.output_container').all();
}

/** The text a user reads in an element: nothing hidden, no plot internals (SVG), styles or transient status lines. */
export async function readableText(el: Locator): Promise<string> {
  // (no named inner functions: tsx would wrap them in a helper the page does not have)
  return el.evaluate((root) => {
    const parts: string[] = [];
    const stack: Node[] = [root];
    while (stack.length) {
      const n = stack.pop() as Node;
      if (n.nodeType === Node.TEXT_NODE) {
        parts.push(n.textContent ?? '');
        continue;
      }
      if (!(n instanceof Element)) continue;
      const tag = n.tagName.toLowerCase();
      if (
        tag === 'svg' ||
        tag === 'style' ||
        tag === 'script' ||
        tag === 'canvas' ||
        n.classList.contains('ddpm-status')
      )
        continue;
      if (n.hasAttribute('hidden') || getComputedStyle(n).display === 'none') continue; // e.g. the tabs not shown
      const kids = [...(n.shadowRoot ? Array.from(n.shadowRoot.childNodes) : []), ...Array.from(n.childNodes)];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  });
}
