import type { Finding, Severity } from '../model.js';
import { SEVERITIES } from '../model.js';
import { analyze, loadAllowList, loadHashSet, type AnalysisInput, type AnalysisOutput, type HashSetKind } from '../analyze/index.js';
import { hashSetInfo } from '../analyze/hashsets.js';
import { PATHS } from '../evidence/folder.js';
import { withEvidenceFolder } from '../evidence/session.js';
import { parseEvidence, type ParsedEvidence } from '../parse/evidence.js';
import { writeAnalyzeFiles } from './analyze-output.js';
import { openBaseline } from './baseline.js';

export interface AnalyzeStageOptions {
  actor: string;
  baseline?: string | null;
  allow?: string | null;
  /** Hash sets to match executables against: --hashset FILE:known-bad|known-good (issue 18). */
  hashSets?: { path: string; kind: HashSetKind }[];
  log?: (line: string) => void;
  /** Classroom exercise: findings.json stays empty (the instructor key gets them), students analyse. */
  withholdFindings?: boolean;
}

export interface AnalyzeStageResult {
  parsed: ParsedEvidence;
  output: AnalysisOutput;
  counts: { connections: number; routes: number; unparsedLines: number };
  findings: Record<Severity, number>;
  /** Active leads per severity (what the report's summary counts). */
  leads: Record<Severity, number>;
}

export function inputOf(parsed: ParsedEvidence): AnalysisInput {
  return {
    acquisition: parsed.acquisition,
    connections: parsed.connections,
    routes: parsed.routes,
    processes: parsed.processes,
    interfaces: parsed.interfaces,
  };
}

/** parse → analyze for one evidence folder; writes parsed/ and findings.json and logs both. */
export async function analyzeStage(dir: string, options: AnalyzeStageOptions): Promise<AnalyzeStageResult> {
  // One command at a time per folder; links inside it are refused (evidence/session.ts).
  return withEvidenceFolder(dir, 'analyze', { actor: options.actor }, (folder) => analyzeLocked(folder, options));
}

async function analyzeLocked(dir: string, options: AnalyzeStageOptions): Promise<AnalyzeStageResult> {
  const log = options.log ?? (() => {});
  const parsed = parseEvidence(dir);
  for (const a of parsed.report.artifacts) {
    log(`  parsed  ${a.artifact}  as ${a.format} (${a.encoding}): ${a.lines.records} records, ${a.lines.unparsed} unparsed`);
    for (const u of a.unparsed.slice(0, 5)) log(`    warning: ${a.artifact}:${u.line}: ${u.reason}`);
    if (a.lines.unparsed > 5) log(`    … ${a.lines.unparsed - 5} more unparsed lines in ${a.artifact} (see ${PATHS.parseReport})`);
  }

  const allow = options.allow ? loadAllowList(options.allow) : null;
  const hashSets = (options.hashSets ?? []).map((h) => loadHashSet(h.path, h.kind));
  for (const h of hashSets) log(`  hash set ${h.file} (${h.kind}): ${h.entries} entries, SHA-256 ${h.sha256}`);
  const baseline = options.baseline ? await openBaseline(options.baseline) : null;
  try {
    const output = analyze(inputOf(parsed), {
      allow,
      baseline: baseline ? inputOf(parseEvidence(baseline.dir)) : null,
      baselineLabel: baseline?.label,
      hashSets,
      annotate: 'marked',
    });
    const withheld = options.withholdFindings === true;
    await writeAnalyzeFiles(dir, options.actor, parsed, output, {
      withheld,
      findingsDetails: {
        allowList: options.allow ?? null,
        baseline: baseline?.label ?? null,
        hashSets: hashSets.map((h) => { const { path: _p, ...info } = hashSetInfo(h); return info; }),
        withheldForExercise: withheld,
      },
    });
    return { parsed, output, counts: countsOf(parsed), findings: severityCounts(output.findings), leads: withheld ? severityCounts([]) : output.summary.leadsBySeverity };
  } finally {
    baseline?.cleanup();
  }
}

export function countsOf(parsed: ParsedEvidence): AnalyzeStageResult['counts'] {
  return { connections: parsed.report.totals.connections, routes: parsed.report.totals.routes, unparsedLines: parsed.report.totals.unparsedLines };
}

export function severityCounts(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (!f.suppressed) counts[f.severity]++;
  return counts;
}
