// Hostile zips, written with Python's zipfile and patched byte by byte: verification must reject each
// one under zip-structure, name the member, and never write outside its temporary folder.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractBundle, formatVerifyReport, verifyEvidence } from '../../src/bundle/index.js';

// verify's temporary folders are counted below: a private TMPDIR, so other test files' runs at the
// same time (the suite runs files in parallel) do not change the count.
const sharedTmp = tmpdir();
process.env.TMPDIR = mkdtempSync(join(sharedTmp, 'nc-zip-safety-tmp-'));
afterAll(() => rmSync(process.env.TMPDIR!, { recursive: true, force: true }));

interface Spec {
  name: string;
  data?: string;
  /** Unix mode incl. type bits, stored in the external attributes. */
  mode?: number;
  store?: boolean;
}

const SCRIPT = `
import sys, zipfile, json, warnings
warnings.simplefilter('ignore')
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for e in json.load(sys.stdin):
        info = zipfile.ZipInfo(e['name'], (2024, 5, 1, 10, 0, 0))
        info.create_system = 3
        info.external_attr = (e.get('mode') or 0o100644) << 16
        info.compress_type = zipfile.ZIP_STORED if e.get('store') else zipfile.ZIP_DEFLATED
        z.writestr(info, e.get('data', 'x' * 100))
`;

let work: string;
let n = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-zipsafety-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function makeZip(entries: Spec[], patch?: (bytes: Buffer) => void): string {
  const path = join(work, `crafted-${++n}.zip`);
  execFileSync('python3', ['-c', SCRIPT, path], { input: JSON.stringify(entries) });
  if (patch) {
    const bytes = readFileSync(path);
    patch(bytes);
    writeFileSync(path, bytes);
  }
  return path;
}

/** A SHA256SUMS member listing these contents. */
function sumsOf(files: Record<string, string>): Spec {
  const lines = Object.entries(files).map(([name, data]) => `${createHash('sha256').update(data).digest('hex')}  ${name}\n`);
  return { name: 'SHA256SUMS', data: lines.join('') };
}

/** Offset of the i-th central directory header. */
function centralHeader(bytes: Buffer, i = 0): number {
  let at = -1;
  for (let k = 0; k <= i; k++) at = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at + 1);
  return at;
}

async function expectRejected(zip: string, member: string | null, reason: RegExp): Promise<void> {
  const before = readdirSync(tmpdir()).filter((f) => f.startsWith('netcustody-zip-')).length;
  const r = await verifyEvidence(zip);
  expect(r.ok).toBe(false);
  const structure = r.checks[0];
  expect(structure.id).toBe('zip-structure');
  expect(structure.ok).toBe(false);
  expect(structure.failures.some((f) => (member === null || f.member === member) && reason.test(f.reason))).toBe(true);
  expect(formatVerifyReport(r)).toMatch(/^FAIL  zip-structure/m);
  await expect(extractBundle(zip)).rejects.toThrow(/unsafe or damaged zip/);
  // The temporary folders are gone and nothing escaped next to them.
  expect(readdirSync(tmpdir()).filter((f) => f.startsWith('netcustody-zip-')).length).toBe(before);
  expect(existsSync(join(tmpdir(), 'evil')) || existsSync(join(sharedTmp, 'evil'))).toBe(false);
}

describe('zip-structure rejects', () => {
  it('absolute paths', async () => expectRejected(makeZip([{ name: '/tmp/evil' }]), '/tmp/evil', /absolute path/));
  it('".." in a path', async () => expectRejected(makeZip([{ name: 'raw/../../evil' }]), 'raw/../../evil', /"\.\."/));
  it('backslashes', async () => expectRejected(makeZip([{ name: 'raw\\..\\evil' }]), 'raw\\..\\evil', /backslash/));
  it('symbolic links', async () => expectRejected(makeZip([{ name: 'raw/link', data: '/etc/passwd', mode: 0o120777 }]), 'raw/link', /symbolic link/));
  it('device entries', async () => expectRejected(makeZip([{ name: 'raw/dev', mode: 0o020644 }]), 'raw/dev', /device/));
  it('duplicate names', async () => expectRejected(makeZip([{ name: 'a.txt' }, { name: 'a.txt', data: 'other' }]), 'a.txt', /duplicate name/));
  it('names that collide when case is folded', async () => expectRejected(makeZip([{ name: 'A.txt' }, { name: 'a.txt' }]), 'a.txt', /collides with A\.txt/));
  it('control characters in names, shown escaped', async () => {
    const zip = makeZip([{ name: 'raw/a\u001b[31m\u202e.txt' }]);
    await expectRejected(zip, 'raw/a\u001b[31m\u202e.txt', /control character/);
    const text = formatVerifyReport(await verifyEvidence(zip));
    expect(text).toContain('raw/a\\u{1b}[31m\\u{202e}.txt');
    expect(text).not.toMatch(/[\u001b\u202e]/);
  });
  it('encrypted entries', async () => {
    // zipfile cannot write encrypted entries: set the "encrypted" flag in both headers.
    const zip = makeZip([{ name: 'secret.txt' }], (b) => {
      b[6] |= 0x01;
      b[centralHeader(b) + 8] |= 0x01;
    });
    await expectRejected(zip, 'secret.txt', /encrypted/);
  });

  it('a declared size larger than the data (bomb-style ratio)', async () => {
    const zip = makeZip([{ name: 'big.bin', data: '0'.repeat(10_000) }], (b) => b.writeUInt32LE(4_000_000_000, centralHeader(b) + 24));
    await expectRejected(zip, 'big.bin', /ratio/);
  });

  it('a declared size that does not match the data', async () => {
    const zip = makeZip([{ name: 'a.txt', data: 'y'.repeat(5000) }], (b) => b.writeUInt32LE(5001, centralHeader(b) + 24));
    await expectRejected(zip, 'a.txt', /local header says 5000 bytes, the central directory 5001/);
  });

  it('a stored entry whose sizes disagree', async () => {
    const zip = makeZip([{ name: 'a.txt', store: true }], (b) => b.writeUInt32LE(99, centralHeader(b) + 24));
    await expectRejected(zip, null, /central directory rejected|size/);
  });

  it('damaged data (CRC-32 mismatch)', async () => {
    // Only members SHA256SUMS lists are extracted (and so CRC-checked): list it.
    const zip = makeZip([sumsOf({ 'a.txt': 'hello world' }), { name: 'a.txt', store: true, data: 'hello world' }], (b) => {
      const at = b.indexOf('hello world');
      b[at] = 'j'.charCodeAt(0);
    });
    await expectRejected(zip, 'a.txt', /CRC-32/);
  });

  it('members whose data overlap (non-recursive zip bomb)', async () => {
    const zip = makeZip([{ name: 'a.txt' }, { name: 'b.txt' }], (b) => {
      // The second central entry points at the first local header.
      b.writeUInt32LE(0, centralHeader(b, 1) + 42);
    });
    await expectRejected(zip, 'b.txt', /overlaps a\.txt/);
    await expectRejected(zip, 'b.txt', /local header names another file/);
  });

  it('more entries, or more bytes, than the limits', async () => {
    const x = 'x'.repeat(100);
    const zip = makeZip([sumsOf({ a: x, b: x, c: x }), { name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const many = await verifyEvidence(zip, { limits: { maxEntries: 3 } });
    expect(many.checks[0].failures[0].reason).toMatch(/4 entries: more than the limit of 3/);
    // The declared total counts SHA256SUMS (3 lines of 68 bytes) and the members it lists.
    const large = await verifyEvidence(zip, { limits: { maxTotalBytes: 500 } });
    expect(large.checks[0].failures[0].reason).toMatch(/504 bytes uncompressed: more than the limit of 500/);
  });

  it('garbage that is not a zip', async () => {
    const path = join(work, 'garbage.zip');
    writeFileSync(path, Buffer.alloc(1000, 7));
    await expectRejected(path, null, /not a readable zip/);
  });
});

describe('a harmless zip that is not a bundle', () => {
  it('passes zip-structure and fails the evidence checks, naming what is missing', async () => {
    const r = await verifyEvidence(makeZip([{ name: 'notes/readme.txt' }]));
    expect(r.checks[0].ok).toBe(true);
    // Every evidence check fails; no token is not a failure (the timestamps check says "no trusted timestamp").
    expect(r.checks.slice(1).filter((c) => c.id !== 'timestamps').every((c) => !c.ok)).toBe(true);
    expect(formatVerifyReport(r)).toContain('SHA256SUMS: missing');
  });
});
