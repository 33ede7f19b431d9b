import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { describeOwner, describeSocket, processHit, socketHit } from '../rule-helpers.js';
import { safeText } from '../names.js';
import { comparableListeners, groupListeners, programKey } from './baseline-common.js';
import { attackUrl, REF } from './refs.js';

export const baseNewListener: Rule = {
  meta: {
    id: 'BASE-NEW-LISTENER',
    title: 'Listener not present in the baseline',
    plain: 'a port is open that was not open in the earlier capture of this computer',
    severity: 'medium',
    description: 'A TCP listener (or UDP service port) whose protocol, port and program were not listening in the baseline capture of the same host.',
    rationale: 'SANS: understand normal port usage, then look for deviations — a new listener is a new way in.',
    falsePositives: 'Software installed or started since the baseline; services that pick random ports at start.',
    attack: ['T1571'],
    references: [attackUrl('T1571')],
    referencesByOs: { linux: [REF.netstat8, REF.ss8], windows: [REF.netstatWin], bsd: [REF.netstatBsd] },
    subject: 'connection',
    needsBaseline: true,
  },
  check(ctx) {
    if (!ctx.baseline) return [];
    const before = groupListeners(ctx.baseline);
    const beforePorts = new Map<string, string>();
    for (const s of comparableListeners(ctx.baseline)) beforePorts.set(`${s.protocol}|${s.localPort}`, programKey(s));
    const hits: RuleHit[] = [];
    for (const [key, sockets] of groupListeners(ctx)) {
      if (before.has(key)) continue;
      const first = sockets[0] as SocketInfo;
      const prev = beforePorts.get(`${first.protocol}|${first.localPort}`);
      const note = prev ? ` In ${ctx.baselineLabel} the port belonged to "${safeText(prev)}".` : ` Not listening in ${ctx.baselineLabel}.`;
      const detail = `New listener ${sockets.map(describeSocket).join(', ')} owned by ${describeOwner(first)}.${note}`;
      const hit = first.proc ? processHit(first.proc, sockets, detail) : socketHit(first, detail);
      hit.subject = 'connection';
      hits.push(hit);
    }
    return hits;
  },
};
