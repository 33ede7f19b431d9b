// Issue 11 items 1, 2b and 8 with real processes: six `bundle` runs at once on one folder, a lock
// held by a live process, a stale lock, a `report` killed with SIGKILL while Chromium prints, a
// report on a full 2 MB tmpfs, and an unzipped bundle whose report/ is a link to another folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody } from '../../src/evidence/custody.js';
import { sha256FileSync } from '../../src/evidence/files.js';
import { PATHS } from '../../src/evidence/folder.js';
import { createBundle, verifyEvidence, type BundleResult } from '../../src/bundle/index.js';
import { CLI, REPO, runCli } from '../helpers/cli.js';
import { makeEvidence, openLab, type Lab } from './fixture.js';
import { listMembers } from './rezip.js';

let lab: Lab;
let dir: string;
let bundle: BundleResult;
let n = 0;

beforeAll(async () => {
  lab = await openLab();
  dir = await makeEvidence(lab, 'out');
  bundle = await createBundle(dir, {});
}, 90_000);
afterAll(async () => lab?.close());

/** A fresh copy of the reported evidence folder in its own case folder (zips land beside it). */
function copyFolder(root = lab.root): string {
  const copy = join(root, `copy-${++n}`, 'web01_20240501T100000Z');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

const events = (folder: string, action: string) => readCustody(folder).filter((e) => e.action === action);

/** A process that takes the folder's lock with the real lock module and keeps it until killed. */
async function lockHolder(folder: string): Promise<ChildProcess> {
  const script = `import(${JSON.stringify(join(REPO, 'dist/evidence/lock.js'))}).then(async (m) => { await m.acquireFolderLock(${JSON.stringify(folder)}, 'test holder', { actor: 'test' }); process.stdout.write('held\\n'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('item 1: one command at a time per evidence folder', () => {
  it('six parallel `bundle` runs: every run that exits 0 has its zip on disk with the hash it printed and logged', async () => {
    const folder = copyFolder();
    const earlier = events(folder, 'bundle created').length;
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => runCli(['bundle', folder, '--json'], { env: { NETCUSTODY_LOCK_WAIT_MS: '300000' } })),
    );
    const ok = runs.filter((r) => r.exitCode === 0).map((r) => JSON.parse(r.stdout) as { bundle: string; sha256: string });
    for (const r of runs.filter((x) => x.exitCode !== 0)) expect(r.stderr).toMatch(/in use by another netcustody run: PID \d+/);
    expect(ok.length).toBe(6); // with a long wait, all six get their turn
    const logged = events(folder, 'bundle created').slice(earlier);
    expect(logged.length).toBe(ok.length);
    expect(new Set(ok.map((r) => r.bundle)).size).toBe(ok.length);
    for (const r of ok) {
      expect(existsSync(r.bundle)).toBe(true);
      expect(sha256FileSync(r.bundle)).toBe(r.sha256);
      expect(readFileSync(`${r.bundle}.sha256`, 'utf8')).toBe(`${r.sha256}  ${basename(r.bundle)}\n`);
      expect(logged.find((e) => e.object === basename(r.bundle))?.sha256).toBe(r.sha256);
    }
    expect(existsSync(join(folder, PATHS.lock))).toBe(false);
    expect((await verifyEvidence(folder)).ok).toBe(true);
  }, 600_000);

  it('six parallel `bundle` runs meeting a stale lock: exactly one takes it over, the custody chain stays intact', async () => {
    const folder = copyFolder();
    const dead = spawn(process.execPath, ['-e', '']);
    await killed(dead);
    writeFileSync(join(folder, PATHS.lock), `${JSON.stringify({ pid: dead.pid, host: hostname(), command: 'report', since: '2024-05-01T10:00:00.000Z', processStart: null })}\n`);
    const runs = await Promise.all(Array.from({ length: 6 }, () => runCli(['bundle', folder, '--json'], { env: { NETCUSTODY_LOCK_WAIT_MS: '300000' } })));
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(events(folder, 'stale lock taken over')).toHaveLength(1);
    const r = await verifyEvidence(folder);
    expect(r.checks.find((c) => c.id === 'custody-chain')!.ok).toBe(true);
    expect(r.ok).toBe(true);
  }, 600_000);

  it('a folder held by a live process: bundle, report and analyze wait, then fail naming the holder PID, writing nothing', async () => {
    const folder = copyFolder();
    const holder = await lockHolder(folder);
    try {
      const before = readFileSync(join(folder, PATHS.custody));
      const zipsBefore = readdirSync(join(folder, '..')).sort();
      for (const command of ['bundle', 'report', 'analyze']) {
        const r = await runCli([command, folder], { env: { NETCUSTODY_LOCK_WAIT_MS: '1500' } });
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain(`is in use by another netcustody run: PID ${holder.pid} on ${hostname()} (test holder, since`);
        expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      }
      expect(readFileSync(join(folder, PATHS.custody)).equals(before)).toBe(true);
      expect(readdirSync(join(folder, '..')).sort()).toEqual(zipsBefore);
    } finally {
      holder.kill('SIGKILL');
      await killed(holder);
    }
    // The holder died without releasing: the next run takes the lock over and says so in the log.
    const r = await runCli(['bundle', folder, '--json']);
    expect(r.exitCode).toBe(0);
    const takeover = events(folder, 'stale lock taken over');
    expect(takeover).toHaveLength(1);
    expect(takeover[0].details).toMatchObject({ command: 'bundle', holder: { pid: holder.pid, host: hostname(), command: 'test holder' } });
    expect(existsSync(JSON.parse(r.stdout).bundle)).toBe(true);
  }, 120_000);

  it('a stale lock file naming a dead PID is taken over and logged', async () => {
    const folder = copyFolder();
    const dead = spawn(process.execPath, ['-e', '']);
    await killed(dead);
    writeFileSync(join(folder, PATHS.lock), `${JSON.stringify({ pid: dead.pid, host: hostname(), command: 'analyze', since: '2024-05-01T10:00:00.000Z', processStart: null })}\n`);
    const r = await runCli(['bundle', folder, '--json'], { env: { NETCUSTODY_LOCK_WAIT_MS: '1000' } });
    expect(r.stderr).not.toContain('error');
    expect(r.exitCode).toBe(0);
    expect(events(folder, 'stale lock taken over')[0].details).toMatchObject({ holder: { pid: dead.pid, command: 'analyze' }, reason: `process ${dead.pid} is no longer running` });
    expect(existsSync(join(folder, PATHS.lock))).toBe(false);
    expect(listMembers(JSON.parse(r.stdout).bundle)).not.toContain(PATHS.lock);
  }, 120_000);
});

/** Child processes of `parent` (Puppeteer starts Chromium in a process group of its own). */
function childrenOf(parent: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const name of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) out.push({ pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('item 8: a report interrupted by SIGKILL or a full disk leaves the previous pair', () => {
  it('SIGKILL while Chromium prints: old html+pdf untouched, nothing logged; the next bundle takes the lock over and verifies', async () => {
    const folder = copyFolder();
    const html = sha256FileSync(join(folder, PATHS.reportHtml));
    const pdf = sha256FileSync(join(folder, PATHS.reportPdf));
    const published = events(folder, 'report published').length;
    const child = spawn(process.execPath, [CLI, 'report', folder], { stdio: 'ignore', env: process.env });
    const browser = () => childrenOf(child.pid!).find((p) => /chrom/i.test(p.comm));
    try {
      // Kill point: Chromium is running for this report (the html and PDF are being made).
      for (let i = 0; i < 1800 && !browser() && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      const chromium = browser();
      expect(chromium).toBeDefined();
      child.kill('SIGKILL');
      await killed(child);
      process.kill(-chromium!.pid, 'SIGKILL'); // the orphaned browser, in its own process group
    } finally {
      child.kill('SIGKILL');
    }
    expect(sha256FileSync(join(folder, PATHS.reportHtml))).toBe(html);
    expect(sha256FileSync(join(folder, PATHS.reportPdf))).toBe(pdf);
    expect(events(folder, 'report published').length).toBe(published);
    expect(JSON.parse(readFileSync(join(folder, PATHS.lock), 'utf8')).pid).toBe(child.pid);
    const r = await runCli(['bundle', folder, '--json']);
    expect(r.exitCode).toBe(0);
    expect(events(folder, 'stale lock taken over')[0].details).toMatchObject({ holder: { pid: child.pid, command: 'report' } });
    expect((await verifyEvidence(JSON.parse(r.stdout).bundle)).ok).toBe(true);
  }, 240_000);

  it('ENOSPC on a 2 MB tmpfs while the PDF is written: clear error, old pair untouched, no temp file, bundle then verifies', async () => {
    const mnt = join(lab.root, 'tmpfs');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
    try {
      const folder = copyFolder(mnt);
      for (const f of [PATHS.sums, PATHS.manifest, PATHS.manifestSig, PATHS.certificate]) rmSync(join(folder, f));
      const htmlBytes = readFileSync(join(folder, PATHS.reportHtml));
      const pdfBytes = readFileSync(join(folder, PATHS.reportPdf));
      expect(pdfBytes.length).toBeGreaterThan(64 * 1024);
      // Room for the new html (about the size of the old one) and custody lines, not for the PDF.
      const { bavail, bsize } = statfsSync(mnt);
      const room = htmlBytes.length + 48 * 1024;
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - room)));
      const r = await runCli(['report', folder]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/^netcustody: error: cannot write .*report\/report\.(html|pdf): ENOSPC.*the previous report is unchanged/m);
      expect(readFileSync(join(folder, PATHS.reportHtml)).equals(htmlBytes)).toBe(true);
      expect(readFileSync(join(folder, PATHS.reportPdf)).equals(pdfBytes)).toBe(true);
      expect(readdirSync(join(folder, PATHS.report)).sort()).toEqual(['report.html', 'report.pdf']);
      expect(existsSync(join(folder, PATHS.lock))).toBe(false);
      rmSync(join(mnt, 'filler'));
      const b = await runCli(['bundle', folder, '--json', '--out', join(lab.root, 'from-tmpfs')]);
      expect(b.exitCode).toBe(0);
      expect((await verifyEvidence(JSON.parse(b.stdout).bundle)).ok).toBe(true);
    } finally {
      execFileSync('umount', [mnt]);
    }
  }, 240_000);
});

describe('item 2b: links inside an evidence folder are never followed', () => {
  /** The bundle re-zipped by Python with report/ replaced by a symlink member, extracted by unzip (which makes the link). */
  function extractedWithLink(target: string): string {
    const zip = join(lab.root, `link-${++n}.zip`);
    const py = [
      'import sys, zipfile',
      'src, dst, target = sys.argv[1:4]',
      'with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:',
      '    for i in zin.infolist():',
      '        if not i.filename.startswith("report/"): zout.writestr(i, zin.read(i))',
      '    link = zipfile.ZipInfo("report")',
      '    link.create_system = 3',
      '    link.external_attr = 0o120777 << 16',
      '    zout.writestr(link, target)',
    ].join('\n');
    execFileSync('python3', ['-c', py, bundle.zipPath, zip, target]);
    const out = join(lab.root, `extracted-${n}`, 'web01_20240501T100000Z');
    mkdirSync(out, { recursive: true });
    execFileSync('unzip', ['-q', zip, '-d', out]);
    expect(lstatSync(join(out, 'report')).isSymbolicLink()).toBe(true);
    return out;
  }

  function snapshot(path: string): string {
    return execFileSync('sh', ['-c', 'find . -printf "%p %m %s\\n" | sort; cat $(find . -type f | sort) | sha256sum'], { cwd: path, encoding: 'utf8' });
  }

  it('analyze, report and bundle refuse an extracted bundle whose report/ links to another folder, and write nothing there', async () => {
    const outside = join(lab.root, `outside-${++n}`);
    mkdirSync(outside, { mode: 0o755 });
    writeFileSync(join(outside, 'keep.txt'), 'not evidence\n');
    const folder = extractedWithLink(outside);
    const before = snapshot(outside);
    const zipsBefore = readdirSync(join(folder, '..')).sort();
    for (const command of ['analyze', 'report', 'bundle']) {
      const r = await runCli([command, folder]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain(`netcustody: error: refusing to ${command} `);
      expect(r.stderr).toContain(`report is a symbolic link (→ ${outside})`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(snapshot(outside)).toBe(before);
    expect(readdirSync(join(folder, '..')).sort()).toEqual(zipsBefore);
  }, 120_000);

  it('a parsed file or a raw artifact that is a link is refused by name too', async () => {
    const outside = join(lab.root, `outside-${++n}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'victim.json'), '[]\n');
    const folder = copyFolder();
    rmSync(join(folder, PATHS.connections));
    execFileSync('ln', ['-s', join(outside, 'victim.json'), join(folder, PATHS.connections)]);
    const r = await runCli(['analyze', folder]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`parsed/connections.json is a symbolic link (→ ${join(outside, 'victim.json')})`);
    expect(readFileSync(join(outside, 'victim.json'), 'utf8')).toBe('[]\n');
    const raw = readdirSync(join(folder, 'raw'))[0];
    rmSync(join(folder, PATHS.connections));
    execFileSync('ln', ['-sf', '/etc/hostname', join(folder, 'raw', raw)]);
    const b = await runCli(['bundle', folder]);
    expect(b.exitCode).toBe(1);
    expect(b.stderr).toContain(`raw/${raw} is a symbolic link (→ /etc/hostname)`);
    // A baseline folder is only read, but as evidence: the same link is refused there too.
    const a = await runCli(['analyze', copyFolder(), '--baseline', folder]);
    expect(a.exitCode).toBe(1);
    expect(a.stderr).toContain(`refusing to use as a baseline ${folder}: raw/${raw} is a symbolic link (→ /etc/hostname)`);
  }, 120_000);
});
