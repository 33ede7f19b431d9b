import type { CaseFlow } from '../types.js';
import { ADMIN_PORTS, type CaseRule, type CaseRuleHit } from './types.js';

export const caseLateralAdmin: CaseRule = {
  meta: {
    id: 'CASE-LATERAL-ADMIN',
    title: 'One host connects to several examined hosts on remote-administration or file-sharing ports',
    severity: 'high',
    description: 'One examined host holds TCP flows to two or more other examined hosts on 22 (SSH), 135 (RPC), 445 (SMB), 3389 (RDP), 5985/5986 (WinRM).',
    rationale: 'Moving from host to host uses these services (remote shells, copying tools over SMB, remote execution): one source reaching several peers on them is the shape of lateral movement.',
    falsePositives: 'Administration jump hosts, backup servers, configuration management (Ansible over SSH), file servers mapped by every workstation.',
    attack: ['T1021', 'T1021.002', 'T1021.004', 'T1570'],
  },
  check(ctx) {
    const byClient = new Map<string, CaseFlow[]>();
    for (const f of ctx.flows) {
      if (f.ambiguous || !f.client.host || !f.server.host || f.server.port === null || !(f.server.port in ADMIN_PORTS)) continue;
      byClient.set(f.client.host, [...(byClient.get(f.client.host) ?? []), f]);
    }
    const hits: CaseRuleHit[] = [];
    for (const [client, flows] of byClient) {
      const peers = [...new Set(flows.map((f) => f.server.host!))];
      if (peers.length < 2) continue;
      const list = flows.map((f) => `${ctx.names.get(f.server.host!)} ${ADMIN_PORTS[f.server.port!]} (TCP ${f.server.port}${f.client.process ? `, from "${f.client.process}"` : ''})`);
      hits.push({
        summary: `${ctx.names.get(client)} connects to ${peers.length} examined hosts on remote-administration or file-sharing ports: ${list.join(', ')}: possible lateral movement.`,
        hosts: [client, ...peers],
        flows: flows.map((f) => f.id),
        ends: flows.flatMap((f) => [f.client, f.server]).filter((e) => e.ref !== null),
      });
    }
    return hits;
  },
};
