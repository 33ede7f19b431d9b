// collect onto a disk that fills up: a real 2 MiB tmpfs as --out. Every artifact is recorded as it
// is on disk (whole, or short with its own hash), the failure is in acquisition.json and custody,
// and the command exits 1 with one clear line instead of a stack trace.
import { chmodSync, existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import type { Acquisition, ArtifactFile } from '../../src/model.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { fillUp, withTmpfs } from '../helpers/tmpfs.js';

/** PATH with the real netstat/ss/ip, except `big`, which prints 3 MB (more than the whole tmpfs). */
function pathWithBig(big: string): string {
  const dir = tempDir('nc-bin-');
  for (const name of ['netstat', 'ss', 'ip']) {
    const path = join(dir, name);
    if (name === big) {
      writeFileSync(path, '#!/bin/sh\n/usr/bin/yes "a line of output that will not fit" | /usr/bin/head -c 3000000\n');
      chmodSync(path, 0o755);
    } else {
      const real = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].map((d) => join(d, name)).find(existsSync);
      if (real) symlinkSync(real, path);
    }
  }
  return dir;
}

function onlyDir(root: string): string {
  const caseDir = join(root, readdirSync(root)[0]);
  return join(caseDir, readdirSync(caseDir)[0]);
}

/** Each recorded artifact is exactly the bytes on disk, whether whole or cut short by the full disk. */
function expectRecordsMatchDisk(dir: string, acq: Acquisition): ArtifactFile[] {
  const files = acq.commands.flatMap((c) => [c.stdout, c.stderr]).filter((f): f is ArtifactFile => f !== null);
  for (const f of files) {
    const bytes = readFileSync(join(dir, f.path));
    expect(bytes.length, f.path).toBe(f.bytes);
    expect(sha256Hex(bytes), f.path).toBe(f.sha256);
  }
  return files;
}

function expectCleanFailure(r: { exitCode: number; stderr: string }): void {
  expect(r.exitCode, r.stderr).toBe(1);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.stderr).toMatch(/^netcustody: error: the disk holding .* filled up during collection: raw\/\S+ holds only its first \d+ bytes \(\d+ not written: ENOSPC/m);
}

describe('collect on a full disk', () => {
  it('a disk that fills up during the routes keeps the earlier evidence and records the short artifacts', async () => {
    await withTmpfs(2048, async (mnt) => {
      const out = join(mnt, 'out');
      const r = await runCli(['collect', '--out', out, '--profile', 'linux'], { env: { PATH: pathWithBig('ip') } });
      expectCleanFailure(r);
      const dir = onlyDir(out);
      const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
      expect(acq.status).toBe('failed');
      expect(acq.warnings.at(-1)).toMatch(/filled up during collection/);
      // Sockets and processes fitted: whole, with their hashes.
      for (const id of ['netstat-anp', 'ss-tunap', 'proc-net-tcp', 'process-facts']) {
        const c = acq.commands.find((x) => x.id === id)!;
        expect(c.stdout!.writeError, id).toBeUndefined();
        expect(c.stdout!.bytes, id).toBeGreaterThan(0);
      }
      const ipRoute = acq.commands.find((c) => c.id === 'ip-route-all')!;
      expect(ipRoute.stdout!.writeError).toMatchObject({ error: expect.stringMatching(/^ENOSPC/) });
      expect(ipRoute.stdout!.bytes + ipRoute.stdout!.writeError!.bytesNotWritten).toBe(3_000_000);
      expect(ipRoute.error).toMatch(/raw\/12-ip-route-all\.stdout incomplete/);
      expectRecordsMatchDisk(dir, acq);
      expect(verifyCustodyFile(dir)).toMatchObject({ ok: true });
      const custody = readCustody(dir);
      expect(custody.some((e) => e.action === 'artifact incomplete' && e.object === ipRoute.stdout!.path && e.sha256 === ipRoute.stdout!.sha256)).toBe(true);
      expect(custody.at(-1)).toMatchObject({ action: 'collection failed', object: 'acquisition.json', sha256: sha256Hex(readFileSync(join(dir, 'acquisition.json'))) });
      // Nothing but the evidence is left: no space reserve, no temp files.
      expect(readdirSync(dir).sort()).toEqual(['acquisition.json', 'custody.jsonl', 'raw']);
    });
  });

  it('a disk that fills up with the first sockets stops before the less volatile steps and says which did not run', async () => {
    await withTmpfs(2048, async (mnt) => {
      const out = join(mnt, 'out');
      const r = await runCli(['collect', '--out', out, '--profile', 'linux', '--json'], { env: { PATH: pathWithBig('ss') } });
      expectCleanFailure(r);
      expect(r.stderr).toMatch(/not run: process-facts, netstat-rn, netstat-rn-inet6, ip-route-all, ip6-route-all/);
      expect(JSON.parse(r.stdout)).toMatchObject({ failure: expect.stringMatching(/filled up/) });
      const dir = onlyDir(out);
      const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
      expect(acq.status).toBe('failed');
      expect(acq.commands.map((c) => c.id)).not.toContain('process-facts');
      expect(acq.commands.find((c) => c.id === 'ss-tunap')!.stdout!.writeError).toBeDefined();
      expectRecordsMatchDisk(dir, acq);
      expect(verifyCustodyFile(dir)).toMatchObject({ ok: true });
      expect(readCustody(dir).at(-1)!.action).toBe('collection failed');
    });
  });

  it('a filesystem out of inodes: the outputs that could not be created are named and recorded', async () => {
    // 20 inodes: the folder, the space reserve, custody, acquisition.json and the first two groups'
    // files fit; the route commands' files do not all.
    await withTmpfs(2048, async (mnt) => {
      const out = join(mnt, 'out');
      const r = await runCli(['collect', '--out', out, '--profile', 'linux'], { env: { PATH: pathWithBig('none') } });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).toMatch(/^netcustody: error: the disk holding .* filled up during collection: .*: could not create raw\/1\d-\S+ \(ENOSPC/m);
      const dir = onlyDir(out);
      const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
      expect(acq.status).toBe('failed');
      const missing = acq.commands.filter((c) => c.outputNotCreated);
      expect(missing.length).toBeGreaterThan(0);
      for (const c of missing) {
        for (const path of c.outputNotCreated!.match(/raw\/\S+/g)!) expect(existsSync(join(dir, path)), path).toBe(false);
      }
      expectRecordsMatchDisk(dir, acq);
      expect(verifyCustodyFile(dir)).toMatchObject({ ok: true });
      expect(readCustody(dir).at(-1)!.action).toBe('collection failed');
    }, 'nr_inodes=20');
  });

  it('run stops after a collection the full disk cut short: no analysis, no bundle, exit 1', async () => {
    await withTmpfs(2048, async (mnt) => {
      const out = join(mnt, 'out');
      const r = await runCli(['run', '--out', out, '--profile', 'linux', '--examiner', 'Disk Tester'], { env: { PATH: pathWithBig('ip'), NETCUSTODY_HOME: tempDir() } });
      expectCleanFailure(r);
      const dir = onlyDir(out);
      expect(readdirSync(dir).sort()).toEqual(['acquisition.json', 'custody.jsonl', 'raw']);
      expect(readdirSync(join(out, readdirSync(out)[0])).filter((f) => f.endsWith('.zip'))).toEqual([]);
    });
  });

  it('a disk with no room at all fails before running anything, with one line', async () => {
    await withTmpfs(2048, async (mnt) => {
      const out = join(mnt, 'out');
      fillUp(mnt);
      const r = await runCli(['collect', '--out', out, '--profile', 'linux']);
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).toMatch(/^netcustody: error: no space left under .*out \(ENOSPC\): .*nothing was collected$/m);
      // No empty, half-made evidence folder is left behind to be mistaken for evidence.
      const caseDirs = existsSync(out) ? readdirSync(out) : [];
      for (const c of caseDirs) expect(readdirSync(join(out, c))).toEqual([]);
    });
  });
});
