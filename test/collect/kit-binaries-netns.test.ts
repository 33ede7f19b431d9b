// Issue 18 in the field kit, in a network namespace: a listener runs from a copy of perl in a
// temporary folder that is then deleted; the generated sh kit (dash, and busybox sh with only busybox
// applets plus netstat/ss/ip) copies it through /proc/PID/exe; import --kit brings the copy into
// raw/binaries/ and analyze/report/bundle/verify pass with it inside. --preserve-binaries none, a
// size cap and an edited or missing copy in the results are each handled as a user would see them.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Acquisition } from '../../src/model.js';
import { readCustody } from '../../src/evidence/custody.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { perlCopy, sha256File, startListener } from '../lab/programs.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const has = (c: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe.runIf(netnsAvailable() && has('dash') && has('busybox'))('field kit copies of executables, in a namespace', () => {
  let lab: ReturnType<typeof createLab>;
  let work: string;
  let implantDir: string;
  let bb: string;
  let pid: number;
  let original: string;
  let wwDir: string;
  let hostile: { pid: number; sha: string; path: string };
  const kits: Record<string, string> = {};
  const results: Record<string, string> = {};
  const wall: Record<string, number> = {};

  const makeKit = async (name: string, extra: string[]): Promise<string> => {
    const r = await runCli(['kit', '--os', 'linux', '--out', join(work, name), '--json', ...extra]);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout).kit as string;
  };
  const runKit = (name: string, shell: string[], path: string): void => {
    const parent = join(work, `${name}-results`);
    mkdirSync(parent);
    const t0 = process.hrtime.bigint();
    const out = lab.exec(lab.victim, ['env', '-i', `PATH=${path}`, ...shell, kits[name] ?? kits.auto, parent]).toString('utf8');
    wall[name] = Number(process.hrtime.bigint() - t0) / 1e6;
    results[name] = out.trim().split('\n').at(-1)!;
  };
  const importKit = async (source: string) => {
    const r = await runCli(['import', '--kit', source, '--out', join(work, 'out'), '--case', 'KITBIN', '--examiner', 'Kit Examiner', '--json']);
    const dir = r.exitCode === 0 ? (JSON.parse(r.stdout).evidenceDir as string) : '';
    return { ...r, dir, acq: dir ? (JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8')) as Acquisition) : null };
  };
  const binariesOf = (acq: Acquisition) => acq.commands.find((c) => c.kind === 'procfacts')!.binaries!;

  beforeAll(async () => {
    lab = createLab();
    work = tempDir('nc-kitbin-');
    // The implant's folder under /tmp, as dropped implants use; deleted once it listens.
    implantDir = mkdtempSync(join(tmpdir(), 'nckb-'));
    chmodSync(implantDir, 0o755);
    const implant = join(implantDir, 'updater');
    original = perlCopy(implant);
    pid = (await startListener(lab.victim, implant, '0.0.0.0', 4444)).pid;
    unlinkSync(implant);
    // A hostile file name (newline, backslash escapes dash's echo would act on, shell syntax) in a
    // world-writable folder that is not a temporary one: only the kit's ls -ld on the host can tell.
    wwDir = mkdtempSync('/var/lib/nckb-ww-');
    chmodSync(wwDir, 0o1777);
    const odd = join(wwDir, '<b>x\n\\c$(id)`;.bin');
    hostile = { pid: 0, sha: perlCopy(odd, 'another file'), path: odd };
    hostile.pid = (await startListener(lab.victim, odd, '127.0.0.1', 7003)).pid;

    kits.auto = await makeKit('auto', []);
    kits.none = await makeKit('none', ['--preserve-binaries', 'none']);
    kits.cap = await makeKit('cap', ['--max-binary-size', '1M']);
    bb = join(work, 'bb');
    mkdirSync(bb);
    execFileSync('busybox', ['--install', '-s', bb]);
    for (const tool of ['netstat', 'ss', 'ip']) {
      rmSync(join(bb, tool), { force: true });
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bb, tool));
    }
    const sys = '/usr/sbin:/usr/bin:/sbin:/bin';
    runKit('auto', ['dash'], sys);
    kits.busybox = kits.auto;
    runKit('busybox', [join(bb, 'sh')], bb);
    runKit('none', ['dash'], sys);
    runKit('cap', ['dash'], sys);
    process.stderr.write(`[kit binaries figures] kit under dash with one copy (${(Number(execFileSync('stat', ['-c', '%s', '/usr/bin/perl']).toString()) / 1e6).toFixed(1)} MB): wall ${wall.auto.toFixed(0)} ms; --preserve-binaries none: ${wall.none.toFixed(0)} ms; busybox sh: ${wall.busybox.toFixed(0)} ms\n`);
  }, 300_000);
  afterAll(() => {
    lab?.cleanup();
    rmSync(implantDir, { recursive: true, force: true });
    if (wwDir) rmSync(wwDir, { recursive: true, force: true });
  });

  for (const name of ['auto', 'busybox'] as const) {
    it(`${name === 'auto' ? 'dash' : 'busybox sh, busybox applets only'}: the deleted implant is copied, imported into raw/binaries/ with the original's SHA-256`, async () => {
      const copy = join(results[name], `exe-${pid}.bin`);
      expect(sha256File(copy)).toBe(original);
      const manifest = readFileSync(join(results[name], 'manifest.txt'), 'utf8');
      expect(manifest).toMatch(new RegExp(`^bin\\.${pid}\\.reasons=deleted,temp$`, 'm'));
      expect(manifest).toMatch(/^binaries\.done=1$/m);
      const imp = await importKit(results[name]);
      expect(imp.exitCode, imp.stderr).toBe(0);
      expect(imp.stderr).toContain('= the script this netcustody version generates');
      const b = binariesOf(imp.acq!);
      expect(b.policy).toBe('auto');
      const kept = b.preserved.find((p) => p.pid === pid)!;
      expect(kept).toMatchObject({ path: `raw/binaries/${pid}-updater.bin`, sha256: original, exe: `${implantDir}/updater (deleted)` });
      expect(kept.incomplete, kept.incomplete).toBeUndefined();
      expect(kept.reasons).toEqual(['deleted from the disk while running', 'in a world-writable temporary directory']);
      expect(sha256File(join(imp.dir, kept.path))).toBe(original);
      const odd = b.preserved.find((p) => p.pid === hostile.pid)!;
      expect(odd).toMatchObject({ sha256: hostile.sha, exe: hostile.path, path: `raw/binaries/${hostile.pid}-_b_x_c_id_.bin.bin` });
      expect(odd.incomplete).toBeUndefined();
      // The newline in its name is not scored on the host (oddname): copied, judged at import.
      expect(odd.reasons).toEqual([`in a world-writable directory (${wwDir}), checked by the kit on the host`, expect.stringMatching(/^its name holds characters outside printable ASCII/)]);
      expect(manifest).toMatch(new RegExp(`^bin\\.${hostile.pid}\\.reasons=oddname,ww$`, 'm'));
      const events = readCustody(imp.dir);
      expect(events.some((e) => e.action === 'executable preserved' && e.object === kept.path && e.sha256 === original)).toBe(true);
    });
  }

  it('analyze, report, bundle and verify pass with the copy inside, and the lead cites its hash', async () => {
    const imp = await importKit(results.auto);
    expect(imp.exitCode, imp.stderr).toBe(0);
    let zip = '';
    for (const cmd of ['analyze', 'report', 'bundle']) {
      const r = await runCli([cmd, imp.dir, '--json', ...(cmd === 'analyze' ? [] : ['--examiner', 'Kit Examiner'])]);
      expect(r.exitCode, `${cmd}: ${r.stderr}`).toBe(0);
      if (cmd === 'bundle') zip = JSON.parse(r.stdout).bundle;
    }
    const leads = JSON.parse(readFileSync(join(imp.dir, 'leads.json'), 'utf8')) as { pid?: number; severity: string; executable?: { sha256: string; copy: { path: string } | null } }[];
    const lead = leads.find((l) => l.pid === pid)!;
    expect(lead.severity).toBe('critical');
    expect(lead.executable).toMatchObject({ sha256: original, copy: { path: `raw/binaries/${pid}-updater.bin` } });
    expect(readFileSync(join(imp.dir, 'report/report.html'), 'utf8')).toContain(`raw/<wbr>binaries/<wbr>${pid}-updater.bin`);
    const listing = execFileSync('unzip', ['-l', zip]).toString();
    expect(listing).toContain(`raw/binaries/${pid}-updater.bin`);
    const v = await runCli(['verify', zip]);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }, 240_000);

  it('--preserve-binaries none: no copy, the script hash still matches (options come from the manifest)', async () => {
    expect(readdirSync(results.none).filter((f) => f.startsWith('exe-'))).toEqual([]);
    const imp = await importKit(results.none);
    expect(imp.exitCode, imp.stderr).toBe(0);
    expect(imp.stderr).toContain('= the script this netcustody version generates');
    expect(binariesOf(imp.acq!)).toMatchObject({ policy: 'none', preserved: [], skipped: [] });
  });

  it('--max-binary-size 1M: the 4 MB implant is neither hashed nor copied, recorded as skipped with the reason', async () => {
    expect(readdirSync(results.cap).filter((f) => f.startsWith('exe-'))).toEqual([]);
    const imp = await importKit(results.cap);
    expect(imp.exitCode, imp.stderr).toBe(0);
    expect(imp.stderr).toContain('= the script this netcustody version generates');
    const b = binariesOf(imp.acq!);
    expect(b.maxBytes).toBe(1024 * 1024);
    expect(b.preserved).toEqual([]);
    expect(b.skipped.find((s) => s.pid === pid)?.why).toMatch(/^larger than the size cap \(\d+ bytes > --max-binary-size 1048576\)/);
  });

  it('an edited or a missing copy in the results: import fails naming the file', async () => {
    const edited = join(work, 'edited', results.auto.split('/').at(-1)!);
    cpSync(results.auto, edited, { recursive: true });
    const f = join(edited, `exe-${pid}.bin`);
    const bytes = readFileSync(f);
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(f, bytes);
    const r = await importKit(edited);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`exe-${pid}.bin: SHA-256`);
    expect(r.stderr).toContain('changed after the kit ran');
    unlinkSync(f);
    const m = await importKit(edited);
    expect(m.exitCode).toBe(3);
    expect(m.stderr).toContain(`exe-${pid}.bin: copy of the executable of PID ${pid} recorded in manifest.txt`);
    expect(existsSync(join(work, 'out', 'KITBIN'))).toBe(true);
  });
});
