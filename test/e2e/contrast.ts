// Readability check for what the renderer draws: text whose color against the background behind it has a
// WCAG 2 contrast ratio below `min` (4.5:1 is WCAG AA for normal text). Runs in the output's frame.
// Written as a function body in a string: tsx would wrap inner arrow functions of a TypeScript function in
// a helper (__name) that the page does not have.
const BODY = `
  const parse = (s) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(s || '');
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  // relative luminance, WCAG 2: https://www.w3.org/TR/WCAG21/#dfn-relative-luminance
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
  // behind a transparent output: the color VS Code paints under notebook outputs (or the editor's)
  let fallback = null;
  const vars = getComputedStyle(document.documentElement);
  for (const v of ['--vscode-notebook-outputContainerBackgroundColor', '--vscode-editor-background']) {
    const raw = vars.getPropertyValue(v).trim();
    if (!raw || fallback) continue;
    const probe = document.createElement('div');
    probe.style.color = raw;
    document.body.appendChild(probe);
    const c = parse(getComputedStyle(probe).color);
    probe.remove();
    if (c && c[3] > 0) fallback = c;
  }
  fallback = fallback || parse(getComputedStyle(document.body).backgroundColor) || [255, 255, 255, 1];
  const bad = [];
  for (const el of root.querySelectorAll('*')) {
    if (el.closest('svg')) continue;
    const own = Array.from(el.childNodes).filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent.trim()).join(' ');
    if (!own) continue;
    const box = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    if (box.width === 0 || box.height === 0 || st.visibility === 'hidden' || st.display === 'none') continue;
    const fg = parse(st.color);
    if (!fg) continue;
    let bg = null;
    for (let a = el; a && !bg; a = a.parentElement) {
      const c = parse(getComputedStyle(a).backgroundColor);
      if (c && c[3] > 0.5) bg = c;
    }
    bg = bg || fallback;
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < min) bad.push('"' + own.slice(0, 30) + '" ' + ratio.toFixed(2) + ':1 (' + st.color + ' on rgb(' + bg.slice(0, 3).join(', ') + '))');
  }
  return bad;
`;

/** Elements of `root` whose text has a contrast ratio below `min` against its background, described. */
export const lowContrastText = new Function('root', 'min', BODY) as (root: Element, min: number) => string[];
