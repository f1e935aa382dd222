import { strict as assert } from 'node:assert';
describe('toolchain', () => {
  it('runs TypeScript tests', () => {
    assert.equal(Math.fround(0.1), 0.10000000149011612);
  });
});
