import type { Rule, RuleHit } from '../types.js';
import { skeleton } from '../masquerade.js';
import { safeText } from '../names.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

// Kernel thread name prefixes ("watchdog/" with the slash: a userland watchdog daemon exists).
const KTHREAD_PREFIXES = [
  'kworker', 'kthreadd', 'ksoftirqd', 'kswapd', 'kcompactd', 'migration/', 'rcu_', 'watchdog/', 'jbd2/', 'khugepaged', 'kauditd',
  'kdevtmpfs', 'ksmd', 'kblockd', 'writeback', 'oom_reaper', 'cpuhp/', 'irq/',
].map(skeleton);

/** Kernel-thread-like name; skeletons catch kw0rker and homoglyph variants. */
function kthreadName(raw: string): boolean {
  const s = skeleton(raw.trim()).replace(/^\[/, '');
  return KTHREAD_PREFIXES.some((prefix) => s.startsWith(prefix));
}

export const procKthreadFake: Rule = {
  meta: {
    id: 'PROC-KTHREAD-FAKE',
    title: 'Userland process disguised as a kernel thread',
    plain: 'an ordinary program disguises itself as a part of the operating system kernel',
    severity: 'critical',
    description:
      'A process named like a kernel thread ([kworker/0:1], kthreadd, ksoftirqd ...) that owns a socket, has a parent other than kthreadd (PID 2), or has a readable executable.',
    rationale: 'Kernel threads are children of kthreadd, have no executable and never own userland sockets; implants take these names to hide in ps output.',
    falsePositives: 'Practically none.',
    attack: ['T1036.004', 'T1036.005'],
    references: [attackUrl('T1036.004'), REF.malcontentFakeName, REF.elastic],
    subject: 'process',
    nameBased: true,
    os: ['linux'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      const name = p.rawNames.find(kthreadName);
      if (!name) continue;
      const f = p.facts;
      const reasons: string[] = [];
      const why: string[] = [];
      if (p.sockets.length > 0) {
        reasons.push(`owns ${describeSockets(p.sockets)}`);
        why.push('kernel threads own no sockets');
      }
      if (f && f.ppid !== null && f.ppid !== 2 && !(p.pid === 2 && f.ppid === 0)) {
        reasons.push(`parent is pid ${f.ppid}`);
        why.push('kernel threads are children of kthreadd (pid 2)');
      }
      if (p.exe) {
        reasons.push(`executable ${safeText(p.exe)}`);
        why.push('kernel threads have no executable');
      }
      if (reasons.length === 0) continue;
      const note = `The name "${safeText(name)}" is that of a kernel thread, but ${why.join('; ')}.`;
      hits.push(processHit(p, p.sockets, `${describeProcess(p)}: ${reasons.join('; ')}.`, undefined, note));
    }
    return hits;
  },
};
