import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PATHS, readJsonArray } from '../../src/evidence/folder.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { COMPACT_ROWS_PER_PART, DENSE_LEADS } from '../../src/report/view-compact.js';
import { importCapture, runCli, tempDir } from '../helpers/cli.js';

// A busy Windows host raises thousands of leads (100k stress sockets: 6,281 leads): the serious ones
// print in full, the rest as compact rows by rule (view-compact.ts), and the compact part may be cut
// into print parts, printed side by side and joined. Every lead is printed once, the pages are
// numbered in order, and the signature covers the joined document.
describe('a report with more compact rows than one print part holds', () => {
  it('prints every lead once, numbers the joined pages in order, and is signed whole', async () => {
    const home = tempDir('nc-lead-parts-home-');
    const env = { NETCUSTODY_HOME: home };
    const { dir } = await importCapture(generateWindowsNetstat(36_000), { os: 'windows', command: 'netstat -anob', caseId: 'LEADS', env });
    const analysed = await runCli(['analyze', dir, '--examiner', 'T', '--quiet'], { env });
    expect(analysed.exitCode, analysed.stderr).toBe(0);
    const leads = readJsonArray<{ id: string; severity: string; suppressed?: boolean; findings: string[] }>(dir, PATHS.leads);
    const serious = leads.filter((l) => !l.suppressed && ['critical', 'high', 'medium'].includes(l.severity));
    const compact = leads.filter((l) => !serious.includes(l));
    expect(leads.length).toBeGreaterThan(DENSE_LEADS);
    // Else nothing is cut inside the compact part.
    expect(compact.reduce((n, l) => n + l.findings.length, 0)).toBeGreaterThan(COMPACT_ROWS_PER_PART);
    const r = await runCli(['report', dir, '--examiner', 'T', '--json', '--quiet'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const { report: pdf, pages } = JSON.parse(r.stdout) as { report: string; pages: number };

    const layout = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 512 << 20 });
    const text = layout.split('\f').slice(0, -1); // pdftotext ends every page with \f
    expect(text.length).toBe(pages);
    text.forEach((page, i) => expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`));
    // Lead headings in reading order (-layout splits them), from section 4 to the compact part; the
    // first page also tells the most severe leads in sentences.
    const raw = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8', maxBuffer: 512 << 20 });
    const full = raw.slice(raw.search(/^4 Findings$/m), raw.search(/^Further leads in compact form, by rule$/m));
    expect(full.length).toBeGreaterThan(0);
    const heads = new Map<string, number>();
    for (const m of full.matchAll(/Lead (L-\d+)/g)) heads.set(m[1]!, (heads.get(m[1]!) ?? 0) + 1);
    for (const l of serious) expect(heads.get(l.id), l.id).toBe(1);
    expect(heads.size).toBe(serious.length);
    // Compact rows: a lead's id starts each row of its findings, across the parts' joins.
    const part = layout.slice(layout.search(/Further leads in compact form, by rule\n/), layout.search(/^\s*5\s+Connections and routes/m));
    const rows = new Map<string, number>();
    for (const m of part.matchAll(/^\s*(L-\d+) F-\d+/gm)) rows.set(m[1]!, (rows.get(m[1]!) ?? 0) + 1);
    for (const l of compact) expect(rows.get(l.id), l.id).toBe(l.findings.length);
    expect(rows.size).toBe(compact.length);

    const sig = execFileSync('pdfsig', [pdf], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
  }, 300_000);
});
