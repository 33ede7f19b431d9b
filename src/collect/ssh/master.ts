// One authenticated connection per target: an OpenSSH ControlMaster in the foreground (-N), its
// control socket in a private 0700 temp dir on the workstation. Every step then opens its own
// session over it (`ssh -S ctl`), so the steps of a group start together without re-authenticating.
// The master runs with -v: its log names the host key the connection actually used.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseArgs, type SshSettings } from './options.js';
import type { SshTarget } from './targets.js';

export interface Resolved {
  hostname: string;
  port: number;
  user: string;
  proxyJump: string | null;
  proxyCommand: string | null;
  hostKeyAlias: string | null;
  knownHostsFiles: string[];
}

export interface Master {
  ctlPath: string;
  hostKey: { type: string; fingerprint: string; knownHosts: string | null };
  serverSoftware: string | null;
  /** Set when the master exited (connection cut): its last log lines. */
  lost(): string | null;
  close(): Promise<void>;
}

export type ConnectFailure = 'host key unknown' | 'host key changed' | 'authentication refused' | 'unreachable' | 'ssh error';

export class SshConnectError extends Error {
  constructor(message: string, readonly kind: ConnectFailure, readonly hint: string | null) {
    super(message);
  }
}

export function targetArgs(t: SshTarget): string[] {
  return [...(t.port ? ['-p', String(t.port)] : []), '--', t.destination];
}

/** `ssh -G`: the hostname, port and user ssh will use after the examiner's ssh_config. */
export async function resolveTarget(t: SshTarget, s: SshSettings): Promise<Resolved> {
  const r = await execa('ssh', ['-G', ...baseArgs(s), ...targetArgs(t)], { reject: false, stdin: 'ignore', timeout: 10_000 });
  if (r.exitCode !== 0) throw new SshConnectError(`ssh -G ${t.given} failed: ${lastLine(String(r.stderr))}`, 'ssh error', s.configFile ? `check ${s.configFile}` : 'check your ssh_config');
  const kv = new Map<string, string>();
  for (const line of String(r.stdout).split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0 && !kv.has(line.slice(0, i))) kv.set(line.slice(0, i), line.slice(i + 1));
  }
  const none = (v: string | undefined) => (v === undefined || v === 'none' ? null : v);
  const files = [...(kv.get('userknownhostsfile') ?? '').split(' '), ...(kv.get('globalknownhostsfile') ?? '').split(' ')].filter((f) => f && f !== 'none' && f !== '/dev/null');
  return {
    hostname: kv.get('hostname') ?? t.destination,
    port: Number(kv.get('port') ?? 22),
    user: kv.get('user') ?? '',
    proxyJump: none(kv.get('proxyjump')),
    proxyCommand: none(kv.get('proxycommand')),
    hostKeyAlias: none(kv.get('hostkeyalias')),
    knownHostsFiles: files,
  };
}

/** Open the master connection; throws SshConnectError (with the kind of failure) when it cannot. */
export async function openMaster(t: SshTarget, s: SshSettings, signal: AbortSignal): Promise<Master> {
  const dir = mkdtempSync(join(tmpdir(), 'netcustody-ssh-'));
  const ctlPath = join(dir, 'ctl');
  let log = '';
  const sub: ResultPromise = execa('ssh', ['-v', '-M', '-S', ctlPath, '-N', '-T', ...baseArgs(s), ...targetArgs(t)], { reject: false, stdin: 'ignore', stdout: 'ignore', buffer: false, cancelSignal: signal, forceKillAfterDelay: 2000 });
  sub.stderr?.on('data', (d: Buffer) => {
    // Only the start and the tail matter: the key lines come first, the failure reason last.
    log = log.length < 64 * 1024 ? log + d.toString('utf8') : log.slice(0, 32 * 1024) + log.slice(-16 * 1024) + d.toString('utf8');
  });
  let exited: string | null = null;
  const done = sub.then((r) => {
    exited = `ssh master exited (${r.exitCode ?? r.signal}): ${lastLine(log)}`;
  });
  const deadline = Date.now() + (s.connectTimeoutS + 20) * 1000;
  // Ready when the control socket exists and its log line naming the host key has been read here
  // (under load the socket can appear before this process has read ssh's stderr).
  const keyLine = /debug1: Server host key: \S+ SHA256:/;
  while (!existsSync(ctlPath) || !keyLine.test(log)) {
    if (exited !== null || Date.now() > deadline || signal.aborted) {
      sub.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
      throw classify(t, log, signal.aborted);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const key = /debug1: Server host key: (\S+) (SHA256:[A-Za-z0-9+/=]+)/.exec(log);
  const known = /debug1: Found key in (.+)/.exec(log);
  const software = /remote software version (.+)/.exec(log);
  if (!key) {
    sub.kill('SIGTERM');
    await done;
    rmSync(dir, { recursive: true, force: true });
    throw new SshConnectError(`${t.given}: connected, but ssh did not print the host key it used`, 'ssh error', 'check that LogLevel is not set to QUIET/FATAL/ERROR in your ssh_config');
  }
  return {
    ctlPath,
    hostKey: { type: key[1], fingerprint: key[2], knownHosts: known ? known[1].trim() : null },
    serverSoftware: software ? software[1].trim() : null,
    lost: () => exited,
    async close() {
      sub.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function classify(t: SshTarget, log: string, aborted: boolean): SshConnectError {
  const check = `check the key with the host's administrator: on the host run \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` and compare the SHA256 fingerprint; only then add it to known_hosts (ssh-keyscan ${t.destination.replace(/^.*@/, '')} | ssh-keygen -lf - shows what the address presents now)`;
  if (aborted) return new SshConnectError(`${t.given}: interrupted while connecting`, 'ssh error', null);
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(log)) {
    const fp = /(SHA256:[A-Za-z0-9+/=]+)/.exec(log.slice(log.indexOf('HAS CHANGED')))?.[1];
    return new SshConnectError(`${t.given}: host key CHANGED${fp ? ` (the host now presents ${fp})` : ''}: refused, nothing was collected — this may be a different machine or an interception`, 'host key changed', check);
  }
  if (/No \S+ host key is known for|Host key verification failed/.test(log)) {
    const fp = /Server host key: \S+ (SHA256:[A-Za-z0-9+/=]+)/.exec(log)?.[1];
    return new SshConnectError(`${t.given}: host key unknown${fp ? ` (it presents ${fp})` : ''}: refused, nothing was collected`, 'host key unknown', check);
  }
  if (/Permission denied/.test(log)) return new SshConnectError(`${t.given}: authentication refused (${lastLine(log)})`, 'authentication refused', 'check the user, key or agent in your ssh_config (BatchMode: no password prompt)');
  if (/Connection refused|timed out|No route to host|Could not resolve|Network is unreachable|Connection closed|Connection reset/.test(log)) {
    return new SshConnectError(`${t.given}: unreachable (${lastLine(log)})`, 'unreachable', null);
  }
  return new SshConnectError(`${t.given}: ssh could not connect (${lastLine(log)})`, 'ssh error', null);
}

/** The last line of ssh's log that is not debug chatter. */
export function lastLine(log: string): string {
  const lines = log.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('debug') && !l.startsWith('OpenSSH_'));
  return lines[lines.length - 1] ?? log.trim().split('\n').pop() ?? '';
}
