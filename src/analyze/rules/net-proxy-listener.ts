import type { Rule, RuleHit } from '../types.js';
import { describeOwner, describeSocket, ownerKeys, socketHit } from '../rule-helpers.js';
import { attackUrl, REF } from './refs.js';

export const PROXY_PORTS: Record<number, string> = { 1080: 'SOCKS', 3128: 'Squid HTTP proxy', 3129: 'Squid intercept', 8080: 'HTTP proxy', 8118: 'Privoxy' };
// Programs that legitimately serve these ports.
const KNOWN_SERVERS = new Set([
  'squid', 'nginx', 'httpd', 'apache2', 'apache', 'lighttpd', 'haproxy', 'envoy', 'traefik', 'caddy', 'privoxy', 'tinyproxy',
  'java', 'tomcat', 'jetty', 'dante', 'sockd', 'danted', '3proxy', 'docker-proxy', 'dockerd', 'containerd', 'rootlessport', 'conmon',
  'varnishd', 'mitmproxy', 'burp', 'fiddler',
]);

export const netProxyListener: Rule = {
  meta: {
    id: 'NET-PROXY-LISTENER',
    title: 'Proxy port open to the network by an unexpected program',
    plain: "an unexpected program offers to relay other computers' traffic",
    severity: 'medium',
    description: 'A TCP listener not bound to loopback on a proxy port (1080, 3128, 3129, 8080, 8118) owned by a program that is not a known proxy or web server.',
    rationale: 'An attacker-run SOCKS/HTTP proxy turns the host into a pivot into the internal network.',
    falsePositives: 'Burp/Fiddler on an analyst machine, development servers on 8080.',
    attack: ['T1090'],
    references: [attackUrl('T1090'), REF.nmapServices],
    subject: 'connection',
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const s of ctx.listeners) {
      if (s.protocol !== 'tcp' || s.localPort === null || s.local.cls === 'loopback') continue;
      const role = PROXY_PORTS[s.localPort];
      if (!role || ownerKeys(s).some((k) => KNOWN_SERVERS.has(k))) continue;
      hits.push(socketHit(s, `${describeSocket(s)} owned by ${describeOwner(s)}.`, undefined, `${role} port open to the network.`));
    }
    return hits;
  },
};
