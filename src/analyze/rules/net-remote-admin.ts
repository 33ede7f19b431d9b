import type { Severity } from '../../model.js';
import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { describeOwner, describeSocket, ownerKeys, processHit, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

interface AdminPort {
  service: string;
  severity: Severity;
}

/** Remote-administration services; plaintext telnet and r-services are high (RULES.md A8). */
export function remoteAdminPort(s: SocketInfo, windows: boolean): AdminPort | null {
  if (s.protocol !== 'tcp' || s.localPort === null) return null;
  const p = s.localPort;
  if (p === 22) return { service: 'SSH', severity: 'info' };
  if (p === 23) return { service: 'telnet (plaintext)', severity: 'high' };
  if (p >= 512 && p <= 514) return { service: 'BSD r-services (rexec/rlogin/rsh, plaintext)', severity: 'high' };
  if (p === 3389) return { service: 'RDP', severity: 'medium' };
  if (p === 5800 || (p >= 5900 && p <= 5903)) return { service: 'VNC', severity: 'medium' };
  if (p === 4899) return { service: 'Radmin', severity: 'medium' };
  if (p === 5938) return { service: 'TeamViewer', severity: 'medium' };
  if (p === 7070 && ownerKeys(s).includes('anydesk')) return { service: 'AnyDesk direct connections', severity: 'medium' };
  // WinRM through HTTP.sys (System, pid 4) is the normal shape of a managed Windows server.
  if (p === 5985 || p === 5986) return { service: 'WinRM', severity: windows && s.pid === 4 ? 'info' : 'medium' };
  return null;
}

export const netRemoteAdmin: Rule = {
  meta: {
    id: 'NET-REMOTE-ADMIN-EXPOSED',
    title: 'Remote-administration service reachable from the network',
    plain: 'a remote-control service (such as remote desktop or SSH) can be reached from the network',
    expectedListeners: true,
    severity: 'medium',
    description:
      'A listener not bound to loopback on a remote-administration port: SSH (info), RDP, VNC, Radmin, TeamViewer, AnyDesk, WinRM (medium; WinRM via System info), telnet and r-services (high).',
    rationale: 'Remote services are the usual lateral-movement and persistence entry points; plaintext telnet/r-services expose credentials.',
    falsePositives: 'Managed servers and jump hosts expose SSH/RDP/WinRM by design: add them to the allow-list with the reason.',
    attack: ['T1021', 'T1021.001', 'T1021.004', 'T1021.005', 'T1021.006', 'T1219'],
    references: [attackUrl('T1021'), REF.nmapServices],
    subject: 'connection',
  },
  check(ctx) {
    // One finding per process and port (IPv4 and IPv6 listeners of one service are one fact).
    const groups = new Map<string, { admin: AdminPort; sockets: SocketInfo[] }>();
    for (const s of ctx.listeners) {
      if (s.local.cls === 'loopback') continue;
      const admin = remoteAdminPort(s, ctx.os === 'windows');
      if (!admin) continue;
      const key = `${s.pid ?? '-'}|${s.localPort}`;
      const g = groups.get(key) ?? { admin, sockets: [] };
      g.sockets.push(s);
      groups.set(key, g);
    }
    const hits: RuleHit[] = [];
    for (const { admin, sockets } of groups.values()) {
      const first = sockets[0] as SocketInfo;
      const where = sockets.map(describeSocket).join(', ');
      const detail = `${where}; owner: ${describeOwner(first)}.`;
      const note = `Port ${first.localPort} is the usual port of ${admin.service}.`;
      const hit = first.proc ? processHit(first.proc, sockets, detail, admin.severity, note) : socketHit(first, detail, admin.severity, note);
      // Every listed socket is cited, owned or not.
      if (!first.proc) hit.refs = sockets.flatMap((x) => x.refs);
      hit.subject = 'connection';
      hit.socketIds = sockets.map((x) => x.id);
      hits.push(hit);
    }
    return hits;
  },
};
