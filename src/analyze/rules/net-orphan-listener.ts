import type { Rule, RuleHit, SocketInfo } from '../types.js';
import type { SocketView } from '../../model.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { serviceName } from '../services.js';
import { attackUrl, REF } from './refs.js';

// Sockets the kernel itself opens (no process): NFS, VXLAN/Geneve/flannel, WireGuard.
const KERNEL_PORTS = new Set([2049, 4789, 8472, 6081, 51820]);
// Windows System (pid 4) serves HTTP.sys, SMB, NetBIOS, WinRM and SSDP/WSD ports.
const SYSTEM_PORTS = new Set([80, 443, 139, 445, 2869, 5357, 5358, 5985, 5986, 10243, 47001]);

/** Tool views (not /proc) that printed owners at all: only they can show a missing owner. */
function viewsWithOwners(ctx: { connections: { view: SocketView; pid: number | null }[] }): Set<SocketView> {
  const out = new Set<SocketView>();
  for (const c of ctx.connections) if (c.view !== 'proc' && c.pid !== null && c.pid > 0) out.add(c.view);
  return out;
}

export const netOrphanListener: Rule = {
  meta: {
    id: 'NET-ORPHAN-LISTENER',
    title: 'Listener without an owning process in a privileged capture',
    plain: 'a port is open but no program is shown as its owner',
    expectedListeners: true,
    severity: 'low',
    description:
      'A listening socket for which netstat/ss printed no process although collection ran with privileges (medium for TCP reachable from the network), or on Windows a System (pid 4) listener on a port other than HTTP.sys/SMB/NetBIOS/WinRM/SSDP.',
    rationale: 'A root capture sees every process: a listener without owner is a kernel socket, or a process hidden from the tools (rootkit). Compare with /proc (XSRC rules).',
    falsePositives: 'Kernel services (nfsd, lockd, rpc, WireGuard, VXLAN); on Windows, kernel drivers own sockets under System.',
    attack: ['T1014'],
    references: [attackUrl('T1014')],
    referencesByOs: { linux: [REF.netstat8, REF.ss8, REF.proc5], windows: [REF.netstatWin, REF.winPorts] },
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    if (ctx.os === 'windows') {
      for (const s of ctx.listeners) {
        if (s.pid !== 4 || s.protocol !== 'tcp' || s.local.cls === 'loopback' || s.localPort === null || SYSTEM_PORTS.has(s.localPort)) continue;
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `A kernel-mode listener of System (pid 4)${serviceName(s.localPort) ? `; port ${s.localPort} is registered for ${serviceName(s.localPort)}` : ''}.`));
      }
      return hits;
    }
    if (ctx.privileged !== true) return hits;
    const withOwners = viewsWithOwners(ctx);
    for (const s of ctx.listeners as SocketInfo[]) {
      if (s.pid !== null || s.processName || s.protocol === 'raw' || s.localPort === null || KERNEL_PORTS.has(s.localPort)) continue;
      if (!s.views.some((v) => withOwners.has(v))) continue;
      const reachable = s.protocol === 'tcp' && s.local.cls !== 'loopback';
      hits.push(socketHit(s, `${describeSocket(s)}: no owning process shown by ${s.views.filter((v) => withOwners.has(v)).join(' and ')} although collection was privileged.`, reachable ? 'medium' : 'low'));
    }
    return hits;
  },
};
