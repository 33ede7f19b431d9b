// A hostile incremental update appended to a signed PDF, written as raw bytes: a new content stream
// that paints a red box with "FORGED" over page 1, the page re-written to draw it, a classic xref
// section and trailer with /Prev. What a forger with a PDF editor would append.
import { isDict, isRef, serialize, type PdfDict, type PdfValue } from '../../src/report/pdf-objects.js';
import { firstPageRef, readStructure, resolve } from '../../src/report/pdf-structure.js';

export function appendOverlay(signed: Buffer): Buffer {
  const s = readStructure(signed);
  const catalog = resolve(s, s.trailer.entries.get('Root')) as PdfDict;
  const pagesRef = catalog.entries.get('Pages');
  if (!isRef(pagesRef)) throw new Error('no /Pages');
  const pageRef = firstPageRef(s, pagesRef);
  const page = resolve(s, pageRef);
  if (!isDict(page)) throw new Error('no page');
  const contentNum = s.size;
  const fontNum = s.size + 1;
  const paint = 'q 1 0 0 rg 40 560 500 160 re f BT /NcForged 48 Tf 1 1 1 rg 80 620 Td (FORGED) Tj ET Q';
  const oldContents = page.entries.get('Contents');
  const contents: PdfValue[] = [...(Array.isArray(oldContents) ? oldContents : oldContents ? [oldContents] : []), { kind: 'ref', num: contentNum, gen: 0 }];
  const resources = resolve(s, page.entries.get('Resources'));
  const res = new Map(isDict(resources) ? resources.entries : []);
  const fonts = resolve(s, res.get('Font'));
  const fontMap = new Map(isDict(fonts) ? fonts.entries : []);
  fontMap.set('NcForged', { kind: 'ref', num: fontNum, gen: 0 });
  res.set('Font', { kind: 'dict', entries: fontMap });
  const newPage = new Map(page.entries);
  newPage.set('Contents', contents);
  newPage.set('Resources', { kind: 'dict', entries: res });

  let text = '\n';
  const offsets: [number, number, number][] = [];
  const add = (num: number, gen: number, body: string): void => {
    offsets.push([num, gen, signed.length + text.length]);
    text += `${num} ${gen} obj\n${body}\nendobj\n`;
  };
  add(pageRef.num, pageRef.gen, serialize({ kind: 'dict', entries: newPage }));
  add(contentNum, 0, `<< /Length ${paint.length} >>\nstream\n${paint}\nendstream`);
  add(fontNum, 0, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const xrefAt = signed.length + text.length;
  text += 'xref\n';
  for (const [num, gen, off] of offsets.sort((a, b) => a[0] - b[0])) text += `${num} 1\n${String(off).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r\n`;
  const root = s.trailer.entries.get('Root')!;
  text += `trailer\n<< /Size ${fontNum + 1} /Root ${serialize(root)} /Prev ${s.startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([signed, Buffer.from(text, 'latin1')]);
}
