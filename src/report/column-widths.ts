// Column widths sized from the content, for the fixed-layout tables (10,000 rows need no browser
// measuring): every column gets at least the width of its longest unbreakable word, so a process
// name, an address or a finding id is never split. Only a word wider than a column may ever take
// (a hostile 300-character name) is broken, by the stylesheet's last-resort overflow-wrap.

export interface ColumnSpec {
  header: string;
  /** Font of the cells: proportional sans or monospace, size in pt; bold for the mark column. */
  mono?: boolean;
  size: number;
  bold?: boolean;
  /** Share of the spare width this column takes (long free text: more). */
  grow?: number;
  /** Widest the column may get, in mm (longer words then break: last resort). */
  maxMm?: number;
}

const PT_TO_MM = 25.4 / 72;
const PADDING_MM = 6 * PT_TO_MM; // 3pt either side

/**
 * Advance of each ASCII character in em, at least as wide as DejaVu Sans (the fallback when
 * Liberation Sans is missing, and the wider of the two); other characters 1 em.
 */
const SANS_EM: number[] = (() => {
  const t = new Array<number>(128).fill(0.64);
  for (const c of 'mwMW@%') t[c.charCodeAt(0)] = 1.0;
  for (const c of 'ABCDEFGHKNOPQRSTUVXYZ#&') t[c.charCodeAt(0)] = 0.78;
  for (const c of "ijlIJ.,:;'!|") t[c.charCodeAt(0)] = 0.34;
  for (const c of '()[]/\\ frt-') t[c.charCodeAt(0)] = 0.42;
  return t;
})();

export function wordWidthMm(word: string, spec: ColumnSpec): number {
  let em = 0;
  if (spec.mono) em = [...word].length * 0.61;
  else for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    em += c < 128 ? SANS_EM[c]! : 1.0;
  }
  // 5% for rounding and kerning: a word that only just fits must still fit.
  return em * spec.size * (spec.bold ? 1.1 : 1) * 1.05 * PT_TO_MM;
}

/**
 * Percent widths for the columns of `rows` (cell texts, as printed) in a table `totalMm` wide.
 */
export function columnWidths(specs: ColumnSpec[], rows: string[][], totalMm: number): string[] {
  const need = specs.map((s) => Math.max(...s.header.split(/\s+/).map((w) => wordWidthMm(w, { ...s, bold: true, mono: false, size: 7.5 }))));
  for (const row of rows) {
    for (let i = 0; i < specs.length; i++) {
      const cell = row[i];
      if (!cell) continue;
      for (const w of cell.split(/\s+/)) {
        const width = wordWidthMm(w, specs[i]!);
        if (width > need[i]!) need[i] = width;
      }
    }
  }
  const widths = specs.map((s, i) => Math.min(need[i]! + PADDING_MM, s.maxMm ?? totalMm));
  const used = widths.reduce((a, b) => a + b, 0);
  const spare = totalMm - used;
  if (spare > 0) {
    const grow = specs.map((s) => s.grow ?? 0);
    const total = grow.reduce((a, b) => a + b, 0) || specs.length;
    widths.forEach((_, i) => (widths[i]! += (spare * (total === specs.length && grow.every((g) => g === 0) ? 1 : grow[i]!)) / total));
  } else if (spare < 0) {
    // Too wide: take the excess from the widest columns first (their long words break, last resort).
    let excess = -spare;
    const order = widths.map((w, i) => [w, i] as const).sort((a, b) => b[0] - a[0]);
    for (const [, i] of order) {
      if (excess <= 0) break;
      const floor = Math.max(12, need[i]! * 0.5);
      const cut = Math.min(excess, widths[i]! - floor);
      if (cut > 0) {
        widths[i]! -= cut;
        excess -= cut;
      }
    }
  }
  const sum = widths.reduce((a, b) => a + b, 0);
  return widths.map((w) => `${((w / sum) * 100).toFixed(2)}%`);
}

/** Printable width of the page body in mm (A4 or Letter, 14 mm side margins). */
export function bodyWidthMm(paper: 'a4' | 'letter'): number {
  return (paper === 'letter' ? 215.9 : 210) - 28;
}
