// Issue 18 over SSH (the transport's side of src/collect/binaries.ts's contract), against a real
// sshd in a namespace (test/lab/sshd.mjs): copies of socket owners' executables come back through
// the ControlMaster connection as `cat /proc/PID/exe` under the step wrapper, land in raw/binaries/
// with the reader's SHA-256, and the bundle from `run --ssh` verifies with them inside.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import type { Acquisition, BinariesRecord, ProcessFacts } from '../../src/model.js';
import { processFactsShParser } from '../../src/parse/process-facts-sh.js';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { perlCopy, sha256File, startListener } from '../lab/programs.mjs';
import { runCli, tempDir } from '../helpers/cli.js';
import { withTmpfs } from '../helpers/tmpfs.js';

interface Collected {
  dir: string;
  acq: Acquisition;
  binaries: BinariesRecord;
  facts: Map<number, ProcessFacts>;
  readerText: string;
}

function readCollected(dir: string): Collected {
  const acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')) as Acquisition;
  const step = acq.commands.find((c) => c.kind === 'procfacts')!;
  const readerText = readFileSync(join(dir, step.stdout!.path), 'utf8');
  const parsed = processFactsShParser.parse({ text: readerText, artifact: step.stdout!.path, encoding: 'utf-8' });
  return { dir, acq, binaries: step.binaries!, facts: new Map(parsed.processes.map((f) => [f.pid, f])), readerText };
}

describe.runIf(sshdAvailable())('executables behind sockets, copied over SSH', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let work: string;
  let out: string;
  const pids: Record<string, number> = {};
  const hashes: Record<string, string> = {};
  const sshArgs = () => ['--ssh', 'h1', '--ssh-config', lab.sshConfig, '--out', out, '--examiner', 'SSH Tester', '--json'];

  beforeAll(async () => {
    lab = await createSshLab({ hosts: 1 });
    const ns = lab.hosts[0].ns;
    // The target's temporary folder (the lab hosts share this machine's /tmp).
    work = mkdtempSync(join(tmpdir(), 'ncsshbin-'));
    chmodSync(work, 0o755);
    // A copy of the interpreter, run twice (one file, two PIDs), then deleted.
    const deleted = join(work, 'updater');
    hashes.deleted = perlCopy(deleted);
    pids.deleted = (await startListener(ns, deleted, '0.0.0.0', 4444)).pid;
    pids.twin = (await startListener(ns, deleted, '0.0.0.0', 4445)).pid;
    unlinkSync(deleted);
    // Another file (salted: its own hash) under a hostile name in the temporary folder, kept on disk.
    mkdirSync(join(work, 'odd'));
    const hostile = join(work, 'odd', '<b>x\n$(id)`;.bin');
    hashes.hostile = perlCopy(hostile, 'salt');
    pids.hostile = (await startListener(ns, hostile, '127.0.0.1', 7003)).pid;
    out = tempDir();
  }, 120_000);
  afterAll(() => {
    lab?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('run --ssh: the deleted binary comes back with the original SHA-256, cited in the lead, and the bundle verifies with it', async () => {
    const r = await runCli(['run', ...sshArgs(), '--case', 'SSHBIN-1'], { netns: lab.ws });
    expect(r.exitCode, r.stderr).toBe(0);
    const host = JSON.parse(r.stdout).hosts[0];
    const c = readCollected(host.evidenceDir);
    // The reader hashed the running image on the target; the copy is those bytes.
    expect(c.facts.get(pids.deleted)).toMatchObject({ exeDeleted: true, exeSha256: hashes.deleted });
    const [first, second] = [pids.deleted, pids.twin].sort((a, b) => a - b) as [number, number];
    const copy = c.binaries.preserved.find((b) => b.pid === first)!;
    expect(copy).toMatchObject({ path: `raw/binaries/${first}-updater.bin`, sha256: hashes.deleted, remote: { readerSha256: hashes.deleted, targetSha256: hashes.deleted, transit: 'match' } });
    expect(copy.incomplete).toBeUndefined();
    expect(copy.reasons.join('; ')).toMatch(/deleted from the disk while running/);
    expect(sha256File(join(c.dir, copy.path))).toBe(hashes.deleted);
    expect(statSync(join(c.dir, copy.path)).mode & 0o777).toBe(0o600);
    // One copy per identical file.
    expect(c.binaries.preserved.find((b) => b.pid === second)).toMatchObject({ path: copy.path, sharedWith: first });
    // A hostile name becomes a safe file name; its copy is its own file.
    const odd = c.binaries.preserved.find((b) => b.pid === pids.hostile)!;
    expect(odd.path).toMatch(/^raw\/binaries\/\d+-[A-Za-z0-9._-]+\.bin$/);
    expect(odd.sha256).toBe(hashes.hostile);
    expect(readdirSync(join(c.dir, 'raw/binaries')).sort()).toEqual([copy.path, odd.path].map((p) => p.slice('raw/binaries/'.length)).sort());
    // What ran on the target: one wrapper session per copy, PID only (never a path it printed).
    const copies = c.acq.transport!.footprint!.commands.filter((f) => f.purpose.startsWith('copy of the executable'));
    expect(copies.map((f) => f.purpose).sort()).toEqual([first, pids.hostile].map((p) => `copy of the executable of PID ${p}`).sort());
    for (const f of copies) {
      const pid = f.purpose.split(' ').pop();
      expect(f.script).toContain(`$nc_t cat '/proc/${pid}/exe' </dev/null`);
      expect(f.script).toMatch(/nc_t='timeout \d+'/);
      expect(f.script).not.toMatch(/updater|odd/);
    }
    expect(readCustody(c.dir).find((e) => e.object === copy.path)).toMatchObject({ action: 'executable preserved', sha256: hashes.deleted });
    expect(verifyCustodyFile(c.dir).ok).toBe(true);
    // The lead cites the hash and where the copy is.
    const leads = JSON.parse(readFileSync(join(c.dir, 'leads.json'), 'utf8')) as { executable?: { sha256: string; copy: { path: string } | null } }[];
    expect(leads.some((l) => l.executable?.sha256 === hashes.deleted && l.executable.copy?.path === copy.path)).toBe(true);
    const text = execFileSync('pdftotext', ['-layout', host.report, '-']).toString();
    expect(text).toContain(copy.path);
    expect(text.replace(/\s+/g, '')).toContain(hashes.deleted);
    // The bundle holds the copy and verifies.
    const listing = execFileSync('unzip', ['-Z1', host.bundle]).toString();
    expect(listing).toMatch(new RegExp(`(^|/)${copy.path.replace(/\./g, '\\.')}$`, 'm'));
    const v = await runCli(['verify', host.bundle]);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }, 300_000);

  it('--preserve-binaries none copies nothing over SSH, the hash is still recorded', async () => {
    const r = await runCli(['collect', ...sshArgs(), '--case', 'SSHBIN-2', '--preserve-binaries', 'none'], { netns: lab.ws });
    expect(r.exitCode, r.stderr).toBe(0);
    const c = readCollected(JSON.parse(r.stdout).evidenceDir);
    expect(c.binaries).toMatchObject({ policy: 'none', preserved: [], skipped: [] });
    expect(c.facts.get(pids.deleted)!.exeSha256).toBe(hashes.deleted);
    expect(readdirSync(join(c.dir, 'raw')).includes('binaries')).toBe(false);
    expect(c.acq.transport!.footprint!.commands.some((f) => f.purpose.startsWith('copy of'))).toBe(false);
  }, 120_000);

  it('a cap smaller than the binary: the reader does not hash it and the copy is skipped with the reason', async () => {
    const r = await runCli(['collect', ...sshArgs(), '--case', 'SSHBIN-3', '--max-binary-size', '1M'], { netns: lab.ws });
    expect(r.exitCode, r.stderr).toBe(0);
    const c = readCollected(JSON.parse(r.stdout).evidenceDir);
    // The reader on the target got the cap.
    expect(c.readerText.split('\n')[0]).toMatch(/ cap=1048576 /);
    const f = c.facts.get(pids.deleted)!;
    expect(f.exeSha256).toBeNull();
    expect(f.exeHashError).toMatch(/size cap/);
    expect(c.binaries.maxBytes).toBe(1048576);
    expect(c.binaries.preserved).toEqual([]);
    const skip = c.binaries.skipped.find((s) => s.pid === pids.deleted)!;
    expect(skip.why).toBe(`larger than the size cap (${f.exeSize} bytes > --max-binary-size 1048576): not copied`);
    expect(readCustody(c.dir).some((e) => e.action === 'executable not preserved' && e.object === `/proc/${pids.deleted}/exe`)).toBe(true);
  }, 120_000);

  it('on a small evidence disk, a copy that would not leave room for the records is skipped, not started', async () => {
    await withTmpfs(6144, async (mnt) => {
      const r = await runCli(['collect', ...sshArgs().map((a) => (a === out ? join(mnt, 'out') : a)), '--case', 'SSHBIN-5'], { netns: lab.ws });
      expect(r.exitCode, r.stderr).toBe(0);
      const c = readCollected(JSON.parse(r.stdout).evidenceDir);
      expect(c.acq.status).toBe('complete');
      expect(c.binaries.preserved.filter((b) => b.sharedWith === undefined)).toHaveLength(1);
      for (const b of c.binaries.preserved) {
        expect(b.writeError).toBeUndefined();
        expect(sha256File(join(c.dir, b.path))).toBe(b.sha256);
      }
      expect(c.binaries.skipped.some((s) => /^not enough free space for a copy on the evidence disk \(\d+ bytes free, \d+ needed plus 1048576 kept for the records\)$/.test(s.why))).toBe(true);
      expect(c.acq.commands.some((x) => x.id === 'netstat-rn' && x.exitCode === 0)).toBe(true);
    });
  }, 120_000);

  it('a copy whose bytes change in transit is kept, marked incomplete with both hashes, and the host is flagged', async () => {
    const r = await runCli(['collect', ...sshArgs(), '--case', 'SSHBIN-4'], { netns: lab.ws, env: { NETCUSTODY_TEST_CORRUPT_TRANSIT: 'executable-copy' } });
    expect(r.exitCode).toBe(1);
    const host = JSON.parse(r.stdout);
    expect(host.error).toMatch(/TRANSIT ERROR .*raw\/binaries\//);
    const c = readCollected(host.evidenceDir);
    const copy = c.binaries.preserved.find((b) => b.pid === pids.hostile)!;
    expect(copy.sha256).not.toBe(hashes.hostile);
    expect(sha256File(join(c.dir, copy.path))).toBe(copy.sha256);
    expect(copy.remote).toMatchObject({ readerSha256: hashes.hostile, targetSha256: hashes.hostile, transit: 'mismatch' });
    expect(copy.incomplete).toContain(hashes.hostile);
    expect(copy.incomplete).toContain(copy.sha256);
    // Not reused for the twin: a bad copy serves no other PID.
    expect(c.binaries.preserved.every((b) => b.sharedWith === undefined)).toBe(true);
    expect(readCustody(c.dir).find((e) => e.object === copy.path)?.action).toBe('executable copy incomplete');
    expect(r.stderr).toMatch(/executable copy INCOMPLETE/);
  }, 120_000);
});
