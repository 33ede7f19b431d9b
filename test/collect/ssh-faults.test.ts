// What goes wrong on the way: a command that hangs on the target (its timeout ends it), the
// connection cut in the middle of a capture (what arrived is kept, custody names what is missing),
// and bytes altered in transit (the target's SHA-256 differs from what arrived: recorded, shown).
// The hanging and slow commands are real scripts placed first in the PATH of that namespace's sshd
// (sshd_config SetEnv), so the target itself misbehaves; nothing is stubbed on the workstation.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import type { Acquisition } from '../../src/model.js';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const acq = (dir: string): Acquisition => JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
const work = tempDir('nc-sshfault-');
const hangDir = join(work, 'hang');
const slowDir = join(work, 'slow');
const started = join(work, 'slow-ip-started');
const PATHS = '/usr/sbin:/usr/bin:/sbin:/bin';

describe.runIf(sshdAvailable())('SSH collection when the target or the connection misbehaves', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let out: string;

  beforeAll(async () => {
    for (const d of [hangDir, slowDir]) mkdirSync(d, { recursive: true });
    // h1: netstat never returns (and ignores nothing: `timeout` on the target must end it).
    writeFileSync(join(hangDir, 'netstat'), '#!/bin/sh\nexec sleep 600\n');
    // h2: `ip` of the routes group says it started, then stalls long enough for the test to cut the line.
    writeFileSync(join(slowDir, 'ip'), `#!/bin/sh\n: > ${started}\nsleep 25\nexec /bin/ip "$@"\n`);
    for (const f of [join(hangDir, 'netstat'), join(slowDir, 'ip')]) chmodSync(f, 0o755);
    lab = await createSshLab({ hosts: 3, sshdConfig: (i) => (i === 1 ? [`SetEnv PATH=${hangDir}:${PATHS}`] : i === 2 ? [`SetEnv PATH=${slowDir}:${PATHS}`] : []) });
    out = tempDir();
  }, 60_000);
  afterAll(() => lab?.cleanup());

  it('a command that hangs on the target is ended by the target\'s timeout; the rest is collected', async () => {
    const r = await runCli(['collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--timeout', '3', '--out', out, '--case', 'HANG', '--examiner', 'T', '--json'], { netns: lab.ws });
    expect(r.exitCode, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.status).toBe('failed');
    expect(j.error).toMatch(/timed out on the target: netstat-anp/);
    const a = acq(j.evidenceDir);
    const netstat = a.commands.find((c) => c.id === 'netstat-anp')!;
    expect(netstat).toMatchObject({ timedOut: true, exitCode: 124 });
    expect(netstat.error).toMatch(/the target's timeout stopped it/);
    expect(netstat.durationMs).toBeLessThan(3000 + 5000);
    // Everything else ran and arrived whole.
    for (const c of a.commands.filter((x) => x.id !== 'netstat-anp')) expect(c.remote?.transit, c.id).toBe('match');
    expect(a.status).toBe('complete');
    // No sleep left behind on the target.
    const pids = execFileSync('ip', ['netns', 'pids', lab.hosts[0].ns]).toString().trim().split(/\s+/).filter(Boolean);
    const sleeping = pids.filter((p) => existsSync(`/proc/${p}/cmdline`) && readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith('sleep\u0000600'));
    expect(sleeping).toEqual([]);
  }, 120_000);

  it('a connection cut mid-capture keeps what arrived and custody names what is missing', async () => {
    const sub = execa('ip', ['netns', 'exec', lab.ws, process.execPath, CLI, 'collect', '--ssh', 'h2', '--ssh-config', lab.sshConfig, '--out', out, '--case', 'CUT', '--examiner', 'T', '--json'], { reject: false, stdin: 'ignore' });
    // Wait until the routes group's `ip` runs on the target, then kill every sshd of that host.
    const deadline = Date.now() + 90_000;
    while (!existsSync(started) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    expect(existsSync(started)).toBe(true);
    lab.killSshd(lab.hosts[1]);
    const r = await sub;
    expect(r.exitCode, String(r.stderr)).toBe(1);
    const j = JSON.parse(String(r.stdout));
    expect(j.status).toBe('failed');
    expect(j.error).toMatch(/connection to the target was lost/);
    const a = acq(j.evidenceDir);
    expect(a.status).toBe('failed');
    // The sockets and processes groups arrived whole before the cut.
    for (const c of a.commands.filter((x) => !['netstat-rn', 'netstat-rn-inet6', 'ip-route-all', 'ip6-route-all'].includes(x.id))) expect(c.remote?.transit, c.id).toBe('match');
    const cut = a.commands.filter((c) => c.id === 'ip-route-all' || c.id === 'ip6-route-all');
    for (const c of cut) {
      expect(c.remote?.transit).toBe('not taken');
      expect(c.error).toMatch(/output received until then is kept/);
    }
    expect(verifyCustodyFile(j.evidenceDir).ok).toBe(true);
    const last = readCustody(j.evidenceDir).at(-1)!;
    expect(last.action).toBe('collection failed');
    expect(String(last.details?.reason)).toMatch(/cut off or not started: .*ip-route-all/);
    expect(a.transport!.lost).toBeTruthy();
  }, 150_000);

  it('bytes altered in transit are detected against the target\'s own SHA-256 (test hook), recorded and flagged', async () => {
    const r = await runCli(['collect', '--ssh', 'h3', '--ssh-config', lab.sshConfig, '--out', out, '--case', 'TRANSIT', '--examiner', 'T', '--json'], { netns: lab.ws, env: { NETCUSTODY_TEST_CORRUPT_TRANSIT: 'ss-tunap' } });
    expect(r.exitCode, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.error).toMatch(/TRANSIT ERROR .*ss-tunap/);
    const a = acq(j.evidenceDir);
    const ss = a.commands.find((c) => c.id === 'ss-tunap')!;
    expect(ss.remote!.transit).toBe('mismatch');
    expect(ss.remote!.stdoutSha256).not.toBe(ss.stdout!.sha256);
    expect(ss.error).toMatch(/TRANSIT ERROR: the bytes received differ from what the target sent/);
    expect(a.commands.filter((c) => c.remote!.transit === 'mismatch').map((c) => c.id)).toEqual(['ss-tunap']);
    expect(a.transport!.testHooks![0]).toMatch(/NETCUSTODY_TEST_CORRUPT_TRANSIT=ss-tunap/);
    expect(a.warnings.join('\n')).toMatch(/TEST HOOK/);
  }, 120_000);

  it('Ctrl-C stops every host, keeps what arrived and exits 130', async () => {
    const sub = execa('ip', ['netns', 'exec', lab.ws, process.execPath, CLI, 'collect', '--ssh', 'h3', '--ssh-config', lab.sshConfig, '--out', out, '--case', 'INT', '--examiner', 'T', '--json'], { reject: false, stdin: 'ignore' });
    let err = '';
    sub.stderr?.on('data', (d: Buffer) => (err += d));
    const deadline = Date.now() + 60_000;
    while (!/\[h3\] connected/.test(err) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    process.kill(sub.pid!, 'SIGINT');
    const r = await sub;
    expect(r.exitCode, err).toBe(130);
    const j = JSON.parse(String(r.stdout));
    expect(j.status).toBe('interrupted');
    const a = acq(j.evidenceDir);
    expect(a.status).toBe('interrupted');
    expect(verifyCustodyFile(j.evidenceDir).ok).toBe(true);
    expect(readCustody(j.evidenceDir).at(-1)!.action).toBe('collection interrupted');
  }, 120_000);
});
