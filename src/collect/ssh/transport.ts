// The SSH transport: connect once (master), ask the target what it is, then run the profile's
// groups in one shell session over that connection (session.ts, group.ts; Windows: one session per step).
// Everything that ran on the target is kept as the examiner's footprint; the target's clock is read
// around each group.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import type { ClockReading, CommandRecord, FootprintEntry, HostInfo, Privileges, ProcessFacts, TransportInfo } from '../../model.js';
import { EvidenceError } from '../../evidence/folder.js';
import { PROFILES, type Profile, type ProfileGroup, type ProfileStep } from '../profiles.js';
import { artifactBase, type StepContext } from '../runner.js';
import { openArtifact } from '../sink.js';
import type { Transport } from '../transport.js';
import { procFactsReaderScript } from '../sh/procfacts-reader.js';
import { runChannel } from './channel.js';
import { openMaster, resolveTarget, type Master, type Resolved } from './master.js';
import type { SshSettings } from './options.js';
import type { SshTarget } from './targets.js';
import { PROBE_SCRIPT, parseProbe, profileFor, type Probe } from './probe.js';
import { newMarker } from './wrapper.js';
import { stepBlock } from './step-block.js';
import { openSession, type HostSession } from './session.js';
import { applyOutcome, finishTimes, newRecord, type Settled } from './record.js';
import { runSessionSteps, type BatchItem } from './group.js';
import { COPY_HOOK_ID, copyRemoteExecutables, readerFacts } from './binaries.js';
import { DEFAULT_MAX_BINARY_BYTES } from '../binaries.js';

/** sshd's default MaxSessions: more sessions at once on one connection are refused. */
const MAX_SESSIONS = 10;
/** The local guard ends a session this long after the target's own timeout should have. */
const GUARD_EXTRA_MS = 5000;
/** Test-only: NETCUSTODY_TEST_CORRUPT_TRANSIT=<step id> flips a byte of that step's stdout on arrival. */
export const CORRUPT_HOOK = 'NETCUSTODY_TEST_CORRUPT_TRANSIT';

export interface SshTransport extends Transport {
  close(): Promise<void>;
}

export interface SshPrepareOptions {
  profile: 'auto' | Profile['name'];
  timeoutMs: number;
  maxHashBytes?: number;
  signal: AbortSignal;
}

/** Connect and identify the target; throws SshConnectError / EvidenceError when it cannot. */
export async function connectSsh(target: SshTarget, settings: SshSettings, o: SshPrepareOptions): Promise<SshTransport> {
  const resolved = await resolveTarget(target, settings);
  if (resolved.knownHostsFiles.length === 0) throw new EvidenceError(`${target.given}: your ssh_config leaves no known_hosts file (UserKnownHostsFile /dev/null): host keys could not be checked; refused`, 'point UserKnownHostsFile at a real file holding the host\'s key', 2);
  const master = await openMaster(target, settings, o.signal);
  try {
    return await identify(target, settings, resolved, master, o);
  } catch (err) {
    await master.close();
    throw err;
  }
}

async function identify(target: SshTarget, settings: SshSettings, resolved: Resolved, master: Master, o: SshPrepareOptions): Promise<SshTransport> {
  const footprint: FootprintEntry[] = [];
  const dest = target.destination;
  // One session asks everything: `sh -s` with the probe (uname -s first). A Windows OpenSSH server
  // answers in cmd.exe or PowerShell, which have no sh: their complaint names the profile.
  const marker = newMarker();
  // The probe is the first thing the host session runs; the same shell then runs the groups.
  let session: HostSession | null = openSession(master.ctlPath, dest, marker, o.signal);
  const r = await session.probe(PROBE_SCRIPT, 15_000);
  footprint.push({ purpose: 'profile detection (uname -s) and host facts (uname, id, hash tool, timeout, SSH_CONNECTION)', command: 'sh -s', script: PROBE_SCRIPT, scriptSha256: sha256(PROBE_SCRIPT) });
  const parsed = parseProbe(r.stdout);
  const answer = (parsed.unameS ?? r.stderr.trim()).split(/\r?\n/)[0] ?? '';
  const detected = profileFor(parsed.unameS ?? '', r.stderr);
  const profileName = o.profile === 'auto' ? detected : o.profile;
  if (!profileName) throw new EvidenceError(`${target.given}: no collection profile for a target answering \`uname -s\` with "${answer.slice(0, 80)}"`, 'use --profile linux|macos|windows', 1);
  const profile = PROFILES[profileName];
  const probe: Probe | null = parsed.unameS ? parsed : null;
  const started = Date.now();
  const host: HostInfo = {
    hostname: probe?.unameN ?? target.given,
    os: profile.name === 'macos' ? (/bsd/i.test(probe?.unameS ?? '') ? 'freebsd' : 'macos') : profile.name,
    platform: (probe?.unameS ?? answer).toLowerCase(),
    release: probe?.unameR ?? '',
    kernel: probe?.unameV ?? '',
    arch: probe?.unameM ?? '',
    uptimeSeconds: probe?.uptimeSeconds ?? 0,
    timeZone: 'UTC (times read with date -u)',
    utcOffsetMinutes: 0,
  };
  const uid = probe?.uid ?? null;
  const privileges: Privileges = {
    user: probe?.user ?? resolved.user,
    uid,
    euid: uid,
    privileged: uid === 0,
    limitations: uid === 0 ? [] : profile.unprivilegedLimitations,
  };
  const readings: ClockReading[] = [];
  const hooks = process.env[CORRUPT_HOOK] ? [`${CORRUPT_HOOK}=${process.env[CORRUPT_HOOK]} (TEST HOOK: one byte of that step's output was altered on arrival on purpose)`] : [];
  let lost: string | null = null;
  let sessions = 0;
  const queue: (() => void)[] = [];
  const acquire = async (): Promise<void> => {
    if (sessions < MAX_SESSIONS) {
      sessions++;
      return;
    }
    await new Promise<void>((r) => queue.push(r));
  };
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else sessions--;
  };
  const readerSha = profile.name === 'linux' ? sha256(procFactsReaderScript({ maxHashBytes: o.maxHashBytes })) : null;

  /** The host's shell session; a new one if the last ended while the connection stays (a guard stop). */
  const hostSession = (): HostSession => {
    if (!session || !session.alive()) session = openSession(master.ctlPath, dest, marker, o.signal);
    return session;
  };
  let batch: { group: ProfileGroup; items: BatchItem[] } | null = null;

  // One `date` in the host session: the round trip is one write and one frame, no new session.
  const readClock = async (when: string): Promise<void> => {
    if (profile.name === 'windows' || lost) return;
    const s = hostSession();
    const { send, receive, text: got } = await s.readClock();
    const text = (got ?? '').trim();
    const m = /^(\d+)(?:\.(\d{9}))?$/.exec(text);
    const remoteMs = m ? Number(m[1]) * 1000 + (m[2] ? Number(m[2].slice(0, 6)) / 1000 : 0) : null;
    const secondsOnly = Boolean(m && !m[2]);
    // With whole seconds the remote time lies anywhere in [s, s+1): its midpoint is the estimate.
    const estimate = remoteMs === null ? null : secondsOnly ? remoteMs + 500 : remoteMs;
    readings.push({ when, localSendMs: send, localReceiveMs: receive, remoteText: text.slice(0, 64), remoteMs, secondsOnly, offsetMs: estimate === null ? null : round(estimate - (send + receive) / 2), rttMs: receive - send });
    if (got === null && (s.exitCode() === 255 || master.lost())) lost = lost ?? master.lost() ?? 'the host session failed (ssh exit 255) at a clock reading';
  };
  footprint.push({ purpose: 'clock reading before, between and after the groups (in the host session)', command: 'date -u +%s.%N' });
  footprint.push({ purpose: 'the host session: one shell that runs each group\'s steps in turn (their scripts below) and the clock readings', command: 'sh -s' });
  const stepEntries = new Map<string, FootprintEntry>();

  const runStep = (step: ProfileStep, ctx: StepContext): Promise<CommandRecord> => {
    if (profile.name === 'windows') return runWindowsStep(step, ctx);
    return new Promise((resolve, reject) => {
      // The steps of a group arrive one call each; the group is sent to the session once all are here.
      const b = batch && batch.group.steps.includes(step) ? batch : { group: { name: step.id, volatility: 0, steps: [step] }, items: [] };
      b.items.push({ step, ctx, resolve, reject });
      if (b.items.length === b.group.steps.length) {
        if (b === batch) batch = null;
        void runBatch(b.items);
      }
    });
  };

  const startRecord = (step: ProfileStep, ctx: StepContext, command: string, script: string): CommandRecord => {
    // The marker is random per run: the footprint shows the script with it replaced.
    const shown = script.split(marker).join('<marker>');
    stepEntries.set(step.id, { purpose: `step ${step.id}`, command, ...(script ? { script: shown, scriptSha256: sha256(script) } : {}) });
    const record = newRecord(step, ctx);
    record.remote = { command, scriptSha256: sha256(script), sshExit: null, stdoutSha256: null, stderrSha256: null, transit: 'not taken', note: null };
    return record;
  };

  // The group's steps in the host's one shell session, one after the other (group.ts).
  const runBatch = (items: BatchItem[]): Promise<void> => runSessionSteps(items, {
    session: hostSession,
    prepare: (step, ctx) => {
      const block = stepBlock(step, ctx.order, { marker, timeoutS: ctx.timeoutMs / 1000, maxHashBytes: o.maxHashBytes });
      return { block, record: startRecord(step, ctx, 'sh -s (the host session)', block), corruptStdout: process.env[CORRUPT_HOOK] === step.id };
    },
    guardExtraMs: GUARD_EXTRA_MS,
    settle,
  });

  // Windows targets have no sh: each step is its own session through the target's shell, unwrapped.
  const runWindowsStep = async (step: ProfileStep, ctx: StepContext): Promise<CommandRecord> => {
    await acquire();
    const command = step.argv.join(' ');
    const record = startRecord(step, ctx, command, '');
    ctx.onStart(record);
    const t0 = process.hrtime.bigint();
    const base = artifactBase(ctx.order, step.id);
    const out = openArtifact(ctx.dir, `${base}.stdout`);
    const err = openArtifact(ctx.dir, `${base}.stderr`);
    try {
      const r = await runChannel({ ctlPath: master.ctlPath, destination: dest, command, stdin: '', guardMs: ctx.timeoutMs + GUARD_EXTRA_MS, signal: ctx.signal, corruptStdout: process.env[CORRUPT_HOOK] === step.id }, out, err);
      err.write(r.stderrTail);
      record.exitCode = r.sshExit;
      record.signal = r.signal;
      record.remote!.sshExit = r.sshExit;
      record.remote!.note = 'Windows target: run through its shell without the sh wrapper, no remote hash';
    } catch (e) {
      record.error = (e as Error).message;
    } finally {
      record.stdout = out.close();
      record.stderr = err.close();
      release();
    }
    return finishTimes(record, t0);
  };

  /** What the trailer (or its absence) says about the step; the remote-vs-received hash check. */
  const settle = async (step: ProfileStep, ctx: StepContext, record: CommandRecord, r: Settled, t0: bigint): Promise<void> => {
    if (applyOutcome(step, ctx.timeoutMs, record, r, master.lost() !== null)) lost = lost ?? master.lost() ?? `the host session failed (ssh exit 255) during ${step.id}`;
    if (step.executables && profile.name === 'linux') {
      await copyExecutables(record, ctx);
      // The copies are part of the step, as in a local collect: it ends once they are taken.
      finishTimes(record, t0);
    }
  };

  // Issue 18: the copies the parsed facts call for, each one more session on this connection.
  const copyExecutables = async (record: CommandRecord, ctx: StepContext): Promise<void> => {
    const { policy, maxBytes } = ctx.binaries ?? { policy: 'auto', maxBytes: o.maxHashBytes ?? DEFAULT_MAX_BINARY_BYTES };
    let facts: ProcessFacts[] = [];
    try {
      if (policy !== 'none') facts = readerFacts(ctx.dir, record);
    } catch (e) {
      record.error = [record.error, `the reader's output could not be read back to decide copies: ${(e as Error).message}`].filter(Boolean).join('; ');
    }
    record.binaries = await copyRemoteExecutables(facts, {
      ctlPath: master.ctlPath, destination: dest, marker, dir: ctx.dir, signal: ctx.signal, timeoutMs: ctx.timeoutMs, guardExtraMs: GUARD_EXTRA_MS, policy, maxBytes,
      corrupt: process.env[CORRUPT_HOOK] === COPY_HOOK_ID,
      lost: () => lost ?? master.lost(),
      ran: (entry) => stepEntries.set(entry.purpose, entry),
    });
    const bad = record.binaries.preserved.filter((b) => b.incomplete && b.sharedWith === undefined);
    if (bad.length) record.error = [record.error, ...bad.map((b) => `executable copy INCOMPLETE: ${b.path} (PID ${b.pid}): ${b.incomplete}`)].filter(Boolean).join('; ');
    if (master.lost()) lost = lost ?? master.lost();
  };

  const info = (): TransportInfo => {
    const offsets = readings.filter((r) => r.offsetMs !== null);
    const best = offsets.length ? offsets.reduce((a, b) => (b.rttMs < a.rttMs ? b : a)) : null;
    return {
      kind: 'ssh',
      target: target.given,
      resolved: { hostname: resolved.hostname, port: resolved.port, user: resolved.user, proxyJump: resolved.proxyJump, proxyCommand: resolved.proxyCommand, hostKeyAlias: resolved.hostKeyAlias, configFile: settings.configFile },
      hostKey: master.hostKey,
      client: sshVersion(),
      serverSoftware: master.serverSoftware,
      options: settings.options,
      remote: probe ? { unameS: probe.unameS, unameN: probe.unameN, unameR: probe.unameR, unameM: probe.unameM, id: probe.id, user: probe.user, sshConnection: probe.sshConnection, hashTool: probe.hashTool, timeout: probe.timeout } : undefined,
      profileDetection: { asked: 'uname -s', answer: answer.slice(0, 200), profile: profile.name, overriddenBy: o.profile === 'auto' ? null : `--profile ${o.profile}` },
      clock: { readings, offsetMs: best?.offsetMs ?? null, maxRttMs: readings.length ? Math.max(...readings.map((r) => r.rttMs)) : null },
      footprint: {
        commands: [...footprint, ...stepEntries.values()],
        readerSha256: readerSha,
        note: 'Nothing was written on the target by netcustody. sshd itself records the login (wtmp/lastlog, the auth log or journal) and the session\'s processes and socket exist while the capture runs: the collection connection appears in the target\'s own socket list (SSH_CONNECTION above).',
      },
      testHooks: hooks.length ? hooks : undefined,
      lost,
    };
  };

  return {
    kind: 'ssh',
    profile,
    host,
    privileges,
    clock: { systemUtc: new Date(started).toISOString(), ntpSynchronized: null, source: 'the target\'s clock is compared with the workstation\'s around each group (acquisition.json transport.clock); times of commands are the workstation\'s' },
    folderName: target.given.replace(/^.*@/, ''),
    runStep,
    // Readings between groups serve as 'after' the one and 'before' the next (one session, not two).
    beforeGroup: async (g: ProfileGroup) => {
      if (profile.groups.indexOf(g) === 0) await readClock(`before ${g.name}`);
      batch = { group: g, items: [] };
    },
    afterGroup: (g: ProfileGroup) => {
      const next = profile.groups[profile.groups.indexOf(g) + 1];
      return readClock(next ? `after ${g.name}, before ${next.name}` : `after ${g.name}`);
    },
    lost: () => lost ?? master.lost(),
    info,
    warnings: () => hooks,
    openingEvents: () => [
      { action: 'ssh connection opened', object: target.given, details: { hostKey: master.hostKey.fingerprint, keyType: master.hostKey.type, knownHosts: master.hostKey.knownHosts, hostname: resolved.hostname, port: resolved.port, user: resolved.user, remoteUser: probe?.user ?? null, remoteId: probe?.id ?? null, sshConnection: probe?.sshConnection ?? null, profile: profile.name, profileAnswer: answer.slice(0, 200) } },
    ],
    close: async () => {
      await session?.close();
      await master.close();
    },
  };
}

let clientVersion: string | null = null;
/** `ssh -V` (it prints on stderr). */
function sshVersion(): string {
  if (clientVersion === null) {
    const r = spawnSync('ssh', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    clientVersion = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim() || 'ssh (version unknown)';
  }
  return clientVersion;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
