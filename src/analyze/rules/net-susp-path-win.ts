import type { Rule, RuleHit } from '../types.js';
import { looksLikePath, safeText } from '../names.js';
import { describeProcess, processHit, describeSockets } from '../rule-helpers.js';
import { REF } from './refs.js';
import { suspiciousWindowsPath } from './susp-path.js';

export const netSuspPathWin: Rule = {
  meta: {
    id: 'NET-SUSP-PATH-WIN',
    title: 'Network process runs from a suspicious Windows folder',
    plain: 'the program runs from a Windows folder where installed software does not live',
    severity: 'high',
    description:
      'A socket-owning process whose image path contains \\Temp\\, \\AppData\\Local\\Temp\\, \\Users\\Public\\, \\Users\\Default\\, \\$Recycle.Bin\\, \\PerfLogs\\, \\Windows\\Fonts\\, \\Windows\\IME\\, \\Windows\\Tasks\\, \\System32\\Tasks\\, \\config\\systemprofile\\, \\Windows\\addins\\ or \\Windows\\debug\\.',
    rationale: 'Sigma: network connections initiated from these folders are characteristic of droppers and implants.',
    falsePositives: 'Installers and updaters that run from Temp.',
    attack: ['T1036.005'],
    references: [REF.sigmaNet],
    subject: 'process',
    os: ['windows'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      if (p.sockets.length === 0) continue;
      const path = p.exe ?? p.rawNames.find(looksLikePath) ?? null;
      const why = path ? suspiciousWindowsPath(path) : null;
      if (!path || !why) continue;
      hits.push(processHit(p, p.sockets, `${describeProcess(p)} owns ${describeSockets(p.sockets)}.`, undefined, `The image ${safeText(path, 400)} is ${why}.`));
    }
    return hits;
  },
};
