// The suite's entry, run inside the extension host (bundled by runTest.ts into out/integration/index.js,
// mocha included). @vscode/test-electron calls run(); the code-server host's harness calls runSuite().
import Mocha from 'mocha';

export interface SuiteResult {
  passed: string[];
  failed: string[];
}

export async function runSuite(): Promise<SuiteResult> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 120000 });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  // Imported after pre-require so that describe/it exist when the test files load.
  await import('./extension.test');
  await import('./notebook.test');
  const result: SuiteResult = { passed: [], failed: [] };
  await new Promise<number>((resolve) =>
    mocha
      .run(resolve)
      .on('pass', (test) => result.passed.push(test.fullTitle()))
      .on('fail', (test, err: Error) =>
        result.failed.push(`${test.fullTitle()}: ${String(err?.message).split('\n')[0]}`)
      )
  );
  return result;
}

export async function run(): Promise<void> {
  const { failed } = await runSuite();
  if (failed.length) throw new Error(`${failed.length} integration test(s) failed: ${failed.join(' | ')}`);
}
