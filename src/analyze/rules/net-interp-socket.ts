import type { Rule, RuleHit, SocketInfo } from '../types.js';
import { isExternal } from '../address.js';
import { describeProcess, describeSocket, processHit, socketHit, describeOwner } from '../rule-helpers.js';
import { safeText } from '../names.js';
import { attackUrl, REF } from './refs.js';

const NETCAT = /^(nc|ncat|netcat|nc\.traditional|nc\.openbsd|socat|cryptcat|powercat)$/;
const INTERPRETER = /^(python[\d.]*|pythonw|perl[\d.]*|php[\d.]*|php-cli|ruby[\d.]*|lua[\d.]*|luajit|awk|gawk|mawk|nawk|openssl|telnet|xterm|tclsh[\d.]*|wish[\d.]*)$/;
// Reverse/bind shell one-liners (RULES.md A12).
const SHELL_CMDLINE = /(^|\s)-e\s*\S*(sh|cmd(\.exe)?)\b|(^|\s)-c\s*\S*sh\b|pty\.spawn|socket\.socket|\bsocket\(|fsockopen|TCPSocket\.new|\/dev\/tcp\/|PeerAddr|EXEC:|SYSTEM:|s_client|os\.dup2|subprocess\.call\(\[?["']\/bin\/(ba)?sh/i;

function qualifies(s: SocketInfo): boolean {
  if (s.listening) return s.local.cls !== 'loopback';
  return (s.outbound || s.inbound) && isExternal(s.remote.cls);
}

export const netInterpSocket: Rule = {
  meta: {
    id: 'NET-INTERP-SOCKET',
    title: 'Netcat or script interpreter exposed to the network',
    plain: 'a tool that can give a remote person control of the computer (netcat or a script interpreter) uses the network',
    severity: 'high',
    description:
      'netcat/socat, or an interpreter (python, perl, php, ruby, lua, awk, openssl, telnet), listens beyond loopback or talks to a public address. Critical when its command line is a known reverse/bind-shell one-liner.',
    rationale: 'Interpreters and netcat are the usual carriers of reverse shells and ad-hoc listeners after initial access.',
    falsePositives: 'Development servers (python -m http.server, flask), package managers, admin scripts calling APIs.',
    attack: ['T1059', 'T1059.006', 'T1095'],
    references: [attackUrl('T1059')],
    referencesByOs: { linux: [REF.sigmaLinuxNet, REF.elastic], bsd: [REF.elastic], windows: [REF.elastic] },
    subject: 'process',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      const tool = p.keys.find((k) => NETCAT.test(k) || INTERPRETER.test(k));
      if (!tool) continue;
      const sockets = p.sockets.filter(qualifies);
      if (sockets.length === 0) continue;
      const cmd = (p.facts?.cmdline ?? []).join(' ');
      const oneLiner = SHELL_CMDLINE.test(cmd);
      const detail = `${describeProcess(p)} (${tool}) has ${sockets.map(describeSocket).slice(0, 10).join('; ')}${oneLiner ? `; command line: ${safeText(cmd, 300)}` : ''}.`;
      hits.push(processHit(p, sockets, detail, oneLiner ? 'critical' : undefined, oneLiner ? 'The command line matches a reverse/bind-shell pattern.' : undefined));
    }
    // Sockets whose owner is known only by name (no PID): judge them one by one.
    for (const s of ctx.sockets) {
      if (s.pid !== null || !s.processName || !qualifies(s)) continue;
      const key = s.processName.toLowerCase().replace(/\.exe$/, '');
      if (NETCAT.test(key) || INTERPRETER.test(key)) hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`));
    }
    return hits;
  },
};
