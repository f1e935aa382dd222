// The messages between the extension host and the views (src/common/viewMessages.ts): what a view
// posts is untrusted input, checked field by field before the host acts on it.
import { strict as assert } from 'node:assert';
import { parseHostMessage, parseViewMessage } from '../../../src/common/viewMessages';

describe('view messages', () => {
  it('accepts the four contract messages and nothing else', () => {
    assert.deepEqual(parseViewMessage({ type: 'ready' }), { message: { type: 'ready' } });
    assert.deepEqual(parseViewMessage({ type: 'compare-request', extra: 1 }), { message: { type: 'compare-request' } });
    assert.deepEqual(parseViewMessage({ type: 'copy', text: 'tensor([1.])' }), {
      message: { type: 'copy', text: 'tensor([1.])' }
    });
    assert.deepEqual(
      parseViewMessage({ type: 'save-image', format: 'svg', data: 'data:image/svg+xml,<svg/>', name: 'plot' }),
      {
        message: {
          type: 'save-image',
          format: 'svg',
          data: 'data:image/svg+xml,<svg/>',
          name: 'plot'
        }
      }
    );
    assert.deepEqual(parseViewMessage({ type: 'modules-request', set: 'plotly-gl' }), {
      message: { type: 'modules-request', set: 'plotly-gl' }
    });
    assert.deepEqual(parseViewMessage({ type: 'save-image', format: 'png', data: 'data:image/png;base64,' }), {
      message: { type: 'save-image', format: 'png', data: 'data:image/png;base64,', name: 'ddpm-plot' }
    });
    for (const bad of [
      null,
      42,
      'ready',
      [],
      {},
      { type: 'run' },
      { type: 'copy' },
      { type: 'copy', text: 3 },
      { type: 'save-image', format: 'gif', data: 'x' },
      { type: 'save-image', format: 'png' },
      { type: 'modules-request' },
      { type: 'modules-request', set: 'plotly.js' }
    ]) {
      const parsed = parseViewMessage(bad);
      assert.equal(parsed.message, undefined, JSON.stringify(bad));
      assert.ok(
        typeof parsed.error === 'string' && parsed.error.length > 0 && !parsed.error.includes('\n'),
        `one line for ${JSON.stringify(bad)}`
      );
    }
  });

  it('says in one line which field is wrong', () => {
    const error = (m: unknown) => parseViewMessage(m).error;
    assert.equal(error(42), 'message: not an object');
    assert.equal(error({}), 'message: type is missing or not a string');
    assert.equal(error({ type: 'run' }), 'message: unknown type "run"');
    assert.equal(
      error({ type: 'x\ny'.repeat(30) }),
      `message: unknown type ${JSON.stringify('x\ny'.repeat(30).slice(0, 40))}`
    );
    assert.equal(error({ type: 'copy', text: 3 }), 'copy: text is missing or not a string');
    assert.equal(error({ type: 'save-image', format: 'gif', data: 'x' }), 'save-image: format must be "png" or "svg"');
    assert.equal(error({ type: 'save-image', format: 'png' }), 'save-image: data is missing or not a string');
    assert.equal(
      error({ type: 'modules-request', set: 'gl' }),
      'modules-request: set must be one of "plotly", "plotly-gl"'
    );
  });

  it("checks the host's run message as the results panel receives it", () => {
    const run = { inputs: {} };
    assert.deepEqual(parseHostMessage({ type: 'run', run, origin: 'seed.inputs.json' }), {
      message: { type: 'run', run, origin: 'seed.inputs.json' }
    });
    assert.deepEqual(parseHostMessage({ type: 'run', run }), { message: { type: 'run', run } });
    assert.equal(parseHostMessage({ type: 'ready' }).error, 'message: unknown type "ready"');
    assert.equal(parseHostMessage({ type: 'run' }).error, 'run: run is missing or not an object');
    assert.equal(parseHostMessage(undefined).error, 'message: not an object');
  });

  it("checks the host's modules message: a set, then its error or its modules, each a file, its imports and its bytes", () => {
    const bytes = new TextEncoder().encode('export default 1;');
    const modules = [
      { file: 'chunks/plotly-A.js', imports: ['chunks/chunk-B.js'], bytes },
      { file: 'chunks/chunk-B.js', imports: [], bytes }
    ];
    assert.deepEqual(parseHostMessage({ type: 'modules', set: 'plotly', modules, extra: 1 }), {
      message: { type: 'modules', set: 'plotly', modules }
    });
    assert.deepEqual(parseHostMessage({ type: 'modules', set: 'plotly-gl', error: 'ENOENT: no such file' }), {
      message: { type: 'modules', set: 'plotly-gl', error: 'ENOENT: no such file' }
    });
    const error = (m: unknown) => parseHostMessage(m).error;
    assert.equal(error({ type: 'modules', modules }), 'modules: set must be one of "plotly", "plotly-gl"');
    assert.equal(error({ type: 'modules', set: 'plotly' }), 'modules: modules is missing or not a non-empty array');
    assert.equal(
      error({ type: 'modules', set: 'plotly', modules: [] }),
      'modules: modules is missing or not a non-empty array'
    );
    assert.equal(
      error({ type: 'modules', set: 'plotly', modules: [modules[0], { imports: [], bytes }] }),
      'modules[1]: file is missing or not a string'
    );
    assert.equal(
      error({ type: 'modules', set: 'plotly', modules: [{ file: 'a.js', imports: [3], bytes }] }),
      'modules[0]: imports is missing or not an array of strings'
    );
    assert.equal(
      error({ type: 'modules', set: 'plotly', modules: [{ file: 'a.js', imports: [], bytes: 'export {}' }] }),
      'modules[0]: bytes is missing or not a Uint8Array'
    );
  });
});
