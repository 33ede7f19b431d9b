// Hostile zip layouts built byte by byte (zip-bytes.ts): members that are links on another host,
// two central directories, local headers that disagree, junk, fake end records. Each one is checked
// with the real `unzip` (what an examiner's standard tool would do) and must FAIL zip-structure.
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../src/bundle/index.js';
import { buildZip, endRecord, member, zip64End, type RawEntry } from './zip-bytes.js';

let work: string;
let n = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-ziphostile-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function save(bytes: Buffer): string {
  const path = join(work, `hostile-${++n}.zip`);
  writeFileSync(path, bytes);
  return path;
}

async function structureFailures(zip: string): Promise<string[]> {
  const r = await verifyEvidence(zip);
  expect(r.ok).toBe(false);
  expect(r.checks[0].id).toBe('zip-structure');
  expect(r.checks[0].ok).toBe(false);
  return r.checks[0].failures.map((f) => `${f.member ?? ''}: ${f.reason}`);
}

/** `unzip` into a fresh folder; returns the folder (unzip's exit status is not asserted). */
function unzipInto(zip: string): string {
  const dest = join(work, `unzipped-${++n}`);
  spawnSync('unzip', ['-qq', '-o', zip, '-d', dest], { encoding: 'utf8' });
  return dest;
}

const file = (name: string, text = `${name} content\n`): RawEntry => ({ name, data: Buffer.from(text) });
const mode = (m: number): number => (m << 16) >>> 0;

describe('members that are not plain files, whatever the host byte (item 2a)', () => {
  // 3 Unix, 5 Atari ST, 16 BeOS, 30 OS/X (Darwin): unzip restores the Unix mode for each of them.
  for (const host of [3, 5, 16, 30]) {
    it(`a symbolic link made "on host ${host}" is rejected, and unzip would create a link`, async () => {
      const zip = save(buildZip([{ name: 'raw/link', data: Buffer.from('/etc'), method: 0, versionMadeBy: (host << 8) | 20, externalAttributes: mode(0o120777) }]));
      expect(lstatSync(join(unzipInto(zip), 'raw/link')).isSymbolicLink()).toBe(true);
      const failures = await structureFailures(zip);
      expect(failures.join('\n')).toMatch(new RegExp(`raw/link: symbolic link .*host ${host}`));
    });
  }

  for (const [kind, bits] of [['FIFO', 0o010644], ['character device', 0o020644], ['block device', 0o060644], ['socket', 0o140644], ['unknown file type 0170000', 0o170644]] as const) {
    it(`a ${kind} made on host 16 is rejected`, async () => {
      const zip = save(buildZip([{ ...file('raw/x'), versionMadeBy: (16 << 8) | 20, externalAttributes: mode(bits) }]));
      expect((await structureFailures(zip)).join('\n')).toContain(`raw/x: ${kind}`);
    });
  }

  it('plain files and DOS-made entries (no Unix mode) still pass the structure check', async () => {
    const zip = save(buildZip([file('a.txt'), { ...file('b.txt'), versionMadeBy: 0x0014, externalAttributes: 0x20 }]));
    const r = await verifyEvidence(zip);
    expect(r.checks[0]).toMatchObject({ id: 'zip-structure', ok: true });
  });
});

describe('two readers, two zips (item 5)', () => {
  it('ZIP64 end record and 32-bit end record pointing at different central directories', async () => {
    const a = member(file('evidence.txt', 'the real evidence\n'));
    const b = member(file('evidence.txt', 'a forged copy\n'));
    const cdA = a.central(0);
    const cdB = b.central(a.local.length);
    const cdAOffset = a.local.length + b.local.length;
    const cdBOffset = cdAOffset + cdA.length;
    const recordOffset = cdBOffset + cdB.length;
    const zip = save(Buffer.concat([a.local, b.local, cdA, cdB, zip64End(1, cdA.length, cdAOffset, recordOffset), endRecord(1, cdB.length, cdBOffset)]));
    // The standard tools do not agree with each other on such a file: that is the point.
    const listing = spawnSync('unzip', ['-p', zip, 'evidence.txt'], { encoding: 'utf8' }).stdout;
    const python = spawnSync('python3', ['-c', 'import sys,zipfile;sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("evidence.txt").decode())', zip], { encoding: 'utf8' }).stdout;
    expect([listing, python].some((t) => /real evidence|forged copy/.test(t))).toBe(true);
    expect((await structureFailures(zip)).join('\n')).toMatch(/ZIP64 end record and 32-bit end record disagree on the central directory (size|offset)/);
  });

  it('a ZIP64 end record that agrees with the 32-bit one passes', async () => {
    const a = member(file('evidence.txt'));
    const cd = a.central(0);
    const zip = save(Buffer.concat([a.local, cd, zip64End(1, cd.length, a.local.length, a.local.length + cd.length), endRecord(0xffff, 0xffffffff, 0xffffffff)]));
    expect(execFileSync('unzip', ['-p', zip, 'evidence.txt'], { encoding: 'utf8' })).toBe('evidence.txt content\n');
    expect((await verifyEvidence(zip)).checks[0].ok).toBe(true);
  });

  it('a fake end record in the zip comment', async () => {
    const a = member(file('evidence.txt'));
    const cd = a.central(0);
    const fake = endRecord(1, cd.length, 0);
    const zip = save(Buffer.concat([a.local, cd, endRecord(1, cd.length, a.local.length, fake)]));
    expect((await structureFailures(zip)).join('\n')).toMatch(/zip comment holds a end record signature|two end-of-central-directory records/);
  });

  it('a second zip appended after the end record (the last end record does not end the first)', async () => {
    const one = buildZip([file('evidence.txt')]);
    const zip = save(Buffer.concat([one, buildZip([file('other.txt')])]));
    expect((await structureFailures(zip)).join('\n')).toMatch(/belong to no member|does not end/);
  });

  it('junk before the first member (self-extractor stub)', async () => {
    const zip = save(buildZip([file('a.txt')], { prefix: Buffer.from('#!/bin/sh\necho hidden\n') }));
    expect((await structureFailures(zip)).join('\n')).toMatch(/22 bytes at offset 0 belong to no member/);
  });

  it('junk between members', async () => {
    const zip = save(buildZip([file('a.txt'), file('b.txt')], { after: { 0: Buffer.from('hidden text between members') } }));
    expect((await structureFailures(zip)).join('\n')).toMatch(/27 bytes at offset \d+ belong to no member \(junk before b\.txt\)/);
  });

  it('junk between the last member and the central directory', async () => {
    const zip = save(buildZip([file('a.txt')], { after: { 0: Buffer.from('hidden') } }));
    expect((await structureFailures(zip)).join('\n')).toMatch(/6 bytes at offset \d+ belong to no member \(junk before the central directory\)/);
  });

  it('data hidden after the end of a member\'s deflate stream', async () => {
    const { deflateRawSync } = await import('node:zlib');
    const data = Buffer.from('evidence\n');
    const sums = `${(await import('node:crypto')).createHash('sha256').update(data).digest('hex')}  a.txt\n`;
    const zip = save(buildZip([file('SHA256SUMS', sums), { name: 'a.txt', data, compressed: Buffer.concat([deflateRawSync(data), Buffer.from('hidden')]) }]));
    expect((await structureFailures(zip)).join('\n')).toMatch(/a\.txt: 6 bytes of its compressed data follow the end of the deflate stream/);
  });

  const disagreements: [string, Partial<RawEntry>, RegExp][] = [
    ['name', { local: { name: 'b.txt' } }, /local header names another file/],
    ['flags', { local: { flags: 0x802 } }, /local header flags 0x802 differ from the central directory's 0x800/],
    ['method', { local: { method: 0 } }, /local header compression method 0 differs/],
    ['compressed size', { local: { compressedSize: 3 } }, /local header says 3 compressed bytes/],
    ['uncompressed size', { local: { uncompressedSize: 99 } }, /local header says 99 bytes, the central directory \d+/],
    ['CRC-32', { local: { crc32: 1234 } }, /local header CRC-32 differs/],
  ];
  for (const [what, patch, reason] of disagreements) {
    it(`local header and central directory disagree on the ${what}`, async () => {
      const zip = save(buildZip([{ ...file('a.txt', 'x'.repeat(200)), ...patch }]));
      expect((await structureFailures(zip)).join('\n')).toMatch(reason);
    });
  }
});
