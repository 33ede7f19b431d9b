import type { Rule, RuleHit } from '../types.js';
import { describeProcess, describeSocket, processHit, describeSockets } from '../rule-helpers.js';
import { safeText } from '../names.js';
import { attackUrl, REF } from './refs.js';

const TUNNEL_TOOLS = new Set([
  'plink', 'chisel', 'ligolo', 'ligolo-ng', 'ngrok', 'cloudflared', 'frpc', 'frps', 'iodine', 'iodined', 'dnscat', 'dnscat2',
  'ptunnel', 'ptunnel-ng', 'gost', 'revsocks', 'rathole', 'bore', 'stowaway', 'sshuttle', 'autossh', 'inlets', 'localtonet',
]);
/** ssh -R/-L/-D (also combined like -fNL): port forwarding. */
const SSH_FORWARD = /(^|\s)-[a-zA-Z]*[RLD]\s*\S/;

export const netTunnelTool: Rule = {
  meta: {
    id: 'NET-TUNNEL-TOOL',
    title: 'Tunnelling tool or SSH port forwarding',
    plain: 'a tool that hides traffic inside another connection (a tunnel) uses the network',
    severity: 'high',
    description:
      'A known tunnelling/reverse-proxy tool (plink, chisel, ligolo, ngrok, cloudflared, frp, iodine, dnscat2, gost ...) owns sockets (high), or an ssh client forwards ports (-R/-L/-D in its command line, or an ssh client holding a listener: medium).',
    rationale: 'Tunnels carry attacker traffic through firewalls and expose internal services to the outside.',
    falsePositives: 'Sanctioned admin tunnels, cloudflared/ngrok for development, autossh for backups.',
    attack: ['T1572', 'T1090'],
    references: [attackUrl('T1572'), 'https://attack.mitre.org/detectionstrategies/DET0538', REF.sigmaNet],
    subject: 'process',
    nameBased: true,
  },
  check(ctx) {
    const hits: RuleHit[] = [];
    for (const p of ctx.processList) {
      if (p.sockets.length === 0) continue;
      const tool = p.keys.find((k) => TUNNEL_TOOLS.has(k));
      if (tool) {
        hits.push(processHit(p, p.sockets, `${describeProcess(p)} owns ${describeSockets(p.sockets)}.`, undefined, `The process is the tunnelling tool ${tool}.`));
        continue;
      }
      if (!p.keys.includes('ssh') || p.keys.includes('sshd')) continue;
      const cmd = (p.facts?.cmdline ?? []).join(' ');
      const listeners = p.sockets.filter((s) => s.listening);
      if (!SSH_FORWARD.test(cmd) && listeners.length === 0) continue;
      const how = SSH_FORWARD.test(cmd) ? `command line "${safeText(cmd, 300)}"` : `forwarding listener(s) ${listeners.map(describeSocket).join('; ')}`;
      hits.push(processHit(p, listeners.length > 0 ? listeners : p.sockets, `${describeProcess(p)} is an ssh client forwarding ports: ${how}.`, 'medium'));
    }
    return hits;
  },
};
