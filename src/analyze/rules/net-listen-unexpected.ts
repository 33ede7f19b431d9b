import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { describeOwner, groupByPid, isAllInterfaces, listPorts, ownerKeys, processHit, socketHit, describeSockets, describeSocket } from '../rule-helpers.js';
import { isWindowsDynamicPort, serviceName } from '../services.js';
import { BACKDOOR_TCP_PORTS } from './net-backdoor-port.js';
import { isIrcPort } from './net-irc.js';
import { PROXY_PORTS } from './net-proxy-listener.js';
import { remoteAdminPort } from './net-remote-admin.js';
import { TOR_PORTS } from './net-tor.js';
import { attackUrl, REF } from './refs.js';

// Windows services that hold RPC endpoints in the dynamic range (49664-49670 ...).
const WINDOWS_RPC_OWNERS = new Set(['svchost', 'lsass', 'services', 'wininit', 'spoolsv', 'system', 'winlogon']);

/** Ports another rule already explains: reporting them twice would double-count in escalation. */
function coveredElsewhere(s: SocketInfo, windows: boolean): boolean {
  const p = s.localPort as number;
  // netsh portproxy listeners (iphlpsvc) are NET-PORTPROXY-LISTENER's finding.
  if (s.records.some((r) => r.component?.trim().toLowerCase() === 'iphlpsvc')) return true;
  return p in BACKDOOR_TCP_PORTS || isIrcPort(p) || p in TOR_PORTS || p in PROXY_PORTS || remoteAdminPort(s, windows) !== null;
}

export const netListenUnexpected: Rule = {
  meta: {
    id: 'NET-LISTEN-ALL-UNEXPECTED',
    title: 'Listening on all interfaces on an unregistered port',
    plain: 'it accepts connections from the whole network on a port no known service uses',
    expectedListeners: true,
    severity: 'low',
    description:
      'A TCP listener bound to every address (0.0.0.0 / ::) on a port with no well-known service, excluding Windows RPC dynamic ports of system services. One finding per process.',
    rationale: 'Backdoors and implants open listeners on arbitrary ports; every network-reachable listener should be explained by an installed service.',
    falsePositives: 'Many desktop applications (media sharing, sync, virtualisation, containers publishing ports) listen on unregistered ports.',
    attack: ['T1571'],
    references: [attackUrl('T1571'), REF.iana],
    referencesByOs: { linux: [REF.netstat8, REF.ss8], windows: [REF.winPorts], bsd: [REF.applePorts] },
    subject: 'process',
  },
  check(ctx) {
    const windows = ctx.os === 'windows';
    const candidates = ctx.listeners.filter((s) => {
      if (s.protocol !== 'tcp' || s.localPort === null || !isAllInterfaces(s)) return false;
      if (serviceName(s.localPort) !== null || coveredElsewhere(s, windows)) return false;
      return !(windows && isWindowsDynamicPort(s.localPort) && ownerKeys(s).some((k) => WINDOWS_RPC_OWNERS.has(k)));
    });
    const hits: RuleHit[] = [];
    for (const [pid, sockets] of groupByPid(candidates)) {
      const ports = listPorts(sockets.map((s) => s.localPort as number));
      const first = sockets[0] as SocketInfo;
      const proc = pid >= 0 ? ctx.processes.get(pid) : undefined;
      const note = `The listener is bound to all interfaces, and no IANA service is registered for TCP port(s) ${ports}.`;
      if (proc) hits.push(processHit(proc, sockets, `${describeOwner(first)} owns ${describeSockets(sockets, 20)}.`, undefined, note));
      else for (const s of sockets) hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `The listener is bound to all interfaces, and no IANA service is registered for TCP port ${s.localPort}.`));
    }
    return hits;
  },
};
