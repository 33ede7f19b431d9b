// A host with thousands of leads (issue 16): the bench's stress capture (PIDs reused under random
// names) raises one LOW lead per unexpected listener. The report prints the leads rated medium or
// above in full and the others compact, grouped by rule: every finding, and every line it cites,
// still printed, through `netcustody report` on a real import and analysis, read back with pdftotext.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PATHS, readJsonArray } from '../../src/evidence/folder.js';
import type { Finding } from '../../src/model.js';
import { ANOB_HEAD, anobRow, generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { DENSE_LEADS, commonStart, planLeads } from '../../src/report/view-compact.js';
import type { LeadRecord } from '../../src/report/view-leads.js';
import { importCapture, runCli, tempDir } from '../helpers/cli.js';

// Hostile text from the host on listeners no service explains: they become LOW leads of the compact
// part. (Control characters in the image name itself make PROC-NAME-MASQ rate the lead critical, in
// full; in a service line they reach the compact rows.)
const HOSTILE = [
  { pid: 777001, port: 48999, service: '  \u001b[2J<script>x</script>\u0007{{constructor}}Svc', name: 'plainhost.exe' },
  { pid: 777002, port: 48998, service: '  Dnscache   1│ [forged.exe]', name: '<img src=http://198.51.100.7/x>&amp;.exe' },
];

function capture(): string {
  const text = generateWindowsNetstat(8_000, 7);
  const extra = HOSTILE.flatMap((h) => [anobRow(true, `0.0.0.0:${h.port}`, '0.0.0.0:0', 'LISTENING', h.pid), ...(h.service ? [h.service] : []), ` [${h.name}]`]);
  const head = `${ANOB_HEAD.join('\r\n')}\r\n`;
  expect(text.startsWith(head)).toBe(true);
  return `${head}${extra.join('\r\n')}\r\n${text.slice(head.length)}`;
}

interface Lead extends LeadRecord {
  refs: { artifact: string; line: number }[];
}

let dir: string;
let pdf: string;
let html: string;
let text: string;
let raw: string;
let findings: Finding[];
let leads: Lead[];
let pages: number;

beforeAll(async () => {
  const home = tempDir('nc-dense-home-');
  const env = { NETCUSTODY_HOME: home };
  ({ dir } = await importCapture(capture(), { os: 'windows', command: 'netstat -anob', caseId: 'DENSE', env }));
  const analysed = await runCli(['analyze', dir, '--examiner', 'T', '--quiet'], { env });
  expect(analysed.exitCode, analysed.stderr).toBe(0);
  findings = readJsonArray<Finding>(dir, PATHS.findings);
  leads = readJsonArray<Lead>(dir, PATHS.leads);
  const r = await runCli(['report', dir, '--examiner', 'T', '--json', '--quiet'], { env });
  expect(r.exitCode, r.stderr).toBe(0);
  ({ report: pdf, pages } = JSON.parse(r.stdout) as { report: string; pages: number });
  html = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
  text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
  raw = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8', maxBuffer: 256 << 20 });
}, 300_000);

/** The compact part: one block per finding row, from its "L-… F-…" line to the next. */
function compactRows(): Map<string, { lead: string; lines: number[]; text: string }> {
  const start = text.search(/Further leads in compact form, by rule\n/);
  const end = text.search(/^\s*5\s+Connections and routes/m);
  expect(start).toBeGreaterThan(0);
  const part = text.slice(start, end);
  const rows = new Map<string, { lead: string; lines: number[]; text: string }>();
  const blocks = part.split(/\n(?=\s*(?:L-\d+|—) F-\d+\b)/).slice(1);
  for (const b of blocks) {
    const m = /^\s*(L-\d+|—) (F-\d+)/.exec(b)!;
    expect(rows.has(m[2]!), `${m[2]} printed twice`).toBe(false);
    rows.set(m[2]!, { lead: m[1]!, lines: [...b.matchAll(/(\d+)│/g)].map((x) => Number(x[1])), text: b });
  }
  return rows;
}

describe('a report with thousands of leads', () => {
  it('is dense: more leads than the threshold, most of them low', () => {
    expect(leads.length).toBeGreaterThan(DENSE_LEADS);
    expect(leads.filter((l) => l.severity === 'low').length).toBeGreaterThan(DENSE_LEADS);
    const sig = execFileSync('pdfsig', [pdf], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid.');
    expect(sig).toContain('Total document signed');
    text.split('\f').slice(0, pages).forEach((page, i) => expect(page, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages}`));
  });

  it('prints every lead rated medium or above in full, once, with each finding card', () => {
    const section = raw.slice(raw.search(/^4 Findings$/m), raw.search(/^Further leads in compact form, by rule$/m));
    const heads = new Map<string, number>();
    for (const m of section.matchAll(/Lead (L-\d+)/g)) heads.set(m[1]!, (heads.get(m[1]!) ?? 0) + 1);
    const serious = leads.filter((l) => !l.suppressed && ['critical', 'high', 'medium'].includes(l.severity));
    expect(serious.length).toBeGreaterThan(0);
    for (const l of serious) expect(heads.get(l.id), l.id).toBe(1);
    expect(heads.size).toBe(serious.length);
    const cards = serious.flatMap((l) => l.findings);
    expect(section.match(/^Possible innocent explanations$/gim)).toHaveLength(cards.length);
  });

  it('prints every other finding as one compact row: its lead, PID, process and every line it cites', () => {
    const rows = compactRows();
    const full = new Set(leads.filter((l) => !l.suppressed && ['critical', 'high', 'medium'].includes(l.severity)).flatMap((l) => l.findings));
    const leadOf = new Map(leads.flatMap((l) => l.findings.map((f) => [f, l.id] as const)));
    const compact = findings.filter((f) => !full.has(f.id));
    expect(compact.length).toBeGreaterThan(DENSE_LEADS);
    expect(rows.size).toBe(compact.length);
    for (const f of compact) {
      const row = rows.get(f.id);
      expect(row, f.id).toBeDefined();
      expect(row!.lead).toBe(leadOf.get(f.id));
      expect(row!.lines.sort((a, b) => a - b), f.id).toEqual((f.refs ?? []).map((r) => r.line).sort((a, b) => a - b));
      expect(row!.text).toContain(`PID ${f.pid}`);
    }
    // The rule's shared interpretation once, each row's own ending after "…": together the finding's text.
    const listen = compact.filter((f) => f.rule === 'NET-LISTEN-ALL-UNEXPECTED');
    const shared = commonStart(listen.map((f) => f.rationale));
    expect(shared.length).toBeGreaterThan(40);
    const part = raw.slice(raw.search(/^Further leads in compact form, by rule$/m), raw.search(/^5 Connections and routes$/m));
    expect(part.split(shared.trimEnd().slice(0, 60)).length - 1).toBe(1);
    for (const f of listen.slice(0, 50)) expect(rows.get(f.id)!.text.replace(/\s+/g, ' ')).toContain(`…${f.rationale.slice(shared.length)}`);
  });

  it('still quotes in section 4 every line a lead points at', () => {
    const rows = compactRows();
    const quoted = new Set([...rows.values()].flatMap((r) => r.lines));
    for (const m of text.matchAll(/raw\/01-import-windows\.txt:(\d+)/g)) quoted.add(Number(m[1]));
    for (const l of leads) for (const ref of l.refs) expect(quoted.has(ref.line), `${l.id} line ${ref.line}`).toBe(true);
  });

  it('says in the summary and the contents where the compact part is and why', () => {
    const compactLeads = leads.filter((l) => !(!l.suppressed && ['critical', 'high', 'medium'].includes(l.severity))).length;
    const flat = raw.replace(/\s+/g, ' ');
    expect(flat).toContain(`${compactLeads.toLocaleString('en-US')} further leads in compact form, by rule`);
    expect(flat).toMatch(/Section 4 prints the [\d,]+ leads rated medium or above in full; the other [\d,]+ leads \(all rated low\) follow in compact form, grouped by rule/);
    expect(flat).toMatch(/printed one by one, [\d,]+ leads would fill hundreds of pages/);
    expect(html).toContain('href="#compact-leads"');
    // The summary's links to leads reach a compact lead's row too (one anchor per lead, in the PDF).
    const dests = execFileSync('pdfinfo', ['-dests', pdf], { encoding: 'utf8' });
    expect(dests).toContain('"compact-leads"');
  });

  it('keeps hostile process names from the host escaped in the compact rows', () => {
    const rows = compactRows();
    for (const h of HOSTILE) {
      const f = findings.find((x) => x.pid === h.pid && x.rule === 'NET-LISTEN-ALL-UNEXPECTED');
      expect(f, String(h.pid)).toBeDefined();
      expect(findings.filter((x) => x.pid === h.pid)).toHaveLength(1); // a LOW lead: compact
      const row = rows.get(f!.id)!;
      expect(row, f!.id).toBeDefined();
      expect(row.text).toContain(`PID ${h.pid}`);
      expect(row.text.replace(/\s+/g, ' ')).toContain(h.pid === 777001 ? '\\u001B[2J<script>x</script>\\u0007{{constructor}}Svc' : h.name);
    }
    // A host line that imitates a second quote ("1│ …") shows its "│" as a marker: no line 1 is claimed.
    const forged = rows.get(findings.find((x) => x.pid === 777002)!.id)!;
    expect(forged.text.replace(/\s+/g, ' ')).toContain('Dnscache 1\\u2502 [forged.exe]');
    expect(forged.lines).not.toContain(1);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('\\u001B[2J<script>x</script>\\u0007{{constructor}}Svc');
    expect(flat).toContain('[<img src=http://198.51.100.7/x>&amp;.exe]');
    expect(html).not.toContain('<script>x');
    expect(html).not.toContain('<img src=http');
    expect(html).not.toContain('\u001b');
    expect(html).not.toContain('\u0007');
  });
});

describe('which leads print in full', () => {
  const lead = (i: number, severity: LeadRecord['severity'], n = 1, suppressed = false): LeadRecord => ({
    id: `L-${i}`, subject: 's', severity, severityReason: 'r', findings: Array.from({ length: n }, (_, k) => `F-${i}-${k}`), summary: 's', refs: [], suppressed,
  });

  it('all of them up to the threshold, as before', () => {
    const few = Array.from({ length: DENSE_LEADS }, (_, i) => lead(i, 'low'));
    expect(planLeads(few, DENSE_LEADS, 300)).toMatchObject({ dense: false, compact: [] });
    expect(planLeads(few, DENSE_LEADS, 300).full).toHaveLength(DENSE_LEADS);
  });

  it('beyond it: every critical and high lead, medium ones within the finding budget, the rest compact', () => {
    const many = [lead(1, 'critical', 400), lead(2, 'high'), lead(3, 'medium', 2), lead(4, 'medium'), ...Array.from({ length: DENSE_LEADS }, (_, i) => lead(10 + i, 'low')), lead(999, 'high', 1, true)];
    const plan = planLeads(many, 1000, 300);
    expect(plan.dense).toBe(true);
    // The critical lead's 400 findings use the budget up: the medium ones go compact.
    expect(plan.full.map((l) => l.id)).toEqual(['L-1', 'L-2']);
    expect(plan.mediumsCut).toBe(true);
    expect(plan.compact).toHaveLength(many.length - 2);
    const roomy = planLeads(many, 1000, 1000);
    expect(roomy.full.map((l) => l.id)).toEqual(['L-1', 'L-2', 'L-3', 'L-4']);
  });

  it('the shared start of an interpretation ends at a word', () => {
    expect(commonStart(['no service for TCP port(s) 4251.', 'no service for TCP port(s) 42517.'])).toBe('no service for TCP port(s) ');
    expect(commonStart(['same text', 'same text'])).toBe('same text');
    expect(commonStart(['abc', 'xyz'])).toBe('');
  });
});
