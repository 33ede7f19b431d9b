import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type ReportResult } from '../../src/report/index.js';
import { writeEvidenceFolder } from '../../src/report/synthetic-evidence.js';
import { largeHost } from '../../src/report/synthetic-hosts.js';
import { loadIdentity } from '../../src/signing/index.js';

// The 10,000-connection host: size, completeness and layout. Timing is printed, not asserted
// (`npm run bench` holds the figure against its target).
let work: string;
let result: ReportResult;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-large-'));
  const configDir = join(work, 'cfg');
  await loadIdentity({ examiner: 'Dana Scully', configDir });
  const dir = writeEvidenceFolder(work, largeHost(10_000));
  result = await buildReport(dir, { configDir });
  console.log(`10,000 connections: ${(result.durations.totalMs / 1000).toFixed(1)} s total (html ${(result.durations.htmlMs / 1000).toFixed(1)} s, pdf ${(result.durations.pdfMs / 1000).toFixed(1)} s, sign ${result.durations.signMs.toFixed(0)} ms), ${result.pages} pages, ${(result.bytes / 1048576).toFixed(2)} MiB`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a host with 10,000 connections', () => {
  it('gives a signed PDF under 5 MB', () => {
    expect(result.bytes).toBeLessThan(5_000_000);
    const sig = execFileSync('pdfsig', [result.pdf], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
  });

  it('lists every connection, each row whole on one page, under a repeated header', () => {
    const pages = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\f');
    // Rows of 1,000+ groups print as text rows: a marked row carries its finding ids on the same line.
    const row = /^\s*(?:[◔◑◕●○] [A-Z]+(?: F-\d+(?:, F-\d+)*)?\s+)?tcp6?\s+\S+:\d+\s+\S+:(?:\d+|\*)\s+[A-Z_0-9]+\s+\d+\s+\S+\s+(\d+)\s*$/;
    const seen = new Set<number>();
    let pagesWithRows = 0;
    let printedRows = 0;
    for (const page of pages) {
      const lines = page.split('\n');
      const rows = lines.map((l) => row.exec(l)).filter((m): m is RegExpExecArray => m !== null);
      if (rows.length === 0) continue;
      pagesWithRows++;
      // The table header is on every page that holds connection rows.
      expect(page).toMatch(/Mark\s+Proto\s+Local address\s+Remote address\s+State\s+PID\s+Process\s+Line/);
      for (const m of rows) seen.add(Number(m[1]));
      printedRows += rows.length;
    }
    expect(seen.size).toBe(10_000);
    expect(printedRows).toBe(10_000); // none printed twice where a run of rows continues on the next page
    expect(pagesWithRows).toBeGreaterThan(100);
    expect(result.tagged).toBe(false);
  });

  // Printed in three parts side by side (before the connections, the connections, after) and joined.
  it('numbers every page of the joined PDF in order, with the right total, and keeps the running header', () => {
    const info = execFileSync('pdfinfo', [result.pdf], { encoding: 'utf8' });
    expect(info).toMatch(new RegExp(`^Pages:\\s+${result.pages}$`, 'm'));
    const pages = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\f').slice(0, result.pages);
    expect(pages).toHaveLength(result.pages);
    pages.forEach((page, i) => {
      const footers = [...page.matchAll(/Page (\d+) of (\d+)/g)].map((m) => `${m[1]}/${m[2]}`);
      expect(footers, `page ${i + 1}`).toEqual([`${i + 1}/${result.pages}`]);
      expect(page).toContain(`Report ${result.reportId} · Page ${i + 1} of ${result.pages}`);
      if (i > 0) expect(page).toMatch(/^\s*netcustody forensic report\s+Report NCR-/);
    });
    // Each part starts on a new page: the connections section opens its page, the processes section too.
    const opens = (title: RegExp): number => pages.findIndex((p) => title.test(p.split('\n').filter((l) => l.trim()).slice(0, 2).join('\n')));
    expect(opens(/5\s+Connections and routes/)).toBeGreaterThan(1);
    expect(opens(/6\s+Processes/)).toBeGreaterThan(opens(/5\s+Connections and routes/));
  });

  it("keeps the cover's links to sections in other parts, each to the page the section starts on", () => {
    const pages = execFileSync('pdftotext', ['-layout', result.pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 }).split('\f');
    const dests = new Map(
      [...execFileSync('pdfinfo', ['-dests', result.pdf], { encoding: 'utf8' }).matchAll(/^\s*(\d+) \[.*\] "([^"]+)"$/gm)].map((m) => [m[2], Number(m[1])]),
    );
    const sections: [string, RegExp][] = [['summary', /Executive summary/], ['connections', /5\s+Connections and routes/], ['processes', /6\s+Processes/], ['appendix', /Appendix/]];
    for (const [id, heading] of sections) {
      const page = dests.get(id);
      expect(page, id).toBeGreaterThan(1);
      expect(pages[page! - 1], id).toMatch(heading);
    }
    // Links to every one of them are kept (the cover's contents point into the other parts).
    const links = execFileSync('python3', ['-c', LINK_TARGETS, result.pdf], { encoding: 'utf8' }).trim().split('\n');
    for (const [id] of sections) expect(links).toContain(id);
  });
});

// The named destinations the file's link annotations point at (pdfinfo does not list links).
const LINK_TARGETS = String.raw`
import re, sys, zlib
data = open(sys.argv[1], 'rb').read().decode('latin1')
print('\n'.join(sorted(set(re.findall(r'/Subtype /Link[^>]*?/Dest /([A-Za-z0-9_-]+)', data)))))
`;
