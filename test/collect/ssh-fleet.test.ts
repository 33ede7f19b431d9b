// `collect --ssh` against real sshd in network namespaces (test/lab/sshd.mjs): three hosts with
// different planted scenarios collected in parallel give the same findings as a local collect
// inside each namespace; a host that is down and one whose key changed fail on their own.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import type { Acquisition, Finding } from '../../src/model.js';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const acq = (dir: string): Acquisition => JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
/** Same rule on the same process: the examiner's own SSH session (sshd) exists only over SSH. */
const findingKeys = (dir: string): string[] =>
  (JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) as (Finding & { pid?: number; process?: string })[])
    .filter((f) => !/^sshd/.test(f.process ?? ''))
    .map((f) => `${f.rule} pid=${f.pid ?? '-'} ${f.process ?? '-'}`)
    .sort();

describe.runIf(sshdAvailable())('collect over SSH from a workstation namespace', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let out: string;
  let json: any;
  let stderr: string;
  let exitCode: number;
  const byTarget = (t: string) => json.hosts.find((h: any) => h.target === t);

  beforeAll(async () => {
    lab = await createSshLab({ hosts: 5 });
    const [h1, h2, h3] = lab.hosts;
    await lab.startHolder(h1.ns, 'nc', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 4444 }] });
    await lab.startHolder(lab.ws, 'ircd', { listen: [{ proto: 'tcp', host: h2.wsAddr, port: 6667 }] });
    await lab.startHolder(h2.ns, 'gone', { listen: [{ proto: 'udp', host: '0.0.0.0', port: 31337 }], connect: [{ host: h2.wsAddr, port: 6667 }] }, 'deleted');
    await lab.startHolder(h3.ns, 'kworker', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 1080 }] });
    // h4 answers with a new host key (known_hosts has the old one); h5 is down.
    await lab.changeHostKey(lab.hosts[3]);
    lab.killSshd(lab.hosts[4]);
    out = tempDir();
    // h4 and h5 come from an Ansible-style inventory (--hosts), the others from --ssh.
    const hosts = join(out, 'inventory.ini');
    writeFileSync(hosts, '[lab]\nh4\nh5  # down\n');
    const r = await runCli(['collect', '--ssh', 'h1', '--ssh', 'h2', '--ssh', 'h3', '--hosts', hosts, '--ssh-config', lab.sshConfig, '--out', out, '--case', 'SSH-1', '--examiner', 'SSH Tester', '--json'], { netns: lab.ws });
    exitCode = r.exitCode;
    stderr = r.stderr;
    json = JSON.parse(r.stdout);
  }, 240_000);
  afterAll(() => lab?.cleanup());

  it('names every host in --json and fleet.json; exit 1 because two failed', () => {
    expect(exitCode, stderr).toBe(1);
    expect(json.case).toBe('SSH-1');
    expect(json.hosts.map((h: any) => h.target)).toEqual(['h1', 'h2', 'h3', 'h4', 'h5']);
    for (const t of ['h1', 'h2', 'h3']) expect(byTarget(t), stderr).toMatchObject({ status: 'ok', error: null });
    const fleet = JSON.parse(readFileSync(json.fleet, 'utf8'));
    expect(fleet.hosts.map((h: any) => [h.target, h.status])).toEqual(json.hosts.map((h: any) => [h.target, h.status]));
    expect(fleet.hosts[0].timings.captureWindowMs).toBeGreaterThan(0);
    expect(stderr).toMatch(/FAILED: h4: h4: host key CHANGED/);
    expect(stderr).toMatch(/FAILED: h5: h5: unreachable/);
  });

  it('refuses the host whose key changed, says how to check it, collects nothing there', () => {
    const h4 = byTarget('h4');
    expect(h4.errorKind).toBe('host key changed');
    expect(h4.evidenceDir).toBeNull();
    expect(h4.error).toContain(lab.fingerprint(lab.hosts[3]));
    expect(stderr).toMatch(/hint: check the key with the host's administrator: on the host run `ssh-keygen -lf/);
  });

  it('records a host that is down as unreachable', () => {
    expect(byTarget('h5')).toMatchObject({ status: 'failed', errorKind: 'unreachable', evidenceDir: null });
  });

  it('records the host key used, the resolved target, remote account, clock and footprint', () => {
    for (const [i, t] of ['h1', 'h2', 'h3'].entries()) {
      const h = byTarget(t);
      expect(h.hostKey).toBe(lab.fingerprint(lab.hosts[i]));
      const a = acq(h.evidenceDir);
      expect(a.transport).toMatchObject({ kind: 'ssh', target: t, resolved: { hostname: lab.hosts[i].addr, port: 22, user: 'root' }, hostKey: { type: 'ssh-ed25519', fingerprint: h.hostKey } });
      expect(a.transport!.remote).toMatchObject({ unameS: 'Linux', unameN: `lab-${t}`, user: 'root', hashTool: 'sha256sum', timeout: true });
      expect(a.transport!.remote!.sshConnection).toMatch(new RegExp(`^${lab.hosts[i].wsAddr.replace(/\./g, '\\.')} \\d+ ${lab.hosts[i].addr.replace(/\./g, '\\.')} 22$`));
      expect(a.host!.hostname).toBe(`lab-${t}`);
      expect(h.evidenceDir).toMatch(new RegExp(`/SSH-1/${t}_\\d{8}T\\d{6}Z$`));
      // before, between and after the three groups
      expect(a.transport!.clock!.readings.map((r) => r.when)).toEqual(['before sockets', 'after sockets, before processes', 'after processes, before routes', 'after routes']);
      for (const r of a.transport!.clock!.readings) {
        expect(r.secondsOnly).toBe(false);
        // Same kernel clock on both sides: the offset is within the round trip.
        expect(Math.abs(r.offsetMs!)).toBeLessThanOrEqual(r.rttMs / 2 + 1);
      }
      const fp = a.transport!.footprint!;
      expect(fp.commands.map((c) => c.command)).toEqual(expect.arrayContaining(['sh -s', 'date -u +%s.%N']));
      expect(fp.commands[0].script).toMatch(/^LC_ALL=C; export LC_ALL\nprintf 'uname-s=%s\\n' "\$\(uname -s/);
      expect(fp.readerSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(fp.note).toMatch(/wtmp/);
      // Every output: the target's SHA-256 equals the received one.
      for (const c of a.commands) expect(c.remote, c.id).toMatchObject({ transit: 'match', stdoutSha256: c.stdout!.sha256 });
      expect(verifyCustodyFile(h.evidenceDir).ok).toBe(true);
      const events = readCustody(h.evidenceDir);
      expect(events.find((e) => e.action === 'ssh connection opened')?.details).toMatchObject({ hostKey: h.hostKey, profile: 'linux', profileAnswer: 'Linux', remoteUser: 'root' });
    }
  });

  it('finds the same rules on the same processes as a local collect inside each namespace', async () => {
    const seen: string[][] = [];
    for (const [i, t] of ['h1', 'h2', 'h3'].entries()) {
      const sshDir = byTarget(t).evidenceDir;
      const local = await runCli(['collect', '--out', out, '--case', 'LOCAL', '--examiner', 'SSH Tester', '--json'], { netns: lab.hosts[i].ns });
      expect(local.exitCode, local.stderr).toBe(0);
      const localDir = JSON.parse(local.stdout).evidenceDir;
      for (const d of [sshDir, localDir]) expect((await runCli(['analyze', d, '--json'])).exitCode).toBe(0);
      const remote = findingKeys(sshDir);
      expect(remote.length, t).toBeGreaterThan(0);
      expect(remote).toEqual(findingKeys(localDir));
      seen.push(remote);
    }
    expect(seen[0]).not.toEqual(seen[1]);
    expect(seen.flat().some((k) => k.startsWith('NET-DELETED-EXE') && k.includes('gone'))).toBe(true);
    expect(seen[0].some((k) => k.includes(' nc'))).toBe(true);
  }, 240_000);

  it('refuses --ssh-option values that would switch host key checking off (usage error, nothing contacted)', async () => {
    for (const opt of ['StrictHostKeyChecking=no', 'StrictHostKeyChecking=accept-new', 'UserKnownHostsFile=/dev/null', 'BatchMode=no', 'ForwardAgent=yes']) {
      const r = await runCli(['collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--ssh-option', opt, '--out', out], { netns: lab.ws });
      expect(r.exitCode, opt).toBe(2);
      expect(r.stderr).toMatch(/--ssh-option .* is refused/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const bad = await runCli(['collect', '--ssh', '-oProxyCommand=x', '--out', out], { netns: lab.ws });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/starts with "-"/);
  });
});
