// A tagged (accessible) report large enough to print in two parts side by side (a ~460-socket host
// prints 0.5 s sooner): the joined PDF must carry the same structure tree as one tab gives, a
// consistent one (every marked content reachable both ways, ids unique), and stay one signed PDF.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, launchPrintBrowser, verifyPdfSignature, type ReportResult } from '../../src/report/index.js';
import { htmlToPdf } from '../../src/report/pdf-render.js';
import { partLimit, splitHtml, TAGGED_PARTS_MIN_ROWS } from '../../src/report/print-parts.js';
import { writeEvidenceFolder } from '../../src/report/synthetic-evidence.js';
import { largeHost } from '../../src/report/synthetic-hosts.js';
import { loadIdentity } from '../../src/signing/index.js';
import { checkTagTree } from './tag-tree.js';

let work: string;
let result: ReportResult;
let single: Buffer;
let html: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-tagparts-'));
  const configDir = join(work, 'cfg');
  await loadIdentity({ examiner: 'Dana Scully', configDir });
  const dir = writeEvidenceFolder(work, largeHost(600));
  result = await buildReport(dir, { configDir });
  html = readFileSync(result.html, 'utf8');
  // The same html printed whole in one tab, as before.
  const printer = await launchPrintBrowser();
  try {
    single = (await htmlToPdf(printer, html, { paper: 'a4', tagged: true })).pdf;
  } finally {
    await printer.close();
  }
  writeFileSync(join(work, 'single.pdf'), single);
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** pdfinfo's structure tree (elements, attributes, ids), ids numbered in order of appearance. */
function structTree(path: string): string[] {
  const out = execFileSync('pdfinfo', ['-struct', path], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const ids = new Map<string, string>();
  return out.split('\n').map((l) => l.replace(/(?:p\d+-)?node\d+/g, (id) => ids.get(id) ?? (ids.set(id, `id${ids.size}`), `id${ids.size - 1}`)));
}

describe('a tagged report printed in two parts', () => {
  it('is printed in two parts: tagged, large enough, and the template marks where to cut', () => {
    expect(result.tagged).toBe(true);
    expect(result.pages).toBeGreaterThan(20);
    expect(partLimit(true, TAGGED_PARTS_MIN_ROWS)).toBe(2);
    expect(partLimit(true, TAGGED_PARTS_MIN_ROWS - 1)).toBe(1);
    expect(splitHtml(html, 2)?.docs).toHaveLength(2);
    // The joiner's own footer font: the PDF was printed in parts and joined.
    expect(readFileSync(result.pdf).includes('/NcStamp')).toBe(true);
    const custody = readFileSync(join(result.html, '..', '..', 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; details?: { tagged?: boolean } });
    expect(custody.filter((e) => e.action === 'report published').pop()?.details?.tagged).toBe(true);
  });

  it('stays one signed PDF that pdfsig and verify accept, tagged, with every page numbered', () => {
    const sig = execFileSync('pdfsig', [result.pdf], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
    expect(verifyPdfSignature(readFileSync(result.pdf)).ok).toBe(true);
    const info = execFileSync('pdfinfo', [result.pdf], { encoding: 'utf8' });
    expect(info).toMatch(/^Tagged:\s+yes$/m);
    const pages = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f').filter((p) => p.trim());
    expect(pages).toHaveLength(result.pages);
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} of ${result.pages}`));
  });

  it('has the same structure tree, with the same text, as the report printed whole in one tab', () => {
    // The elements, their order, attributes and ids: exactly as one tab gives them. (pdfinfo
    // -struct-text would add each element's text, but takes minutes on 50 pages.)
    const joined = structTree(result.pdf);
    const whole = structTree(join(work, 'single.pdf'));
    expect(joined.length).toBeGreaterThan(10_000);
    expect(joined[0]).toBe('Document');
    expect(joined.filter((l) => l === 'Document')).toHaveLength(1);
    expect(joined).toEqual(whole);
    // The text, word by word, on the page text without the running header and footer.
    const words = (pdf: string) => {
      const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 })
        .replace(/Report NCR-[\w-]+ · Page \d+ of \d+/g, '')
        .replace(/netcustody forensic report|Report NCR-[\w-]+/g, '');
      const counts = new Map<string, number>();
      for (const w of text.split(/\s+/)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
      return counts;
    };
    const a = words(result.pdf);
    const b = words(join(work, 'single.pdf'));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    // Only the words of table header rows (repeated on each page a table spans) may count differently.
    const headerWords = new Set([...html.matchAll(/<th\b[^>]*>([^<]*)<\/th>/g)].flatMap((m) => m[1].split(/\s+/)));
    const differing = [...a.keys()].filter((w) => a.get(w) !== b.get(w));
    expect(differing.filter((w) => !headerWords.has(w) || Math.abs(a.get(w)! - b.get(w)!) > 2)).toEqual([]);
  });

  it('has a consistent tree: each page\'s marked content and links lead to the element that claims them, ids unique', () => {
    const joined = checkTagTree(readFileSync(result.pdf));
    const whole = checkTagTree(single);
    expect(joined.problems).toEqual([]);
    expect(whole.problems).toEqual([]);
    expect(joined.elements).toBe(whole.elements);
    // Marked content runs are per page: a different page break splits a few runs differently.
    expect(Math.abs(joined.markedContent - whole.markedContent)).toBeLessThan(whole.markedContent / 100);
    expect(joined.markedContent).toBeGreaterThan(5000);
  });
});
