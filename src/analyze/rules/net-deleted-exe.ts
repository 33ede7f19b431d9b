import type { Rule, RuleHit } from '../types.js';
import { safeText } from '../names.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export const netDeletedExe: Rule = {
  meta: {
    id: 'NET-DELETED-EXE',
    title: 'Process runs from a deleted or memory-only executable',
    plain: "the program's file was deleted from the disk, or never existed there, while the program kept running",
    severity: 'critical',
    description: 'The /proc/PID/exe link of a process ends in "(deleted)" or points to /memfd: (fileless execution). Critical when it owns sockets, high otherwise.',
    rationale: 'Implants delete their binary after start or run from memfd to leave no file on disk; the running image can still be recovered from /proc/PID/exe.',
    falsePositives: 'A daemon still running after a package upgrade replaced its binary: compare the start time with the package manager log.',
    attack: ['T1070.004', 'T1620'],
    references: [attackUrl('T1070.004'), attackUrl('T1620'), REF.proc5, REF.memfdCreate2],
    subject: 'process',
    os: ['linux'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      const raw = p.facts?.exe ?? '';
      const deleted = p.facts?.exeDeleted === true || raw.endsWith(' (deleted)');
      const memfd = raw.startsWith('/memfd:');
      if (!deleted && !memfd) continue;
      const owns = p.sockets.length > 0;
      const what = memfd ? 'The process runs from an anonymous memory file (memfd): no file on disk holds its code.' : 'The executable file was deleted while the process kept running.';
      const socks = owns ? `; owns ${describeSockets(p.sockets)}` : '';
      hits.push(processHit(p, p.sockets, `${describeProcess(p)}; exe link ${safeText(raw)}${socks}.`, owns ? 'critical' : 'high', what));
    }
    return hits;
  },
};
