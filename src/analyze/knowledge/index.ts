// The built-in knowledge base: per OS, the listeners a normal host opens (knowledge/windows.ts,
// linux.ts, macos.ts), and the programs that legitimately run under another name (exe-names.ts).
import type { OsFamily, SocketInfo } from '../types.js';
import { LINUX } from './linux.js';
import { MACOS } from './macos.js';
import type { ExpectedListener, OsKnowledge } from './types.js';
import { WINDOWS } from './windows.js';

export type { ExpectedListener } from './types.js';

const BY_OS: Record<Exclude<OsFamily, 'unknown'>, OsKnowledge> = { windows: WINDOWS, linux: LINUX, bsd: MACOS };

function ownerNames(s: SocketInfo, os: OsFamily): string[] {
  const names = new Set<string>();
  for (const k of s.proc?.keys ?? []) names.add(k.toLowerCase());
  if (s.processName) names.add(s.processName.toLowerCase().replace(/\.exe$/, ''));
  // Windows' System process (PID 4): netstat -b prints "Can not obtain ownership information".
  if (os === 'windows' && s.pid === 4) names.add('system');
  return [...names];
}

function pathMatches(exe: string, paths: string[]): boolean {
  return paths.some((p) => (p.endsWith('/') || p.endsWith('-') ? exe.startsWith(p) : exe === p));
}

function entryMatches(e: ExpectedListener, s: SocketInfo, os: OsFamily): boolean {
  if (!s.listening || s.protocol !== e.protocol || s.localPort === null) return false;
  if (s.localPort < e.ports[0] || s.localPort > e.ports[1]) return false;
  if (e.loopbackOnly && s.local.cls !== 'loopback') return false;
  const names = ownerNames(s, os);
  if (names.length === 0) return e.ownerMayBeHidden === true && os === 'windows';
  if (!names.some((n) => e.names.includes(n))) return false;
  if (e.services) {
    const components = s.records.map((r) => r.component?.trim()).filter((c): c is string => Boolean(c));
    if (components.length > 0 && !components.some((c) => e.services!.some((x) => x.toLowerCase() === c.toLowerCase()))) return false;
  }
  const exe = s.proc?.facts?.exe ?? s.proc?.exe ?? null;
  if (e.paths && exe) return pathMatches(exe.replace(/ \(deleted\)$/, ''), e.paths);
  return true;
}

/** The knowledge-base entry that explains this listener on a normal host of the OS, if any. */
export function expectedListener(s: SocketInfo, os: OsFamily): ExpectedListener | null {
  if (os === 'unknown') return null;
  return BY_OS[os].listeners.find((e) => entryMatches(e, s, os)) ?? null;
}

export function osLabel(os: OsFamily): string {
  return os === 'windows' ? 'Windows' : os === 'linux' ? 'Linux' : os === 'bsd' ? 'macOS/BSD' : 'unknown OS';
}
