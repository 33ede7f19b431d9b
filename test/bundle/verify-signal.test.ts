// Ctrl-C / SIGTERM during `netcustody verify` of a large zip (item 11, verify part): the temporary
// copy is removed and the CLI exits 130. A real signal is sent to the real CLI process while it is
// extracting a 600 MiB member.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, tempDir } from '../helpers/cli.js';
import { buildZip } from './zip-bytes.js';

const MiB = 1024 * 1024;
const MEMBER_MIB = 600;
let work: string;
let zip: string;

beforeAll(() => {
  work = tempDir('nc-verify-signal-');
  // SHA256SUMS lists the member with its true hash, so verification really extracts all of it.
  const block = deflateRawSync(Buffer.alloc(MiB), { level: 1, finishFlush: constants.Z_SYNC_FLUSH });
  const one = Buffer.alloc(MiB);
  const hash = createHash('sha256');
  let crc = 0;
  for (let i = 0; i < MEMBER_MIB; i++) {
    hash.update(one);
    crc = crc32(one, crc);
  }
  const sizes = { uncompressedSize: MEMBER_MIB * MiB, crc32: crc >>> 0 };
  zip = join(work, 'large.zip');
  writeFileSync(zip, buildZip([
    { name: 'SHA256SUMS', data: Buffer.from(`${hash.digest('hex')}  raw/large.bin\n`) },
    { name: 'raw/large.bin', data: Buffer.alloc(0), compressed: Buffer.concat([...Array<Buffer>(MEMBER_MIB).fill(block), Buffer.from([3, 0])]), central: sizes, local: sizes },
  ]));
}, 60_000);

/** Bytes under dir (recursively), 0 when it is gone. */
function bytesUnder(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .reduce((sum, d) => sum + statSync(join(d.parentPath, d.name)).size, 0);
  } catch {
    return 0;
  }
}

describe('verify interrupted by a signal', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} mid-extraction removes the temporary copy and exits 130`, async () => {
      const tmp = join(work, `tmp-${signal}`);
      mkdirSync(tmp);
      const child = execa(process.execPath, [CLI, 'verify', zip], { reject: false, env: { TMPDIR: tmp, NO_COLOR: '1' } });
      // Wait until extraction has written something substantial (no fixed sleep: the machine may be slow).
      let seen = 0;
      for (let i = 0; i < 600 && seen < 32 * MiB && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 50));
        seen = bytesUnder(tmp);
      }
      expect(seen).toBeGreaterThanOrEqual(32 * MiB);
      child.kill(signal);
      const r = await child;
      expect(r.exitCode).toBe(130);
      expect(String(r.stderr)).toMatch(new RegExp(`interrupted by ${signal}; removed the temporary copy`));
      expect(readdirSync(tmp)).toEqual([]);
    }, 120_000);
  }
});
