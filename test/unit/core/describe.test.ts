// How error messages name an unexpected value (src/core/describe.ts): one short line whatever the value.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { clipped, DESCRIBED_STRING_MAX, describe as describeValue, isObject } from '../../../src/core/describe';

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

  it('clipped: the text cut after max characters with "...", a character beyond U+FFFF never halved', () => {
    assert.equal(clipped('abc', 3), 'abc');
    assert.equal(clipped('abcd', 3), 'abc...');
    // the emoji at the cut (two UTF-16 units, the third and fourth) is left out whole, not cut in half
    assert.equal(clipped('ab\u{1F642}c', 3), 'ab...');
    assert.equal(clipped('ab\u{1F642}c', 4), 'ab\u{1F642}...');
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
