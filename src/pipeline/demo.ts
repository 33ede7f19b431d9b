import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { importFiles } from '../collect/import.js';
import { writeNewFileSync } from '../evidence/files.js';
import { EvidenceError } from '../evidence/folder.js';
import type { Finding, Severity } from '../model.js';
import { PACKAGE_ROOT } from '../version.js';
import type { Progress } from './progress.js';
import { processEvidence, type PipelineOptions, type PipelineResult } from './run.js';

export const SCENARIO_ROOT = join(PACKAGE_ROOT, 'fixtures/scenarios');

export interface ExpectedFinding {
  rule: string;
  pid?: number;
  process?: string | null;
  minSeverity: Severity;
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
  expected: ExpectedFinding[];
  benignPids?: number[];
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

/** The answers, kept outside the students' bundle: expected findings and where the evidence is. */
function writeInstructorKey(scenario: Scenario, result: PipelineResult): string {
  const path = `${result.bundle.zipPath.replace(/\.zip$/, '')}.instructor-key.md`;
  const lines = [
    `# Instructor key — ${scenario.title}`,
    '',
    `Bundle: ${basename(result.bundle.zipPath)} (sha256 ${result.bundle.sha256})`,
    '',
    scenario.story,
    '',
    '## Expected findings',
    '',
  ];
  for (const e of scenario.expected) {
    const hits = result.findings.filter((f: Finding) => f.rule === e.rule && (e.pid === undefined || f.pid === e.pid));
    lines.push(`### ${e.rule}${e.process ? ` — ${e.process}` : ''}${e.pid ? ` (PID ${e.pid})` : ''}`);
    if (e.why) lines.push('', e.why);
    if (e.where) lines.push('', `Where to look: ${e.where}`);
    for (const h of hits) {
      lines.push('', `- ${h.severity.toUpperCase()}: ${h.title}`, `  evidence: ${h.refs.map((r) => `${r.artifact}:${r.line}`).join(', ')}`);
    }
    if (hits.length === 0) lines.push('', '- (the analyzer did not report this one: discuss why)');
    lines.push('');
  }
  const others = result.findings.filter((f) => !scenario.expected.some((e) => e.rule === f.rule) && !f.suppressed);
  if (others.length) {
    lines.push('## Further findings of the analyzer', '');
    for (const f of others) lines.push(`- ${f.severity.toUpperCase()} ${f.rule}: ${f.title} (${f.refs.map((r) => `${r.artifact}:${r.line}`).join(', ')})`);
  }
  writeNewFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
