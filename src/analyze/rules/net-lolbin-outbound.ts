import type { Severity } from '../../model.js';
import type { Rule, RuleHit } from '../types.js';
import { describeProcess, isPublicOutbound, processHit, describeSockets } from '../rule-helpers.js';
import { maxSeverity } from '../severity.js';
import { attackUrl, REF } from './refs.js';

// Signed Windows binaries abused as proxies for code execution (T1218).
const LOLBINS = new Set(['rundll32', 'regsvr32', 'mshta', 'dllhost', 'wscript', 'cscript', 'regasm', 'regsvcs', 'msbuild', 'cmstp', 'certutil', 'bitsadmin', 'installutil', 'odbcconf', 'mavinject', 'msxsl', 'wmic', 'forfiles', 'pcalua', 'hh']);
// Programs that never talk to the internet: a connection means injected code (beacon spawn-to).
const NEVER_NETWORK = new Set(['notepad', 'calc', 'wordpad', 'mspaint', 'write', 'charmap', 'magnify', 'osk']);
const EMPTY_CMDLINE_SUSPECTS = new Set(['rundll32', 'regsvr32', 'dllhost']);

export const netLolbinOutbound: Rule = {
  meta: {
    id: 'NET-LOLBIN-OUTBOUND',
    title: 'Windows system binary talks to the internet',
    plain: 'a built-in Windows tool that attackers misuse talks to the internet',
    severity: 'medium',
    description:
      'A living-off-the-land binary (rundll32, regsvr32, mshta, wscript, msbuild, certutil ...) has a connection to a public address (medium); a program that never uses the network (notepad except to printers on 9100, calc, wordpad) or rundll32/regsvr32/dllhost without arguments does (high).',
    rationale: 'These binaries are signed by Microsoft and so slip past allow-listing; network traffic from them points to proxy execution or injected code.',
    falsePositives: 'Some COM surrogates (dllhost) and installers legitimately download; certutil is used for CRL fetching.',
    attack: ['T1218', 'T1055'],
    references: [attackUrl('T1218'), attackUrl('T1055'), REF.sigmaNet],
    subject: 'process',
    os: ['windows'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      const lol = p.keys.find((k) => LOLBINS.has(k));
      const never = p.keys.find((k) => NEVER_NETWORK.has(k));
      if (!lol && !never) continue;
      const sockets = p.sockets.filter((s) => isPublicOutbound(s) && !(never === 'notepad' && s.remotePort === 9100));
      if (sockets.length === 0) continue;
      const cmdline = p.facts?.cmdline ?? null;
      const bare = lol !== undefined && EMPTY_CMDLINE_SUSPECTS.has(lol) && cmdline !== null && cmdline.length <= 1;
      let severity: Severity | null = lol ? 'medium' : null;
      if (never || bare) severity = maxSeverity(severity, 'high');
      const why = never ? `${never} never needs the network` : bare ? `${lol} runs without arguments` : `${lol} is a proxy-execution binary`;
      hits.push(processHit(p, sockets, `${describeProcess(p)} owns ${describeSockets(sockets, 10)}.`, severity ?? 'medium', `The peers are outside the host's internal ranges; ${why}.`));
    }
    return hits;
  },
};
