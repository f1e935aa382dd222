// Paths the unit tests read from, independent of how deep a test file sits under test/unit/.
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** Golden data generated from real PyTorch by scripts/fixtures/. */
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
