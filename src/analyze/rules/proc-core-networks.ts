import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { isExternal } from '../address.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { isWindowsDynamicPort } from '../services.js';
import { attackUrl, REF } from './refs.js';

const NEVER_SOCKETS = new Set(['csrss', 'smss']);
const RPC_ONLY = new Set(['lsass', 'services', 'wininit']);
const NO_INTERNET = new Set(['lsass', 'services', 'wininit', 'winlogon', 'csrss', 'smss']);
// Domain controllers: lsass serves Kerberos and LDAP.
const DC_PORTS = new Set([88, 389, 464, 636, 3268, 3269]);

function oddSockets(keys: string[], sockets: SocketInfo[]): { sockets: SocketInfo[]; why: string } | null {
  if (keys.some((k) => NEVER_SOCKETS.has(k))) return sockets.length > 0 ? { sockets, why: 'never owns network sockets' } : null;
  const rpc = keys.find((k) => RPC_ONLY.has(k));
  const odd: SocketInfo[] = [];
  for (const s of sockets) {
    if (rpc && s.listening && s.protocol === 'tcp' && !isWindowsDynamicPort(s.localPort) && !(rpc === 'lsass' && DC_PORTS.has(s.localPort ?? -1))) odd.push(s);
    else if (keys.some((k) => NO_INTERNET.has(k)) && s.outbound && isExternal(s.remote.cls)) odd.push(s);
  }
  return odd.length > 0 ? { sockets: odd, why: 'normally holds only dynamic-range RPC listeners and talks to no internet host' } : null;
}

export const procCoreNetworks: Rule = {
  meta: {
    id: 'PROC-CORE-NETWORKS',
    title: 'Windows core process with unexpected network activity',
    plain: 'a core Windows program that normally does not use the network does',
    severity: 'high',
    description:
      'csrss.exe or smss.exe owning any socket; lsass/services/wininit listening outside the dynamic RPC range 49152-65535 (lsass on DC ports excepted); lsass/services/wininit/winlogon/csrss/smss connected to a public address.',
    rationale: 'These processes have a fixed, small network footprint; anything else suggests injection into them or an impostor with the same name.',
    falsePositives: 'Domain controllers (lsass on Kerberos/LDAP ports, handled), unusual RPC port configurations.',
    attack: ['T1055', 'T1036.005'],
    references: [REF.huntEvil, attackUrl('T1055'), REF.sigmaNet],
    subject: 'process',
    os: ['windows'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      const odd = oddSockets(p.keys, p.sockets);
      if (!odd) continue;
      hits.push(processHit(p, odd.sockets, `${describeProcess(p)} owns ${describeSockets(odd.sockets, 10)}.`, undefined, `The process ${odd.why}, yet has these sockets.`));
    }
    return hits;
  },
};
