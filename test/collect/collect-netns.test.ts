// `collect` run inside a network namespace with known sockets and routes: the raw evidence must
// contain every one of them, hashed, logged and timed.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCustodyFile, readCustody } from '../../src/evidence/custody.js';
import type { Acquisition, ProcessFacts } from '../../src/model.js';
import { createLab, netnsAvailable } from '../lab/netns.mjs';
import { runCli, tempDir } from '../helpers/cli.js';

const canNetns = netnsAvailable();

describe.runIf(canNetns)('collect in a network namespace with known ground truth', () => {
  let lab: ReturnType<typeof createLab>;
  let dir: string;
  let acq: Acquisition;
  let stderr: string;
  let pids: Record<string, number>;
  const raw = (id: string) => {
    const c = acq.commands.find((x) => x.id === id)!;
    return readFileSync(join(dir, c.stdout!.path), 'utf8');
  };

  beforeAll(async () => {
    lab = createLab();
    const { victim, attacker, addr } = lab;
    await lab.startHolder(attacker, 'attacker-c2', { listen: [{ proto: 'tcp', host: '::', port: 4444 }] });
    const srss = await lab.startHolder(victim, 'srss.exe', {
      listen: [{ proto: 'tcp', host: '0.0.0.0', port: 1337 }],
      connect: [{ host: addr.attacker4, port: 4444 }],
    });
    const web = await lab.startHolder(victim, 'web server', {
      listen: [{ proto: 'tcp', host: '::', port: 8080 }, { proto: 'udp', host: '0.0.0.0', port: 5353 }],
    });
    const inbound = await lab.startHolder(attacker, 'attacker-shell', { connect: [{ host: addr.victim4, port: 1337 }] });
    pids = { srss: srss.pid, web: web.pid, inbound: inbound.pid };
    lab.exec(victim, ['ip', 'route', 'add', '203.0.113.0/24', 'via', addr.attacker4]);
    lab.exec(victim, ['ip', 'route', 'add', 'blackhole', '198.51.100.0/24']);
    lab.exec(victim, ['ip', '-6', 'route', 'add', '2001:db8:66::/48', 'via', addr.attacker6]);

    const out = tempDir();
    const r = await runCli(['collect', '--out', out, '--case', 'LAB-1', '--examiner', 'Lab Examiner', '--json'], { netns: victim });
    expect(r.exitCode, r.stderr).toBe(0);
    stderr = r.stderr;
    dir = JSON.parse(r.stdout).evidenceDir;
    acq = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
  });
  afterAll(() => lab?.cleanup());

  it('captures every known socket in netstat -anp, ss -tunap and /proc/net', () => {
    const netstat = raw('netstat-anp');
    expect(netstat).toMatch(new RegExp(`tcp .* 0\\.0\\.0\\.0:1337 .* LISTEN +${pids.srss}/srss\\.exe`));
    expect(netstat).toMatch(new RegExp(`tcp .* ${lab.addr.victim4}:\\d+ +${lab.addr.attacker4}:4444 +ESTABLISHED +${pids.srss}/srss\\.exe`));
    expect(netstat).toMatch(new RegExp(`tcp .* ${lab.addr.victim4}:1337 +${lab.addr.attacker4}:\\d+ +ESTABLISHED +${pids.srss}/srss\\.exe`));
    expect(netstat).toMatch(new RegExp(`tcp6 .* :::8080 .* LISTEN +${pids.web}/web server`));
    expect(netstat).toMatch(new RegExp(`udp .* 0\\.0\\.0\\.0:5353 .*${pids.web}/web server`));
    const ss = raw('ss-tunap');
    expect(ss).toContain(`users:(("srss.exe",pid=${pids.srss},`);
    expect(ss).toContain(`users:(("web server",pid=${pids.web},`);
    expect(raw('proc-net-tcp')).toMatch(/: 00000000:0539 00000000:0000 0A /); // 0.0.0.0:1337 LISTEN
    expect(raw('proc-net-udp')).toMatch(/: 00000000:14E9 /); // 0.0.0.0:5353
  });

  it('captures the routing tables including the planted routes', () => {
    expect(raw('netstat-rn')).toMatch(new RegExp(`203\\.0\\.113\\.0 +${lab.addr.attacker4.replace(/\./g, '\\.')} +255\\.255\\.255\\.0 +UG`));
    expect(raw('ip-route-all')).toContain('blackhole 198.51.100.0/24');
    expect(raw('ip6-route-all')).toContain(`2001:db8:66::/48 via ${lab.addr.attacker6}`);
    expect(raw('netstat-rn-inet6')).toContain('2001:db8:66::/48');
  });

  it('records the facts of socket-owning processes before they vanish', () => {
    const c = acq.commands.find((x) => x.kind === 'procfacts')!;
    // One JSON object per line after a header line: a line number cites one process.
    expect(c.stdout!.path).toMatch(/process-facts\.jsonl$/);
    const lines = readFileSync(join(dir, c.stdout!.path), 'utf8').split('\n').filter(Boolean);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'netcustody-process-facts' });
    const facts: ProcessFacts[] = lines.slice(1).map((l) => JSON.parse(l));
    const srss = facts.find((f) => f.pid === pids.srss)!;
    expect(srss.comm).toBe('srss.exe');
    expect(srss.exe).toBe(process.execPath); // a symlink named srss.exe to node
    expect(srss.cmdline?.[0]).toMatch(/\/srss\.exe$/);
    expect(srss.uid).toBe(0);
    expect(srss.user).toBe('root');
    expect(srss.ppid).toBeGreaterThan(0);
    expect(Date.parse(srss.startTime!)).toBeLessThanOrEqual(Date.now());
    expect(srss.socketInodes.length).toBeGreaterThanOrEqual(2);
  });

  it('hashes every artifact as an independent sha256sum does', () => {
    for (const c of acq.commands) {
      for (const f of [c.stdout, c.stderr]) {
        if (!f) continue;
        const independent = execFileSync('sha256sum', [join(dir, f.path)], { encoding: 'utf8' }).split(' ')[0];
        expect(independent, f.path).toBe(f.sha256);
        expect(statSync(join(dir, f.path)).size).toBe(f.bytes);
      }
    }
  });

  it('keeps a verifiable custody chain with an event per command and artifact', () => {
    expect(verifyCustodyFile(dir).ok).toBe(true);
    const events = readCustody(dir);
    const actions = events.map((e) => e.action);
    expect(actions[0]).toBe('case opened');
    expect(actions.at(-1)).toBe('collection finished');
    expect(actions.filter((a) => a === 'command started')).toHaveLength(acq.commands.length);
    expect(actions.filter((a) => a === 'command finished')).toHaveLength(acq.commands.length);
    const hashed = events.filter((e) => e.action === 'artifact hashed');
    for (const c of acq.commands) expect(hashed.some((e) => e.object === c.stdout!.path && e.sha256 === c.stdout!.sha256)).toBe(true);
    expect(events.every((e) => e.actor === 'Lab Examiner')).toBe(true);
  });

  it('records host, clock, privileges and a short capture window', () => {
    expect(acq.status).toBe('complete');
    expect(acq.caseId).toBe('LAB-1');
    expect(acq.host?.os).toBe('linux');
    expect(acq.host?.hostname).toBeTruthy();
    expect(acq.privileges).toMatchObject({ privileged: true, euid: 0 });
    expect(acq.clock.systemUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const w = acq.captureWindow!;
    expect(Date.parse(w.end)).toBeGreaterThanOrEqual(Date.parse(w.start));
    expect(w.durationMs).toBeGreaterThan(0);
    expect(stderr).toMatch(/capture window: .* → .* \(\d+\.\d ms\)/);
    for (const c of acq.commands) {
      expect(c.start).toMatch(/\.\d{3}Z$/);
      expect(BigInt(c.endNs)).toBeGreaterThanOrEqual(BigInt(c.startNs));
      expect(c.exitCode).toBe(0);
    }
  });

  it('writes files 0600 and folders 0700', () => {
    const walk = (d: string): void => {
      expect(statSync(d).mode & 0o777, d).toBe(0o700);
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else expect(statSync(p).mode & 0o777, p).toBe(0o600);
      }
    };
    walk(dir);
  });
});
