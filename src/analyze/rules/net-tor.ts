import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeProcess, describeSocket, ownerKeys, processHit, socketHit, describeSockets } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export const TOR_PORTS: Record<number, string> = { 9001: 'ORPort', 9030: 'DirPort', 9050: 'SOCKS port', 9051: 'control port', 9150: 'Tor Browser SOCKS port', 9151: 'Tor Browser control port' };
const TOR_NAMES = new Set(['tor', 'obfs4proxy', 'lyrebird', 'snowflake-client', 'meek-client']);

export const netTor: Rule = {
  meta: {
    id: 'NET-TOR',
    title: 'Tor relay, client or SOCKS port',
    plain: 'it uses Tor, a network that hides who is talking to whom',
    severity: 'medium',
    description: 'A Tor process owns sockets, or a TCP socket listens on / connects to the Tor default ports (9001, 9030, 9050, 9051, 9150, 9151).',
    rationale: 'Tor hides the far end of C2 and exfiltration channels; on servers it is rarely sanctioned.',
    falsePositives: 'A sanctioned Tor Browser; 9001 is also used by unrelated services (e.g. admin consoles). Check the process.',
    attack: ['T1090.003'],
    references: [attackUrl('T1090.003'), REF.torrc, REF.nmapServices],
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    // A Tor program: one finding per process, whatever its ports.
    for (const p of ctx.processList) {
      if (p.sockets.length === 0 || !p.keys.some((k) => TOR_NAMES.has(k))) continue;
      hits.push(processHit(p, p.sockets, `${describeProcess(p)} owns ${describeSockets(p.sockets)}.`, undefined, 'The process name is that of a Tor program.'));
    }
    for (const s of ctx.sockets) {
      if (s.protocol !== 'tcp') continue;
      // The port first: it rules out nearly every socket without looking at the owner.
      const port = s.listening ? s.localPort : s.outbound && s.remote.cls !== 'loopback' ? s.remotePort : null;
      const role = port !== null ? TOR_PORTS[port] : undefined;
      if (!role || ownerKeys(s).some((k) => TOR_NAMES.has(k))) continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `Tor default ${role} ${port}.`));
    }
    return hits;
  },
};
