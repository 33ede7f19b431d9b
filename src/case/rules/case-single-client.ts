import type { CaseFlow } from '../types.js';
import { who, type CaseRule, type CaseRuleHit } from './types.js';

export const caseSingleClient: CaseRule = {
  meta: {
    id: 'CASE-SINGLE-CLIENT',
    title: 'A listener reached from only one other examined host',
    severity: 'low',
    description: 'A TCP listener on one examined host has connections from exactly one other examined host, and from no outside address, in the evidence.',
    rationale: 'A service only one peer uses is a narrow path between two hosts: worth checking against what the hosts are for (a database for its application server is normal, an SSH login from a web server is not).',
    falsePositives: 'Any dedicated client/server pair: an application and its database, a backup agent and its server.',
    attack: ['T1021'],
  },
  check(ctx) {
    const byListener = new Map<string, CaseFlow[]>();
    for (const f of ctx.flows) {
      if (f.ambiguous || !f.client.host || !f.server.host || f.server.port === null) continue;
      const key = `${f.server.host}|${f.server.port}`;
      byListener.set(key, [...(byListener.get(key) ?? []), f]);
    }
    const hits: CaseRuleHit[] = [];
    for (const [key, flows] of byListener) {
      const [server, port] = key.split('|');
      const clients = [...new Set(flows.map((f) => f.client.host!))];
      // Reached from outside too (a connection from an address of no examined host): not a narrow path.
      const fromOutside = ctx.outside.some((p) => p.host === server && p.end.port === Number(port));
      if (clients.length !== 1 || fromOutside) continue;
      const f = flows[0];
      const listener = f.server.ref ? who(f.server, ctx.names) : `${ctx.names.get(server)}`;
      hits.push({
        summary: `TCP ${port} on ${ctx.names.get(server)} (${listener}) is reached only from ${ctx.names.get(clients[0])} (${flows.length} connection${flows.length > 1 ? 's' : ''}).`,
        hosts: [server, clients[0]],
        flows: flows.map((x) => x.id),
        ends: flows.flatMap((x) => [x.client, x.server]).filter((e) => e.ref !== null),
      });
    }
    return hits;
  },
};
