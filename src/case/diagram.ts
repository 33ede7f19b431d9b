// The case graph as SVG, laid out here (no Graphviz on the examiner's machine, no script in the PDF):
// outside peers grouped by network in the first column, examined hosts in columns by how far along the
// flows they are, boxes with names, addresses and the processes holding flows, arrows client → server
// labelled with port, processes and the case leads. Severity is drawn with colour AND written out, and
// one-ended flows are dashed, so a black-and-white print loses nothing. Every text from a host is made
// visible (control characters as markers) and XML-escaped.
import { SEVERITIES, type Severity } from '../model.js';
import { visibleHost } from '../markers.js';
import type { OutsidePeer } from './correlate.js';
import type { CaseFile, CaseFlow } from './types.js';

const rank = (s: Severity | null): number => (s === null ? -1 : SEVERITIES.indexOf(s));
const COLOUR: Record<Severity, string> = { info: '#555555', low: '#555555', medium: '#b35c00', high: '#c00000', critical: '#c00000' };
const FONT = 11;
const CHAR = 6.4;
const LINE = 14;
const BOX_W = 230;
const COL_GAP = 150;
const ROW_GAP = 36;
const MAX_CHARS = 34;

export function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Host text, visible and cut to fit a box line (the tables hold it whole). */
function fit(text: string, max = MAX_CHARS): string {
  const v = visibleHost(text);
  return v.length > max ? `${v.slice(0, max - 1)}…` : v;
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

/** Column of each examined host: 1 + the longest chain of flows leading to it (cycles cut). */
function columns(file: CaseFile): Map<string, number> {
  const col = new Map(file.hosts.map((h) => [h.key, 1]));
  const edges = file.flows.filter((f) => f.client.host && f.server.host && !f.ambiguous).map((f) => [f.client.host!, f.server.host!] as const);
  for (let pass = 0; pass < file.hosts.length; pass++) {
    for (const [a, b] of edges) if (col.get(b)! < col.get(a)! + 1 && col.get(a)! + 1 <= file.hosts.length) col.set(b, col.get(a)! + 1);
  }
  return col;
}

function procLine(process: string | null, pid: number | null): string {
  return `${process === null ? '(process not shown)' : fit(process, 22)}${pid !== null ? ` (${pid})` : ''}`;
}

export function caseDiagram(file: CaseFile, outside: OutsidePeer[]): string {
  const names = new Map(file.hosts.map((h) => [h.key, h.name]));
  const col = columns(file);
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
    const lines = addrs.slice(0, 6).map((a) => ({ text: fit(a), severity: null as Severity | null }));
    if (addrs.length > 6) lines.push({ text: `+${addrs.length - 6} more`, severity: null });
    boxes.push({ id, title: `outside: ${fit(network, 24)}`, lines, col: 0, x: 0, y: 0, h: 0, outside: true });
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
    edges.push({ from, to, label: `TCP ${port} ${cp}→${sp}${flows.length > 1 ? ` ×${flows.length}` : ''}${tag}`, severity: sev, dashed: flows.every((f) => f.seen !== 'both') });
  }
  const outEdges = new Map<string, { inbound: boolean; ports: Set<number>; procs: Set<string>; severity: Severity | null }>();
  for (const p of outside) {
    const key = `${p.host}|${groupId.get(p.network)}`;
    const e = outEdges.get(key) ?? { inbound: false, ports: new Set<number>(), procs: new Set<string>(), severity: null };
    e.ports.add(p.port ?? 0);
    e.procs.add(fit(p.end.process ?? '?', 14));
    if (rank(p.end.lead?.severity ?? null) > rank(e.severity)) e.severity = p.end.lead!.severity;
    outEdges.set(key, e);
  }
  for (const [key, e] of outEdges) {
    const [host, group] = key.split('|');
    const ports = [...e.ports].slice(0, 4).join(',');
    const tag = e.severity && rank(e.severity) >= rank('medium') ? ` [${e.severity.toUpperCase()} lead]` : '';
    edges.push({ from: host, to: group, label: `${[...e.procs].slice(0, 3).join(',')} ↔ port ${ports}${tag}`, severity: e.severity, dashed: false });
  }
  return render(boxes, edges, names);
}

function render(boxes: Box[], edges: Edge[], _names: Map<string, string>): string {
  const cols = [...new Set(boxes.map((b) => b.col))].sort((a, b) => a - b);
  let height = 0;
  cols.forEach((c, i) => {
    let y = 40;
    for (const b of boxes.filter((x) => x.col === c)) {
      b.x = 20 + i * (BOX_W + COL_GAP);
      b.y = y;
      b.h = 28 + b.lines.length * LINE + 8;
      y += b.h + ROW_GAP;
    }
    height = Math.max(height, y);
  });
  const width = 20 + cols.length * (BOX_W + COL_GAP) - COL_GAP + 20;
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="case-graph" viewBox="0 0 ${width} ${height + 10}" width="100%" role="img" aria-label="Case graph" font-family="DejaVu Sans, Arial, sans-serif" font-size="${FONT}">`);
  out.push('<defs>');
  for (const [name, colour] of [['grey', '#555555'], ['orange', COLOUR.medium], ['red', COLOUR.high]]) {
    out.push(`<marker id="arrow-${name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colour}"/></marker>`);
  }
  out.push('</defs>');
  out.push(`<text x="20" y="20" font-weight="bold">Outside peers</text>`.repeat(boxes.some((b) => b.outside) ? 1 : 0));
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
  edges.forEach((e, i) => {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) return;
    // Outside groups sit left of every host: their arrows run from the host's left side.
    const leftward = b.x < a.x || (b.x === a.x && b.outside);
    const x1 = leftward ? a.x : a.x + BOX_W;
    const x2 = leftward ? b.x + BOX_W : b.x;
    const y1 = a.y + a.h / 2 + ((i % 3) - 1) * 8;
    const y2 = b.y + b.h / 2 + ((i % 3) - 1) * 8;
    const colourName = rank(e.severity) >= rank('high') ? 'red' : rank(e.severity) >= rank('medium') ? 'orange' : 'grey';
    const colour = colourName === 'red' ? COLOUR.high : colourName === 'orange' ? COLOUR.medium : '#555555';
    const bend = a.x === b.x ? 60 : 0;
    const mx = (x1 + x2) / 2 + (leftward ? -bend : bend);
    out.push(`<path d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" fill="none" stroke="${colour}" stroke-width="${colourName === 'grey' ? 1.3 : 2.4}"${e.dashed ? ' stroke-dasharray="6 4"' : ''} marker-end="url(#arrow-${colourName})"/>`);
    const label = e.label;
    const w = label.length * CHAR * 0.92 + 8;
    const ly = (y1 + y2) / 2 + ((i % 2) * 2 - 1) * 9;
    out.push(`<rect x="${mx - w / 2}" y="${ly - 10}" width="${w}" height="14" fill="#ffffff" fill-opacity="0.9"/>`);
    out.push(`<text x="${mx}" y="${ly}" text-anchor="middle" font-size="${FONT - 1}" fill="${colour}"${colourName === 'red' ? ' font-weight="bold"' : ''}>${xml(label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
