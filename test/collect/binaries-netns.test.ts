// Issue 18 in a network namespace: the executable behind each socket owner is hashed as the kernel
// runs it and copied when it is about to vanish or looks like an implant — deleted, replaced on
// disk, over the size cap, unreadable, with a hostile name — all through the public CLI.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody } from '../../src/evidence/custody.js';
import type { Acquisition, ProcessFacts } from '../../src/model.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { PERL, perlCopy, sha256File, startListener, startMemfdListener } from '../lab/programs.mjs';
import { readableCli, runCli, tempDir } from '../helpers/cli.js';
import { withTmpfs } from '../helpers/tmpfs.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { readdirSync } from 'node:fs';

const canNetns = netnsAvailable();

interface Collected {
  dir: string;
  acq: Acquisition;
  facts: Map<number, ProcessFacts>;
}

function readCollected(dir: string): Collected {
  const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')) as Acquisition;
  const step = acq.commands.find((c) => c.kind === 'procfacts')!;
  const lines = readFileSync(join(dir, step.stdout!.path), 'utf8').trim().split('\n').slice(1);
  const facts = new Map(lines.map((l) => JSON.parse(l) as ProcessFacts).map((f) => [f.pid, f]));
  return { dir, acq, facts };
}

describe.runIf(canNetns)('executables of socket owners, in a namespace', () => {
  let lab: ReturnType<typeof createLab>;
  let work: string;
  let plainDir: string | undefined;
  const pids: Record<string, number> = {};
  const hashes: Record<string, string> = {};
  let auto: Collected;
  const binaries = () => auto.acq.commands.find((c) => c.kind === 'procfacts')!.binaries!;

  beforeAll(async () => {
    lab = createLab();
    const ns = lab.victim;
    // Temporary folder of the "host": /tmp, as an implant would use.
    work = mkdtempSync(join(tmpdir(), 'ncbin-'));
    chmodSync(work, 0o755);

    // 1. A copy of the interpreter in a temporary folder, deleted once it listens.
    const deleted = join(work, 'updater');
    hashes.deleted = perlCopy(deleted);
    pids.deleted = (await startListener(ns, deleted, '0.0.0.0', 4444)).pid;
    pids.deletedTwin = (await startListener(ns, deleted, '0.0.0.0', 4445)).pid;
    unlinkSync(deleted);

    // 2. Replaced on disk after it started (rename over it, as a package upgrade or an attacker does).
    const replaced = join(work, 'agent');
    hashes.replacedOriginal = perlCopy(replaced);
    pids.replaced = (await startListener(ns, replaced, '127.0.0.1', 7001)).pid;
    writeFileSync(`${replaced}.new`, 'a different file\n', { mode: 0o755 });
    hashes.replacedNew = sha256File(`${replaced}.new`);
    renameSync(`${replaced}.new`, replaced);

    // 3. A huge sparse executable (1 GiB, almost all holes) over the default 64 MiB cap.
    const huge = join(work, 'bigtool');
    perlCopy(huge);
    truncateSync(huge, 1024 ** 3);
    pids.huge = (await startListener(ns, huge, '127.0.0.1', 7002)).pid;

    // 4. A hostile file name: markup, a newline and shell syntax.
    const hostileDir = join(work, 'odd');
    mkdirSync(hostileDir);
    const hostile = join(hostileDir, '<b>x\n$(id)`;.bin');
    hashes.hostile = perlCopy(hostile);
    pids.hostile = (await startListener(ns, hostile, '127.0.0.1', 7003)).pid;

    // 5. An ordinary program in an ordinary folder: hashed, not copied.
    plainDir = mkdtempSync('/var/lib/ncbin-plain-');
    chmodSync(plainDir, 0o755);
    const plain = join(plainDir, 'webapp');
    hashes.plain = perlCopy(plain);
    pids.plain = (await startListener(ns, plain, '127.0.0.1', 7004)).pid;

    // 6. Run by nobody from a readable file that is then made execute-only: nobody's collector is refused.
    const locked = join(work, 'locked');
    perlCopy(locked);
    pids.locked = (await startListener(ns, locked, '127.0.0.1', 7005, { uid: 65534 })).pid;
    chmodSync(locked, 0o111);

    // 7. Fileless: running from a memfd, no file on any disk.
    pids.memfd = (await startMemfdListener(ns, 'payload', '127.0.0.1', 7006)).pid;
    hashes.perl = sha256File(PERL);

    const out = tempDir();
    const r = await runCli(['collect', '--out', out, '--case', 'BIN-1', '--examiner', 'Lab Examiner', '--json'], { netns: ns });
    expect(r.exitCode, r.stderr).toBe(0);
    auto = readCollected(JSON.parse(r.stdout).evidenceDir);
  });
  afterAll(() => {
    lab?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
    if (plainDir) rmSync(plainDir, { recursive: true, force: true });
  });

  it('hashes a deleted executable through /proc/PID/exe and keeps a 0600 copy whose SHA-256 is the original file\'s', () => {
    const f = auto.facts.get(pids.deleted)!;
    expect(f.exeDeleted).toBe(true);
    expect(f.exeSha256).toBe(hashes.deleted);
    expect(f.exeSize).toBe(statSync(execFileSync('sh', ['-c', 'command -v perl']).toString().trim()).size);
    const copy = binaries().preserved.find((b) => b.pid === pids.deleted)!;
    expect(copy.path).toMatch(/^raw\/binaries\/\d+-updater\.bin$/);
    expect(copy.sha256).toBe(hashes.deleted);
    expect(sha256File(join(auto.dir, copy.path))).toBe(hashes.deleted);
    expect(statSync(join(auto.dir, copy.path)).mode & 0o777).toBe(0o600);
    expect(copy.reasons.join('; ')).toMatch(/deleted from the disk while running; in a world-writable temporary directory/);
    const custody = readCustody(auto.dir).find((e) => e.object === copy.path)!;
    expect(custody).toMatchObject({ action: 'executable preserved', sha256: hashes.deleted });
  });

  it('reads a file run by two processes once: one copy, recorded for both PIDs', () => {
    const [a, b] = [pids.deleted, pids.deletedTwin].sort((x, y) => x - y) as [number, number];
    const first = binaries().preserved.find((p) => p.pid === a)!;
    const twin = binaries().preserved.find((p) => p.pid === b)!;
    expect(twin).toMatchObject({ path: first.path, sha256: hashes.deleted, sharedWith: a });
    expect(auto.facts.get(b)!.exeSha256).toBe(hashes.deleted);
    expect(readdirSync(join(auto.dir, 'raw/binaries')).filter((n) => n.endsWith('-updater.bin'))).toEqual([`${a}-updater.bin`]);
  });

  it('hashes the running image of a binary replaced on disk, not the new file', () => {
    const f = auto.facts.get(pids.replaced)!;
    expect(f.exe).toMatch(/agent \(deleted\)$/);
    expect(f.exeSha256).toBe(hashes.replacedOriginal);
    expect(f.exeSha256).not.toBe(hashes.replacedNew);
    expect(binaries().preserved.find((b) => b.pid === pids.replaced)?.sha256).toBe(hashes.replacedOriginal);
  });

  it('records a huge sparse executable over the cap as not hashed and not copied, with the reason', () => {
    const f = auto.facts.get(pids.huge)!;
    expect(f.exeSha256).toBeNull();
    expect(f.exeSize).toBe(1024 ** 3);
    expect(f.exeHashError).toMatch(/larger than the size cap \(1073741824 bytes > --max-binary-size 67108864\)/);
    const skip = binaries().skipped.find((s) => s.pid === pids.huge)!;
    expect(skip.why).toMatch(/size cap/);
    expect(readCustody(auto.dir).some((e) => e.action === 'executable not preserved' && (e.details as { pid?: number }).pid === pids.huge)).toBe(true);
  });

  it('names a copy of a hostile file name with safe characters only', () => {
    const copy = binaries().preserved.find((b) => b.pid === pids.hostile)!;
    expect(copy.path).toMatch(/^raw\/binaries\/\d+-[A-Za-z0-9._-]+\.bin$/);
    expect(copy.sha256).toBe(hashes.hostile);
    expect(copy.exe).toContain('\n');
  });

  it('hashes and copies a fileless program running from a memfd', () => {
    const f = auto.facts.get(pids.memfd)!;
    expect(f.exe).toBe('/memfd:payload (deleted)');
    expect(f.exeSha256).toBe(hashes.perl);
    const copy = binaries().preserved.find((b) => b.pid === pids.memfd)!;
    expect(copy).toMatchObject({ path: `raw/binaries/${pids.memfd}-memfd_payload.bin`, sha256: hashes.perl });
    expect(copy.reasons[0]).toMatch(/memory-only file \(memfd\)/);
  });

  it('hashes an ordinary program without copying it', () => {
    expect(auto.facts.get(pids.plain)!.exeSha256).toBe(hashes.plain);
    expect(binaries().preserved.some((b) => b.pid === pids.plain)).toBe(false);
    expect(binaries().skipped.some((s) => s.pid === pids.plain)).toBe(false);
  });

  it('records permission denied when the collector cannot read the executable (run as nobody)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ncbin-nobody-'));
    chmodSync(out, 0o777);
    try {
      const r = await execa('ip', ['netns', 'exec', lab.victim, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, readableCli(), 'collect', '--out', out, '--case', 'BIN-2', '--examiner', 'Lab Examiner', '--json'], { reject: false, stdin: 'ignore', cwd: out });
      expect(r.exitCode, r.stderr).toBe(0);
      const c = readCollected(JSON.parse(r.stdout).evidenceDir);
      const f = c.facts.get(pids.locked)!;
      expect(f.exe).toMatch(/locked$/);
      expect(f.exeSha256).toBeNull();
      expect(f.exeHashError).toMatch(/permission denied \(EACCES\)/);
      const skip = c.acq.commands.find((x) => x.kind === 'procfacts')!.binaries!.skipped.find((s) => s.pid === pids.locked)!;
      expect(skip.why).toMatch(/permission denied/);
      // Processes of other users are not seen at all without root: nothing is invented for them.
      expect(c.facts.has(pids.deleted)).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('--preserve-binaries none copies nothing; all copies every owner under the cap', async () => {
    const out = tempDir();
    const none = await runCli(['collect', '--out', out, '--case', 'BIN-3', '--examiner', 'Lab Examiner', '--preserve-binaries', 'none', '--json'], { netns: lab.victim });
    expect(none.exitCode, none.stderr).toBe(0);
    const n = readCollected(JSON.parse(none.stdout).evidenceDir);
    expect(n.acq.commands.find((c) => c.kind === 'procfacts')!.binaries).toMatchObject({ policy: 'none', preserved: [], skipped: [] });
    expect(n.facts.get(pids.deleted)!.exeSha256).toBe(hashes.deleted);
    const all = await runCli(['collect', '--out', out, '--case', 'BIN-4', '--examiner', 'Lab Examiner', '--preserve-binaries', 'all', '--max-binary-size', '8M', '--json'], { netns: lab.victim });
    expect(all.exitCode, all.stderr).toBe(0);
    const a = readCollected(JSON.parse(all.stdout).evidenceDir);
    const rec = a.acq.commands.find((c) => c.kind === 'procfacts')!.binaries!;
    expect(rec.maxBytes).toBe(8 * 1024 * 1024);
    expect(rec.preserved.find((b) => b.pid === pids.plain)).toMatchObject({ sha256: hashes.plain, reasons: ['--preserve-binaries all'] });
    expect(rec.skipped.find((s) => s.pid === pids.huge)?.why).toMatch(/8388608/);
  });

  it('on a small evidence disk, copies that would not leave room for the records are skipped, not started', async () => {
    await withTmpfs(6144, async (mnt) => {
      const out = join(mnt, 'out');
      const r = await runCli(['collect', '--out', out, '--case', 'BIN-5', '--examiner', 'Lab Examiner'], { netns: lab.victim });
      expect(r.exitCode, r.stderr).toBe(0);
      const caseDir = join(out, 'BIN-5');
      const c = readCollected(join(caseDir, readdirSync(caseDir)[0]!));
      expect(c.acq.status).toBe('complete');
      const rec = c.acq.commands.find((x) => x.kind === 'procfacts')!.binaries!;
      expect(rec.preserved.length).toBeGreaterThanOrEqual(1);
      for (const b of rec.preserved) {
        expect(b.writeError).toBeUndefined();
        expect(sha256Hex(readFileSync(join(c.dir, b.path)))).toBe(b.sha256);
      }
      expect(rec.skipped.some((s) => /not enough free space for a copy on the evidence disk/.test(s.why))).toBe(true);
      // The facts, with every hash, and the less volatile routes were all written.
      expect(c.facts.get(pids.replaced)!.exeSha256).toBe(hashes.replacedOriginal);
      expect(c.acq.commands.some((x) => x.id === 'netstat-rn' && x.exitCode === 0)).toBe(true);
    });
  });

  it('refuses a bad --max-binary-size as a usage error', async () => {
    const r = await runCli(['collect', '--out', tempDir(), '--max-binary-size', '12 parsecs']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--max-binary-size <size>' argument '12 parsecs' is invalid\. expects a size/);
    // The same for the older numeric options (they printed a stack trace and exited 1).
    const t = await runCli(['collect', '--out', tempDir(), '--timeout', 'abc']);
    expect(t.exitCode).toBe(2);
    expect(t.stderr).toMatch(/--timeout <seconds>' argument 'abc' is invalid\. expects a positive number/);
    expect(t.stderr).not.toMatch(/\n\s+at /);
  });
});
