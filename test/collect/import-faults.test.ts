// import's fault paths, for real: a FIFO (reading it would block forever), a character device
// (it never ends) and a source another process appends to while it is being copied.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import type { Acquisition } from '../../src/model.js';
import { runCli, tempDir } from '../helpers/cli.js';

// Before the fix the FIFO import never returned: the run is stopped after this long and fails.
const HANG_LIMIT_MS = 30_000;

describe('import refuses what is not a regular file, without opening it for a blocking read', () => {
  it.each([
    ['a FIFO', (dir: string) => mkfifo(join(dir, 'netstat.fifo')), /: is a FIFO \(named pipe\), not a regular file/],
    ['a symlink to a FIFO', (dir: string) => linkTo(mkfifo(join(dir, 'target.fifo')), join(dir, 'netstat.txt')), /netstat\.txt: is a FIFO \(named pipe\), not a regular file/],
    ['a character device', () => '/dev/zero', /\/dev\/zero: is a character device, not a regular file/],
  ])('%s is refused in one line naming it, and nothing is created', async (_name, make, message) => {
    const path = make(tempDir());
    const out = tempDir();
    const r = await runCli(['import', path, '--out', out], { timeout: HANG_LIMIT_MS });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')[0]).toContain(path);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual([]); // no evidence folder for a refused import
  });
});

function mkfifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

function linkTo(target: string, path: string): string {
  symlinkSync(target, path);
  return path;
}

describe('a source that changes while it is imported', () => {
  it('is a failed import: the copy is removed from raw/, the attempt logged in custody, exit 1', async () => {
    const work = tempDir();
    const src = join(work, 'netstat-growing.txt');
    // Big enough that the copy and its second read take a while; a child appends all along.
    writeFileSync(src, Buffer.alloc(48 << 20, 'tcp 0 0 10.0.0.1:22 10.0.0.2:5000 ESTABLISHED\n'));
    const appender = execa('sh', ['-c', `while :; do echo "tcp 0 0 10.6.6.6:4444 10.0.0.9:1 ESTABLISHED" >> '${src}'; done`], { reject: false });
    try {
      const size0 = statSync(src).size;
      while (statSync(src).size === size0) await new Promise((res) => setTimeout(res, 10));
      const out = tempDir();
      const r = await runCli(['import', src, '--out', out, '--case', 'GROW']);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^netcustody: error: .*netstat-growing\.txt: changed while it was being imported \(.*\); the partial copy raw\/01-import-netstat-growing\.txt was removed and the failed attempt logged in custody$/m);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      const caseDir = join(out, 'GROW');
      const dir = join(caseDir, readdirSync(caseDir)[0]);
      expect(readdirSync(join(dir, 'raw'))).toEqual([]);
      const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
      expect(acq.imports).toEqual([]);
      const last = readCustody(dir).at(-1)!;
      expect(last).toMatchObject({ action: 'import failed', object: src, details: { copyRemoved: 'raw/01-import-netstat-growing.txt', reason: expect.stringMatching(/^changed while it was being imported/) } });
      expect((last.details as { bytesCopied: number }).bytesCopied).toBeGreaterThanOrEqual(48 << 20);
      expect(verifyCustodyFile(dir).ok).toBe(true);
    } finally {
      appender.kill('SIGKILL');
      await appender;
    }
  });

  it('a steady source next to it imports normally (the check is not a false alarm)', async () => {
    const work = tempDir();
    const src = join(work, 'steady.txt');
    writeFileSync(src, Buffer.alloc(8 << 20, 'udp 0 0 0.0.0.0:53 0.0.0.0:*\n'));
    const out = tempDir();
    const r = await runCli(['import', src, '--out', out, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { evidenceDir } = JSON.parse(r.stdout);
    expect(existsSync(join(evidenceDir, 'raw/01-import-steady.txt'))).toBe(true);
  });
});
