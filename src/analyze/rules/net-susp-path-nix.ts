import type { Rule, RuleHit } from '../types.js';
import { looksLikePath, safeText } from '../names.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { REF, attackUrl } from './refs.js';
import { suspiciousUnixPath } from './susp-path.js';

export const netSuspPathNix: Rule = {
  meta: {
    id: 'NET-SUSP-PATH-NIX',
    title: 'Network process runs from a temporary or hidden location',
    plain: 'the program runs from a temporary or hidden folder, where installed software does not live',
    severity: 'high',
    description:
      'A socket-owning process whose executable lives in /tmp, /var/tmp, /dev/shm, /run/shm, /var/run, /var/lock, /private/tmp, /Users/Shared, or in a hidden directory / hidden file (developer tool folders such as ~/.vscode-server, ~/.cargo excepted).',
    rationale: 'Dropped implants run from writable scratch locations and dot-directories; installed software does not.',
    falsePositives: 'CI runners and build jobs, portable tools unpacked in /tmp.',
    attack: ['T1564.001'],
    references: [REF.elastic, 'https://github.com/Velocidex/velociraptor/blob/master/artifacts/definitions/Linux/Detection/AnomalousFiles.yaml', attackUrl('T1564.001')],
    subject: 'process',
    os: ['linux', 'bsd'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      if (p.sockets.length === 0) continue;
      const path = p.exe ?? p.rawNames.find(looksLikePath) ?? null;
      const why = path ? suspiciousUnixPath(path) : null;
      if (!path || !why) continue;
      hits.push(processHit(p, p.sockets, `${describeProcess(p)} owns ${describeSockets(p.sockets)}.`, undefined, `The executable ${safeText(path, 400)} is ${why}.`));
    }
    return hits;
  },
};
