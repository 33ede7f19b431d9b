import type { Connection, Finding, Route } from '../model.js';
import { SEVERITIES } from '../model.js';
import { visible } from '../markers.js';
import { terminalSafe } from './common.js';

const COLORS: Record<string, string> = { critical: '\u001b[1;31m', high: '\u001b[31m', medium: '\u001b[33m', low: '\u001b[36m', info: '\u001b[2m' };
const useColor = () => !process.env.NO_COLOR && process.stderr.isTTY === true;

export interface TableContext {
  limit: number;
  connections?: Connection[];
  routes?: Route[];
}

/** Most severe first, capped with a count of the rest. Host strings are sanitised for the terminal
 * (raw parsed values with terminalSafe; a finding's fields are marked by analyze already). */
export function findingsTable(findings: Finding[], ctx: TableContext): string {
  const shown = findings.filter((f) => !f.suppressed).sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  const suppressed = findings.length - shown.length;
  // "No findings." would be false when an allow-list (say, one entry with rule "*") set them aside.
  const setAside = suppressed > 0 ? `${suppressed} finding${suppressed === 1 ? '' : 's'} suppressed by the allow-list (listed with the reason in findings.json and the report)` : '';
  if (shown.length === 0) return suppressed > 0 ? `No finding shown: ${setAside}.\n` : 'No findings.\n';
  const listed = shown.slice(0, ctx.limit);
  const where = whereLookup(ctx, listed);
  const rows = listed.map((f) => [
    f.severity.toUpperCase(),
    f.rule,
    clip(visible(f.process ?? ''), 18), // marked by analyze already: only what is left is marked
    f.pid == null ? '' : String(f.pid),
    clip(terminalSafe(f.refs.map((r) => where.get(`${r.artifact}:${r.line}`)).find(Boolean) ?? ''), 44),
    clip(visible(f.title), 60),
  ]);
  const header = ['SEVERITY', 'RULE', 'PROCESS', 'PID', 'LOCAL → REMOTE / ROUTE', 'WHY'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], sev?: string) => {
    const text = cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return sev && useColor() ? `${COLORS[sev] ?? ''}${text}\u001b[0m` : text;
  };
  const out = [line(header), ...rows.map((r, i) => line(r, shown[i].severity))];
  if (shown.length > ctx.limit) out.push(`… and ${shown.length - ctx.limit} more (see findings.json and the report)`);
  if (suppressed > 0) out.push(`Also ${setAside}.`);
  return `${out.join('\n')}\n`;
}

/** "tcp 1.2.3.4:80 → …" for the lines the listed findings cite (not for all 100k sockets of a busy host). */
function whereLookup(ctx: TableContext, listed: Finding[]): Map<string, string> {
  const wanted = new Map<string, Set<number>>();
  for (const f of listed) for (const r of f.refs) {
    let lines = wanted.get(r.artifact);
    if (!lines) wanted.set(r.artifact, (lines = new Set()));
    lines.add(r.line);
  }
  const cited = (s: { artifact: string; line: number }): boolean => wanted.get(s.artifact)?.has(s.line) === true;
  const map = new Map<string, string>();
  for (const c of ctx.connections ?? []) {
    if (!cited(c.source)) continue;
    const local = endpoint(c.localAddress, c.localPort);
    const text = c.state === 'LISTEN' || c.remotePort === null ? `${c.protocol} ${local} (${c.state ?? 'bound'})` : `${c.protocol} ${local} → ${endpoint(c.remoteAddress, c.remotePort)}`;
    map.set(`${c.source.artifact}:${c.source.line}`, text);
  }
  for (const r of ctx.routes ?? []) if (cited(r.source)) map.set(`${r.source.artifact}:${r.source.line}`, `${r.destination} via ${r.gateway ?? 'on-link'}${r.interface ? ` dev ${r.interface}` : ''}`);
  return map;
}

function endpoint(address: string, port: number | null): string {
  const a = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return port === null ? a : `${a}:${port}`;
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
