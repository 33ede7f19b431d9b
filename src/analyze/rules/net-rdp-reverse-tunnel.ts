import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export const netRdpReverseTunnel: Rule = {
  meta: {
    id: 'NET-RDP-REVERSE-TUNNEL',
    title: 'RDP session arriving from loopback (tunnelled RDP)',
    plain: 'a remote-desktop session arrives through a tunnel from the computer itself',
    severity: 'high',
    description: 'An established connection to the local RDP port 3389 whose peer is a loopback address.',
    rationale: 'RDP sessions that come from 127.0.0.1 were carried in by a local tunnel (plink/ssh/chisel reverse forward) that bypasses network controls.',
    falsePositives: 'Sanctioned SSH-wrapped administration of the host.',
    attack: ['T1572', 'T1021.001'],
    references: [attackUrl('T1572'), REF.sigmaNet],
    subject: 'connection',
    os: ['windows'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      if (s.protocol !== 'tcp' || s.localPort !== 3389 || s.listening || s.state !== 'ESTABLISHED') continue;
      if (s.remote.cls !== 'loopback') continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `RDP from a loopback peer.`));
    }
    return hits;
  },
};
