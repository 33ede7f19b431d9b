import type { Connection } from '../../model.js';
import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { crossKey, indexView, seenIn, socketOfRecord, stableKind, type ViewIndex } from './xsrc-common.js';
import { attackUrl, REF } from './refs.js';

export const xsrcHiddenFromTools: Rule = {
  meta: {
    id: 'XSRC-HIDDEN-FROM-TOOLS',
    title: 'Socket in /proc/net but missing from netstat and ss',
    plain: "the kernel lists a connection that the computer's own tools did not show, as hidden malware (a rootkit) causes",
    severity: 'high',
    description:
      'A listening (or bound UDP) socket read from /proc/net/{tcp,udp}[6] that neither netstat nor ss printed in the same capture (high); an established connection in the same situation is medium. Only views that printed numeric addresses for that protocol are compared.',
    rationale: 'Userland rootkits (LD_PRELOAD, trojaned netstat/ss) hide their ports from the tools but not from the kernel files read directly.',
    falsePositives: 'Sockets opened or closed between the reads of one capture (short-lived connections); compare the command times in acquisition.json.',
    attack: ['T1014', 'T1564', 'T1574.006'],
    references: [attackUrl('T1014'), attackUrl('T1574.006'), REF.velociraptorNetstat, REF.proc5],
    subject: 'connection',
    os: ['linux'],
  },
  check(ctx) {
    if (!ctx.views.has('proc')) return [];
    const tools = (['netstat', 'ss'] as const).map((v) => indexView(ctx.connections, v)).filter((i): i is ViewIndex => i !== null && i.comparable);
    if (tools.length === 0) return [];
    const sockets = socketOfRecord(ctx);
    const hits: RuleHit[] = [];
    const reported = new Set<string>();
    for (const c of ctx.connections) {
      if (c.view !== 'proc') continue;
      const kind = stableKind(c);
      if (!kind) continue;
      const compared = tools.filter((t) => t.coverage.has(`${c.protocol}|${c.ipVersion}`));
      if (compared.length === 0 || compared.some((t) => seenIn(t, c))) continue;
      const key = crossKey(c);
      if (reported.has(key)) continue;
      reported.add(key);
      hits.push(hitFor(c, sockets.get(c), compared.map((t) => t.view).join(' and '), kind));
    }
    return hits;
  },
};

function hitFor(c: Connection, s: SocketInfo | undefined, tools: string, kind: string): RuleHit {
  const inode = c.inode ? `, inode ${c.inode}` : '';
  const uid = c.uid !== null && c.uid !== undefined ? `, uid ${c.uid}` : '';
  const severity = kind === 'listen' ? 'high' : 'medium';
  if (!s) return { detail: `${c.source.artifact} line ${c.source.line} lists a socket${inode} that ${tools} did not show.`, refs: [c.source], severity, subject: 'connection' };
  return socketHit(s, `${describeSocket(s)} (${describeOwner(s)}${inode}${uid}) is in ${c.source.artifact} but not in the ${tools} output of the same capture.`, severity);
}
