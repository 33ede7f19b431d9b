// Zip bombs (item 6): DEFLATE expands at most ~1032:1, so a 3.3 MB member may honestly inflate to
// 3.4 GB. What verification writes is bounded up front by what SHA256SUMS lists and the central
// directory declares, and a member that inflates past its declared size stops at that size.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEvidence } from '../../src/bundle/index.js';
import { extractZipSafely } from '../../src/bundle/zip-read.js';
import { buildZip, type RawEntry } from './zip-bytes.js';

const MiB = 1024 * 1024;
let work: string;
let n = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'nc-zipbomb-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A deflate stream of `mib` MiB of zeros: one flushed 1 MiB block (~1 KB) repeated, then a final empty block. */
function zeros(mib: number, digests = true): { compressed: Buffer; crc: number; sha256: string; bytes: number } {
  const block = deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const one = Buffer.alloc(MiB);
  let crc = 0;
  const hash = createHash('sha256');
  for (let i = 0; digests && i < mib; i++) {
    crc = crc32(one, crc);
    hash.update(one);
  }
  return { compressed: Buffer.concat([...Array<Buffer>(mib).fill(block), Buffer.from([0x03, 0x00])]), crc: crc >>> 0, sha256: hash.digest('hex'), bytes: mib * MiB };
}

function sums(lines: Record<string, string>): RawEntry {
  return { name: 'SHA256SUMS', data: Buffer.from(Object.entries(lines).map(([name, h]) => `${h}  ${name}\n`).join('')) };
}

function bombEntry(z: ReturnType<typeof zeros>, declared: number): RawEntry {
  // Both headers declare `declared` bytes: the lie is in the data alone.
  const sizes = { uncompressedSize: declared, crc32: z.crc };
  return { name: 'raw/bomb.bin', data: Buffer.alloc(0), compressed: z.compressed, central: sizes, local: sizes };
}

/** Extract into a fresh folder and measure what reached the disk, and how long it took. */
async function measure(zip: string, dest = join(work, `dest-${++n}`)): Promise<{ failures: string; written: number; ms: number }> {
  mkdirSync(dest, { recursive: true });
  const t0 = performance.now();
  const r = await extractZipSafely(zip, dest);
  const ms = performance.now() - t0;
  const written = readdirSync(dest, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
  return { failures: r.failures.map((f) => `${f.member ?? ''}: ${f.reason}`).join('\n'), written, ms };
}

function save(bytes: Buffer): string {
  const path = join(work, `bomb-${++n}.zip`);
  writeFileSync(path, bytes);
  return path;
}

describe('zip bombs', () => {
  it('a 3.3 MB member declared as 1000 bytes that inflates to 3.4 GB stops after 1000 bytes', async () => {
    const z = zeros(3300, false); // the CRC and hash of 3.4 GB are never reached
    expect(z.compressed.length).toBeLessThan(3.5 * MiB);
    const sumsEntry = sums({ 'raw/bomb.bin': 'ab'.repeat(32) }); // any hash but the empty file's
    const zip = save(buildZip([sumsEntry, bombEntry(z, 1000)]));
    const m = await measure(zip);
    console.log(`declared-small bomb: zip ${statSync(zip).size} bytes, ${m.written} bytes written, ${Math.round(m.ms)} ms`);
    expect(m.failures).toMatch(/raw\/bomb\.bin: inflates to more than the 1000 bytes the central directory declares/);
    expect(m.written).toBeLessThanOrEqual(1000 + sumsEntry.data.length);
    const r = await verifyEvidence(zip);
    expect(r.checks[0]).toMatchObject({ id: 'zip-structure', ok: false });
  });

  it('an honestly declared 200 MiB member that SHA256SUMS does not list is never extracted', async () => {
    const z = zeros(200);
    const entry = bombEntry(z, z.bytes);
    const zip = save(buildZip([sums({}), entry]));
    // unzip agrees that it is a valid 200 MiB member.
    expect(execFileSync('unzip', ['-l', zip], { encoding: 'utf8' })).toContain(String(z.bytes));
    const m = await measure(zip);
    console.log(`unlisted 200 MiB member: zip ${statSync(zip).size} bytes, ${m.written} bytes written, ${Math.round(m.ms)} ms`);
    expect(m.written).toBe(0);
    const r = await verifyEvidence(zip);
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.id === 'members')!.failures).toContainEqual({ member: 'raw/bomb.bin', reason: 'extra member: not listed in SHA256SUMS (not extracted)' });
  });

  it('a member SHA256SUMS lists as the empty file but declared as 200 MiB is refused before extraction', async () => {
    const z = zeros(200, false);
    const empty = createHash('sha256').digest('hex');
    const zip = save(buildZip([sums({ 'raw/bomb.bin': empty }), bombEntry(z, z.bytes)]));
    const m = await measure(zip);
    expect(m.failures).toMatch(/raw\/bomb\.bin: SHA256SUMS and the central directory disagree on whether it is empty \(209715200 bytes declared\)/);
    expect(m.written).toBeLessThan(100);
  });

  it('a listed member larger than the free space is refused before anything but SHA256SUMS is written (2 MB tmpfs)', async () => {
    const z = zeros(200);
    const sumsEntry = sums({ 'raw/bomb.bin': z.sha256 });
    const zip = save(buildZip([sumsEntry, bombEntry(z, z.bytes)]));
    const mnt = join(work, `tmpfs-${++n}`);
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
    try {
      const m = await measure(zip, mnt);
      expect(m.failures).toMatch(/not enough space in .* to check 209715\d+ bytes/);
      expect(m.written).toBe(sumsEntry.data.length);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
