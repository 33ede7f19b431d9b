// publishFiles (what analyze writes): each temp file is flushed on the thread pool while the next one
// is written, and nothing is renamed into place before every flush has settled. Checked on a real
// tmpfs that fills up half-way, and through `netcustody analyze` on a disk too small for its outputs.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishFiles } from '../../src/evidence/folder.js';
import { mkdirPrivate } from '../../src/evidence/files.js';
import { verifyCustodyFile } from '../../src/evidence/custody.js';
import { importCapture, runCli } from '../helpers/cli.js';
import { withTmpfs } from '../helpers/tmpfs.js';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';

const sha256sum = (path: string) => execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0];
const rows = (n: number, tag: string) => (write: (piece: string) => void) => {
  for (let i = 0; i < n; i++) write(`{"row":${i},"tag":"${tag}"},\n`);
};
const allFiles = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe('publishFiles', () => {
  it('publishes every file with the hash and size of its bytes, mode 0600, no temp file left', async () => {
    await withTmpfs(8192, async (mnt) => {
      mkdirPrivate(join(mnt, 'parsed'));
      const published = await publishFiles(mnt, [
        { rel: 'parsed/a.json', produce: rows(40_000, 'a') },
        { rel: 'parsed/b.json', produce: rows(10, 'b') },
        { rel: 'c.json', produce: (write) => write('[]\n') },
      ]);
      expect(published.map((p) => p.rel)).toEqual(['parsed/a.json', 'parsed/b.json', 'c.json']);
      for (const p of published) {
        expect(p.sha256, p.rel).toBe(sha256sum(join(mnt, p.rel)));
        expect(p.bytes, p.rel).toBe(statSync(join(mnt, p.rel)).size);
        expect(statSync(join(mnt, p.rel)).mode & 0o777).toBe(0o600);
      }
      expect(allFiles(mnt)).toEqual(['c.json', 'parsed', 'parsed/a.json', 'parsed/b.json']);
    });
  });

  it('a disk that fills up with the second file: the error is passed on, every old file is as it was, no temp file is left', async () => {
    await withTmpfs(1024, async (mnt) => {
      mkdirPrivate(join(mnt, 'parsed'));
      writeFileSync(join(mnt, 'parsed/a.json'), 'old a\n');
      writeFileSync(join(mnt, 'parsed/b.json'), 'old b\n');
      // a (~610 KB) fits and is being flushed in the background when b (~610 KB more) fills the disk.
      const attempt = publishFiles(mnt, [
        { rel: 'parsed/a.json', produce: rows(25_000, 'a') },
        { rel: 'parsed/b.json', produce: rows(25_000, 'b') },
      ]);
      await expect(attempt).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(readFileSync(join(mnt, 'parsed/a.json'), 'utf8')).toBe('old a\n');
      expect(readFileSync(join(mnt, 'parsed/b.json'), 'utf8')).toBe('old b\n');
      expect(allFiles(mnt)).toEqual(['parsed', 'parsed/a.json', 'parsed/b.json']);
    });
  });
});

describe('analyze on a disk too small for its outputs', () => {
  it('fails with one error line (exit 1), leaves no output and no temp file, custody unchanged and verifiable; analyses once there is room', async () => {
    const { dir } = await importCapture(generateLinuxNetstat(30_000), { os: 'linux', command: 'netstat -anp', caseId: 'PUB' });
    // The imported folder fits in 4.5 MiB; its 3 MB of parsed/connections.json and the rest do not.
    await withTmpfs(4608, async (mnt) => {
      const copy = join(mnt, 'ev');
      cpSync(dir, copy, { recursive: true });
      const before = allFiles(copy);
      const custody = readFileSync(join(copy, 'custody.jsonl'));
      const r = await runCli(['analyze', copy, '--examiner', 'T', '--quiet']);
      expect(r.exitCode, r.stderr).toBe(1);
      // One error line (and the usual --debug hint), no stack trace.
      expect(r.stderr.trim().split('\n')[0]).toBe('netcustody: error: ENOSPC: no space left on device, write');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(allFiles(copy).filter((f) => f !== 'parsed')).toEqual(before);
      expect(readFileSync(join(copy, 'custody.jsonl')).equals(custody)).toBe(true);
      expect(verifyCustodyFile(copy)).toMatchObject({ ok: true });
    });
    // The same folder where there is room: every output, each logged with the hash of its bytes.
    const ok = await runCli(['analyze', dir, '--examiner', 'T', '--quiet']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const events = readFileSync(join(dir, 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { object: string; sha256: string; action: string });
    const written = events.filter((e) => / written$/.test(e.action));
    expect(written.map((e) => e.object).sort()).toEqual(['finding-defaults.json', 'findings.json', 'leads.json', 'parsed/analysis.json', 'parsed/connections.json', 'parsed/finding-marks.json', 'parsed/other-sockets.json', 'parsed/parse-report.json', 'parsed/processes.json', 'parsed/routes.csv', 'parsed/routes.json', 'parsed/unix-sockets.json']);
    for (const e of written) expect(e.sha256, e.object).toBe(sha256sum(join(dir, e.object)));
    expect(verifyCustodyFile(dir)).toMatchObject({ ok: true });
  });
});
