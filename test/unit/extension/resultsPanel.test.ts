// The results panel's page and the image data of the views' save-image messages (src/extension/panelHtml.ts,
// messages.ts): a strict content security policy, and untrusted webview data checked before use.
import { strict as assert } from 'node:assert';
import { deflateSync } from 'node:zlib';
import {
  buildPanelHtml,
  contentSecurityPolicy,
  INLINE_SCRIPT_NAME,
  makeNonce,
  modulesMessage
} from '../../../src/extension/panelHtml';
import { imageBytesFromDataUrl, imageFileName } from '../../../src/extension/messages';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

describe('results panel page', () => {
  const nonce = makeNonce();
  const html = buildPanelHtml({
    cspSource: CSP_SOURCE,
    nonce,
    scriptUri: `${CSP_SOURCE}/ext/dist/renderer/panel.js`,
    cssUri: `${CSP_SOURCE}/ext/dist/renderer/panel.css`
  });

  it('makes a fresh 128-bit nonce each time', () => {
    assert.match(nonce, /^[0-9a-f]{32}$/);
    assert.notEqual(makeNonce(), nonce);
  });

  it('has a strict policy: nothing by default, scripts by nonce, from the extension or from blob: URLs the page makes only, no eval, no remote hosts', () => {
    const csp = contentSecurityPolicy(CSP_SOURCE, nonce);
    const directives = Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([k, ...v]) => [k, v])
    );
    assert.deepEqual(directives['default-src'], ["'none'"]);
    assert.deepEqual(directives['script-src'], [`'nonce-${nonce}'`, CSP_SOURCE, 'blob:', "'wasm-unsafe-eval'"]);
    assert.deepEqual(directives['worker-src'], ["'none'"], 'no workers (blob: scripts would let the page start them)');
    assert.ok(!csp.includes("'unsafe-eval'") && !csp.includes("'strict-dynamic'") && !csp.includes('*'));
    for (const [k, v] of Object.entries(directives)) {
      for (const src of v) assert.ok(src === CSP_SOURCE || /^'|^(data|blob):$/.test(src), `${k}: remote source ${src}`);
    }
    assert.ok(!('connect-src' in directives), 'no network access');
  });

  it('loads only its own nonce-marked script and stylesheet, and has the root the panel script draws into', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], new RegExp(`nonce="${nonce}"`));
    assert.match(
      scripts[0],
      /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/renderer\/panel\.js"/
    );
    assert.match(
      html,
      /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/renderer\/panel\.css">/
    );
    assert.match(html, /<div id="ddpm-root"/);
    assert.match(html, new RegExp(`<meta http-equiv="Content-Security-Policy" content="[^"]*'nonce-${nonce}'`));
    assert.doesNotMatch(buildPanelHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: 'x.js' }), /<link/);
  });

  it('holds its script inline when given one, nonce-marked, and names plotly’s chunks for it on the root', () => {
    const r = (f: string) => `${CSP_SOURCE}/ext/dist/renderer/${f}`;
    const script = 'import("x");\nconst s = "<\\/script>";';
    const h = buildPanelHtml({
      cspSource: CSP_SOURCE,
      nonce,
      scriptUri: r('panel.js'),
      inlineScript: script,
      chunks: { plotly: r('chunks/plotly-B.js'), plotlyGl: r('chunks/plotlyGl-"D.js') }
    });
    const scripts = [...h.matchAll(/<script\b([^>]*)>([^]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.equal(scripts[0][1], ` type="module" nonce="${nonce}"`, 'no src: the text is the script');
    assert.equal(scripts[0][2], `${script}\n//# sourceURL=${INLINE_SCRIPT_NAME}`, 'named for the developer tools');
    assert.match(
      h,
      /<div id="ddpm-root" data-ddpm-panel="results" data-ddpm-chunk-plotly="[^"]*\/renderer\/chunks\/plotly-B\.js" data-ddpm-chunk-plotly-gl="[^"]*\/renderer\/chunks\/plotlyGl-&quot;D\.js">/
    );
    // plotly's chunks come by message (modulesMessage below), not fetched with the page
    assert.doesNotMatch(h, /<link/);
  });

  it('refuses an inline script that would end the script element or open an HTML comment early', () => {
    for (const inlineScript of ['const a = "</script>";', 'const a = "</SCRIPT ";', 'x = 1; <!-- y']) {
      assert.throws(
        () => buildPanelHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: 'x.js', inlineScript }),
        /^Error: the panel page script holds "<\/script" or "<!--": it cannot be written inline$/
      );
    }
  });

  it('escapes what it puts into attributes', () => {
    const h = buildPanelHtml({
      cspSource: CSP_SOURCE,
      nonce,
      scriptUri: 'a.js"><script>alert(1)</script>',
      title: '<b>'
    });
    assert.equal([...h.matchAll(/<script\b/g)].length, 1);
    assert.match(h, /<title>&lt;b&gt;<\/title>/);
  });
});

describe("the results panel's modules message", () => {
  const refs = [
    { file: 'chunks/plotly-A.js', imports: ['chunks/chunk-B.js'] },
    { file: 'chunks/chunk-B.js', imports: [] }
  ];

  it('holds each module of the set with its imports and the bytes read for its file, in the build’s order', async () => {
    const asked: string[] = [];
    const message = await modulesMessage('plotly', refs, async (file) => {
      asked.push(file);
      return new TextEncoder().encode(`/* ${file} */`);
    });
    assert.deepEqual(asked, ['chunks/plotly-A.js', 'chunks/chunk-B.js']);
    assert.deepEqual(message, {
      type: 'modules',
      set: 'plotly',
      modules: refs.map((r) => ({ ...r, bytes: new TextEncoder().encode(`/* ${r.file} */`) }))
    });
  });

  it('says in one line why, when a module cannot be read (the page then imports plotly by URL)', async () => {
    const message = await modulesMessage('plotly-gl', refs, async (file) => {
      if (file.endsWith('chunk-B.js')) throw new Error(`EntryNotFound (FileSystemError): ${file}\n    at read`);
      return new Uint8Array(1);
    });
    assert.deepEqual(message, {
      type: 'modules',
      set: 'plotly-gl',
      error: 'EntryNotFound (FileSystemError): chunks/chunk-B.js'
    });
  });
});

describe('save-image data', () => {
  it('makes safe file names', () => {
    assert.equal(imageFileName('trajectories', 'png'), 'trajectories.png');
    assert.equal(imageFileName('../../etc/passwd', 'svg'), 'etc-passwd.svg');
    assert.equal(imageFileName('diff heatmap (N, d).png', 'png'), 'diff-heatmap-N-d.png');
    assert.equal(imageFileName('', 'png'), 'ddpm-plot.png');
  });

  it('decodes base64 PNG and percent-encoded SVG data URLs, and refuses mismatched or broken ones', () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      deflateSync(Buffer.from('pixels'))
    ]);
    assert.deepEqual(Buffer.from(imageBytesFromDataUrl(`data:image/png;base64,${png.toString('base64')}`, 'png')), png);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>α & β</text></svg>';
    assert.equal(
      new TextDecoder().decode(
        imageBytesFromDataUrl(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, 'svg')
      ),
      svg
    );
    assert.equal(
      new TextDecoder().decode(
        imageBytesFromDataUrl(`data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`, 'svg')
      ),
      svg
    );
    for (const [url, format] of [
      ['not a url', 'png'],
      [`data:image/svg+xml;base64,${png.toString('base64')}`, 'png'],
      ['data:image/png;base64,@@@@', 'png'],
      [`data:image/png;base64,${Buffer.from('GIF89a').toString('base64')}`, 'png'],
      ['data:image/svg+xml,%E0%A4%A', 'svg']
    ] as const) {
      assert.throws(() => imageBytesFromDataUrl(url, format), /^Error: save-image: /, url);
    }
  });
});
