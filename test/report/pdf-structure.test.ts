// The classic cross-reference table is read from the bytes (a signed report has thousands of entries
// and is read several times per run): the same entries as the line pattern it replaced, and a malformed
// entry is refused rather than guessed.
import { describe, expect, it } from 'vitest';
import { readStructure } from '../../src/report/pdf-structure.js';

function pdfWithXref(lines: string[]): Buffer {
  const head = '%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n';
  const xref = head.length;
  return Buffer.from(`${head}xref\n0 ${lines.length}\n${lines.map((l) => `${l}\n`).join('')}trailer\n<< /Size ${lines.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`, 'latin1');
}

describe('classic xref table', () => {
  it('reads offsets, generations and free entries', () => {
    const s = readStructure(pdfWithXref(['0000000000 65535 f\r', '0000000009 00000 n\r', '0001234567 00003 n\r']));
    expect([...s.entries]).toEqual([
      [0, null],
      [1, { type: 1, offset: 9, gen: 0 }],
      [2, { type: 1, offset: 1234567, gen: 3 }],
    ]);
    expect(s.size).toBe(3);
  });

  it.each([['00000000a9 00000 n'], ['0000000009 00000 x'], ['0000000009-00000 n'], ['000000009 00000 n '], ['0000000009 0000\u00b9 n']])('refuses the entry %j', (bad) => {
    expect(() => readStructure(pdfWithXref(['0000000000 65535 f\r', bad]))).toThrow('PDF: bad xref entry');
  });
});
