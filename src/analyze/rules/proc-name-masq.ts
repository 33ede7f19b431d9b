import type { Rule, RuleHit } from '../types.js';
import { masqueradeMatch, nameCandidate, type MasqueradeMatch } from '../masquerade.js';
import { safeText } from '../names.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export const procNameMasq: Rule = {
  meta: {
    id: 'PROC-NAME-MASQ',
    title: 'Process name imitates a core system process',
    plain: 'its name imitates the name of a core part of the operating system',
    severity: 'high',
    description:
      "A process name is a look-alike of a core process of the host's OS (srss.exe/csrss.exe, svch0st.exe, sshdd, Cyrillic letters, RTLO, doubled extensions): confusable skeleton then optimal-string-alignment distance, after an exact allow-list of real names. Critical when the process owns sockets.",
    rationale: 'Malware takes names that an examiner glances over in a process list, such as netcat renamed srss.exe next to the real csrss.exe. A name with a right-to-left override character shows its letters in another order than they are stored.',
    falsePositives: 'Rare after the exact allow-list; third-party tools with names close to system ones.',
    attack: ['T1036.005'],
    references: [attackUrl('T1036.005'), REF.uts39, REF.damerau, 'https://github.com/ThreatHuntingProject/ThreatHunting/blob/master/hunts/critical_process_impersonation.md'],
    subject: 'process',
    nameBased: true,
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    const cache = new Map<string, MasqueradeMatch | null>();
    for (const p of ctx.processList) {
      let found: { raw: string; match: MasqueradeMatch } | null = null;
      for (const raw of p.rawNames) {
        // Windows reports protected processes as "System"; only the name matters here.
        const candidate = nameCandidate(raw);
        let match = cache.get(candidate);
        if (match === undefined) {
          match = masqueradeMatch(candidate, ctx.os);
          cache.set(candidate, match);
        }
        if (match) {
          found = { raw, match };
          break;
        }
      }
      if (!found) continue;
      const owns = p.sockets.length > 0;
      const sockets = owns ? `; owns ${describeSockets(p.sockets)}` : '';
      const how = `The name "${safeText(found.raw)}" ${found.match.core ? `imitates the core process name "${found.match.core}"` : 'is disguised'} (${found.match.reason}).`;
      const hit = processHit(p, p.sockets, `${describeProcess(p)}${sockets}.`, owns ? 'critical' : 'high', how);
      // A right-to-left override or other bidi control in the name: ATT&CK's T1036.002.
      if (/[\u202A-\u202E\u2066-\u2069]/u.test(found.raw)) hit.attack = ['T1036.002'];
      hits.push(hit);
    }
    return hits;
  },
};
