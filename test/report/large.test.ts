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
    for (const page of pages) {
      const lines = page.split('\n');
      const rows = lines.map((l) => row.exec(l)).filter((m): m is RegExpExecArray => m !== null);
      if (rows.length === 0) continue;
      pagesWithRows++;
      // The table header is on every page that holds connection rows.
      expect(page).toMatch(/Mark\s+Proto\s+Local address\s+Remote address\s+State\s+PID\s+Process\s+Line/);
      for (const m of rows) seen.add(Number(m[1]));
    }
    expect(seen.size).toBe(10_000);
    expect(pagesWithRows).toBeGreaterThan(100);
    expect(result.tagged).toBe(false);
  });
});
