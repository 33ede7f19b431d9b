import type { Rule, RuleHit } from '../types.js';
import { addressLabel } from '../address.js';
import { describeOwner, describeSocket, isPublicOutbound, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

const ALT_HTTP = new Set([8080, 8888]);

export const netAltHttpOut: Rule = {
  meta: {
    id: 'NET-ALT-HTTP-OUT',
    title: 'Outbound connection to an alternative HTTP port on the internet',
    plain: 'it talks to an internet computer on a port web proxies and test servers use',
    severity: 'low',
    description: 'An outbound connection to a public address on port 8080 or 8888 from a program not installed under Program Files.',
    rationale: 'C2 frameworks and ad-hoc web servers favour alternative HTTP ports; ordinary browsing uses 80/443.',
    falsePositives: 'Developer tools, HTTP proxies, IoT and media services.',
    attack: ['T1571'],
    references: [attackUrl('T1571')],
    referencesByOs: { windows: [REF.sigmaNet] },
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      if (!isPublicOutbound(s) || s.remotePort === null || !ALT_HTTP.has(s.remotePort)) continue;
      if (s.proc?.exe && /\\program files( \(x86\))?\\/i.test(s.proc.exe)) continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `The peer is a ${addressLabel(s.remote)} address, on alternative HTTP port ${s.remotePort}.`));
    }
    return hits;
  },
};
