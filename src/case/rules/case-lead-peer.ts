import { SEVERITIES } from '../../model.js';
import { who, type CaseRule, type CaseRuleHit } from './types.js';

const rank = (s: string): number => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);

export const caseLeadPeer: CaseRule = {
  meta: {
    id: 'CASE-LEAD-PEER',
    title: 'A lead process holds a connection with another examined host',
    severity: 'high',
    description: 'One end of a TCP flow between two examined hosts is held by a process that its own host\'s analysis made a lead of high or critical severity; the process at the other end is named, and becomes a lead of the case if it was not one.',
    rationale: 'A bind or reverse shell, a dropped tool or a disguised process rarely talks only to the outside: the host at its other end is where the intruder went next, or came from.',
    falsePositives: 'A lead that is itself benign (a monitoring agent flagged by a host rule) talking to its server.',
    attack: ['T1021', 'T1570'],
  },
  check(ctx) {
    const hits: CaseRuleHit[] = [];
    for (const f of ctx.flows) {
      if (f.ambiguous || f.client.host === null || f.server.host === null) continue;
      // Medium host leads (a database listening on every interface) are context, not an intruder's tool.
      const leads = [f.client, f.server].filter((e) => e.lead !== null && rank(e.lead.severity) >= rank('high'));
      if (leads.length === 0) continue;
      const top = leads.reduce((a, e) => (rank(e.lead!.severity) >= rank(a.lead!.severity) ? e : a));
      const other = top === f.client ? f.server : f.client;
      const verb = top === f.client ? `connects to TCP ${f.server.port} on` : `accepted a connection from`;
      const otherText = other.ref === null
        ? `${ctx.names.get(other.host!)} printed no line for its end (${f.note})`
        : other.lead
          ? `that end, ${who(other, ctx.names)}, is itself lead ${other.lead.id} (${other.lead.severity}) of its host`
          : `that end, ${who(other, ctx.names)}, holds the other end of a lead's connection and becomes a lead of this case`;
      hits.push({
        severity: top.lead!.severity === 'critical' ? 'critical' : 'high',
        summary: `${who(top, ctx.names)}, lead ${top.lead!.id} (${top.lead!.severity}) of its host, ${verb} ${ctx.names.get(other.host!)} (${other.address}); ${otherText}.`,
        hosts: [f.client.host, f.server.host],
        flows: [f.id],
        ends: [f.client, f.server].filter((e) => e.ref !== null),
      });
    }
    return hits;
  },
};
