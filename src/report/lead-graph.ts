// The host report's picture of its leads: each lead process (low and above) on the left, the ports
// it listens on and the peers it is connected with on the right, with arrows (peer → listening port,
// process → peer). Severity is written in every box as well as coloured; host text is escaped.
import { SEVERITIES, type Connection, type Severity } from '../model.js';
import type { LeadRecord } from './view-leads.js';
import { Picture, fit, fitMarked, xml } from './svg-text.js';

const rank = (s: Severity): number => SEVERITIES.indexOf(s);
const COLOUR: Record<Severity, string> = { info: '#555555', low: '#2471a3', medium: '#b35c00', high: '#c00000', critical: '#6d0000' };
const MAX_LEADS = 8;
const MAX_SOCKETS = 6;
const ROW = 18;

interface Item {
  text: string;
  /** Listening port (a peer connected to it points at it) or an outbound peer. */
  kind: 'listen' | 'out' | 'in';
}

/** SVG of the leads that have a process with sockets, or null (no such lead: no picture). */
export function leadGraph(leads: LeadRecord[], primary: Connection[]): Picture | null {
  const rows = leads
    .filter((l) => !l.suppressed && typeof l.pid === 'number' && rank(l.severity) >= rank('low'))
    .slice(0, MAX_LEADS)
    .map((l) => ({ lead: l, items: socketsOf(l.pid!, primary) }))
    .filter((r) => r.items.length > 0);
  if (rows.length === 0) return null;
  const out: string[] = [];
  let y = 10;
  const W = 640;
  for (const { lead, items } of rows) {
    const shown = items.slice(0, MAX_SOCKETS);
    const h = Math.max(44, shown.length * ROW + 12);
    const c = COLOUR[lead.severity];
    const strong = rank(lead.severity) >= rank('high');
    out.push(`<rect x="10" y="${y}" width="230" height="${h}" rx="5" fill="#fff" stroke="${c}" stroke-width="${strong ? 2.4 : 1.2}"/>`);
    out.push(`<text x="18" y="${y + 17}" font-weight="bold" fill="${c}">${xml(`${lead.id} ${lead.severity.toUpperCase()}`)}</text>`);
    out.push(`<text x="18" y="${y + 33}">${xml(`${fitMarked(lead.process ?? 'process not shown', 22)} (PID ${lead.pid})`)}</text>`);
    shown.forEach((it, i) => {
      const iy = y + 6 + i * ROW;
      const x = it.kind === 'listen' ? 330 : 430;
      out.push(`<rect x="${x}" y="${iy}" width="${it.kind === 'listen' ? 170 : 200}" height="${ROW - 3}" rx="3" fill="${it.kind === 'listen' ? '#f4f4f4' : '#fff'}" stroke="#888"/>`);
      out.push(`<text x="${x + 5}" y="${iy + 11}" font-size="9.5">${xml(it.text)}</text>`);
      const midY = iy + (ROW - 3) / 2;
      // process → listening port / peer; a peer connected to one of its ports: peer ← port.
      out.push(`<path d="M240,${y + h / 2} C${x - 40},${y + h / 2} ${x - 40},${midY} ${x},${midY}" fill="none" stroke="${c}" stroke-width="${strong ? 1.8 : 1}" marker-end="url(#lg-arrow)"/>`);
    });
    if (items.length > shown.length) out.push(`<text x="330" y="${y + h + 10}" font-size="9" fill="#555">${items.length - shown.length} more sockets in the tables</text>`);
    y += h + (items.length > shown.length ? 22 : 12);
  }
  return new Picture([
    `<svg xmlns="http://www.w3.org/2000/svg" class="lead-graph" viewBox="0 0 ${W} ${y}" width="${W}" height="${y}" role="img" aria-label="Leads" font-family="DejaVu Sans, Arial, sans-serif" font-size="10.5">`,
    '<defs><marker id="lg-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    ...out,
    '</svg>',
  ].join('\n'));
}

function socketsOf(pid: number, primary: Connection[]): Item[] {
  const seen = new Set<string>();
  const items: Item[] = [];
  for (const c of primary) {
    if (c.pid !== pid) continue;
    const listening = c.state === 'LISTEN' || (c.protocol === 'udp' && (c.remotePort === null || c.remotePort === 0));
    const item: Item = listening
      ? { kind: 'listen', text: `listens ${c.protocol.toUpperCase()} ${fit(c.localAddress, 24)}:${c.localPort ?? '*'}` }
      : { kind: 'out', text: `${c.protocol.toUpperCase()} ↔ ${fit(c.remoteAddress, 26)}:${c.remotePort ?? '*'}${c.state ? ` ${c.state}` : ''}` };
    if (seen.has(item.text)) continue;
    seen.add(item.text);
    items.push(item);
  }
  return items.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'listen' ? -1 : 1));
}
