// Over SSH a group's steps run one after another in the host's one shell session: each step's end
// (and duration) is the moment its own end frame arrived, not the end of the whole group. The
// target's `ss` is a real script placed first in the PATH of the namespace's sshd (sshd_config
// SetEnv) that sleeps before running the real ss, so the step after the fast netstat is slow.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { PATHS } from '../../src/evidence/folder.js';
import type { Acquisition } from '../../src/model.js';
import { createSshLab, sshdAvailable } from '../lab/sshd.mjs';
import { runCli, tempDir } from '../helpers/cli.js';
import { withTmpfs } from '../helpers/tmpfs.js';

const work = tempDir('nc-sshtimes-');
const slowDir = join(work, 'slow');
const bigDir = join(work, 'big');
const SYS_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';
const SLEEP_S = 3;

describe.runIf(sshdAvailable())('SSH step times', () => {
  let lab: Awaited<ReturnType<typeof createSshLab>>;
  let dir: string;
  let a: Acquisition;

  beforeAll(async () => {
    mkdirSync(slowDir, { recursive: true });
    writeFileSync(join(slowDir, 'ss'), `#!/bin/sh\nsleep ${SLEEP_S}\nexec /usr/bin/ss "$@"\n`);
    chmodSync(join(slowDir, 'ss'), 0o755);
    // h2: the routes group's `ip` prints 3 MB, more than the examiner's whole disk.
    mkdirSync(bigDir, { recursive: true });
    writeFileSync(join(bigDir, 'ip'), '#!/bin/sh\n/usr/bin/yes "a line of output that will not fit" | /usr/bin/head -c 3000000\n');
    chmodSync(join(bigDir, 'ip'), 0o755);
    lab = await createSshLab({ hosts: 2, sshdConfig: (i) => [`SetEnv PATH=${i === 1 ? slowDir : bigDir}:${SYS_PATH}`] });
    const r = await runCli(['collect', '--ssh', 'h1', '--ssh-config', lab.sshConfig, '--out', tempDir(), '--case', 'TIMES', '--examiner', 'T', '--json'], { netns: lab.ws });
    expect(r.exitCode, r.stderr).toBe(0);
    dir = JSON.parse(r.stdout).evidenceDir;
    a = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
  }, 120_000);
  afterAll(() => lab?.cleanup());

  it('records each step\'s own end: a fast step before a slow one is not charged with it', () => {
    const netstat = a.commands.find((c) => c.id === 'netstat-anp')!;
    const ss = a.commands.find((c) => c.id === 'ss-tunap')!;
    expect(ss.durationMs).toBeGreaterThanOrEqual(SLEEP_S * 1000);
    // netstat ran in its own few milliseconds; the old records gave it the whole group (≥ ss).
    expect(netstat.durationMs, `netstat-anp ${netstat.durationMs} ms, ss-tunap ${ss.durationMs} ms`).toBeLessThan(ss.durationMs - (SLEEP_S - 1) * 1000);
    for (const c of a.commands) {
      expect(c.remote?.transit, c.id).toBe('match');
      // start, end and duration say the same thing.
      expect(Math.abs(c.durationMs - Number(BigInt(c.endNs) - BigInt(c.startNs)) / 1e6), c.id).toBeLessThan(0.001);
      expect(Date.parse(c.end) - Date.parse(c.start), c.id).toBeGreaterThanOrEqual(Math.floor(c.durationMs) - 2);
    }
    // One shell runs the steps in turn: each ends before the next starts.
    const ordered = [...a.commands].sort((x, y) => x.order - y.order);
    for (let i = 1; i < ordered.length; i++) {
      const [p, n] = [ordered[i - 1], ordered[i]];
      expect(BigInt(p.endNs) <= BigInt(n.startNs), `${p.id} ends (${p.end}) after ${n.id} starts (${n.start})`).toBe(true);
      expect(p.end <= n.start, `${p.id} ends (${p.end}) after ${n.id} starts (${n.start})`).toBe(true);
    }
    // The capture window is still the first start to the last end.
    expect(a.captureWindow!.start).toBe(ordered[0].start);
    expect(a.captureWindow!.end).toBe(ordered.at(-1)!.end);
  });

  it('logs each step\'s end in custody when it happened, in time order, with the recorded duration; the chain verifies', () => {
    expect(verifyCustodyFile(dir).ok).toBe(true);
    const events = readCustody(dir);
    for (let i = 1; i < events.length; i++) expect(events[i].time >= events[i - 1].time, `#${events[i].seq} ${events[i].action} ${events[i].time} is before #${events[i - 1].seq} ${events[i - 1].action}`).toBe(true);
    for (const c of a.commands) {
      const object = c.kind === 'file' ? `on the target: read ${c.argv[0]}` : c.kind === 'procfacts' ? null : `on the target: ${c.argv.join(' ')}`;
      if (!object) continue;
      const started = events.findIndex((e) => e.action === 'command started' && e.object === object);
      const finished = events.findIndex((e) => e.action === 'command finished' && e.object === object);
      expect(started, c.id).toBeGreaterThanOrEqual(0);
      expect(finished, c.id).toBeGreaterThan(started);
      expect(events[started].time).toBe(c.start);
      expect(events[finished].time).toBe(c.end);
      expect(events[finished].details?.durationMs).toBeCloseTo(c.durationMs, 2);
      // Its outputs are logged hashed at its end, right after it.
      expect(events[finished + 1]).toMatchObject({ action: 'artifact hashed', object: c.stdout!.path, sha256: c.stdout!.sha256, time: c.end });
    }
    // netstat's end is logged before ss starts (not after the whole group).
    const idx = (action: string, object: string) => events.findIndex((e) => e.action === action && e.object === object);
    expect(idx('command finished', 'on the target: netstat -anp')).toBeLessThan(idx('command started', 'on the target: ss -tunap'));
  });

  it('prints the true durations in the report\'s acquisition table', async () => {
    const analysed = await runCli(['analyze', dir, '--quiet']);
    expect(analysed.exitCode, analysed.stderr).toBe(0);
    const r = await runCli(['report', dir]);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = execFileSync('pdftotext', ['-raw', join(dir, PATHS.reportPdf), '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).replace(/\s+/g, ' ');
    for (const id of ['netstat-anp', 'ss-tunap']) {
      const c = a.commands.find((x) => x.id === id)!;
      expect(text, id).toContain(`(${Math.round(c.durationMs).toLocaleString('en-US')} ms)`);
    }
  }, 120_000);

  it('a disk that fills up during a group keeps custody in time order and records the short outputs', async () => {
    await withTmpfs(2048, async (mnt) => {
      const r = await runCli(['collect', '--ssh', 'h2', '--ssh-config', lab.sshConfig, '--out', join(mnt, 'out'), '--case', 'FULL', '--examiner', 'T', '--json'], { netns: lab.ws });
      expect(r.exitCode, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).toMatch(/filled up during collection: raw\/\S+ip-route-all\.stdout holds only its first \d+ bytes/);
      const full = JSON.parse(r.stdout).evidenceDir as string;
      const acq: Acquisition = JSON.parse(readFileSync(join(full, 'acquisition.json'), 'utf8'));
      expect(acq.status).toBe('failed');
      const ipRoute = acq.commands.find((c) => c.id === 'ip-route-all')!;
      expect(ipRoute.stdout!.writeError).toMatchObject({ error: expect.stringMatching(/^ENOSPC/) });
      expect(verifyCustodyFile(full).ok).toBe(true);
      const events = readCustody(full);
      for (let i = 1; i < events.length; i++) expect(events[i].time >= events[i - 1].time, `#${events[i].seq} ${events[i].action} is before #${events[i - 1].seq}`).toBe(true);
      expect(events.some((e) => e.action === 'artifact incomplete' && e.object === ipRoute.stdout!.path && e.sha256 === ipRoute.stdout!.sha256)).toBe(true);
      // Every step of the group is logged: started (when it ran) and finished.
      for (const c of acq.commands.filter((x) => ['netstat-rn', 'netstat-rn-inet6', 'ip-route-all', 'ip6-route-all'].includes(x.id))) {
        expect(events.filter((e) => e.action === 'command finished' && e.time === c.end).length, c.id).toBeGreaterThan(0);
      }
      expect(events.at(-1)!.action).toBe('collection failed');
    });
  }, 120_000);
});
