// The .ddpmnb format and serializer: exact round trips (cells, languages, metadata, execution summaries,
// outputs byte for byte, a real run output included), damaged files refused with one line (never opened as
// an empty notebook that would be saved over them), and the bundled seed notebook (fresh, and its cells
// reproduce what PyTorch printed).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CellSession, runCellSync } from '../../../../src/core/notebook/cellLanguage/interpreter';
import {
  parseNotebook,
  serializeNotebook,
  splitLines,
  NotebookFileError,
  type NotebookFileData
} from '../../../../src/core/notebook/notebookFile';
import { firstUnkeptValue, MAX_DEPTH } from '../../../../src/core/notebook/jsonKept';
import { scanJson } from '../../../../src/core/tensors/jsonText';
import { encodeRunResult } from '../../../../src/core/run/runCodec';
import { parseInputsText } from '../../../../src/core/sampler/inputs';
import { runSampler } from '../../../../src/core/sampler/sampler';
import { RUN_MIME } from '../../../../src/core/types';
import { DdpmNotebookSerializer, fromNotebookData, toNotebookData } from '../../../../src/extension/serializer';
import { SEED_NOTEBOOK_FILE, seedNotebookText } from '../../../../scripts/make-seed-notebook';
import { fakeVscode } from '../../helpers/fakeVscode';
import { PYTHON, torchMissing } from '../../helpers/torch';
import { seedInputsText, seedExpected } from '../../helpers/seedExample';
import { directHost } from '../../helpers/cellLanguage';

const encoder = new TextEncoder();
const seedInputs = parseInputsText(seedInputsText, 'seed.inputs.json').inputs;

function richNotebook(): NotebookFileData {
  const run = runSampler(seedInputs, { profile: 'avx2-fma', record: { kind: 'all' } });
  const runBytes = encoder.encode(JSON.stringify(encodeRunResult(run)));
  return {
    metadata: { kernel: 'ddpm-lab.kernel', nested: { a: [1, 'two', null] } },
    cells: [
      {
        kind: 'markdown',
        language: 'markdown',
        source: '# Title\n\nText with a trailing newline\n',
        metadata: { tags: ['intro'] }
      },
      {
        kind: 'code',
        language: 'ddpm',
        source: 'w_model = [[0.12, -0.3]]\r\nseed = 42\n\n',
        metadata: { collapsed: true },
        execution: { order: 3, success: true, start: 1700000000000, end: 1700000000042 },
        outputs: [
          {
            items: [
              { mime: RUN_MIME, data: runBytes },
              { mime: 'text/plain', data: encoder.encode('tensor([[ 0.4527,  0.1824]])') }
            ],
            metadata: { note: 'x' }
          },
          {
            items: [
              { mime: 'application/vnd.code.notebook.stderr', data: encoder.encode('warning: one\nwarning: two') }
            ]
          },
          {
            items: [{ mime: 'application/json', data: encoder.encode(JSON.stringify({ a: 1, b: [true] }, null, '\t')) }]
          },
          { items: [{ mime: 'application/json', data: encoder.encode('{ "spaced" : 1 }') }] },
          { items: [{ mime: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255, 128, 7]) }] },
          { items: [{ mime: 'text/plain', data: new Uint8Array([0xff, 0xfe, 0x41]) }] } // not UTF-8: kept as base64
        ]
      },
      { kind: 'code', language: 'json', source: '', execution: { order: 4, success: false } },
      { kind: 'code', language: 'ddpm', source: 'sample()', outputs: [] }
    ]
  };
}

/** The data as the serializer normalises it: code cells always have an outputs array. */
function normalised(d: NotebookFileData): NotebookFileData {
  return { ...d, cells: d.cells.map((c) => (c.kind === 'code' ? { ...c, outputs: c.outputs ?? [] } : c)) };
}

describe('notebook file: round trip', () => {
  it('saving then opening gives back every cell, language, metadata, execution summary and output byte for byte', () => {
    const data = richNotebook();
    const text = serializeNotebook(data);
    assert.deepEqual(parseNotebook(encoder.encode(text)), normalised(data));
    // and saving again writes the same file
    assert.equal(serializeNotebook(parseNotebook(text)), text);
  });

  it('writes readable JSON: sources as lines, text as text, the run output as a JSON object', () => {
    const file = JSON.parse(serializeNotebook(richNotebook()));
    const outputs = file.cells[1].outputs;
    assert.deepEqual(file.cells[0].source, ['# Title\n', '\n', 'Text with a trailing newline\n']);
    assert.equal(typeof outputs[0].items[0].json, 'object');
    assert.equal(outputs[0].items[0].json.schema, 'ddpm-lab.run/1');
    assert.equal(outputs[0].items[1].text, 'tensor([[ 0.4527,  0.1824]])');
    assert.equal(outputs[2].items[0].indent, '\t');
    assert.equal(outputs[3].items[0].text, '{ "spaced" : 1 }');
    assert.equal(typeof outputs[4].items[0].base64, 'string');
    assert.equal(typeof outputs[5].items[0].base64, 'string');
  });

  it('round-trips arbitrary notebooks exactly (property)', () => {
    const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    const metadata = fc.dictionary(fc.string({ maxLength: 6 }), json, { maxKeys: 3, noNullPrototype: true });
    const item = fc.record(
      {
        mime: fc.constantFrom('text/plain', 'application/json', RUN_MIME, 'image/png', 'text/html'),
        data: fc.oneof(
          fc.uint8Array({ maxLength: 24 }),
          fc.string().map((s) => encoder.encode(s)),
          json.map((v) => encoder.encode(JSON.stringify(v) ?? 'null'))
        )
      },
      { noNullPrototype: true }
    );
    const cell = fc.oneof(
      fc.record(
        { kind: fc.constant<'markdown'>('markdown'), language: fc.constant('markdown'), source: fc.string() },
        { noNullPrototype: true }
      ),
      fc.record(
        {
          kind: fc.constant<'code'>('code'),
          language: fc.constantFrom('ddpm', 'json'),
          source: fc.string(),
          metadata,
          outputs: fc.array(fc.record({ items: fc.array(item, { maxLength: 3 }) }, { noNullPrototype: true }), {
            maxLength: 3
          }),
          // a run's timing is both times or none, as VS Code keeps it (executionSummary.timing)
          execution: fc
            .tuple(
              fc.record({ order: fc.nat(), success: fc.boolean() }, { requiredKeys: [], noNullPrototype: true }),
              fc.option(fc.record({ start: fc.nat(), end: fc.nat() }, { noNullPrototype: true }), { nil: undefined })
            )
            .map(([summary, timing]) => ({ ...summary, ...timing }))
        },
        { requiredKeys: ['kind', 'language', 'source', 'outputs'], noNullPrototype: true }
      )
    );
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 5 }), (cells) => {
        const data = { cells } as NotebookFileData;
        const back = parseNotebook(serializeNotebook(data));
        const clean = (d: NotebookFileData) =>
          d.cells.map((c) => ({
            ...c,
            metadata: c.metadata && Object.keys(c.metadata).length ? c.metadata : undefined,
            execution: c.execution && Object.keys(c.execution).length ? c.execution : undefined
          }));
        assert.deepEqual(clean(back), clean(data));
      }),
      { numRuns: 200 }
    );
  });

  it('splitLines keeps every character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', '\r', ' ') }), (s) =>
        assert.equal(splitLines(s).join(''), s)
      )
    );
  });

  it('through the VS Code serializer (fake API): NotebookData survives save and open, and the file survives open and save', () => {
    const serializer = new DdpmNotebookSerializer(fakeVscode);
    const data = richNotebook();
    const nb = toNotebookData(fakeVscode, data);
    const bytes = serializer.serializeNotebook(nb);
    const back = serializer.deserializeNotebook(bytes);
    assert.deepEqual(fromNotebookData(fakeVscode, back), normalised(data));
    assert.equal(back.cells[1].executionSummary?.timing?.endTime, 1700000000042);
    assert.equal(back.cells[0].kind, fakeVscode.NotebookCellKind.Markup);
    const seed = readFileSync(SEED_NOTEBOOK_FILE);
    assert.equal(
      new TextDecoder().decode(serializer.serializeNotebook(serializer.deserializeNotebook(seed))),
      seed.toString('utf8')
    );
  });
});

describe('notebook file: damaged files', () => {
  const valid = serializeNotebook(richNotebook());

  it('an empty file (a new notebook) opens as an empty notebook', () => {
    assert.deepEqual(parseNotebook(new Uint8Array()), { cells: [] });
    assert.deepEqual(parseNotebook(' \n'), { cells: [] });
  });

  it('refuses damaged content with one line naming the place; the VS Code serializer throws it (file left untouched)', () => {
    const cases: [string, RegExp][] = [
      ['{"format": "ddpm-notebook/1", "cells": [', /^file: not valid JSON/],
      // the place and a short reason, not the engine's quote of the text
      ['{"format": "ddpm-notebook/1", "cells": [}', /^file: not valid JSON at line 1, column 41: unexpected '\}'$/],
      // a file of a no-break space is not an empty file: refused (saving over it would replace it), the character named
      ['\u00a0', /^file: not valid JSON at line 1, column 1: unexpected U\+00A0$/],
      ['\u0000{}', /^file: not valid JSON at line 1, column 1: unexpected "\\u0000"$/],
      ['[1, 2]', /^file: expected a JSON object, got an array$/],
      ['{"cells": []}', /^file: format: expected "ddpm-notebook\/1", got nothing$/],
      ['{"format": "ddpm-notebook/1", "cells": {}}', /^file: cells: expected an array, got an object$/],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "raw", "language": "x", "source": ""}]}',
        /^cells\[0\]\.kind: expected "markdown" or "code", got "raw"$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": [1]}]}',
        /^cells\[0\]\.source\[0\]: expected a string, got 1$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "outputs": [{"items": [{"mime": "image/png", "base64": "***"}]}]}]}',
        /^cells\[0\]\.outputs\[0\]\.items\[0\]\.base64: not valid base64$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "outputs": [{"items": [{"mime": "text/plain"}]}]}]}',
        /^cells\[0\]\.outputs\[0\]\.items\[0\]: expected exactly one of "text", "json" or "base64"$/
      ],
      // a hand edit's typo or key of its own would be dropped on the next save: refused, naming it
      [
        '{"format": "ddpm-notebook/1", "metdata": {}, "cells": []}',
        /^file: metdata: unknown key \(did you mean "metadata"\? expected "format", "metadata", "cells"; keys of your own go under "metadata"\)$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "output": []}]}',
        /^cells\[0\]\.output: unknown key \(did you mean "outputs"\? expected "kind", "language", "source", "metadata", "outputs", "execution"; keys/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "tags": []}]}',
        /^cells\[0\]\.tags: unknown key \(expected "kind", /
      ],
      // a key that is no plain name: quoted (a line break in it escaped) and cut, the message one line
      [
        '{"format": "ddpm-notebook/1", "cells": [], "a\\nb": 1}',
        /^file: "a\\nb": unknown key \(expected "format", "metadata", "cells"; keys of your own go under "metadata"\)$/
      ],
      [`{"format": "ddpm-notebook/1", "cells": [], "${'x'.repeat(200)}": 1}`, /^file: "x{40}\.\.\.": unknown key \(/],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "execution": {"order": 1, "stat": 5}}]}',
        /^cells\[0\]\.execution\.stat: unknown key \(did you mean "start"\? expected "order", "success", "start", "end"\)$/
      ],
      // what the next save would drop: an indent on a text item, half of a run's timing
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "outputs": [{"items": [{"mime": "text/plain", "text": "hi", "indent": "\\t"}]}]}]}',
        /^cells\[0\]\.outputs\[0\]\.items\[0\]\.indent: only a "json" item has an indent$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "execution": {"order": 3, "start": 1700000000000}}]}',
        /^cells\[0\]\.execution\.end: missing: "start" and "end" go together$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "execution": {"end": 1700000000000}}]}',
        /^cells\[0\]\.execution\.start: missing: "start" and "end" go together$/
      ],
      // what the next save would change: a key given twice (JSON.parse keeps the last), a number no double holds
      [
        '{"format": "ddpm-notebook/1", "metadata": {"run_id": 12345678901234567890}, "cells": []}',
        /^metadata\.run_id: the integer 12345678901234567890 would be saved as 12345678901234567000 \(a notebook keeps numbers as doubles\); write it as a string to keep it$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "metadata": {"my key": {"x": 1e400}}}]}',
        /^cells\[0\]\.metadata\["my key"\]\.x: the number 1e400 is beyond what a double holds: a save would write null; write it as a string to keep it$/
      ],
      [
        '{"format": "ddpm-notebook/1", "metadata": {"a": [1, 2.5, -0.0]}, "cells": []}',
        /^metadata\.a\[2\]: the number -0\.0 is negative zero, which a save writes as 0; write it as a string to keep it$/
      ],
      [
        '{"format": "ddpm-notebook/1", "metadata": {"big": 1180591620717411303424}, "cells": []}',
        /^metadata\.big: the integer 1180591620717411303424 would be saved as 1\.1805916207174113e\+21 /
      ],
      // not a value of the user's own: no advice to write it as a string (the format wants a number there)
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "execution": {"order": 1, "start": 1e400, "end": 1}}]}',
        /^cells\[0\]\.execution\.start: the number 1e400 is beyond what a double holds: a save would write null$/
      ],
      [
        '{"format": "ddpm-notebook/1", "cells": [{"kind": "code", "language": "ddpm", "source": "", "outputs": [{"items": [{"mime": "application/json", "json": {"seed": 9007199254740993}}]}]}]}',
        /^cells\[0\]\.outputs\[0\]\.items\[0\]\.json\.seed: the integer 9007199254740993 would be saved as 9007199254740992 \(a notebook keeps numbers as doubles\); write it as a string to keep it$/
      ],
      [
        '{"format": "ddpm-notebook/1", "metadata": {"a": 1, "b": {"\\"a": 2}, "a": 3}, "cells": []}',
        /^metadata\.a: this key is given twice in its object; a save would keep the last value only \(remove one\)$/
      ],
      ['{"format": "ddpm-notebook/1", "cells": [], "cells": []}', /^cells: this key is given twice in its object/],
      [
        '{"format": "ddpm-notebook/2", "cells": []}',
        /^file: format: "ddpm-notebook\/2" is a newer format than this DDPM Lab reads \("ddpm-notebook\/1"\): update DDPM Lab to open it$/
      ]
    ];
    const shown: string[] = [];
    const serializer = new DdpmNotebookSerializer(fakeVscode, (m) => shown.push(m));
    for (const [text, message] of cases) {
      assert.throws(
        () => parseNotebook(text, 'file'),
        (e: unknown) => e instanceof NotebookFileError && message.test(e.message) && !e.message.includes('\n'),
        text
      );
      assert.throws(
        () => serializer.deserializeNotebook(encoder.encode(text)),
        /^Error: Cannot open this DDPM notebook \(.+\); the file was left untouched\.$/
      );
      // VS Code only says "could not be opened": the message itself is shown to the user
      assert.match(shown.pop() ?? '', /^Cannot open this DDPM notebook \(.+\); the file was left untouched\.$/);
    }
    assert.throws(
      () => parseNotebook(new Uint8Array([0x7b, 0xff, 0x7d]), 'file'),
      /^NotebookFileError: file: not UTF-8 text$/
    );
  });

  it('the scan of what a save keeps stops at text that is not JSON (parseNotebook has JSON.parse say where)', () => {
    assert.equal(firstUnkeptValue('{"a": "unterminated'), null);
    assert.equal(firstUnkeptValue('{"a": "x\\"'), null);
  });

  it('opens metadata nested as deep as a save can write, and refuses deeper', () => {
    const nested = (arrays: number): string =>
      `{"format": "ddpm-notebook/1", "metadata": {"a": ${'['.repeat(arrays)}${']'.repeat(arrays)}}, "cells": []}`;
    // the file's object, metadata's and the arrays: MAX_DEPTH in all
    const deepest = parseNotebook(nested(MAX_DEPTH - 2), 'file');
    assert.deepEqual(parseNotebook(serializeNotebook(deepest), 'file'), deepest);
    assert.throws(
      () => parseNotebook(nested(MAX_DEPTH - 1), 'file'),
      /^NotebookFileError: metadata\.a\[0\]\[0\]…: nested more than 1000 objects and arrays deep, deeper than a save can write$/
    );
  });

  it("opens what a save keeps: a number's double (in any notation), integers a double holds, the same key in other objects", () => {
    // 0.10000000000000001 (%.17g's) is saved as 0.1 and 1e-400 as 0: the same doubles, as Python's json reads them too
    const text =
      '{"format": "ddpm-notebook/1", "metadata": {"a": 1.0, "b": 1E5, "c": 0.10, "d": -2.50e-3, "e": 9007199254740992, "f": "12345678901234567890", "g": {"a": 0}, "h": [{"a": 1}, {"a": 2}], "i": 0, "j": 1e21, "k": 5e-324, "l": 0.10000000000000001, "m": 1e-400, "n": -0.5, "o": 100000000000000000000}, "cells": []}';
    const meta = parseNotebook(text, 'file').metadata!;
    assert.equal(meta.e, 2 ** 53);
    assert.equal(meta.j, 1e21);
    assert.equal(meta.l, 0.1);
    assert.equal(meta.o, 1e20);
    // anything JSON.stringify writes is kept, keys with quotes and backslashes included
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const notebook = `{"format": "ddpm-notebook/1", "metadata": {"v": ${JSON.stringify(v, null, 1)}}, "cells": []}`;
        assert.deepEqual(parseNotebook(notebook, 'file').metadata, { v: JSON.parse(JSON.stringify(v)) });
      }),
      { numRuns: 500 }
    );
  });

  // where the reader's messages place a JSON syntax error (jsonErrorDetail): the scan's first error, -1 for none
  const jsonErrorOffset = (text: string): number => scanJson(text).errorAt ?? -1;

  it('locates JSON syntax errors: valid JSON has none, invalid JSON has one, where V8 says so when it says', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => assert.equal(jsonErrorOffset(JSON.stringify(v, null, 1)), -1)));
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.nat(),
        fc.constantFrom('}', ']', ',', ':', '"', 'x', '\\', ''),
        (v, at, junk) => {
          const good = JSON.stringify(v);
          const text =
            good.slice(0, at % (good.length + 1)) + junk + good.slice((at % (good.length + 1)) + (junk ? 0 : 1));
          let v8: string | null = null;
          try {
            JSON.parse(text);
          } catch (e) {
            v8 = (e as Error).message;
          }
          const offset = jsonErrorOffset(text);
          assert.equal(offset >= 0, v8 !== null, text);
          const m = v8 && /at position (\d+)/.exec(v8);
          if (m) assert.equal(offset, Number(m[1]), `${text}: ${v8}`);
        }
      ),
      { numRuns: 1000 }
    );
  });

  it('every truncation of a saved notebook is refused, never read as an empty notebook', () => {
    const text = valid.trimEnd();
    for (let k = 1; k < text.length; k += Math.max(1, Math.floor(text.length / 400))) {
      assert.throws(() => parseNotebook(text.slice(0, k)), NotebookFileError, `prefix of ${k} characters`);
    }
  });
});

describe('seed notebook (media/examples/seed.ddpmnb)', () => {
  it("is what scripts/make-seed-notebook.ts writes from PyTorch's output (run it after changing seedNotebook.ts)", () => {
    assert.equal(readFileSync(SEED_NOTEBOOK_FILE, 'utf8'), seedNotebookText());
  });

  it('running all its cells prints what PyTorch printed, and its compare cell matches', () => {
    const nb = parseNotebook(readFileSync(SEED_NOTEBOOK_FILE));
    const session = new CellSession();
    const outputs = nb.cells
      .filter((c) => c.kind === 'code')
      .map((c) =>
        runCellSync(session, c.source, c.language, { profile: 'avx2-fma', record: { kind: 'all' } }, directHost)
      );
    const runs = outputs.flat().filter((o) => o.kind === 'run');
    assert.equal(runs.length, 2, 'sample() and compare(expected)');
    const [sampled, compared] = runs;
    assert.ok(sampled.kind === 'run' && compared.kind === 'run');
    if (sampled.kind !== 'run' || compared.kind !== 'run') return;
    assert.equal(sampled.text, seedExpected.printed);
    assert.deepEqual(
      Array.from(new Uint32Array(sampled.run.sample.data.buffer, sampled.run.sample.data.byteOffset, 8)),
      seedExpected.bits
    );
    assert.equal(compared.run.comparison?.matches, true);
    assert.equal(compared.run.comparison?.mismatched, 0);
  });

  it('the PyTorch loop in its markdown prints that output (live, needs /usr/bin/python3 with torch)', function () {
    if (torchMissing()) this.skip();
    const nb = parseNotebook(readFileSync(SEED_NOTEBOOK_FILE));
    const md = nb.cells.find((c) => c.kind === 'markdown' && c.source.includes('```python'));
    assert.ok(md);
    const script = md.source.split('```python\n')[1].split('```')[0];
    const out = execFileSync(PYTHON, ['-c', `import torch\ntorch.set_num_threads(1)\n${script}`], {
      env: { ...process.env, ATEN_CPU_CAPABILITY: 'avx2' },
      encoding: 'utf8'
    });
    assert.equal(out.trimEnd(), seedExpected.printed);
  });
});
