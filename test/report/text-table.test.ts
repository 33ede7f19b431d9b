// Large connection tables print as text rows (issue 16): nothing a cell holds is lost to the
// column width, columns line up, and hostile text stays one value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { textColumnWidths, textRow, wrapCell, type TextColumn } from '../../src/report/text-table.js';

describe('text rows', () => {
  it('wrapCell keeps every character: lines joined give the value back (spaces at breaks aside)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 40 }), (text, width) => {
      const lines = wrapCell(text, width);
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
      expect(lines.join('').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
    }));
  });

  it('breaks between words when it can, a word longer than the column at its edge', () => {
    expect(wrapCell('nginx: worker process', 8)).toEqual(['nginx:', 'worker', 'process']);
    expect(wrapCell('[fe80::5d2c:8a1e:4f7b:92c3%7]:443', 12)).toEqual(['[fe80::5d2c:', '8a1e:4f7b:92', 'c3%7]:443']);
  });

  it('columns are as wide as their longest value when the line fits, and every row lines up', () => {
    type R = { a: string; b: string };
    const cols: TextColumn<R>[] = [{ header: 'A', value: (r) => r.a }, { header: 'Bee', right: true, value: (r) => r.b }];
    const rows = [{ a: '10.0.0.1:22', b: '7' }, { a: '[2001:db8::1]:443', b: '12345' }];
    const widths = textColumnWidths(rows, cols, 80);
    expect(widths).toEqual([17, 5]);
    expect(rows.map((r) => textRow(r, cols, widths))).toEqual(['10.0.0.1:22           7', '[2001:db8::1]:443 12345']);
    // Too wide for the line: the widest column narrows and its value continues on the next line.
    const narrow = textColumnWidths(rows, cols, 16);
    expect(narrow).toEqual([10, 5]);
    expect(textRow(rows[1], cols, narrow)).toBe('[2001:db8: 12345\n:1]:443');
  });
});
