import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import type { ClockInfo, HostInfo, OsName, Privileges } from '../model.js';

export function osName(platform: NodeJS.Platform): OsName {
  if (platform === 'linux') return 'linux';
  if (platform === 'darwin') return 'macos';
  if (platform === 'freebsd' || platform === 'openbsd') return 'freebsd';
  if (platform === 'win32') return 'windows';
  return 'unknown';
}

export function hostInfo(): HostInfo {
  const now = new Date();
  return {
    hostname: os.hostname(),
    os: osName(process.platform),
    platform: process.platform,
    release: os.release(),
    kernel: safe(() => os.version(), ''),
    arch: os.arch(),
    uptimeSeconds: Math.round(os.uptime()),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'unknown',
    utcOffsetMinutes: -now.getTimezoneOffset(),
  };
}

/** The clock offset as chrony prints it: "System time : 0.000012 seconds fast of NTP time". */
export function chronyOffset(tracking: string): string | null {
  return /^System time\s*:\s*(\d+(?:\.\d+)?\s+seconds\s+(?:fast|slow)\s+of\s+NTP\s+time)\s*$/m.exec(tracking)?.[1].replace(/\s+/g, ' ') ?? null;
}

/** systemd-timesyncd's last measured offset: "Offset: -1.234ms" (kept as printed). */
export function timesyncOffset(status: string): string | null {
  return /^\s*Offset:\s*([+-]?\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|min))\s*$/m.exec(status)?.[1] ?? null;
}

/** A probe command and its stdout ('' when it failed or is missing). */
type Probe = [cmd: string, args: string[]];

/**
 * System UTC time and, where the host can tell, whether the clock is NTP-synchronised and its offset.
 * Written once as steps: each probe's output decides whether the next one runs (no process more than needed).
 */
function* clockSteps(): Generator<Probe, ClockInfo, string> {
  const systemUtc = new Date().toISOString();
  if (process.platform === 'linux') {
    const value = (yield ['timedatectl', ['show', '-p', 'NTPSynchronized', '--value']]).trim();
    if (value === 'yes' || value === 'no') {
      const offset = timesyncOffset(yield ['timedatectl', ['timesync-status']]);
      return { systemUtc, ntpSynchronized: value === 'yes', source: 'timedatectl NTPSynchronized', offset, offsetSource: offset ? 'timedatectl timesync-status' : null };
    }
    if (existsSync('/run/systemd/timesync/synchronized')) {
      return { systemUtc, ntpSynchronized: true, source: '/run/systemd/timesync/synchronized' };
    }
    const chrony = yield ['chronyc', ['-n', 'tracking']];
    const offset = chronyOffset(chrony);
    const measured = { offset, offsetSource: offset ? 'chronyc tracking' : null };
    if (/Leap status\s*:\s*Normal/.test(chrony)) return { systemUtc, ntpSynchronized: true, source: 'chronyc tracking', ...measured };
    if (chrony) return { systemUtc, ntpSynchronized: false, source: 'chronyc tracking', ...measured };
  }
  return { systemUtc, ntpSynchronized: null, source: 'system clock; synchronisation state not available on this host' };
}

export function clockInfo(): ClockInfo {
  const steps = clockSteps();
  for (let step = steps.next(''); ; ) {
    if (step.done) return step.value;
    const [cmd, args] = step.value;
    step = steps.next(safe(() => run(cmd, args), ''));
  }
}

/**
 * clockInfo() without blocking the thread: `run` and `collect` start it before the collector's modules
 * load (~0.15 s), so timedatectl or chronyc answer meanwhile instead of delaying the first capture
 * command. The same probes, in the same order, each before the capture starts.
 */
export async function clockInfoAsync(): Promise<ClockInfo> {
  const steps = clockSteps();
  for (let step = steps.next(''); ; ) {
    if (step.done) return step.value;
    const [cmd, args] = step.value;
    step = steps.next(await runAsync(cmd, args).catch(() => ''));
  }
}

export function privileges(limitationsIfUnprivileged: string[]): Privileges {
  const user = safe(() => os.userInfo().username, process.env.USER ?? 'unknown');
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const euid = typeof process.geteuid === 'function' ? process.geteuid() : null;
  // Windows has no euid: elevation cannot be read from Node; assume unprivileged and say so.
  const privileged = euid === 0;
  return { user, uid, euid, privileged, limitations: privileged ? [] : limitationsIfUnprivileged };
}

const PROBE = { encoding: 'utf8', timeout: 3000 } as const;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { ...PROBE, stdio: ['ignore', 'pipe', 'ignore'] });
}

function runAsync(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, PROBE, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    // As execFileSync's stdio: no stdin, stderr unread (execFile has no 'ignore' for it).
    child.stdin?.end();
  });
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
