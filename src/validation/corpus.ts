// The tool validation data: every shipped scenario and every real sample is imported and analysed
// exactly as `netcustody import` + `analyze` would, and each rule's result is compared with what the
// corpus expects. The output is deterministic (no times, no temp paths) so that a test can check the
// shipped file is current, and the report can print it as the validation statement.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RULES } from '../analyze/rules/index.js';
import { importFiles } from '../collect/import.js';
import { sha256FileSync } from '../evidence/files.js';
import { SEVERITIES, type Finding, type Severity } from '../model.js';
import { analyzeStage } from '../pipeline/analyze.js';
import { findExpectedLead, listScenarios, SCENARIO_ROOT, unexpectedLeads } from '../pipeline/demo.js';
import type { Lead } from '../analyze/leads.js';
import { PACKAGE_ROOT, TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { CaseResult, ExpectedResult, RuleResult, ValidationData } from './types.js';

export const VALIDATION_DIR = join(PACKAGE_ROOT, 'fixtures/validation');
export const VALIDATION_FILE = join(VALIDATION_DIR, 'validation.json');
/** Real outputs of other machines, beside the checkout (CI has them there). */
export const SAMPLES_ROOT = process.env.NETCUSTODY_SAMPLES ?? resolve(PACKAGE_ROOT, '../shared/samples');

interface SampleSpec {
  name: string;
  files: string[];
  expectRules: string[];
  maxHighOrCritical: number;
}

const atLeast = (s: Severity, min: Severity) => SEVERITIES.indexOf(s) >= SEVERITIES.indexOf(min);
const highest = (list: Finding[]): Severity | null => list.reduce<Severity | null>((m, f) => (m === null || atLeast(f.severity, m) ? f.severity : m), null);

async function analyseFiles(work: string, name: string, files: { path: string; command: string | null }[], host: string): Promise<{ findings: Finding[]; leads: Lead[]; counts: { connections: number; routes: number; unparsedLines: number } }> {
  let into: string | null = null;
  for (const f of files) {
    const r = await importFiles([f.path], { out: work, caseId: `VALIDATION-${name}`, examiner: 'netcustody validation', command: f.command, host, into });
    into = r.dir;
  }
  const a = await analyzeStage(into!, { actor: 'netcustody validation' });
  return { findings: a.output.findings.filter((f) => !f.suppressed), leads: a.output.leads, counts: a.counts };
}

function findingCounts(findings: Finding[]): CaseResult['findings'] {
  const map = new Map<string, number>();
  for (const f of findings) map.set(`${f.rule}|${f.severity}`, (map.get(`${f.rule}|${f.severity}`) ?? 0) + 1);
  return [...map.entries()].map(([k, count]) => ({ rule: k.split('|')[0], severity: k.split('|')[1] as Severity, count })).sort((a, b) => a.rule.localeCompare(b.rule) || SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity));
}

async function scenarioCases(work: string): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const s of listScenarios()) {
    const files = s.files.map((f) => ({ path: join(SCENARIO_ROOT, s.name, f.file), command: f.command }));
    const { findings, leads, counts } = await analyseFiles(work, s.name, files, s.host);
    // A scenario expects leads (one per actor); each rule the lead must carry is one expectation,
    // judged by the lead's severity (set once from all its findings).
    const expected: ExpectedResult[] = s.expectedLeads.flatMap((e) => {
      const lead = findExpectedLead(e, leads);
      return e.rules.map((rule): ExpectedResult => {
        const got = lead ? lead.severity : null;
        return { rule, pid: e.pid ?? null, process: e.process ?? null, minSeverity: e.severity, got, result: got === null ? 'missed' : atLeast(got, e.severity) ? 'detected' : 'below expected severity' };
      });
    });
    const onBenign = unexpectedLeads(s, leads);
    out.push({
      kind: 'scenario',
      name: s.name,
      title: s.title,
      files: files.map((f) => ({ path: f.path.slice(PACKAGE_ROOT.length + 1), sha256: sha256FileSync(f.path) })),
      parsed: counts,
      expected,
      benignRaised: onBenign.flatMap((l) => l.rules.map((rule) => ({ rule, pid: l.pid, severity: l.severity }))),
      maxHighOrCritical: null,
      highOrCritical: findings.filter((f) => atLeast(f.severity, 'high')).length,
      findings: findingCounts(findings),
      result: expected.every((e) => e.result === 'detected') && onBenign.length === 0 ? 'pass' : 'fail',
    });
  }
  return out;
}

async function sampleCases(work: string): Promise<CaseResult[]> {
  if (!existsSync(SAMPLES_ROOT)) return [];
  const specs = (JSON.parse(readFileSync(join(VALIDATION_DIR, 'samples.json'), 'utf8')) as { samples: SampleSpec[] }).samples;
  const out: CaseResult[] = [];
  for (const s of specs) {
    const files = s.files.map((f) => ({ path: join(SAMPLES_ROOT, f), command: null }));
    const { findings, counts } = await analyseFiles(work, s.name, files, s.name);
    const expected: ExpectedResult[] = s.expectRules.map((rule) => {
      const got = highest(findings.filter((f) => f.rule === rule));
      return { rule, pid: null, process: null, minSeverity: 'info', got, result: got === null ? 'missed' : 'detected' };
    });
    const highOrCritical = findings.filter((f) => atLeast(f.severity, 'high')).length;
    out.push({
      kind: 'sample',
      name: s.name,
      title: `real ${s.name} output (jc project fixtures)`,
      files: s.files.map((f) => ({ path: `samples/${f}`, sha256: sha256FileSync(join(SAMPLES_ROOT, f)) })),
      parsed: counts,
      expected,
      benignRaised: [],
      maxHighOrCritical: s.maxHighOrCritical,
      highOrCritical,
      findings: findingCounts(findings),
      result: expected.every((e) => e.result === 'detected') && highOrCritical <= s.maxHighOrCritical ? 'pass' : 'fail',
    });
  }
  return out;
}

function ruleResults(cases: CaseResult[]): RuleResult[] {
  return RULES.map(({ meta }) => {
    const exp = cases.flatMap((c) => c.expected.filter((e) => e.rule === meta.id));
    const raised = cases.reduce((n, c) => n + c.findings.filter((f) => f.rule === meta.id).reduce((m, f) => m + f.count, 0), 0);
    const onBenign = cases.reduce((n, c) => n + c.benignRaised.filter((b) => b.rule === meta.id).length, 0);
    const detected = exp.filter((e) => e.result === 'detected').length;
    const status: RuleResult['status'] = exp.length === 0 ? (raised === 0 ? 'not exercised' : 'no expected case') : detected === exp.length && onBenign === 0 ? 'validated' : 'failed';
    return { rule: meta.id, title: meta.title, expectedCases: exp.length, detected, missed: exp.length - detected, raised, raisedOnBenign: onBenign, status };
  });
}

/** Limitations that follow from the data itself (the report adds nothing hand-written to them). */
function limitations(cases: CaseResult[], rules: RuleResult[], samplesPresent: boolean): string[] {
  const out: string[] = [];
  const count = (s: RuleResult['status']) => rules.filter((r) => r.status === s).length;
  out.push(`${count('validated')} of ${rules.length} rules have an expected case in this corpus and found it; ${count('no expected case')} raised findings without an expected case to compare with, and ${count('not exercised')} raised nothing on it (their unit tests are the only check).`);
  const failed = cases.filter((c) => c.result === 'fail').map((c) => c.name);
  if (failed.length) out.push(`Cases that did not meet their expectation: ${failed.join(', ')}.`);
  const unparsed = cases.filter((c) => c.parsed.unparsedLines > 0);
  if (unparsed.length) out.push(`Lines not understood in the corpus: ${unparsed.map((c) => `${c.name} ${c.parsed.unparsedLines}`).join(', ')}.`);
  if (!samplesPresent) out.push('The real samples were not available when this file was generated: only the shipped scenarios were run.');
  out.push(`The corpus has ${cases.filter((c) => c.kind === 'scenario').length} scenarios and ${cases.filter((c) => c.kind === 'sample').length} real samples; a rule that passes here may still miss or misjudge what no case shows.`);
  return out;
}

export async function runValidation(): Promise<ValidationData> {
  const work = mkdtempSync(join(tmpdir(), 'netcustody-validation-'));
  try {
    const cases = [...(await scenarioCases(work)), ...(await sampleCases(work))];
    const rules = ruleResults(cases);
    return {
      about: 'Generated by `npm run validation` (src/validation): each case imported and analysed as `netcustody import` and `analyze` do; the test suite checks that this file is what the current rules produce.',
      tool: `${TOOL_NAME} ${TOOL_VERSION}`,
      cases,
      rules,
      limitations: limitations(cases, rules, existsSync(SAMPLES_ROOT)),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
