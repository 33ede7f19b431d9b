// CSV for spreadsheets: RFC 4180 quoting, and formula-looking cells defused, because host strings
// such as "=HYPERLINK(...)" must stay text when an examiner opens the file.

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => unknown;
}

/** The CSV text in pieces, one line each (CRLF ends every line, the last included). */
export function writeCsvPieces<T>(rows: T[], columns: CsvColumn<T>[], write: (piece: string) => void): void {
  write(`${columns.map((c) => cell(c.header)).join(',')}\r\n`);
  for (const row of rows) write(`${columns.map((c) => cell(c.value(row))).join(',')}\r\n`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
