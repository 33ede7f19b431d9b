import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { crossKey, indexView, seenIn, socketOfRecord, stableKind } from './xsrc-common.js';
import { attackUrl, REF } from './refs.js';

export const xsrcMissingFromProc: Rule = {
  meta: {
    id: 'XSRC-MISSING-FROM-PROC',
    title: 'Socket shown by netstat/ss but missing from /proc/net',
    plain: "the computer's tools showed a connection that the kernel's own list lacks",
    severity: 'high',
    description:
      'A listening (or bound UDP) socket printed by netstat or ss that /proc/net/{tcp,udp}[6] of the same capture does not list (high; established connections medium). Compared only for protocol/IP-version files that were read.',
    rationale: 'Kernel rootkits that filter /proc/net/* still leak the socket through ss (netlink sock_diag); the disagreement itself is evidence of tampering.',
    falsePositives: 'Sockets opened or closed between the reads of one capture; check the command times in acquisition.json.',
    attack: ['T1014', 'T1564'],
    references: [attackUrl('T1014'), REF.velociraptorNetstat, REF.proc5],
    subject: 'connection',
    os: ['linux'],
  },
  check(ctx) {
    if (!ctx.views.has('proc')) return [];
    const proc = indexView(ctx.connections, 'proc');
    if (!proc) return [];
    const sockets = socketOfRecord(ctx);
    const groups = new Map<string, RuleHit>();
    for (const c of ctx.connections) {
      if (c.view !== 'netstat' && c.view !== 'ss') continue;
      const kind = stableKind(c);
      if (!kind || !proc.coverage.has(`${c.protocol}|${c.ipVersion}`) || seenIn(proc, c)) continue;
      const s = sockets.get(c);
      if (!s || !s.local.ip || !s.remote.ip) continue;
      const key = crossKey(c);
      const existing = groups.get(key);
      if (existing) {
        existing.refs.push(c.source);
        continue;
      }
      groups.set(key, socketHit(s, `${describeSocket(s)} (${describeOwner(s)}) printed by ${s.views.filter((v) => v !== 'proc').join(' and ')} is absent from /proc/net of the same capture.`, kind === 'listen' ? 'high' : 'medium'));
    }
    return [...groups.values()];
  },
};
