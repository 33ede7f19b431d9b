// The case graph: DOT built here from case.json's content, laid out by Graphviz compiled to
// WebAssembly (report/graphviz.ts: @viz-js/viz, no system binary, no script in the PDF) and embedded
// as SVG only after report/svg-check.ts accepted it. Top to bottom along the chain: peers outside the
// examined hosts first (a dashed box per kind of network listing its addresses), then the examined hosts in the order
// rows() gives, each a box with its name, addresses and the processes holding flows; arrows run from the
// side that connected to the side that listens, labelled with the flows, port, both programs and each
// case lead in words ("[HIGH] CASE-LEAD-PEER C-003"). Colour only repeats the words, and one-ended flows
// are dashed and say "seen only from X", so a black-and-white print loses nothing. Host text is made
// visible (control characters as markers) and escaped for DOT; Graphviz escapes it for XML.
import { SEVERITIES, type Severity } from '../model.js';
import { dotLabel, renderDot } from '../report/graphviz.js';
import { graphvizPicture } from '../report/svg-check.js';
import { fit, type Picture } from '../report/svg-text.js';
import type { OutsidePeer } from './correlate.js';
import type { CaseFile, CaseFlow, CaseLead, FlowEnd } from './types.js';

const rank = (s: Severity | null): number => (s === null ? -1 : SEVERITIES.indexOf(s));
const COLOUR: Record<Severity, string> = { info: '#555555', low: '#555555', medium: '#b35c00', high: '#c00000', critical: '#c00000' };
const FONT = 'DejaVu Sans';
const MAX_ADDRESSES = 4;
const MAX_PROCESSES = 8;
const MAX_OUTSIDE = 6;
/** Above this many flows, those seen from both ends with no case lead above low share one arrow per pair of hosts. */
const MAX_ARROWS = 40;

/**
 * Row of each examined host: 1 + its distance along the flows (client → server) from where the case
 * starts — the hosts nothing connects to, else (a cycle) a host whose lead talks outside, else the first.
 */
export function rows(file: CaseFile, outside: OutsidePeer[]): Map<string, number> {
  const edges = file.flows.filter((f) => f.client.host && f.server.host && !f.ambiguous && f.client.host !== f.server.host).map((f) => [f.client.host!, f.server.host!] as const);
  const incoming = new Set(edges.map(([, b]) => b));
  let roots = file.hosts.map((h) => h.key).filter((k) => !incoming.has(k) && edges.some(([a]) => a === k));
  if (roots.length === 0) {
    const entry = outside.filter((p) => p.end.lead).sort((a, b) => rank(b.end.lead!.severity) - rank(a.end.lead!.severity))[0]?.host;
    roots = entry ? [entry] : edges.length ? [edges[0][0]] : [];
  }
  const row = new Map<string, number>();
  let frontier = roots;
  for (let level = 1; frontier.length > 0; level++) {
    for (const k of frontier) row.set(k, level);
    frontier = [...new Set(edges.filter(([a, b]) => frontier.includes(a) && !row.has(b)).map(([, b]) => b))];
  }
  // Hosts no flow reaches from there sit in the first row of hosts.
  for (const h of file.hosts) if (!row.has(h.key)) row.set(h.key, 1);
  return row;
}

function sevTag(s: Severity): string {
  return `[${s.toUpperCase()}]`;
}

/** Colour and weight of a line of the given severity (grey below medium). */
function style(s: Severity | null, dashed = false): string {
  const strong = rank(s) >= rank('high');
  const colour = s && rank(s) >= rank('medium') ? COLOUR[s] : '#444444';
  return `color="${colour}", fontcolor="${colour}", penwidth=${strong ? 2.4 : rank(s) >= rank('medium') ? 1.8 : 1.1}${dashed ? ', style=dashed' : ''}`;
}

interface ProcNode {
  id: string;
  host: string;
  lines: string[];
  severity: Severity | null;
}

/** Process nodes per host: one per process (name and PID) holding a flow, capped; the rest folded. */
function processNodes(file: CaseFile, shown: CaseFlow[], outside: OutsidePeer[]): { nodes: Map<string, ProcNode>; of: (e: FlowEnd) => string } {
  const nodes = new Map<string, ProcNode>();
  const count = new Map<string, number>();
  const keyOf = (e: FlowEnd): string => `${e.host}|${e.ref === null ? 'noline' : `${e.process ?? ''}|${e.pid ?? ''}`}`;
  const note = (e: FlowEnd): void => {
    if (e.host === null) return;
    const key = keyOf(e);
    const had = nodes.get(key);
    if (had) {
      if (e.lead && rank(e.lead.severity) > rank(had.severity)) had.severity = e.lead.severity;
      return;
    }
    const n = (count.get(e.host) ?? 0) + 1;
    count.set(e.host, n);
    if (n > MAX_PROCESSES) {
      const more = `${e.host}|more`;
      if (!nodes.has(more)) nodes.set(more, { id: `${e.host}_more`, host: e.host, lines: ['more processes (section 4)'], severity: null });
      nodes.set(key, nodes.get(more)!);
      return;
    }
    const name = e.ref === null ? 'no line in its evidence' : `${e.process === null ? 'process not shown' : fit(e.process, 28)}${e.pid !== null ? ` (PID ${e.pid})` : ''}`;
    nodes.set(key, { id: `${e.host}_p${n}`, host: e.host, lines: [name], severity: e.lead?.severity ?? null });
  };
  // Lead processes first, highest first, so the cap never folds one away; then the rest in case order.
  const ends = [...shown.flatMap((f) => [f.client, f.server]), ...outside.map((p) => p.end)];
  const leadEnds = ends.filter((e) => e.lead).sort((a, b) => rank(b.lead!.severity) - rank(a.lead!.severity));
  for (const e of [...leadEnds, ...ends]) note(e);
  // The host's own lead in words under the process name.
  for (const [key, n] of nodes) {
    const end = [...file.flows.flatMap((f) => [f.client, f.server]), ...outside.map((p) => p.end)].find((e) => e.host !== null && keyOf(e) === key && e.lead);
    if (end?.lead && n.lines.length === 1 && !n.id.endsWith('_more')) n.lines.push(`${sevTag(end.lead.severity)} host lead ${end.lead.id}`);
  }
  return { nodes, of: (e) => nodes.get(keyOf(e))!.id };
}

/**
 * Flows drawn between examined hosts (an ambiguous address joins no host: listed in the report), each
 * on an arrow of its own processes, or, in a large case, folded into one arrow per pair of hosts when
 * seen from both ends with no case lead above low.
 */
function drawn(file: CaseFile): { shown: CaseFlow[]; folded: CaseFlow[] } {
  const all = file.flows.filter((f) => f.client.host && f.server.host && !f.ambiguous);
  if (all.length <= MAX_ARROWS) return { shown: all, folded: [] };
  const quiet = (f: CaseFlow): boolean => f.seen === 'both' && rank(f.severity) < rank('medium');
  return { shown: all.filter((f) => !quiet(f)), folded: all.filter(quiet) };
}

/** Flow ids on a label: up to three, else the first and last. */
function idList(flows: CaseFlow[]): string {
  return flows.length > 3 ? `${flows[0].id} … ${flows.at(-1)!.id} (${flows.length} flows)` : flows.map((x) => x.id).join(', ');
}

function leadLines(leads: CaseLead[]): string[] {
  const strong = leads.filter((l) => rank(l.severity) >= rank('medium')).map((l) => `${sevTag(l.severity)} ${l.rule} ${l.id}`);
  const weak = leads.filter((l) => rank(l.severity) < rank('medium'));
  const top = weak.reduce((a, l) => (rank(l.severity) > rank(a) ? l.severity : a), weak[0]?.severity ?? 'info');
  return [...strong, ...(weak.length ? [`${sevTag(top)} ${[...new Set(weak.map((l) => l.rule))].join(', ')} ${weak.map((l) => l.id).join(', ')}`] : [])];
}

/** The DOT text of the case graph (deterministic: the order of case.json). */
export function caseDot(file: CaseFile, outside: OutsidePeer[]): string {
  const names = new Map(file.hosts.map((h) => [h.key, h.name]));
  const row = rows(file, outside);
  const { shown, folded } = drawn(file);
  const { nodes, of } = processNodes(file, shown, outside);
  const out: string[] = [
    'digraph case {',
    `graph [rankdir=TB, newrank=true, nodesep=0.25, ranksep=0.45, margin=0.05, fontname="${FONT}", fontsize=10, labeljust=l];`,
    `node [shape=box, style=rounded, fontname="${FONT}", fontsize=9, margin="0.08,0.03", height=0.3];`,
    `edge [fontname="${FONT}", fontsize=8, arrowsize=0.7];`,
  ];
  // Outside peers: one dashed box per kind of network listing its addresses (capped), so that many
  // peers make the top row no wider than the kinds of network; the arrows name address and port.
  const groups = new Map<string, string[]>();
  for (const p of outside) {
    const list = groups.get(p.network) ?? [];
    if (!list.includes(p.address)) list.push(p.address);
    groups.set(p.network, list);
  }
  const outsideNode = new Map<string, string>();
  [...groups.entries()].forEach(([network, addrs], g) => {
    const lines = [`not examined: ${fit(network, 40)}`, ...addrs.slice(0, MAX_OUTSIDE).map((a) => fit(a, 40)), ...(addrs.length > MAX_OUTSIDE ? [`${addrs.length - MAX_OUTSIDE} more addresses (section 4)`] : [])];
    out.push(`o${g + 1} [label=${dotLabel(lines)}, style="rounded,dashed", color="#666666", fontsize=9];`);
    outsideNode.set(network, `o${g + 1}`);
  });
  const edges: string[] = [];
  const laidOut: [string, string][] = [];
  const edge = (tail: string, head: string, attrs: string): void => {
    edges.push(`${tail} -> ${head} [${attrs}];`);
    laidOut.push([tail, head]);
  };
  // Flows between examined hosts: one arrow per client process, server process, port and kind of seen.
  const grouped = new Map<string, CaseFlow[]>();
  for (const f of shown) {
    const key = `${of(f.client)}|${of(f.server)}|${f.server.port}|${f.seen === 'both' ? 'both' : f.seen}`;
    grouped.set(key, [...(grouped.get(key) ?? []), f]);
  }
  for (const [key, flows] of grouped) {
    const [from, to, port] = key.split('|');
    const f = flows[0];
    const leads = file.leads.filter((l) => flows.some((x) => l.flows.includes(x.id)));
    const sev = leads.reduce<Severity | null>((a, l) => (rank(l.severity) > rank(a) ? l.severity : a), null);
    const ids = idList(flows);
    const programs = `${fit(f.client.process ?? '?', 16)} → ${fit(f.server.process ?? '?', 16)}`;
    const seen = f.seen === 'both' ? [] : [`seen only from ${fit(names.get(f.seen === 'client-only' ? f.client.host! : f.server.host!)!, 24)}`];
    const label = dotLabel([`${ids} TCP ${port}`, programs, ...leadLines(leads), ...seen]);
    // An arrow back up the chain is laid out downwards and drawn pointing up (dir=back).
    const up = (row.get(f.client.host!) ?? 1) > (row.get(f.server.host!) ?? 1);
    if (up) edge(to, from, `label=${label}, dir=back, ${style(sev, f.seen !== 'both')}`);
    else edge(from, to, `label=${label}, ${style(sev, f.seen !== 'both')}`);
  }
  const quiet = new Map<string, CaseFlow[]>();
  for (const f of folded) quiet.set(`${f.client.host}|${f.server.host}`, [...(quiet.get(`${f.client.host}|${f.server.host}`) ?? []), f]);
  for (const [key, flows] of quiet) {
    const [from, to] = key.split('|');
    const ports = [...new Set(flows.map((f) => f.server.port ?? '?'))];
    const label = dotLabel([`${flows.length} flows, no case lead above low`, `TCP ${ports.slice(0, 5).join(', ')}${ports.length > 5 ? ` +${ports.length - 5}` : ''}`, `${idList(flows)} (section 4)`]);
    if ((row.get(from) ?? 1) > (row.get(to) ?? 1)) edge(to, from, `label=${label}, dir=back, ${style(null)}`);
    else edge(from, to, `label=${label}, ${style(null)}`);
  }
  // Outside peers sit above the hosts: every arrow to them is laid out from them, pointing the way it went.
  const outEdges = new Map<string, { peers: string[]; severity: Severity | null; lead: string | null }>();
  for (const p of outside) {
    const key = `${outsideNode.get(p.network)}|${of(p.end)}|${p.inbound ? 'in' : 'out'}`;
    const e = outEdges.get(key) ?? { peers: [], severity: null, lead: null };
    const peer = p.inbound ? `from ${fit(p.address, 40)} to TCP ${p.end.port ?? '?'}` : `to ${fit(p.address, 40)} TCP ${p.port ?? '?'}`;
    if (!e.peers.includes(peer)) e.peers.push(peer);
    if (p.end.lead && rank(p.end.lead.severity) > rank(e.severity)) {
      e.severity = p.end.lead.severity;
      e.lead = `${sevTag(p.end.lead.severity)} host lead ${p.end.lead.id}`;
    }
    outEdges.set(key, e);
  }
  for (const [key, e] of outEdges) {
    const [peer, proc, way] = key.split('|');
    const label = dotLabel([...e.peers.slice(0, 3), ...(e.peers.length > 3 ? [`${e.peers.length - 3} more (section 4)`] : []), ...(e.lead ? [e.lead] : [])]);
    edge(peer, proc, `label=${label}${way === 'out' ? ', dir=back' : ''}, ${style(e.severity)}`);
  }
  // Examined hosts: a box holding a node that names the host and its addresses (a node, not the box's
  // label, so that Graphviz routes arrows around it) and the processes, in two rows: those reached from
  // above (listeners, and ends drawn upwards) over those reaching down.
  const reached = new Set(laidOut.map(([, head]) => head));
  for (const h of file.hosts) {
    const addrs = h.addresses.map((a) => fit(a.address, 40));
    const lines = [fit(h.name, 40), ...addrs.slice(0, MAX_ADDRESSES), ...(addrs.length > MAX_ADDRESSES ? [`${addrs.length - MAX_ADDRESSES} more addresses`] : []), ...(addrs.length === 0 ? ['no address found'] : [])];
    const mine = [...new Set([...nodes.values()].filter((n) => n.host === h.key))];
    const strong = mine.some((n) => rank(n.severity) >= rank('high'));
    out.push(`subgraph cluster_${h.key} {`, `style=rounded; margin=10; color="${strong ? COLOUR.high : '#222222'}"; penwidth=${strong ? 2.2 : 1.2};`);
    out.push(`${h.key} [label=${dotLabel(lines)}, shape=plaintext, fontsize=10, margin="0.1,0.04"];`);
    for (const n of mine) out.push(`${n.id} [label=${dotLabel(n.lines)}, ${style(n.severity)}];`);
    const top = [h.key, ...mine.filter((n) => reached.has(n.id)).map((n) => n.id)];
    const bottom = mine.filter((n) => !reached.has(n.id)).map((n) => n.id);
    for (const r of [top, bottom]) if (r.length > 1) out.push(`{ rank=same; ${r.join('; ')}; }`);
    if (bottom.length) out.push(`${h.key} -> ${bottom[0]} [style=invis];`);
    out.push('}');
  }
  out.push(...edges);
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** The case graph as a checked picture. */
export async function caseDiagram(file: CaseFile, outside: OutsidePeer[]): Promise<Picture> {
  const { svg } = await renderDot(caseDot(file, outside));
  return graphvizPicture(svg, { className: 'case-graph', label: 'Case graph' });
}
