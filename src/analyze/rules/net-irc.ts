import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export function isIrcPort(port: number | null): boolean {
  return port !== null && ((port >= 6665 && port <= 6669) || port === 6697);
}

export const netIrc: Rule = {
  meta: {
    id: 'NET-IRC',
    title: 'IRC traffic or IRC server port',
    plain: 'it uses the chat protocol IRC, which remote-controlled malware has long used',
    severity: 'medium',
    description: 'A TCP listener on, or an outbound TCP connection to, the IRC ports 6665-6669 or 6697.',
    rationale: 'IRC is a long-standing botnet command channel; servers and workstations rarely need it.',
    falsePositives: 'Genuine IRC clients (developers, open-source communities) and bouncers.',
    attack: ['T1071', 'T1571'],
    references: [attackUrl('T1071'), REF.nmapServices],
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      if (s.protocol !== 'tcp') continue;
      if (s.listening && isIrcPort(s.localPort) && s.local.cls !== 'loopback') {
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `IRC server port ${s.localPort}.`));
      } else if (s.outbound && isIrcPort(s.remotePort) && s.remote.cls !== 'loopback') {
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `Connects to IRC port ${s.remotePort}.`));
      }
    }
    return hits;
  },
};
