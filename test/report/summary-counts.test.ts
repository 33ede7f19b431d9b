// The executive summary's counts must be the lead file's: a host with more leads rated low or above
// than the first page tells (six) must not read "found 6 matters", and leads rated low must not be
// called "rated info". Checked in the signed PDF's text against leads.json.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonArray } from '../../src/evidence/folder.js';
import type { Lead } from '../../src/analyze/leads.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { DENSE_LEADS } from '../../src/report/view-compact.js';
import { REPO, importAnalysed, runCli, tempDir } from '../helpers/cli.js';

const ABOVE_INFO = ['low', 'medium', 'high', 'critical'];
const flat = (text: string) => text.replace(/\s+/g, ' ');

async function summaryOf(files: string[], args: string[]): Promise<{ text: string; leads: Lead[] }> {
  const dir = await importAnalysed(files, args, 'SUMMARY', files[0]!.replace(/\/[^/]*$/, ''));
  const r = await runCli(['report', dir, '--quiet']);
  expect(r.exitCode, r.stderr).toBe(0);
  const text = execFileSync('pdftotext', ['-f', '1', '-l', '4', '-layout', join(dir, 'report/report.pdf'), '-'], { encoding: 'utf8' });
  return { text: flat(text), leads: readJsonArray<Lead>(dir, 'leads.json').filter((l) => !l.suppressed) };
}

describe('executive summary counts', () => {
  // 2,000 sockets: ~160 leads, each printed in full; 3,000: ~240, past DENSE_LEADS (the low ones compact).
  it.each([2000, 3000])('a host with hundreds of leads (%i sockets): the count of matters, the six told, the further ones by their real rating', async (sockets) => {
    const work = tempDir('nc-summary-');
    const file = join(work, 'netstat.txt');
    writeFileSync(file, generateWindowsNetstat(sockets));
    const { text, leads } = await summaryOf([file], ['--command', 'netstat -anob', '--os', 'windows']);
    const attention = leads.filter((l) => ABOVE_INFO.includes(l.severity)).length;
    const info = leads.length - attention;
    expect(attention).toBeGreaterThan(6);
    expect(text).toContain(`The automated analysis found ${attention.toLocaleString('en-US')} matters worth the examiner's attention`);
    if (leads.length <= DENSE_LEADS) {
      expect(text).toContain('The 6 most severe are told here; all are listed in section 4.');
      expect(text).toContain(`${(attention - 6).toLocaleString('en-US')} further leads rated low or above are listed in section 4`);
      expect(text).not.toContain('compact form');
    } else {
      const compact = leads.filter((l) => l.suppressed || !['critical', 'high', 'medium'].includes(l.severity)).length;
      expect(text).toContain(`The 6 most severe are told here; all are listed in section 4, the ${compact.toLocaleString('en-US')} rated lowest in compact form (see below).`);
      expect(text).toContain(`Section 4 prints the ${(leads.length - compact).toLocaleString('en-US')} leads rated medium or above in full; the other ${compact.toLocaleString('en-US')} leads (all rated low) follow in compact form`);
    }
    if (info > 0) expect(text).toMatch(new RegExp(`${info.toLocaleString('en-US')} further leads? (is|are) rated info`));
    else expect(text).not.toContain('rated info');
  }, 180_000);

  it('a host with a few leads: all of them told, no "most severe" cut and no further-leads line', async () => {
    const work = tempDir('nc-summary-few-');
    const scenario = join(REPO, 'fixtures/scenarios/windows-srss-backdoor');
    const file = join(work, 'netstat-anob.txt');
    writeFileSync(file, execFileSync('cat', [join(scenario, 'netstat-anob.txt')]));
    const { text, leads } = await summaryOf([file], ['--command', 'netstat -anob', '--os', 'windows']);
    const attention = leads.filter((l) => ABOVE_INFO.includes(l.severity)).length;
    expect(attention).toBeGreaterThan(0);
    expect(attention).toBeLessThanOrEqual(6);
    expect(text).toMatch(new RegExp(`The automated analysis found ${attention === 1 ? '1 matter' : `${attention} matters`} worth`));
    expect(text).not.toContain('most severe are told here');
    expect(text).not.toContain('rated low or above are listed');
  }, 180_000);
});
