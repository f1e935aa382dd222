// node scripts/profile-summary.mjs FILE.cpuprofile [TOP]: a Chromium CPU profile (DDPM_BENCH_PROFILE=1 npm run
// bench:editor writes them) summarised as self and total time by function, and the longest stretches of busy time.
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// each sample's duration (microseconds) attributed to its node
const self = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
}
const name = (n) => {
  const f = n.callFrame;
  const url = f.url ? f.url.replace(/^.*\//, '') : '';
  return `${f.functionName || '(anonymous)'} ${url}${url ? `:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
};
const selfBy = new Map();
const totalBy = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  selfBy.set(name(n), (selfBy.get(name(n)) ?? 0) + us);
  // total: once per distinct name on the stack
  const seen = new Set();
  for (let k = id; k !== undefined; k = parent.get(k)) {
    const nm = name(byId.get(k));
    if (seen.has(nm)) continue;
    seen.add(nm);
    totalBy.set(nm, (totalBy.get(nm) ?? 0) + us);
  }
}
const all = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self]
  .filter(([id]) => byId.get(id).callFrame.functionName === '(idle)')
  .reduce((a, [, us]) => a + us, 0);
const fmt = (us) => `${(us / 1000).toFixed(1).padStart(8)} ms`;
console.log(`profile: ${fmt(all)} in all, ${fmt(all - idle)} busy`);
console.log('\nself time');
for (const [nm, us] of [...selfBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${nm}`);
console.log('\ntotal time');
for (const [nm, us] of [...totalBy].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(us)}  ${nm}`);
