import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCustody, verifyCustodyFile } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { buildReport, launchPrintBrowser, verifyPdfSignature, type PrintBrowser, type ReportResult } from '../../src/report/index.js';
import { writeEvidenceFolder } from '../../src/report/synthetic-evidence.js';
import { HOSTILE_NAMES, linuxHostileHost, windowsSeedHost } from '../../src/report/synthetic-hosts.js';
import { DEFAULT_TEMPLATE_DIR } from '../../src/report/templates.js';
import { escapeHtml, visible } from '../../src/report/visible.js';

let work: string;
let printer: PrintBrowser;
let configDir: string;
const now = new Date('2025-03-14T10:00:00Z');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nc-report-'));
  configDir = join(work, 'cfg');
  printer = await launchPrintBrowser();
});
afterAll(async () => {
  await printer?.close();
  rmSync(work, { recursive: true, force: true });
});

function pdfText(pdf: string, extra: string[] = []): string {
  return execFileSync('pdftotext', ['-layout', ...extra, pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

function pageTexts(pdf: string): string[] {
  return pdfText(pdf).split('\f').filter((p) => p.trim() !== '');
}

describe('report of the Windows seed case', () => {
  let dir: string;
  let result: ReportResult;
  beforeAll(async () => {
    dir = writeEvidenceFolder(join(work, 'win'), windowsSeedHost());
    result = await buildReport(dir, { browser: printer, configDir, now, reportId: 'NCR-TEST-0001' });
  });

  it('writes report.html and a PDF that pdfsig reports valid over the total document', () => {
    expect(result.html).toBe(join(dir, 'report/report.html'));
    const out = spawnSync('pdfsig', [result.pdf], { encoding: 'utf8' }).stdout;
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Dana Scully');
    expect(sha256Hex(readFileSync(result.pdf))).toBe(result.pdfSha256);
    expect(verifyPdfSignature(readFileSync(result.pdf))).toMatchObject({ ok: true, coversWholeFile: true, signerCert: { fingerprint: result.signer.fingerprint } });
    expect(result.signer.selfSigned).toBe(true);
    expect(result.warnings.join(' ')).toContain('SELF-SIGNED');
    expect(result.blockedRequests).toEqual([]);
  });

  it('has the report id and "Page X of Y" on every page and ends with the end marker', () => {
    const pages = pageTexts(result.pdf);
    expect(pages.length).toBe(result.pages);
    pages.forEach((text, i) => {
      expect(text).toContain('NCR-TEST-0001');
      expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    expect(pages[pages.length - 1]).toContain('End of report NCR-TEST-0001');
  });

  it('contains every section of the issue, in order', () => {
    const text = pdfText(result.pdf);
    const sections = ['DIGITAL FORENSIC REPORT', '1 Executive summary', '2 Evidence inventory', '3 Methodology and limitations', '4 Findings', '5 Connections and routes', '6 Processes', '7 Chain of custody', '8 Verification', 'Appendix A — raw outputs'];
    let at = 0;
    for (const s of sections) {
      const next = text.indexOf(s, at);
      expect(next, s).toBeGreaterThanOrEqual(0);
      at = next;
    }
    for (const s of ['CASE-2025-0042', 'WS-FIN-07', 'Dana Scully', 'Northbridge Digital Forensics Lab', 'SELF-SIGNED', 'results relate only to the items examined', 'sha256sum -c SHA256SUMS', 'openssl cms -verify', 'pdfsig report/report.pdf', 'w32tm']) {
      expect(text).toContain(s);
    }
  });

  it('quotes the evidence line of a finding exactly with artifact and line number', () => {
    const raw = readFileSync(join(dir, 'raw/01-netstat-anob.stdout'), 'utf8').split('\r\n');
    const line = raw.findIndex((l) => l.includes(':1337') && l.includes('LISTENING')) + 1;
    const text = pdfText(result.pdf, ['-raw']);
    expect(text).toContain(`raw/01-netstat-anob.stdout:${line}`);
    expect(text).toContain(raw[line - 1].trim().replace(/\s+/g, ' ').split(' ').slice(0, 2).join(' '));
    const html = readFileSync(result.html, 'utf8');
    // Exact bytes of the line, whitespace included, inside the quote block.
    expect(html).toContain(`<pre>${raw[line - 1]}</pre>`);
    expect(text).toMatch(/HIGH\s+F-0001\s+Process name imitates a Windows system process/);
    expect(text).toContain('srss.exe');
  });

  it('marks the rows a finding points at in the connection and route tables', () => {
    const html = readFileSync(result.html, 'utf8');
    const marked = html.match(/<tr class="marked m-[a-z]+">/g) ?? [];
    // 0.0.0.0:1337, 445, the established 1337 connection, the default route, and process srss.exe.
    expect(marked.length).toBe(5);
    const text = pdfText(result.pdf);
    expect(text).toMatch(/◕ HIGH\s+TCP\s+0\.0\.0\.0:1337/);
  });

  it('appends one "report published" event with both hashes and the report id to a custody chain that still verifies', () => {
    const published = readCustody(dir).at(-1)!;
    expect(published).toMatchObject({ action: 'report published', object: 'report/report.pdf', sha256: result.pdfSha256 });
    expect(published.details).toMatchObject({
      reportId: result.reportId,
      html: { path: 'report/report.html', sha256: result.htmlSha256 },
      pdf: { path: 'report/report.pdf', sha256: result.pdfSha256, pages: result.pages },
      selfSigned: true,
    });
    expect(verifyCustodyFile(dir).ok).toBe(true);
  });

  it('reads well as text: pdftotext finds the tables', () => {
    const text = pdfText(result.pdf);
    expect(text).toMatch(/0\.0\.0\.0:135\s+0\.0\.0\.0:0\s+LISTENING\s+1004\s+svchost\.exe/);
    expect(text).toMatch(/0\.0\.0\.0\/0\s+192\.168\.56\.1/);
  });
});

describe('hostile host data', () => {
  let dir: string;
  let result: ReportResult;
  beforeAll(async () => {
    dir = writeEvidenceFolder(join(work, 'lin'), linuxHostileHost());
    result = await buildReport(dir, { browser: printer, configDir, now });
  });

  it('shows the hostile names literally in the PDF text, controls as markers', () => {
    const text = pdfText(result.pdf, ['-raw']);
    for (const literal of ['<script>alert(1)</script>', '</td></tr>', '{{constructor}}', '"><img src=http://x>', 'red\\u001B[31mALERT\\u001B[0m', 'invoice\\u202Egnp.exe', 'nul\\u0000byte\\u0007bell', 'svc\\u200Bhost', 'tun\\u202E0']) {
      expect(text, literal).toContain(literal);
    }
    // No raw control or bidi character reached the page.
    expect(text).not.toMatch(/[\u0000\u0007\u001b\u202e\u200b]/);
  });

  it('never lets host markup become markup: no request left the page', () => {
    expect(result.blockedRequests).toEqual([]);
    const html = readFileSync(result.html, 'utf8');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src&#x3D;http://x&gt;');
    expect(html).toContain('&lt;/td&gt;&lt;/tr&gt;');
    // Every hostile name is in the page, as escaped text with its controls made visible.
    for (const name of HOSTILE_NAMES) expect(html).toContain(escapeHtml(visible(name)));
    expect(html).not.toMatch(/[\u0000\u0007\u001b\u202e\u200b]/);
  });

  it('lists the unparsed line and the non-privileged limitations', () => {
    const text = pdfText(result.pdf, ['-raw']);
    expect(text).toContain('Lines not understood (1)');
    expect(text).toContain('tcp6 \\u001B[2J <b>unreadable</b> \\u202E line');
    expect(text).toContain('not root: netstat -p shows no PID/program');
    expect(text).toContain('without administrative privileges');
  });

  it('puts the raw outputs verbatim in the appendix, stderr included', () => {
    const text = pdfText(result.pdf, ['-raw']);
    const appendix = text.slice(text.indexOf('Appendix A — raw outputs', text.indexOf('8 Verification')));
    expect(appendix).toContain('netstat -tuanp — standard output');
    expect(appendix).toContain('netstat -tuanp — standard error');
    expect(appendix).toContain('you would have to be root to see it all.)');
    expect(appendix).toContain('default via 10.20.0.1 dev eth0 proto dhcp metric 100');
  });
});

describe('options', () => {
  it('prints US Letter with --paper letter and cuts large raw files in the appendix', async () => {
    const dir = writeEvidenceFolder(join(work, 'letter'), windowsSeedHost());
    const r = await buildReport(dir, { browser: printer, configDir, now, paper: 'letter', rawAppendixLimitBytes: 300 });
    expect(execFileSync('pdfinfo', [r.pdf], { encoding: 'utf8' })).toMatch(/Page size:\s+612 x 792 pts \(letter\)/);
    const text = pdfText(r.pdf, ['-raw']);
    expect(text).toMatch(/Shown: lines 1–\d+ of \d+/);
    expect(text).toContain('The complete output is raw/01-netstat-anob.stdout in the bundle');
  });

  it('renders with another template folder (--template DIR) and counts blocked requests', async () => {
    const custom = join(work, 'lab-template');
    cpSync(DEFAULT_TEMPLATE_DIR, custom, { recursive: true });
    const cover = join(custom, 'partials/cover.hbs');
    // A lab letterhead with a remote logo: the renderer must block it, and still print.
    writeFileSync(cover, `<div class="letterhead">ACME Forensics GmbH — Letterhead<img src="http://letterhead.invalid/logo.png" alt="logo"></div>\n${readFileSync(cover, 'utf8')}`);
    appendFileSync(join(custom, 'report.css'), '\n.letterhead { font-size: 14pt; }\n@import url("http://fonts.invalid/x.css");\n');
    const dir = writeEvidenceFolder(join(work, 'tpl'), windowsSeedHost());
    const r = await buildReport(dir, { browser: printer, configDir, now, templateDir: custom });
    expect(pdfText(r.pdf)).toContain('ACME Forensics GmbH — Letterhead');
    expect(r.blockedRequests).toContain('http://letterhead.invalid/logo.png');
    expect(r.warnings.join(' ')).toMatch(/blocked/);
    expect(readCustody(dir).at(-1)?.details).toMatchObject({ template: custom, blockedRequests: r.blockedRequests.length });
  });

  it('refuses a template folder without report.hbs and a template using an unknown field (strict mode)', async () => {
    const dir = writeEvidenceFolder(join(work, 'strict'), windowsSeedHost());
    const empty = mkdtempSync(join(work, 'empty-'));
    await expect(buildReport(dir, { browser: printer, configDir, templateDir: empty })).rejects.toThrow(/report\.hbs is missing/);
    const typo = join(work, 'typo-template');
    cpSync(DEFAULT_TEMPLATE_DIR, typo, { recursive: true });
    writeFileSync(join(typo, 'report.hbs'), '<html><body>{{meta.caseIdd}}</body></html>');
    await expect(buildReport(dir, { browser: printer, configDir, templateDir: typo })).rejects.toThrow(/caseIdd/);
  });

  it('says so when the custody chain is broken', async () => {
    const dir = writeEvidenceFolder(join(work, 'broken'), windowsSeedHost());
    const path = join(dir, 'custody.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = lines[2].replace('artifact captured', 'artifact c4ptured');
    writeFileSync(path, lines.join('\n'));
    const r = await buildReport(dir, { browser: printer, configDir, now });
    const text = pdfText(r.pdf);
    expect(text).toContain('THE HASH CHAIN IS BROKEN at line 4');
    expect(text).toContain('BROKEN — see section 7');
  });
});
