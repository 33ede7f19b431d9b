// Public entry of the analyzer: analyze(), loadAllowList(), listRules().
import type { Acquisition, Connection, Finding, NetInterface, OsName, ProcessFacts, Route, Severity } from '../model.js';
import { loadAllowListFile, parseAllowList as parseAllowListText } from './allow-list.js';
import { runRules } from './engine.js';
import { buildContext } from './enrich.js';
import { buildLeads, type Lead } from './leads.js';
import { RULES } from './rules/index.js';
import { emptySeverityCounts } from './severity.js';
import { hashSetInfo, type HashSet, type HashSetInfo } from './hashsets.js';
import type { AllowList, ConnectionAnnotation, OsFamily, ProcessView, RouteAnnotation, RuleMeta } from './types.js';
import { buildConnectionAnnotations, buildProcessViews, buildRouteAnnotations, linkFindings } from './views.js';

export type { Lead, LeadKind } from './leads.js';
export { loadHashSet, type HashSet, type HashSetInfo, type HashSetKind } from './hashsets.js';
export type { AllowList, AllowEntry, ConnectionAnnotation, ProcessView, RouteAnnotation, RuleMeta, Rule, RuleHit } from './types.js';

export interface AnalysisInput {
  acquisition: Acquisition;
  connections: Connection[];
  routes: Route[];
  processes: ProcessFacts[];
  interfaces: NetInterface[];
}

export interface AnalyzeOptions {
  allow?: AllowList | null;
  /** An earlier capture of the same host: enables the BASE-* rules. */
  baseline?: AnalysisInput | null;
  /** How findings name the baseline, e.g. its evidence id. */
  baselineLabel?: string;
  /** The examiner's known-good / known-bad hash sets (issue 18). */
  hashSets?: HashSet[];
  /**
   * 'all' (default): an annotation for every socket and each process view lists its sockets.
   * 'marked': only the sockets findings point at, and views (without socket lists) of only the
   * processes findings name (what analyze writes: every socket is in parsed/connections.json,
   * summary.processes counts every process).
   */
  annotate?: 'all' | 'marked';
}

export interface AnalysisSummary {
  /** Active findings per severity (suppressed ones are counted apart). */
  bySeverity: Record<Severity, number>;
  rulesRun: number;
  suppressed: number;
  /** Findings lowered to info because the knowledge base expects the listener on this OS. */
  expected: number;
  /** Active leads per severity (a lead whose findings were all suppressed is not counted). */
  leadsBySeverity: Record<Severity, number>;
  /** OS family the rules assumed. */
  os: OsFamily;
  /** The hash sets the analysis used (file name, SHA-256, entries, kind). */
  hashSets: HashSetInfo[];
  /** Sockets after merging the views; processes known by PID. */
  sockets: number;
  processes: number;
}

export interface AnalysisOutput {
  findings: Finding[];
  /** One per actor (process, route, peer): leads.json. */
  leads: Lead[];
  processes: ProcessView[];
  connectionAnnotations: ConnectionAnnotation[];
  routeAnnotations: RouteAnnotation[];
  summary: AnalysisSummary;
  /** Problems the analyzer met (a rule failing on odd input); never silent. */
  warnings: string[];
}

/** Deterministic: the same input gives the same findings, ids and order. */
export function analyze(input: AnalysisInput, options: AnalyzeOptions = {}): AnalysisOutput {
  const baselineLabel = options.baselineLabel ?? baselineName(options.baseline?.acquisition);
  const baseline = options.baseline ? buildContext(options.baseline, null, baselineLabel) : null;
  const ctx = buildContext(input, baseline, baselineLabel);
  if (options.hashSets?.length) ctx.hashSets = options.hashSets;
  const { findings, hits, rulesRun, warnings } = runRules(ctx, RULES, options.allow);
  const links = linkFindings(findings, hits);
  const bySeverity = emptySeverityCounts();
  let suppressed = 0;
  let expected = 0;
  for (const f of findings) {
    if (f.suppressed) suppressed++;
    else bySeverity[f.severity]++;
    if (f.expected) expected++;
  }
  const leads = buildLeads(findings, hits, ctx, RULES);
  const leadsBySeverity = emptySeverityCounts();
  for (const l of leads) if (!l.suppressed) leadsBySeverity[l.severity]++;
  const all = options.annotate !== 'marked';
  const connectionAnnotations = buildConnectionAnnotations(ctx, links, !all);
  return {
    findings,
    leads,
    processes: buildProcessViews(ctx, links, all ? connectionAnnotations : null),
    connectionAnnotations,
    routeAnnotations: buildRouteAnnotations(ctx, links),
    summary: { bySeverity, rulesRun, suppressed, expected, leadsBySeverity, hashSets: (options.hashSets ?? []).map(hashSetInfo), os: ctx.os, sockets: ctx.sockets.length, processes: ctx.processList.length },
    warnings,
  };
}

function baselineName(acq: Acquisition | undefined): string {
  return acq?.evidenceId || 'baseline';
}

/** Read an allow-list file; throws EvidenceError naming the file, line and field on bad input. */
export function loadAllowList(path: string): AllowList {
  return loadAllowListFile(path, RULES.map((r) => r.meta.id));
}

/** Parse allow-list text (JSON or key=value lines) already in memory. */
export function parseAllowList(text: string, source = 'allow-list'): AllowList {
  return parseAllowListText(text, source, RULES.map((r) => r.meta.id));
}

/** Every rule's documentation (id, title, severity, rationale, false positives, ATT&CK, references). */
export function listRules(): RuleMeta[] {
  return RULES.map((r) => ({ ...r.meta, attack: [...r.meta.attack], references: [...r.meta.references], referencesByOs: r.meta.referencesByOs ? { ...r.meta.referencesByOs } : undefined }));
}

/** Map the model's OS names onto the families rules use (exported for the report). */
export function osFamily(os: OsName): OsFamily {
  if (os === 'linux' || os === 'windows') return os;
  if (os === 'macos' || os === 'freebsd') return 'bsd';
  return 'unknown';
}
