import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

// Default ports of classic trojans and C2 frameworks (RULES.md A1).
export const BACKDOOR_TCP_PORTS: Record<number, string> = {
  1337: '"leet" backdoors',
  4444: 'Metasploit LPORT',
  11601: 'ligolo-ng agent',
  12345: 'NetBus',
  12346: 'NetBus',
  27374: 'SubSeven',
  31337: 'Back Orifice / "eleet"',
  50050: 'Cobalt Strike team server',
  54320: 'Back Orifice 2000',
};
// UDP: only Back Orifice's port; other numbers collide with Windows' ephemeral UDP sockets.
const UDP_PORTS: Record<number, string> = { 31337: 'Back Orifice' };

function known(protocol: string, port: number | null): string | undefined {
  if (port === null) return undefined;
  return protocol === 'udp' ? UDP_PORTS[port] : protocol === 'tcp' ? BACKDOOR_TCP_PORTS[port] : undefined;
}

export const netBackdoorPort: Rule = {
  meta: {
    id: 'NET-BACKDOOR-PORT',
    title: 'Socket on a classic backdoor or C2 default port',
    plain: 'the port number is one that hacking tools and known backdoors use by default',
    severity: 'high',
    description:
      'A listener on, or an outbound connection to, a port that trojans and attack frameworks use by default (1337, 4444, 12345, 27374, 31337, 50050, 54320, 11601). Listeners bound to loopback only are medium.',
    rationale: 'Attackers often keep tool defaults; a bind shell or C2 channel on such a port is a first lead to the responsible process.',
    falsePositives: '4444 is also IANA krb524/nv-video, 12345 Trend Micro OfficeScan, 1337 WASTE; a client ephemeral port can coincide — check the owning process.',
    attack: ['T1571'],
    references: [attackUrl('T1571'), REF.nmapServices, REF.metasploitHandler],
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      if (s.listening) {
        const what = known(s.protocol, s.localPort);
        if (!what) continue;
        const loop = s.local.cls === 'loopback';
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, loop ? 'medium' : 'high', `Port ${s.localPort} is the default of ${what}${loop ? '; the listener is bound to loopback only' : ''}.`));
      } else if (s.outbound && s.remote.cls !== 'loopback' && s.remote.cls !== 'unspecified') {
        const what = known(s.protocol, s.remotePort);
        if (!what) continue;
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `The remote port ${s.remotePort} is the default of ${what}.`));
      }
    }
    return hits;
  },
};
