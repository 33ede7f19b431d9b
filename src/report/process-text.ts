// A process table of thousands of rows as monospaced text rows (as the connection tables do from
// COMPACT_TABLE_ROWS rows): a host whose PIDs run into the tens of thousands printed 2,000 seven-cell
// rows in 113 pages and ~3.4 s of Chromium's CPU. The same values, each whole (a value wider than its
// column continues on the row's next line); smaller tables keep their columns.
import { SEVERITY_STYLE } from './helpers.js';
import { textColumnWidths, textRow, type TextColumn } from './text-table.js';
import { COMPACT_TABLE_ROWS, MARKED_RUN_ROWS, textRuns } from './view-tables.js';
import type { ProcessRow, TextRun } from './view-types.js';

const columns: TextColumn<ProcessRow>[] = [
  { header: 'Mark', value: (r) => (r.marked && r.severity ? `${SEVERITY_STYLE[r.severity].symbol} ${SEVERITY_STYLE[r.severity].label} ${r.findingIds}` : '') },
  { header: 'PID', right: true, value: (r) => r.pid },
  { header: 'Process', value: (r) => [r.name, r.user ? `user ${r.user}` : '', r.exe ? `exe ${r.exe}` : '', r.cmdline ?? ''].filter(Boolean).join(' · ') },
  { header: 'Listening', value: (r) => r.listening },
  { header: 'Est.', right: true, value: (r) => String(r.established) },
  { header: 'Other', right: true, value: (r) => String(r.other) },
  { header: 'Remote peers', value: (r) => r.peers },
];

/** The table as text rows and its header line, or null below COMPACT_TABLE_ROWS rows. */
export function processText(rows: ProcessRow[]): { header: string; runs: TextRun[] } | null {
  if (rows.length < COMPACT_TABLE_ROWS) return null;
  const widths = textColumnWidths(rows, columns);
  const texts = rows.map((r) => ({ text: textRow(r, columns, widths), marked: r.marked, severity: r.severity }));
  return { header: columns.map((c, i) => (c.right ? c.header.padStart(widths[i]!) : c.header.padEnd(widths[i]!))).join(' ').trimEnd(), runs: textRuns(texts, texts.filter((r) => r.marked).length >= MARKED_RUN_ROWS) };
}
