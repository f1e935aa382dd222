// ESLint flat config: typescript-eslint recommended rules, and the boundaries between the parts (which
// part may import what; README "Architecture"). Errors fail `npm run lint`; test/unit/lint.test.ts shows
// each boundary rule firing on a deliberate violation.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

/** Modules a part may not import: a regular expression over the import's source text, and why not. */
const VSCODE = { regex: '^vscode$', what: 'vscode (the API exists only in the extension host)' };
const NODE = {
  regex: `^(node:.*|(${builtinModules
    .filter((m) => !m.startsWith('_'))
    .map((m) => m.replace(/\//g, '\\/'))
    .join('|')})(\\/.*)?)$`,
  what: 'Node built-in modules'
};
/** src/extension, src/cli (and src/cli.ts), src/report, src/common, src/host, renderer/, as imported from another part */
const inSrc = (folder) => `^(\\.{1,2}\\/)+(src\\/)?${folder}(\\.ts)?(\\/|$)`;
const EXTENSION = { regex: inSrc('extension'), what: 'src/extension (the VS Code glue)' };
const CLI = { regex: inSrc('cli'), what: 'src/cli (the command-line tool)' };
const REPORT = { regex: inSrc('report'), what: 'src/report' };
const COMMON = { regex: inSrc('common'), what: 'src/common' };
const HOST = { regex: inSrc('host'), what: 'src/host (Node code)' };
const RENDERER = { regex: '(^|\\/)renderer(\\/|$)', what: 'renderer/ (webview code)' };

/**
 * One boundary: `files` may not import any of `forbidden`, statically (import/export ... from) or
 * dynamically (import()). `part` names the files in the message.
 */
function boundary(files, part, forbidden) {
  const message = (f) => `${part} may not import ${f.what}: see README "Architecture".`;
  // esquery regex literals cannot hold "/": spell it \x2F there
  const dynamic = (f) => `ImportExpression[source.value=/${f.regex.replace(/\\\//g, '\\x2F')}/]`;
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map((f) => ({ regex: f.regex, message: message(f) })) }],
      'no-restricted-syntax': ['error', ...forbidden.map((f) => ({ selector: dynamic(f), message: message(f) }))]
    }
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.e2e-cache/**',
      'test-results/**',
      '.vscode-test/**',
      '**/*.generated.*'
    ]
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  // src/core is pure TypeScript: it runs in Node, a worker and a browser, and depends on no other part.
  boundary(['src/core/**/*.ts'], 'src/core (pure TypeScript, for Node, a worker and a browser)', [
    VSCODE,
    NODE,
    EXTENSION,
    CLI,
    REPORT,
    COMMON,
    HOST,
    RENDERER
  ]),
  // src/common (the host<->view messages) is shared by the extension host and the webviews.
  boundary(['src/common/**/*.ts'], 'src/common (shared by the extension host and the webviews)', [
    VSCODE,
    NODE,
    EXTENSION,
    CLI,
    REPORT,
    HOST,
    RENDERER
  ]),
  // renderer/ runs in webviews and talks to the host only through messages (src/common/viewMessages.ts).
  boundary(['renderer/**/*.ts'], 'renderer/ (webview code, talks to the host by messages)', [
    VSCODE,
    NODE,
    EXTENSION,
    CLI
  ]),
  // the command-line tool runs without VS Code.
  boundary(['src/cli.ts', 'src/cli/**/*.ts'], 'src/cli (runs without VS Code)', [VSCODE, EXTENSION]),
  // src/host: Node code shared by the CLI and the extension (running a local Python): neither VS Code nor either front.
  boundary(['src/host/**/*.ts'], 'src/host (Node code shared by the CLI and the extension)', [VSCODE, EXTENSION, CLI]),
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  }
);
