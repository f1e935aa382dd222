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
      { type: 'save-image', format: 'png' }
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
});
