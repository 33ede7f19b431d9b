import type { Finding } from '../model.js';
import { SEVERITIES } from '../model.js';
import { terminalSafe } from './common.js';

const useColor = () => !process.env.NO_COLOR && process.stderr.isTTY === true;
const COLORS: Record<string, string> = { critical: '\u001b[1;31m', high: '\u001b[31m', medium: '\u001b[33m', low: '\u001b[36m', info: '\u001b[2m' };

/** Most severe first, capped, with the count of the rest. Host strings are sanitised. */
export function findingsTable(findings: Finding[], opts: { limit: number }): string {
  const shown = findings.filter((f) => !f.suppressed).sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
  if (shown.length === 0) return 'No findings.\n';
  const rows = shown.slice(0, opts.limit).map((f) => [f.severity.toUpperCase(), f.rule, clip(terminalSafe(f.process ?? ''), 18), f.pid == null ? '' : String(f.pid), clip(terminalSafe(f.title), 70)]);
  const header = ['SEVERITY', 'RULE', 'PROCESS', 'PID', 'WHAT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[], sev?: string) => {
    const text = cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return sev && useColor() ? `${COLORS[sev] ?? ''}${text}\u001b[0m` : text;
  };
  const out = [line(header), ...rows.map((r, i) => line(r, shown[i].severity))];
  if (shown.length > opts.limit) out.push(`… and ${shown.length - opts.limit} more (see findings.json)`);
  return `${out.join('\n')}\n`;
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
