// The sample as a compact table: each cell as PyTorch prints the tensor, the exact float32
// (shortest round-trip decimal) on hover, and a click copies it.
import { h } from '../../dom';
import type { View, ViewContext } from '../common';
import { printFormatNote, tableModel } from './tableModel';

/** A numeric table: header of column indices, a row index column, cells with text and a title. */
export function numericTable(
  caption: string,
  cols: number,
  rows: number[],
  cell: (k: number, i: number, j: number) => { text: string; title: string; className?: string },
  testId?: string
): HTMLElement {
  const head = h('tr', {}, h('th', { scope: 'col' }, ''));
  for (let j = 0; j < cols; j++) head.append(h('th', { scope: 'col' }, String(j)));
  const body = h('tbody');
  rows.forEach((i, r) => {
    const tr = h('tr', {}, h('th', { scope: 'row' }, String(i)));
    for (let j = 0; j < cols; j++) {
      const c = cell(r * cols + j, i, j);
      tr.append(h('td', { title: c.title, class: c.className, 'data-row': String(i), 'data-col': String(j) }, c.text));
    }
    body.append(tr);
  });
  return h(
    'div',
    { class: 'ddpm-table-wrap' },
    h('table', { class: 'ddpm-table', 'data-testid': testId }, h('caption', {}, caption), h('thead', {}, head), body)
  );
}

export function createTableView(ctx: ViewContext): View {
  const m = ctx.run.sample;
  const model = tableModel(m);
  const table = numericTable(
    `x_0, shape (${m.rows}, ${m.cols}), float32`,
    m.cols,
    model.shownRows,
    (k, i, j) => ({
      text: model.printed[k],
      title: `x_0[${i}, ${j}] = ${model.exact[k]} (float32; click to copy)`
    }),
    'ddpm-table'
  );
  table.addEventListener('click', (e) => {
    const td = (e.target as HTMLElement).closest('td');
    if (!td || !table.contains(td)) return;
    const i = Number(td.dataset.row);
    const j = Number(td.dataset.col);
    const k = model.shownRows.indexOf(i) * m.cols + j;
    ctx.host.copy(model.exact[k]);
    ctx.status(`Copied x_0[${i}, ${j}] = ${model.exact[k]}`);
  });
  const hint = h(
    'p',
    { class: 'ddpm-note', 'data-testid': 'ddpm-table-format' },
    `${printFormatNote(m)} Hover a cell for its exact float32 value, click to copy it.`
  );
  const element = h(
    'div',
    { class: 'ddpm-view' },
    hint,
    model.note ? h('p', { class: 'ddpm-note' }, model.note) : null,
    table
  );
  return { element, draw: async () => undefined, resize: () => undefined, dispose: () => undefined };
}
