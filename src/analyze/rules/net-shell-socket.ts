import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, ownerKeys, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

const SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'mksh', 'pdksh', 'csh', 'tcsh', 'fish', 'ash', 'rbash', 'cmd']);

export const netShellSocket: Rule = {
  meta: {
    id: 'NET-SHELL-SOCKET',
    title: 'Command shell owns a network socket',
    plain: 'a command shell, which runs typed commands, is wired directly to a network connection',
    severity: 'critical',
    description:
      'A shell (bash, sh, dash, zsh, ksh, csh, fish, cmd.exe ...) owns a socket that talks to another host or listens beyond loopback. Loopback-only peers are medium.',
    rationale: 'Shells do not speak network protocols: a shell holding a socket is the signature of a reverse or bind shell (`bash -i >& /dev/tcp/host/port`, `nc -e /bin/sh`).',
    falsePositives: 'Almost none; health-check scripts using /dev/tcp to localhost (reported as medium).',
    attack: ['T1059.004', 'T1059.003'],
    references: [attackUrl('T1059.004'), attackUrl('T1059.003')],
    referencesByOs: { linux: [REF.sigmaLinuxNet, REF.elastic], bsd: [REF.elastic], windows: [REF.elastic] },
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.sockets) {
      const shell = ownerKeys(s).find((k) => SHELLS.has(k));
      if (!shell) continue;
      if (s.listening) {
        if (s.local.cls === 'loopback') continue;
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `A shell listening for connections (bind shell).`));
      } else if (s.inbound || s.outbound) {
        if (s.remote.cls === 'unspecified') continue;
        const loop = s.remote.cls === 'loopback';
        hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, loop ? 'medium' : undefined, `The shell's input/output is a network connection.`));
      }
    }
    return hits;
  },
};
