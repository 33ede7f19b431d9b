import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, ownerKeys, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

const RDP_CLIENTS = new Set([
  'mstsc', 'msrdc', 'msrdcw', 'rdcman', 'mremoteng', 'remotedesktopmanager', 'remotedesktopmanager64', 'royalts', 'windows365',
  'remmina', 'xfreerdp', 'wlfreerdp', 'sdl-freerdp', 'xfreerdp3', 'rdesktop', 'krdc', 'vinagre', 'guacd', 'microsoft remote desktop', 'windows app',
]);

export const netRdpOddClient: Rule = {
  meta: {
    id: 'NET-RDP-ODD-CLIENT',
    title: 'Outbound RDP from a program that is not an RDP client',
    plain: "a program that is not a remote-desktop client connects to another computer's remote desktop",
    severity: 'high',
    description: 'An outbound connection to port 3389 owned by a process that is not a known RDP client (mstsc, RDCMan, mRemoteNG, Remote Desktop Manager, FreeRDP, Remmina ...).',
    rationale: 'Attack tools (SharpRDP, tunnels, scanners) open RDP sessions from unusual processes during lateral movement.',
    falsePositives: 'Other RDP managers or monitoring/scanning tools: extend the allow-list.',
    attack: ['T1021.001'],
    references: [attackUrl('T1021.001'), REF.sigmaNet],
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      if (s.protocol !== 'tcp' || !s.outbound || s.remotePort !== 3389 || s.pid === null) continue;
      if (s.remote.cls === 'loopback' || s.remote.cls === 'unspecified') continue;
      const keys = ownerKeys(s);
      if (keys.length === 0 || keys.some((k) => RDP_CLIENTS.has(k))) continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `RDP session opened by a program that is not an RDP client.`));
    }
    return hits;
  },
};
