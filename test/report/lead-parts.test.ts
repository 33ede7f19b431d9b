import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PATHS, readJsonArray } from '../../src/evidence/folder.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { LEADS_PER_PART } from '../../src/report/view-leads.js';
import { importCapture, runCli, tempDir } from '../helpers/cli.js';

// A busy Windows host raises thousands of leads (100k sockets: ~5,000 leads, ~1,150 pages): the report
// may be cut between leads into print parts, printed side by side and joined. Every lead is printed
// once, the pages are numbered in order, and the signature covers the joined document.
describe('a report with more leads than one print part holds', () => {
  it('prints every lead once, numbers the joined pages in order, and is signed whole', async () => {
    const home = tempDir('nc-lead-parts-home-');
    const env = { NETCUSTODY_HOME: home };
    const { dir } = await importCapture(generateWindowsNetstat(30_000), { os: 'windows', command: 'netstat -anob', caseId: 'LEADS', env });
    const analysed = await runCli(['analyze', dir, '--examiner', 'T', '--quiet'], { env });
    expect(analysed.exitCode, analysed.stderr).toBe(0);
    const leads = readJsonArray<{ id: string }>(dir, PATHS.leads);
    expect(leads.length).toBeGreaterThan(LEADS_PER_PART); // else nothing is cut between leads
    const r = await runCli(['report', dir, '--examiner', 'T', '--json', '--quiet'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const { report: pdf, pages } = JSON.parse(r.stdout) as { report: string; pages: number };

    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 512 << 20 }).split('\f').slice(0, -1); // pdftotext ends every page with \f
    text.forEach((page, i) => expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`));
    // Lead headings, in reading order (-layout splits them), from section 4 on: the first page also
    // tells the most severe leads in sentences.
    const raw = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8', maxBuffer: 512 << 20 });
    const findings = raw.slice(raw.search(/^4 Findings$/m));
    expect(findings.length).toBeLessThan(raw.length);
    const heads = new Map<string, number>();
    for (const m of findings.matchAll(/Lead (L-\d+)/g)) heads.set(m[1]!, (heads.get(m[1]!) ?? 0) + 1);
    expect(text.length).toBe(pages);
    for (const l of leads) expect(heads.get(l.id), l.id).toBe(1);
    expect(heads.size).toBe(leads.length);

    const sig = execFileSync('pdfsig', [pdf], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
  }, 300_000);
});
