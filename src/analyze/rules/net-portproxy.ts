import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, socketHit } from '../rule-helpers.js';
import { attackUrl } from './refs.js';

export const netPortProxy: Rule = {
  meta: {
    id: 'NET-PORTPROXY-LISTENER',
    title: 'Windows IP Helper (port proxy) listening on a TCP port',
    plain: 'Windows forwards connections arriving on this port to another computer',
    severity: 'medium',
    description: 'netstat -b attributes a TCP listener to the iphlpsvc service, which is how `netsh interface portproxy` relays appear.',
    rationale: 'Port proxies relay connections to other hosts: a classic pivot that needs no attacker binary (HKLM\\SYSTEM\\CurrentControlSet\\Services\\PortProxy).',
    falsePositives: 'Administrators use portproxy for WSL/Hyper-V forwarding; IP-HTTPS/Teredo also run in iphlpsvc. Confirm with `netsh interface portproxy show all`.',
    attack: ['T1090.001'],
    references: [attackUrl('T1090.001'), 'https://github.com/Velocidex/velociraptor/blob/master/artifacts/definitions/Windows/Registry/PortProxy.yaml'],
    subject: 'connection',
    os: ['windows'],
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.listeners) {
      if (s.protocol !== 'tcp') continue;
      if (!s.records.some((r) => r.component?.trim().toLowerCase() === 'iphlpsvc')) continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}${s.primary.component ? ` (component ${s.primary.component})` : ''}.`, undefined, `The IP Helper service (iphlpsvc) relays port ${s.localPort} (netsh interface portproxy).`));
    }
    return hits;
  },
};
