import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import type { Acquisition } from '../../src/model.js';
import { runCli, SAMPLES, tempDir } from '../helpers/cli.js';

describe('import of text captured elsewhere', () => {
  it('copies the bytes verbatim, hashes them and logs the intake with the examiner statement', async () => {
    const src = join(SAMPLES, 'windows/windows-10/netstat-aonb.out');
    const before = statSync(src);
    const out = tempDir();
    const r = await runCli(['import', src, '--command', 'netstat -anob', '--os', 'Windows 10', '--host', 'WS-042', '--case', 'IMP-1', '--examiner', 'E. Xaminer', '--out', out, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { evidenceDir } = JSON.parse(r.stdout);
    expect(evidenceDir).toMatch(/IMP-1\/WS-042_\d{8}T\d{6}Z$/);
    const acq: Acquisition = JSON.parse(readFileSync(join(evidenceDir, 'acquisition.json'), 'utf8'));
    expect(acq.mode).toBe('import');
    const rec = acq.imports[0];
    const original = readFileSync(src);
    const copy = readFileSync(join(evidenceDir, rec.artifact.path));
    expect(copy.equals(original)).toBe(true);
    expect(rec).toMatchObject({ originalPath: src, originalSize: original.length, statedCommand: 'netstat -anob', statedOs: 'Windows 10' });
    expect(rec.artifact.sha256).toBe(sha256Hex(original));
    expect(rec.originalMtime).toBe(before.mtime.toISOString());
    expect(statSync(src).mtimeMs).toBe(before.mtimeMs); // source untouched
    const ev = readCustody(evidenceDir).find((e) => e.action === 'artifact imported')!;
    expect(ev).toMatchObject({ object: rec.artifact.path, sha256: rec.artifact.sha256, actor: 'E. Xaminer' });
    expect(ev.details).toMatchObject({ originalPath: src, statedCommand: 'netstat -anob' });
    expect(verifyCustodyFile(evidenceDir).ok).toBe(true);
  });

  it('imports a read-only UTF-16LE file (PowerShell) byte for byte and adds files to the same folder', async () => {
    const work = tempDir();
    const ps = join(work, 'netstat-ps.txt');
    writeFileSync(ps, Buffer.from('\ufeff\r\nActive Connections\r\n', 'utf16le'));
    chmodSync(ps, 0o400);
    const out = tempDir();
    const first = await runCli(['import', ps, '--out', out, '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    const dir = JSON.parse(first.stdout).evidenceDir;
    const route = join(work, 'route.txt');
    writeFileSync(route, 'IPv4 Route Table\r\n');
    const second = await runCli(['import', route, '--into', dir, '--command', 'route print', '--json']);
    expect(second.exitCode, second.stderr).toBe(0);
    const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
    expect(acq.imports.map((i) => i.artifact.path)).toEqual(['raw/01-import-netstat-ps.txt', 'raw/02-import-route.txt']);
    expect(readFileSync(join(dir, acq.imports[0].artifact.path)).equals(readFileSync(ps))).toBe(true);
    expect(verifyCustodyFile(dir).ok).toBe(true);
  });

  it('names a missing file in one line without a stack trace', async () => {
    const r = await runCli(['import', '/nonexistent/n.txt', '--out', tempDir()]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^netcustody: error: \/nonexistent\/n\.txt: no such file$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
