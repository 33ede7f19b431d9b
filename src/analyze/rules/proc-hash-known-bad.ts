import type { Rule, RuleHit } from '../types.js';
import { lookupHash } from '../hashsets.js';
import { safeText } from '../names.js';
import { describeProcess, describeSockets, processHit } from '../rule-helpers.js';
import { attackUrl } from './refs.js';

// The examiner's known-bad hash sets (analyze --hashset FILE:known-bad / --known-bad FILE): the
// hash of the running image decides, whatever the process calls itself.
export const procHashKnownBad: Rule = {
  meta: {
    id: 'PROC-HASH-KNOWN-BAD',
    title: "Socket owner's executable is in a known-bad hash set",
    plain: 'the exact program file it runs is on a list of known malicious files the examiner supplied',
    severity: 'critical',
    description:
      'The SHA-256 of the running executable (read through /proc/PID/exe at capture, or by the transport on the host) is listed in a hash set the examiner marked known-bad. Runs only when such a set is given.',
    rationale:
      "A SHA-256 match identifies the file byte for byte, whatever its name or path: this is the program the set's source flagged. Next: record which list and entry matched, look the hash up in your organisation's threat-intelligence tools for the family and its known behaviour, and examine the preserved copy (raw/binaries/ in the bundle) if there is one, in an isolated environment.",
    falsePositives: "A wrong entry in the set (check the set's source and date), or a set meant for another purpose (a list of tools the organisation allows is not a list of known-bad files).",
    attack: ['T1588.001'],
    references: [attackUrl('T1588.001'), 'https://www.nist.gov/itl/ssd/software-quality-group/national-software-reference-library-nsrl'],
    subject: 'process',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    if (!ctx.hashSets?.some((s) => s.kind === 'known-bad')) return hits;
    for (const p of ctx.processList) {
      const sha = p.facts?.exeSha256;
      const match = lookupHash(ctx.hashSets, sha, 'known-bad');
      if (!match || !sha) continue;
      const owns = p.sockets.length > 0;
      const socks = owns ? `; owns ${describeSockets(p.sockets)}` : '';
      const entry = match.entry.name ? ` (entry "${safeText(match.entry.name, 80)}")` : '';
      const note = `The hash is listed in the known-bad hash set ${safeText(match.set.file, 80)} (SHA-256 ${match.set.sha256}, ${match.set.entries} entries) at line ${match.entry.line}${entry}.`;
      const hit = processHit(p, p.sockets, `${describeProcess(p)}; executable SHA-256 ${sha}${socks}.`, 'critical', note);
      // The hash is on the process-facts line: cite it even when the detail names no other fact of it.
      if (p.facts?.source && !hit.refs.some((r) => r.artifact === p.facts!.source!.artifact && r.line === p.facts!.source!.line)) hit.refs.unshift(p.facts.source);
      hits.push(hit);
    }
    return hits;
  },
};
