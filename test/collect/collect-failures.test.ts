// Failure cases of live collection: missing, failing, hanging commands, an unwritable output
// folder and an interrupted run. Fake commands are put first on PATH; everything else is real.
import { execa } from 'execa';
import { chmodSync, existsSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import type { Acquisition } from '../../src/model.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

function binDir(tools: Record<string, string | null>): string {
  const dir = tempDir('nc-bin-');
  for (const [name, script] of Object.entries(tools)) {
    const path = join(dir, name);
    if (script === null) {
      const real = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'].map((d) => join(d, name)).find(existsSync);
      if (real) symlinkSync(real, path);
    } else {
      writeFileSync(path, `#!/bin/sh\n${script}\n`);
      chmodSync(path, 0o755);
    }
  }
  return dir;
}

function onlyDir(root: string): string {
  const caseDir = join(root, readdirSync(root)[0]);
  return join(caseDir, readdirSync(caseDir)[0]);
}

/** PIDs whose environment holds `entry` (root reads every /proc/PID/environ). */
function processesWithEnv(entry: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').split('\0').includes(entry)) found.push(Number(name));
    } catch {
      // gone or unreadable
    }
  }
  return found;
}

const acquisitionOf = (dir: string): Acquisition => JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));

describe('collect failure handling', () => {
  it('records a missing command as unavailable and still runs the alternatives', async () => {
    const out = tempDir();
    const bin = binDir({ ss: null, ip: null });
    const r = await runCli(['collect', '--out', out, '--profile', 'linux'], { env: { PATH: bin } });
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = onlyDir(out);
    const acq = acquisitionOf(dir);
    const netstat = acq.commands.find((c) => c.id === 'netstat-anp')!;
    expect(netstat).toMatchObject({ unavailable: true, exitCode: null });
    expect(netstat.error).toMatch(/not found/);
    expect(acq.commands.find((c) => c.id === 'ss-tunap')).toMatchObject({ unavailable: false, exitCode: 0 });
    expect(acq.commands.find((c) => c.id === 'proc-net-tcp')).toMatchObject({ exitCode: 0 });
    expect(readCustody(dir).some((e) => e.action === 'command unavailable' && e.object === 'netstat -anp')).toBe(true);
    expect(r.stderr).toMatch(/unavailable +netstat -anp/);
  });

  it('records a non-zero exit with its stderr and goes on', async () => {
    const out = tempDir();
    const bin = binDir({ netstat: 'echo "partial line"; echo "netstat: boom" >&2; exit 3', ss: null, ip: null });
    const r = await runCli(['collect', '--out', out, '--profile', 'linux'], { env: { PATH: bin } });
    expect(r.exitCode).toBe(0);
    const dir = onlyDir(out);
    const acq = acquisitionOf(dir);
    const rn = acq.commands.find((c) => c.id === 'netstat-rn')!;
    expect(rn.exitCode).toBe(3);
    expect(readFileSync(join(dir, rn.stderr!.path), 'utf8')).toBe('netstat: boom\n');
    expect(readFileSync(join(dir, rn.stdout!.path), 'utf8')).toBe('partial line\n');
    expect(acq.commands.find((c) => c.id === 'ip-route-all')!.exitCode).toBe(0);
  });

  it('stops a command at its timeout, keeps its output and finishes the others', async () => {
    const out = tempDir();
    const bin = binDir({ ss: 'echo "before the hang"; exec /bin/sleep 60', netstat: null, ip: null });
    const t0 = Date.now();
    const r = await runCli(['collect', '--out', out, '--profile', 'linux', '--timeout', '1'], { env: { PATH: bin } });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.exitCode).toBe(0);
    const acq = acquisitionOf(onlyDir(out));
    const ss = acq.commands.find((c) => c.id === 'ss-tunap')!;
    expect(ss.timedOut).toBe(true);
    expect(ss.timeoutMs).toBe(1000);
    expect(ss.stdout!.bytes).toBe('before the hang\n'.length);
    expect(acq.commands.find((c) => c.id === 'netstat-anp')!.exitCode).toBe(0);
  });

  it('at the timeout stops the whole process group, even a grandchild that holds the output pipe open', async () => {
    const out = tempDir();
    const mark = `nc-${process.pid}-${Date.now()}`;
    // The shell forks a background sleep that inherits stdout, then waits on a second one: killing
    // only the shell would leave the pipe open until the sleeps end (60 s). SIGTERM is ignored by
    // all three (inherited), so only the SIGKILL after the grace ends them.
    const bin = binDir({ ss: "trap '' TERM; echo \"before the hang\"; /bin/sleep 60 & /bin/sleep 60", netstat: null, ip: null });
    const t0 = Date.now();
    const r = await runCli(['collect', '--out', out, '--profile', 'linux', '--timeout', '3'], { env: { PATH: bin, NC_TEST_MARK: mark } });
    const elapsed = Date.now() - t0;
    expect(r.exitCode, r.stderr).toBe(0);
    // timeout (3 s) + SIGKILL grace (2 s) + the rest of the run; generous for a loaded machine, far below 60 s.
    expect(elapsed).toBeLessThan(40_000);
    const acq = acquisitionOf(onlyDir(out));
    const ss = acq.commands.find((c) => c.id === 'ss-tunap')!;
    expect(ss).toMatchObject({ timedOut: true, timeoutMs: 3000, groupSignals: ['SIGTERM', 'SIGKILL'] });
    expect(ss.error).toMatch(/timed out after 3000 ms \(process group sent SIGTERM/);
    expect(ss.durationMs).toBeLessThan(30_000);
    expect(readFileSync(join(onlyDir(out), ss.stdout!.path), 'utf8')).toBe('before the hang\n');
    // No process that carries the mark survives the run.
    expect(processesWithEnv(`NC_TEST_MARK=${mark}`)).toEqual([]);
  });

  it('fails with one clear line when the output folder cannot be written', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, 'x');
    const r = await runCli(['collect', '--out', join(file, 'sub')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^netcustody: error: cannot create the evidence folder under .*not-a-dir/m);
    expect(r.stderr).toMatch(/^hint: /m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('keeps what was captured when interrupted and logs the interruption', async () => {
    const out = tempDir();
    const bin = binDir({ netstat: 'echo "captured before Ctrl-C"; exec /bin/sleep 60', ss: null, ip: null });
    const child = execa(process.execPath, [CLI, 'collect', '--out', out, '--profile', 'linux'], { env: { PATH: bin }, reject: false });
    // Wait until the commands are running, then press Ctrl-C.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const dirs = existsSync(out) ? readdirSync(out) : [];
      if (dirs.length && existsSync(join(out, dirs[0])) && readdirSync(join(out, dirs[0])).length) {
        const dir = onlyDir(out);
        const custody = existsSync(join(dir, 'custody.jsonl')) ? readFileSync(join(dir, 'custody.jsonl'), 'utf8') : '';
        if (custody.includes('"command started","object":"netstat -anp"')) break;
      }
      if (Date.now() > deadline) throw new Error('collection did not start');
      await new Promise((res) => setTimeout(res, 50));
    }
    await new Promise((res) => setTimeout(res, 300));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).not.toBe(0);
    const dir = onlyDir(out);
    const acq = acquisitionOf(dir);
    expect(acq.status).toBe('interrupted');
    expect(verifyCustodyFile(dir).ok).toBe(true);
    expect(readCustody(dir).at(-1)!.action).toBe('collection interrupted');
    const netstat = acq.commands.find((c) => c.id === 'netstat-anp')!;
    const bytes = readFileSync(join(dir, netstat.stdout!.path));
    expect(bytes.toString()).toBe('captured before Ctrl-C\n');
    expect(sha256Hex(bytes)).toBe(netstat.stdout!.sha256);
    expect(acq.commands.some((c) => c.id === 'netstat-rn')).toBe(false); // later groups never started
  });

  it('never reuses an evidence folder: a second run gets a new evidence id', async () => {
    const out = tempDir();
    const [a, b] = await Promise.all([
      runCli(['collect', '--out', out, '--case', 'SAME', '--json']),
      runCli(['collect', '--out', out, '--case', 'SAME', '--json']),
    ]);
    const ids = [JSON.parse(a.stdout).evidenceId, JSON.parse(b.stdout).evidenceId];
    expect(new Set(ids).size).toBe(2);
  });
});

describe('profiles of other systems are data the same runner executes', () => {
  it.each(['macos', 'windows'])('--profile %s records every step, whatever this host makes of it', async (profile) => {
    const out = tempDir();
    const r = await runCli(['collect', '--out', out, '--profile', profile, '--timeout', '5']);
    expect(r.exitCode, r.stderr).toBe(0);
    const acq = acquisitionOf(onlyDir(out));
    const { PROFILES } = await import('../../src/collect/profiles.js');
    const steps = PROFILES[profile as 'macos' | 'windows'].groups.flatMap((g) => g.steps.map((s) => s.id));
    expect(acq.commands.map((c) => c.id)).toEqual(steps);
    expect(acq.profile).toBe(profile);
    for (const c of acq.commands) expect(c.unavailable || c.exitCode !== null || c.signal !== null).toBe(true);
    expect(verifyCustodyFile(onlyDir(out)).ok).toBe(true);
  });
});
