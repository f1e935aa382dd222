// The command line against input that is wrong in ways a user makes by accident (an independent review's cases):
// each is one line naming the argument or the field, exit 2, and nothing the user made is overwritten or cut short.
// Files on disk where the behaviour is the file system's (links, a failed write); in memory otherwise. The sample
// printed at the end of the last test comes from PyTorch (test/fixtures/sampler/sampler.json).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { processIO, sameFile, writeFileReplacing } from '../../../src/cli/io';
import { decodeText } from '../../../src/core/textBytes';
import { main as reportMain } from '../../../src/cli/report';
import { runCliInMemory, type CliRun } from '../helpers/cliInMemory';
import { FIXTURES, ROOT } from '../helpers/paths';
import { seedInputsText } from '../helpers/seedExample';

const sampler = JSON.parse(readFileSync(path.join(FIXTURES, 'sampler', 'sampler.json'), 'utf8')) as {
  cases: { name: string; results: Record<string, { printed: string }> }[];
};
const seedPrinted = sampler.cases.find((c) => c.name === 'seed example')!.results['avx2-fma'].printed;

/** Exit 2, `message` as the one line on stderr, nothing on stdout. */
function assertRefused(r: CliRun, message: string): void {
  assert.equal(r.err, `${message}\n`);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
}

const tempDir = (): string => mkdtempSync(path.join(tmpdir(), 'ddpm-cli-files-'));

describe('cli: input given by mistake', () => {
  it('PyTorch\'s printed output given as INPUT.json: "holds printed output, not inputs"', async () => {
    for (const command of [['sample'], ['check'], ['report', '-o', 'r.html']]) {
      const [name, ...rest] = command;
      const r = await runCliInMemory([name, 'out.txt', ...rest], { 'out.txt': `${seedPrinted}\n` });
      assertRefused(
        r,
        'out.txt: holds printed output, not inputs (INPUT.json is one JSON object with w_model, shape, betas, alpha_bar and seed)'
      );
    }
  });

  it('an inputs file given as the paste: "holds sampler inputs"', async () => {
    const r = await runCliInMemory(['compare', 'a.json', 'b.json'], {
      'a.json': seedInputsText,
      'b.json': seedInputsText
    });
    assertRefused(r, "b.json: holds sampler inputs (w_model, betas, ...), not PyTorch's output");
  });

  it('a JSON paste nested thousands of lists deep: the nesting is named, not a stack overflow', async () => {
    const deep = `{"sample": ${'['.repeat(5000)}1${']'.repeat(5000)}}`;
    const r = await runCliInMemory(['compare', 'in.json', 'deep.json'], {
      'in.json': seedInputsText,
      'deep.json': deep
    });
    assertRefused(r, 'deep.json: expected at most 64 nested lists, found deeper nesting');
  });

  it('a seed written as NaN or Infinity (Python json.dump) names the seed', async () => {
    for (const written of ['NaN', 'Infinity', '-Infinity']) {
      const text = seedInputsText.replace(/"seed":\s*42/, `"seed": ${written}`);
      assert.notEqual(text, seedInputsText);
      const r = await runCliInMemory(['sample', 'in.json'], { 'in.json': text });
      assertRefused(r, `seed: expected an integer (a number or a decimal string), got ${written}`);
    }
  });

  it('an input given twice in the file is refused (JSON.parse would keep the last unseen)', async () => {
    const text = seedInputsText.replace(/"seed":\s*42/, '"seed": "x", "seed": 42');
    assert.notEqual(text, seedInputsText);
    const r = await runCliInMemory(['sample', 'in.json'], { 'in.json': text });
    assertRefused(r, 'seed: given more than once in the file (JSON would keep only the last); keep one');
  });

  it('an option given twice is refused, whichever form (--x V, --x=V, -o V)', async () => {
    assertRefused(
      await runCliInMemory(['randn', '--seed', '1', '--seed=2', '--shape', '3']),
      '--seed: given more than once; give it once (randn --help for usage)'
    );
    assertRefused(
      await runCliInMemory(['report', 'in.json', '-o', 'a.html', '--output', 'b.html'], { 'in.json': seedInputsText }),
      '--output: given more than once; give it once (report --help for usage)'
    );
    assertRefused(
      await runCliInMemory(['report', 'in.json', '-o', 'a.html', '-o', 'b.html'], { 'in.json': seedInputsText }),
      '-o: given more than once; give it once (report --help for usage)'
    );
    // a flag without a value given twice changes nothing
    const twice = await runCliInMemory(['randn', '--seed', '1', '--shape', '3', '--json', '--json']);
    assert.equal(twice.code, 0, twice.err);
  });

  it('a file name holding a line break is quoted, so that the message stays one line', async () => {
    assertRefused(await runCliInMemory(['sample', 'no\nsuch.json']), '"no\\nsuch.json": cannot read: no such file');
  });
});

describe('cli: files on disk', () => {
  it('decodeText reads UTF-16 with its byte order mark (Windows PowerShell `>`), and UTF-8 as it is', () => {
    const text = 'tensor([[ 0.4527,  0.1824]])\n';
    assert.equal(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])), text);
    assert.equal(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])), text);
    assert.equal(decodeText(Buffer.from(`\uFEFF${text}`, 'utf8')), text); // dropped (the readers would skip it)
    assert.throws(() => decodeText(new Uint8Array([0x7b, 0xff, 0x7d]), { fatal: true }), TypeError);
    assert.equal(decodeText(new Uint8Array([0x7b, 0xff, 0x7d])), '{\uFFFD}');
    assert.equal(decodeText(Buffer.from(text, 'utf8')), text);
  });

  it("decodeText reads UTF-16 without its mark when its first characters are ASCII (Python's encoding='utf-16-le')", () => {
    const text = 'tensor([[ 0.4527,  0.1824],\n        [-0.0312,  1.0000]])\n# \u00e9';
    assert.equal(decodeText(Buffer.from(text, 'utf16le')), text);
    assert.equal(decodeText(Buffer.from(text, 'utf16le').swap16()), text);
    // UTF-8 (no zero byte), an odd length, or a first character that is not ASCII: read as UTF-8, as before
    assert.equal(decodeText(Buffer.from(`${text}x`, 'utf8')), `${text}x`);
    assert.equal(decodeText(new Uint8Array([0x7b, 0x00, 0x7d])), '{\u0000}');
    assert.equal(decodeText(Buffer.from('\u00e9t', 'utf16le')), '\uFFFD\u0000t\u0000');
  });

  it('sample reads a UTF-16 inputs file as PyTorch would print its sample', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'in.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(seedInputsText, 'utf16le')]));
    const out: string[] = [];
    const io = { ...processIO(), stdout: (s: string) => void out.push(s), stderr: (s: string) => void out.push(s) };
    const { runCli } = await import('../../../src/cli');
    assert.equal(await runCli(['sample', file], io), 0, out.join(''));
    assert.equal(out.join(''), `${seedPrinted}\n`);
  });

  it('sameFile: one file through a link, not two files, not a missing one', function () {
    if (process.platform === 'win32') this.skip(); // symlinkSync needs rights there
    const dir = tempDir();
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    writeFileSync(a, '{}');
    writeFileSync(b, '{}');
    symlinkSync(a, path.join(dir, 'link.html'));
    return Promise.all([
      sameFile(path.join(dir, 'link.html'), a),
      sameFile(a, b),
      sameFile(path.join(dir, 'new.html'), a)
    ]).then((r) => assert.deepEqual(r, [true, false, false]));
  });

  it('report -o through a link to INPUT.json is refused, and the inputs are kept', async function () {
    if (process.platform === 'win32') this.skip(); // symlinkSync needs rights there
    const dir = tempDir();
    const inputs = path.join(dir, 'in.json');
    writeFileSync(inputs, seedInputsText);
    symlinkSync(inputs, path.join(dir, 'report.html'));
    let err = '';
    const io = { ...processIO(), stdout: () => undefined, stderr: (s: string) => void (err += s) };
    const output = path.join(dir, 'report.html');
    assert.equal(await reportMain([inputs, '-o', output], io, [path.join(ROOT, 'package.json')]), 2);
    assert.equal(err, `-o: ${output} would replace INPUT.json (${inputs}): write the report to another file\n`);
    assert.equal(readFileSync(inputs, 'utf8'), seedInputsText);
  });

  it('writeFileReplacing: a link is written through, the mode kept, no file left beside', async function () {
    if (process.platform === 'win32') this.skip(); // links and modes as POSIX has them
    const dir = tempDir();
    const target = path.join(dir, 'target.html');
    writeFileSync(target, 'old');
    chmodSync(target, 0o666); // beyond what the umask (022) lets a new file have
    symlinkSync(target, path.join(dir, 'link.html'));
    await writeFileReplacing(path.join(dir, 'link.html'), 'new');
    assert.equal(readFileSync(target, 'utf8'), 'new');
    assert.equal(statSync(target).mode & 0o777, 0o666);
    assert.ok(statSync(path.join(dir, 'link.html')).isFile());
    assert.deepEqual(readdirSync(dir).sort(), ['link.html', 'target.html']);
    // a link to a file not made yet: the file is made, the link kept
    symlinkSync(path.join(dir, 'later.html'), path.join(dir, 'dangling.html'));
    await writeFileReplacing(path.join(dir, 'dangling.html'), 'made');
    assert.equal(readFileSync(path.join(dir, 'later.html'), 'utf8'), 'made');
    assert.ok(lstatSync(path.join(dir, 'dangling.html')).isSymbolicLink());
  });

  it('writeFileReplacing: a write that fails part way (a file size limit) leaves the old file whole', function () {
    if (process.platform === 'win32') this.skip(); // bash's ulimit
    this.timeout(60_000);
    const dir = tempDir();
    const target = path.join(dir, 'report.html');
    writeFileSync(target, 'the report of yesterday');
    // in a shell whose files may hold at most 64 KB (ulimit -f), 1 MB is written: EFBIG part way
    const script = `import { writeFileReplacing } from ${JSON.stringify(path.join(ROOT, 'src', 'cli', 'io.ts'))};
writeFileReplacing(${JSON.stringify(target)}, 'x'.repeat(1 << 20)).then(() => console.log('written'), (e) => console.log(e.code));`;
    const scriptFile = path.join(tempDir(), 'write.mts');
    writeFileSync(scriptFile, script);
    const r = spawnSync('bash', ['-c', `ulimit -f 64; exec "${process.execPath}" --import tsx "${scriptFile}"`], {
      cwd: ROOT,
      encoding: 'utf8'
    });
    assert.equal(r.stdout.trim(), 'EFBIG', r.stderr);
    assert.equal(readFileSync(target, 'utf8'), 'the report of yesterday');
    assert.deepEqual(readdirSync(dir), ['report.html']);
  });
});

describe('cli: report -o - onto a full disk', () => {
  it('exits 3 with the write error, and never says it wrote the page', function () {
    if (!existsSync('/dev/full')) this.skip(); // Linux's always-full device
    this.timeout(60_000);
    const dir = tempDir();
    const inputs = path.join(dir, 'in.json');
    writeFileSync(inputs, seedInputsText);
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), 'report', inputs, '-o', '-'],
        { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' }
      );
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /^standard output: .*ENOSPC/m);
      assert.doesNotMatch(r.stderr, /report: wrote/);
    } finally {
      closeSync(full);
    }
  });
});
