import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importFiles } from '../collect/import.js';
import { writeNewFileSync } from '../evidence/files.js';
import { EvidenceError } from '../evidence/folder.js';
import { SEVERITIES, type Finding, type Severity } from '../model.js';
import type { Lead } from '../analyze/index.js';
import { PACKAGE_ROOT } from '../version.js';
import type { Progress } from './progress.js';
import { processEvidence, type PipelineOptions, type PipelineResult } from './run.js';

export const SCENARIO_ROOT = join(PACKAGE_ROOT, 'fixtures/scenarios');

/** A lead the analyzer must raise on the scenario: one actor, rated exactly `severity`. */
export interface ExpectedLead {
  /** The process's PID; route and peer leads are matched by kind and rules. */
  pid?: number;
  process?: string | null;
  kind?: 'process' | 'route' | 'peer' | 'listener' | 'host';
  severity: Severity;
  /** Rules that must be among the lead's findings. */
  rules: string[];
  where?: string;
  why?: string;
}

export interface Scenario {
  name: string;
  title: string;
  story: string;
  os: string;
  host: string;
  origin: string;
  files: { file: string; command: string }[];
  expectedLeads: ExpectedLead[];
  /** Every lead not listed above is rated at most this (a benign host: "low"). */
  otherLeadsAtMost: Severity;
}

/** The lead that meets an expectation, or null. */
export function findExpectedLead(e: ExpectedLead, leads: Lead[]): Lead | null {
  return (
    leads.find((l) => {
      if (l.suppressed) return false;
      if (e.pid !== undefined && l.pid !== e.pid) return false;
      if (e.kind !== undefined && l.kind !== e.kind) return false;
      return e.rules.every((r) => l.rules.includes(r));
    }) ?? null
  );
}

/** Leads the scenario does not list that are rated above its ceiling for the others. */
export function unexpectedLeads(scenario: Scenario, leads: Lead[]): Lead[] {
  const listed = new Set(scenario.expectedLeads.map((e) => findExpectedLead(e, leads)).filter((l): l is Lead => l !== null));
  const ceiling = SEVERITIES.indexOf(scenario.otherLeadsAtMost);
  return leads.filter((l) => !l.suppressed && !listed.has(l) && SEVERITIES.indexOf(l.severity) > ceiling);
}

export function listScenarios(root = SCENARIO_ROOT): Scenario[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'scenario.json')))
    .sort()
    .map((d) => JSON.parse(readFileSync(join(root, d, 'scenario.json'), 'utf8')) as Scenario);
}

export function findScenario(name: string): Scenario {
  const all = listScenarios();
  const s = all.find((x) => x.name === name);
  if (!s) throw new EvidenceError(`no scenario named "${name}"`, `available: ${all.map((x) => x.name).join(', ')} (netcustody demo --list)`, 2);
  return s;
}

export interface DemoOptions extends PipelineOptions {
  out: string;
  exercise?: boolean;
}

export interface DemoResult extends PipelineResult {
  scenario: Scenario;
  instructorKey: string | null;
}

/** import → analyze → report → bundle on a shipped scenario: no root, no network. */
export async function runDemo(name: string, options: DemoOptions, progress: Progress): Promise<DemoResult> {
  const scenario = findScenario(name);
  const dir = await progress.stage('import', async () => {
    let into: string | null = null;
    for (const f of scenario.files) {
      const r = await importFiles([join(SCENARIO_ROOT, scenario.name, f.file)], {
        out: options.out,
        caseId: options.exercise ? `EXERCISE-${scenario.name}` : `DEMO-${scenario.name}`,
        examiner: options.examiner,
        organisation: options.organisation,
        command: f.command,
        os: scenario.os,
        host: scenario.host,
        into,
      });
      into = r.dir;
    }
    return into!;
  });
  const result = await processEvidence(dir, { ...options, omitFindings: options.exercise }, progress);
  const instructorKey = options.exercise ? writeInstructorKey(scenario, result) : null;
  return { ...result, scenario, instructorKey };
}

/** The answers, kept outside the students' bundle: expected leads, their findings and where the evidence is. */
function writeInstructorKey(scenario: Scenario, result: PipelineResult): string {
  const path = `${result.bundle.zipPath.replace(/\.zip$/, '')}.instructor-key.md`;
  const leads = result.analysis.output.leads;
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const lines = [
    `# Instructor key — ${scenario.title}`,
    '',
    `Bundle: ${basename(result.bundle.zipPath)} (sha256 ${result.bundle.sha256})`,
    '',
    scenario.story,
    '',
    '## Expected leads',
    '',
  ];
  const findingLines = (lead: Lead): string[] =>
    lead.findings.map((id) => byId.get(id)).filter((f): f is Finding => f !== undefined).map((f) => `- ${f.severity.toUpperCase()} ${f.rule}: ${f.title} — evidence: ${f.refs.map((r) => `${r.artifact}:${r.line}`).join(', ')}`);
  for (const e of scenario.expectedLeads) {
    const lead = findExpectedLead(e, leads);
    lines.push(`### ${e.severity.toUpperCase()}: ${e.process ? `${e.process}${e.pid ? ` (PID ${e.pid})` : ''}` : e.kind ?? 'lead'} — ${e.rules.join(', ')}`);
    if (e.why) lines.push('', e.why);
    if (e.where) lines.push('', `Where to look: ${e.where}`);
    if (lead) lines.push('', `The analyzer's ${lead.id}, rated ${lead.severity} (${lead.severityReason}): ${lead.summary}`, '', ...findingLines(lead));
    else lines.push('', '- (the analyzer did not raise this lead: discuss why)');
    lines.push('');
  }
  const matched = new Set(scenario.expectedLeads.map((e) => findExpectedLead(e, leads)));
  const others = leads.filter((l) => !matched.has(l) && !l.suppressed);
  if (others.length) {
    lines.push('## Further leads of the analyzer', '');
    for (const l of others) lines.push(`- ${l.severity.toUpperCase()} ${l.id} ${l.subject}: ${l.rules.join(', ')}`);
  }
  writeNewFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
