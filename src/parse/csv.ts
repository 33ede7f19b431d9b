// CSV for spreadsheets: RFC 4180 quoting, and formula-looking cells defused, because host strings
// such as "=HYPERLINK(...)" must stay text when an examiner opens the file.

export function toCsv<T>(rows: T[], columns: { header: string; value: (row: T) => unknown }[]): string {
  const out: string[] = [columns.map((c) => cell(c.header)).join(',')];
  for (const row of rows) out.push(columns.map((c) => cell(c.value(row))).join(','));
  return `${out.join('\r\n')}\r\n`;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : Array.isArray(value) ? value.join(' ') : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
