// The case graph as SVG, laid out here (no Graphviz on the examiner's machine, no script in the PDF):
// outside peers grouped by network in the first column, examined hosts in columns by how far along the
// flows they are, boxes with names, addresses and the processes holding flows, arrows client → server
// labelled with port, processes and the case leads. Severity is drawn with colour AND written out, and
// one-ended flows are dashed, so a black-and-white print loses nothing. Every text from a host is made
// visible (control characters as markers) and XML-escaped.
import { SEVERITIES, type Severity } from '../model.js';
import { Picture, fit as fitText, xml } from '../report/svg-text.js';
import type { OutsidePeer } from './correlate.js';
import type { CaseFile, CaseFlow } from './types.js';

const rank = (s: Severity | null): number => (s === null ? -1 : SEVERITIES.indexOf(s));
const COLOUR: Record<Severity, string> = { info: '#555555', low: '#555555', medium: '#b35c00', high: '#c00000', critical: '#c00000' };
const FONT = 11;
const CHAR = 6.4;
const LINE = 14;
const BOX_W = 230;
const MAX_CHARS = 34;

/** Host text cut to a box line. */
function fit(text: string, max = MAX_CHARS): string {
  return fitText(text, max);
}

interface Box {
  id: string;
  title: string;
  lines: { text: string; severity: Severity | null }[];
  col: number;
  x: number;
  y: number;
  h: number;
  outside: boolean;
}

interface Edge {
  from: string;
  to: string;
  label: string;
  severity: Severity | null;
  dashed: boolean;
}

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

function procLine(process: string | null, pid: number | null): string {
  return `${process === null ? '(process not shown)' : fit(process, 22)}${pid !== null ? ` (${pid})` : ''}`;
}

export function caseDiagram(file: CaseFile, outside: OutsidePeer[]): Picture {
  const names = new Map(file.hosts.map((h) => [h.key, h.name]));
  const col = rows(file, outside);
  const boxes: Box[] = [];
  for (const h of file.hosts) {
    const procs = new Map<string, Severity | null>();
    const note = (host: string | null, process: string | null, pid: number | null, sev: Severity | null): void => {
      if (host !== h.key || (process === null && pid === null)) return;
      const key = procLine(process, pid);
      procs.set(key, rank(sev) > rank(procs.get(key) ?? null) ? sev : (procs.get(key) ?? null));
    };
    for (const f of file.flows) {
      note(f.client.host, f.client.process, f.client.pid, f.client.lead?.severity ?? null);
      note(f.server.host, f.server.process, f.server.pid, f.server.lead?.severity ?? null);
    }
    for (const p of outside) note(p.host, p.end.process, p.end.pid, p.end.lead?.severity ?? null);
    const addrs = h.addresses.map((a) => a.address);
    const lines = [
      ...addrs.slice(0, 4).map((a) => ({ text: fit(a), severity: null })),
      ...(addrs.length > 4 ? [{ text: `+${addrs.length - 4} more addresses`, severity: null }] : []),
      ...[...procs.entries()].slice(0, 8).map(([text, severity]) => ({ text: `▸ ${text}${severity && rank(severity) >= rank('medium') ? ` [${severity.toUpperCase()}]` : ''}`, severity })),
    ];
    boxes.push({ id: h.key, title: fit(h.name, 30), lines, col: col.get(h.key)!, x: 0, y: 0, h: 0, outside: false });
  }
  // Outside peers, one box per network kind, each address with the ports it was seen on.
  const groups = new Map<string, Map<string, Set<number>>>();
  for (const p of outside) {
    const g = groups.get(p.network) ?? new Map<string, Set<number>>();
    g.set(p.address, (g.get(p.address) ?? new Set()).add(p.port ?? 0));
    groups.set(p.network, g);
  }
  const groupId = new Map<string, string>();
  [...groups.keys()].forEach((network, i) => {
    const id = `O${i + 1}`;
    groupId.set(network, id);
    const addrs = [...groups.get(network)!.keys()];
    const lines = [{ text: 'not examined', severity: null as Severity | null }, ...addrs.slice(0, 6).map((a) => ({ text: fit(a), severity: null as Severity | null }))];
    if (addrs.length > 6) lines.push({ text: `+${addrs.length - 6} more`, severity: null });
    boxes.push({ id, title: fit(network, 27), lines, col: 0, x: 0, y: 0, h: 0, outside: true });
  });

  const edges: Edge[] = [];
  const grouped = new Map<string, CaseFlow[]>();
  for (const f of file.flows) {
    if (!f.client.host || !f.server.host || f.ambiguous) continue;
    const key = `${f.client.host}|${f.server.host}|${f.server.port}`;
    grouped.set(key, [...(grouped.get(key) ?? []), f]);
  }
  for (const [key, flows] of grouped) {
    const [from, to, port] = key.split('|');
    const sev = flows.reduce<Severity | null>((a, f) => (rank(f.severity) > rank(a) ? f.severity : a), null);
    const cp = [...new Set(flows.map((f) => f.client.process ?? '?'))].map((p) => fit(p, 14)).join(',');
    const sp = [...new Set(flows.map((f) => f.server.process ?? '?'))].map((p) => fit(p, 14)).join(',');
    const tag = sev && rank(sev) >= rank('low') ? ` [${sev.toUpperCase()}]` : '';
    edges.push({ from, to, label: `${fit(names.get(from)!, 16)} → ${fit(names.get(to)!, 16)}: TCP ${port} (${cp} → ${sp})${flows.length > 1 ? ` ×${flows.length}` : ''}${tag}`, severity: sev, dashed: flows.every((f) => f.seen !== 'both') });
  }
  const outEdges = new Map<string, { inbound: boolean; ports: Set<number>; procs: Set<string>; severity: Severity | null }>();
  for (const p of outside) {
    const key = `${p.host}|${groupId.get(p.network)}|${p.inbound ? 'in' : 'out'}`;
    const e = outEdges.get(key) ?? { inbound: p.inbound, ports: new Set<number>(), procs: new Set<string>(), severity: null };
    e.ports.add((p.inbound ? p.end.port : p.port) ?? 0);
    e.procs.add(fit(p.end.process ?? '?', 14));
    if (rank(p.end.lead?.severity ?? null) > rank(e.severity)) e.severity = p.end.lead!.severity;
    outEdges.set(key, e);
  }
  for (const [key, e] of outEdges) {
    const [host, group] = key.split('|');
    const ports = [...e.ports].slice(0, 4).join(',');
    const tag = e.severity && rank(e.severity) >= rank('medium') ? ` [${e.severity.toUpperCase()} lead]` : '';
    const procs = [...e.procs].slice(0, 3).join(',');
    edges.push(e.inbound
      ? { from: group, to: host, label: `in to ${procs} on port ${ports}${tag}`, severity: e.severity, dashed: false }
      : { from: host, to: group, label: `${procs} out to port ${ports}${tag}`, severity: e.severity, dashed: false });
  }
  return new Picture(render(boxes, edges));
}

const BOX_GAP = 40;
const LABEL_H = 15;

function render(boxes: Box[], edges: Edge[]): string {
  // Rows top to bottom (outside peers first), boxes side by side; the gap under a row grows with the
  // labels of the arrows that cross it, so no two labels share a line.
  const rowIds = [...new Set(boxes.map((b) => b.col))].sort((a, b) => a - b);
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const rowOf = (id: string): number => rowIds.indexOf(byId.get(id)?.col ?? -1);
  const near = edges.filter((e) => byId.has(e.from) && byId.has(e.to) && Math.abs(rowOf(e.from) - rowOf(e.to)) === 1);
  const around = edges.filter((e) => byId.has(e.from) && byId.has(e.to) && !near.includes(e));
  const gapLabels = rowIds.map((_, r) => near.filter((e) => Math.min(rowOf(e.from), rowOf(e.to)) === r).length);
  for (const b of boxes) b.h = 28 + b.lines.length * LINE + 8;
  const rowWidth = (r: number): number => boxes.filter((b) => b.col === rowIds[r]).length * (BOX_W + BOX_GAP) - BOX_GAP;
  const inner = Math.max(...rowIds.map((_, r) => rowWidth(r)));
  const left = 30;
  let y = 30;
  rowIds.forEach((c, r) => {
    const row = boxes.filter((b) => b.col === c);
    let x = left + (inner - rowWidth(r)) / 2;
    for (const b of row) {
      b.x = x;
      b.y = y;
      x += BOX_W + BOX_GAP;
    }
    y += Math.max(...row.map((b) => b.h)) + 36 + gapLabels[r] * LABEL_H;
  });
  const labelWidth = (t: string): number => t.length * CHAR * 0.92 + 8;
  const rightLabels = Math.max(0, ...around.map((e) => labelWidth(e.label)));
  let width = left + inner + (around.length ? 60 + around.length * 22 + rightLabels : 30);
  const height = y;
  const out: string[] = [];
  const header = (): string => (`<svg xmlns="http://www.w3.org/2000/svg" class="case-graph" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" role="img" aria-label="Case graph" font-family="DejaVu Sans, Arial, sans-serif" font-size="${FONT}">`);
  out.push('<defs>');
  for (const [name, colour] of [['grey', '#555555'], ['orange', COLOUR.medium], ['red', COLOUR.high]]) {
    out.push(`<marker id="arrow-${name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`);
  }
  out.push('</defs>');
  for (const b of boxes) {
    const lead = b.lines.some((l) => rank(l.severity) >= rank('high'));
    out.push(`<g class="box" data-host="${xml(b.id)}">`);
    out.push(`<rect x="${b.x}" y="${b.y}" width="${BOX_W}" height="${b.h}" rx="6" fill="${b.outside ? '#f4f4f4' : '#ffffff'}" stroke="${lead ? COLOUR.high : '#333333'}" stroke-width="${lead ? 2.5 : 1.2}"${b.outside ? ' stroke-dasharray="4 3"' : ''}/>`);
    out.push(`<text x="${b.x + 8}" y="${b.y + 18}" font-weight="bold" font-size="${FONT + 2}">${xml(b.title)}</text>`);
    b.lines.forEach((l, i) => {
      const colour = l.severity && rank(l.severity) >= rank('medium') ? COLOUR[l.severity] : '#222222';
      out.push(`<text x="${b.x + 10}" y="${b.y + 36 + i * LINE}" fill="${colour}"${rank(l.severity) >= rank('high') ? ' font-weight="bold"' : ''}>${xml(l.text)}</text>`);
    });
    out.push('</g>');
  }
  const style = (e: Edge): { name: string; colour: string; attrs: string } => {
    const name = rank(e.severity) >= rank('high') ? 'red' : rank(e.severity) >= rank('medium') ? 'orange' : 'grey';
    const colour = name === 'red' ? COLOUR.high : name === 'orange' ? COLOUR.medium : '#555555';
    return { name, colour, attrs: `fill="none" stroke="${colour}" stroke-width="${name === 'grey' ? 1.3 : 2.4}"${e.dashed ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#arrow-${name})"` };
  };
  const label = (e: Edge, x: number, yy: number, anchor: string, colour: string, bold: boolean): void => {
    const w = labelWidth(e.label);
    const x0 = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
    width = Math.max(width, x0 + w + 10);
    out.push(`<rect x="${x0}" y="${yy - 10}" width="${w}" height="13" fill="#ffffff" fill-opacity="0.92"/>`);
    out.push(`<text x="${anchor === 'start' ? x + 4 : anchor === 'end' ? x - 4 : x}" y="${yy}" text-anchor="${anchor}" font-size="${FONT - 1}" fill="${colour}"${bold ? ' font-weight="bold"' : ''}>${xml(e.label)}</text>`);
  };
  // Arrows between neighbouring rows: straight down (or up) through the gap, each label on its own line.
  const used = new Map<number, number>();
  const spread = new Map<string, number>();
  for (const e of near) {
    const a = byId.get(e.from)!;
    const b = byId.get(e.to)!;
    const down = b.y > a.y;
    const gap = Math.min(rowOf(e.from), rowOf(e.to));
    const k = used.get(gap) ?? 0;
    used.set(gap, k + 1);
    const slotA = spread.get(a.id) ?? 0;
    const slotB = spread.get(b.id) ?? 0;
    spread.set(a.id, slotA + 1);
    spread.set(b.id, slotB + 1);
    const x1 = a.x + BOX_W / 2 + (slotA % 5 - 2) * 18;
    const x2 = b.x + BOX_W / 2 + (slotB % 5 - 2) * 18;
    const y1 = down ? a.y + a.h : a.y;
    const y2 = down ? b.y : b.y + b.h;
    const top = Math.min(y1, y2);
    const s = style(e);
    out.push(`<path d="M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}" ${s.attrs}/>`);
    label(e, (x1 + x2) / 2 + 10, top + 22 + k * LABEL_H, 'start', s.colour, s.name === 'red');
  }
  // Arrows that skip a row, go back up or stay in a row: around the right side, outside every box.
  around.forEach((e, k) => {
    const a = byId.get(e.from)!;
    const b = byId.get(e.to)!;
    const bulge = left + inner + 40 + k * 22;
    const y1 = a.y + a.h / 2 + 6;
    const y2 = b.y + b.h / 2 - 6;
    const s = style(e);
    out.push(`<path d="M${a.x + BOX_W},${y1} C${bulge},${y1} ${bulge},${y2} ${b.x + BOX_W},${y2}" ${s.attrs}/>`);
    label(e, bulge - 10, (y1 + y2) / 2 + 4, 'start', s.colour, s.name === 'red');
  });
  out.push('</svg>');
  return [header(), ...out].join('\n');
}
