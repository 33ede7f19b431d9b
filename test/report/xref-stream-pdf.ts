// A small PDF whose cross-reference data is a compressed stream with a PNG predictor and whose
// catalog and page live in an object stream (the PDF 1.5 layout many producers write).
import { deflateSync } from 'node:zlib';

export function xrefStreamPdf(text: string): Buffer {
  const parts: string[] = ['%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'];
  const offsets = new Map<number, number>();
  const add = (num: number, body: string): void => {
    offsets.set(num, Buffer.byteLength(parts.join(''), 'latin1'));
    parts.push(`${num} 0 obj\n${body}\nendobj\n`);
  };
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  add(1, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  add(2, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  // Object stream with the catalog (3), pages (4) and page (5).
  const inner = ['<< /Type /Catalog /Pages 4 0 R >>', '<< /Type /Pages /Kids [5 0 R] /Count 1 >>', '<< /Type /Page /Parent 4 0 R /MediaBox [0 0 612 792] /Contents 1 0 R /Resources << /Font << /F1 2 0 R >> >> >>'];
  let header = '';
  let body = '';
  inner.forEach((obj, i) => {
    header += `${3 + i} ${body.length} `;
    body += `${obj}\n`;
  });
  const objStm = deflateSync(Buffer.from(header + body, 'latin1'));
  add(6, `<< /Type /ObjStm /N 3 /First ${header.length} /Filter /FlateDecode /Length ${objStm.length} >>\nstream\n${objStm.toString('latin1')}\nendstream`);
  const xrefOffset = Buffer.byteLength(parts.join(''), 'latin1');
  // Rows: type(1) field2(2 bytes) field3(1 byte), W [1 2 1], PNG Up predictor.
  const rows: number[][] = [[0, 0, 0, 255]];
  rows.push([1, offsets.get(1)! >> 8, offsets.get(1)! & 0xff, 0]);
  rows.push([1, offsets.get(2)! >> 8, offsets.get(2)! & 0xff, 0]);
  for (let i = 0; i < 3; i++) rows.push([2, 0, 6, i]);
  rows.push([1, offsets.get(6)! >> 8, offsets.get(6)! & 0xff, 0]);
  rows.push([1, xrefOffset >> 8, xrefOffset & 0xff, 0]);
  const predicted: number[] = [];
  rows.forEach((row, r) => {
    predicted.push(2);
    row.forEach((b, c) => predicted.push((b - (r > 0 ? rows[r - 1][c] : 0)) & 0xff));
  });
  const xref = deflateSync(Buffer.from(predicted));
  parts.push(`7 0 obj\n<< /Type /XRef /Size 8 /W [1 2 1] /Root 3 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >> /Length ${xref.length} >>\nstream\n${xref.toString('latin1')}\nendstream\nendobj\n`);
  parts.push(`startxref\n${xrefOffset}\n%%EOF\n`);
  return Buffer.from(parts.join(''), 'latin1');
}
