import type { Rule, RuleHit } from '../types.js';
import { addressLabel } from '../address.js';
import { describeOwner, describeSocket, isPublicOutbound, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

// Sigma net_connection_win_malware_backconnect_ports / net_connection_lnx_susp_malware_callback_port.
const WINDOWS = new Set([
  4443, 2448, 8143, 1777, 1443, 243, 65535, 13506, 3360, 200, 198, 49180, 13507, 6625, 4438, 1904, 13505, 13504, 12102, 9631,
  5445, 2443, 777, 13394, 13145, 12103, 5552, 3939, 3675, 666, 473, 5649, 4455, 4433, 1817, 100, 65520, 1960, 1515, 743, 700,
  14154, 14103, 14102, 12322, 10101, 7210, 4040, 9943,
]);
const UNIX = new Set([888, 999, 2200, 2222, 4000, 6789, 8531, 50501, 51820]);

export const netC2CallbackPort: Rule = {
  meta: {
    id: 'NET-C2-CALLBACK-PORT',
    title: 'Outbound connection to a port typical of malware callbacks',
    plain: 'it talks to an internet computer on a port that malware often uses to report home',
    severity: 'medium',
    description:
      'An outbound connection to a public address on a port that Sigma associates with malware back-connects (per-OS lists), from a program not installed under Program Files.',
    rationale: 'Port-only evidence, but these ports are rare for legitimate client traffic and common for RAT/C2 callbacks.',
    falsePositives: 'Port-only heuristic: WireGuard uses 51820, some games and updaters use odd ports. Check the process and peer reputation.',
    attack: ['T1571'],
    references: [attackUrl('T1571')],
    referencesByOs: { windows: [REF.sigmaNet], linux: [REF.sigmaLinuxNet], bsd: [REF.sigmaLinuxNet] },
    subject: 'connection',
  },
  check(ctx) {
    const ports = ctx.os === 'windows' ? WINDOWS : ctx.os === 'unknown' ? new Set([...WINDOWS, ...UNIX]) : UNIX;
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      if (!isPublicOutbound(s) || s.remotePort === null || !ports.has(s.remotePort)) continue;
      if (s.proc?.exe && /\\program files( \(x86\))?\\/i.test(s.proc.exe)) continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `The peer is a ${addressLabel(s.remote)} address, on callback port ${s.remotePort}.`));
    }
    return hits;
  },
};
