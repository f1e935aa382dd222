// node scripts/profile-summary.mjs FILE.cpuprofile [TOP]: a Chromium CPU profile (DDPM_BENCH_PROFILE=1 npm run
// bench:editor and DDPM_E2E_PROFILE=1 npm run test:e2e write them) summed by function: self time, and total time
// (the time a function was on the stack). A profile from the end-to-end suite is counted from its Run All or its
// palette command on (its ddpmRunAllUs or ddpmCommandUs), not from the palette work before it.
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/profile-summary.mjs FILE.cpuprofile [TOP]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
let profile;
try {
  profile = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(profile.nodes) || !Array.isArray(profile.samples)) throw new Error('not a CPU profile');
} catch (e) {
  console.error(`profile-summary: ${file}: ${e instanceof Error ? e.message.split('\n')[0] : e}`);
  process.exit(2);
}
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// each sample stands for the time until the next one (as DevTools' flame chart reads it: timeDeltas[i] is the time
// from sample i - 1 to sample i), in time order; samples before the profile's Run All, if it has one, are left out
const times = [];
for (let i = 0, t = profile.startTime; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  times.push({ id: profile.samples[i], t });
}
times.sort((a, b) => a.t - b.t);
const from = profile.ddpmRunAllUs ?? profile.ddpmCommandUs ?? -Infinity;
const self = new Map();
for (let i = 0; i < times.length; i++) {
  if (times[i].t < from) continue;
  const next = i + 1 < times.length ? times[i + 1].t : profile.endTime;
  self.set(times[i].id, (self.get(times[i].id) ?? 0) + Math.max(0, next - times[i].t));
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
