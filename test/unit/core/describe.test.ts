// How error messages name an unexpected value (src/core/describe.ts): one short line whatever the value.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DESCRIBED_STRING_MAX, describe as describeValue, isObject } from '../../../src/core/describe';

describe('describe (values in error messages)', () => {
  it('names each kind of JSON value', () => {
    assert.equal(describeValue(undefined), 'nothing');
    assert.equal(describeValue(null), 'null');
    assert.equal(describeValue([1, 2]), 'an array');
    assert.equal(describeValue({ a: 1 }), 'an object');
    assert.equal(describeValue(1.5), '1.5');
    assert.equal(describeValue(true), 'true');
    assert.equal(describeValue('x'), '"x"');
  });

  it('quotes a string as JSON, cut after DESCRIBED_STRING_MAX characters, on one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const d = describeValue(s);
        assert.ok(!d.includes('\n'), d);
        const shown = JSON.parse(d) as string;
        if (s.length <= DESCRIBED_STRING_MAX) assert.equal(shown, s);
        else assert.equal(shown, `${s.slice(0, DESCRIBED_STRING_MAX)}...`);
      })
    );
  });

  it('isObject: a plain object, not null, not an array', () => {
    assert.equal(isObject({}), true);
    assert.equal(isObject(null), false);
    assert.equal(isObject([]), false);
    assert.equal(isObject('a'), false);
    assert.equal(isObject(undefined), false);
  });
});
