// Large connection tables as monospaced text rows (issue 16): one table cell per row instead of
// eight. Chromium needed ~115 KB per 8-cell row to lay out and print a 10,000-row table (2 GB);
// one preformatted cell per row prints the same values in a fraction of that. Nothing is cut: a
// value wider than its column continues on the row's next line (between words when it has any;
// a word longer than the column breaks at the column's edge).
import type { ConnectionRow } from './view-types.js';

export interface TextColumn<T> {
  header: string;
  right?: boolean;
  value: (row: T) => string;
}

/** Characters per line at 6.5 pt DejaVu Sans Mono within the report's A4/Letter text width. */
export const TEXT_TABLE_WIDTH = 118;

/** `text` in lines of at most `width` characters (characters, not UTF-16 units). */
export function wrapCell(text: string, width: number): string[] {
  const out: string[] = [];
  let line: string[] = [];
  for (const word of text.split(' ')) {
    let chars = [...word];
    const used = line.length ? line.length + 1 : 0;
    if (used + chars.length <= width) {
      line = line.length ? [...line, ' ', ...chars] : chars;
      continue;
    }
    if (line.length) out.push(line.join(''));
    line = [];
    while (chars.length > width) {
      out.push(chars.slice(0, width).join(''));
      chars = chars.slice(width);
    }
    line = chars;
  }
  out.push(line.join(''));
  return out;
}

/** Column widths: each as wide as its longest value, the widest narrowed until the line fits. */
export function textColumnWidths<T>(rows: T[], columns: TextColumn<T>[], width = TEXT_TABLE_WIDTH): number[] {
  const widths = columns.map((c) => [...c.header].length);
  for (const r of rows) columns.forEach((c, i) => (widths[i] = Math.max(widths[i], [...c.value(r)].length)));
  const mins = columns.map((c) => Math.max(4, Math.min([...c.header].length, 8)));
  const room = width - (columns.length - 1);
  for (let total = widths.reduce((a, b) => a + b, 0); total > room; total--) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > mins[i] && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest]--;
  }
  return widths;
}

/** One row as lines of text (columns separated by one space, trailing blanks trimmed). */
export function textRow<T>(row: T, columns: TextColumn<T>[], widths: number[]): string {
  const cells = columns.map((c, i) => wrapCell(c.value(row), widths[i]));
  const height = Math.max(...cells.map((c) => c.length));
  const lines: string[] = [];
  for (let k = 0; k < height; k++) {
    lines.push(columns.map((c, i) => pad(cells[i][k] ?? '', widths[i], c.right === true)).join(' ').trimEnd());
  }
  return lines.join('\n');
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - [...s].length));
  return right ? fill + s : s + fill;
}

/** The connection table's columns as text (the same values the 8-cell table prints). */
export function connectionTextColumns(singleArtifact: boolean, markLabel: (row: ConnectionRow) => string): TextColumn<ConnectionRow>[] {
  return [
    { header: 'Mark', value: markLabel },
    { header: 'Proto', value: (r) => r.proto },
    { header: 'Local address', value: (r) => r.local },
    { header: 'Remote address', value: (r) => r.remote },
    { header: 'State', value: (r) => r.state },
    { header: 'PID', right: true, value: (r) => r.pid },
    { header: 'Process', value: (r) => (r.owner ? `${r.process} · ${r.owner}` : r.process) },
    { header: singleArtifact ? 'Line' : 'Source', right: singleArtifact, value: (r) => (singleArtifact ? String(r.line) : r.ref) },
  ];
}
