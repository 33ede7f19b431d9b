import type { TransportView } from './view-transport.js';
// The data the templates see. Every field is present (null when unknown): Handlebars runs in strict
// mode. Host strings are already passed through visible(); Handlebars escapes them on output.
import type { binariesInventory, HashSetView, LeadExecutableView } from './view-binaries.js';
import type { Picture } from './svg-text.js';
import type { Severity } from '../model.js';
import type { CompactView } from './view-compact.js';
import type { CoverView } from './view-cover.js';
import type { ToolView } from './view-tool.js';
import type { DeclarationView, ExaminerView } from './view-voice.js';

export interface FileRef {
  path: string;
  bytes: number;
  sha256: string;
}

export interface SeverityCount {
  severity: Severity;
  count: number;
}

export interface InventoryItem {
  order: number;
  id: string;
  kind: string;
  description: string;
  command: string;
  start: string | null;
  end: string | null;
  durationMs: number | null;
  outcome: string;
  failed: boolean;
  stdout: FileRef | null;
  stderr: FileRef | null;
}

export interface UnparsedView {
  artifact: string;
  line: number;
  text: string;
  reason: string;
}

export interface ParseArtifactView {
  artifact: string;
  format: string;
  encoding: string;
  total: number;
  records: number;
  headers: number;
  blank: number;
  unparsed: number;
}

export interface EvidenceQuote {
  ref: string;
  text: string | null;
  problem: string | null;
}

export interface FindingGroupView {
  severity: string;
  rule: string;
  count: number;
  /** First and last id of the group in report order ("F-0012 … F-6283"). */
  ids: string;
  example: string;
}

export interface FindingView {
  id: string;
  anchor: string;
  severity: Severity;
  rule: string;
  title: string;
  subject: string;
  detail: string;
  rationale: string;
  falsePositives: string;
  evidence: EvidenceQuote[];
  attack: string[];
  references: string[];
  pid: number | null;
  process: string | null;
  note: string | null;
  suppressed: boolean;
}

/** One lead (one actor: a process, a route, a remote peer) with its findings printed in full. */
export interface LeadView {
  id: string;
  anchor: string;
  severity: Severity;
  subject: string;
  severityReason: string;
  summary: string;
  /** Plain sentences for the executive summary (who, what, where, since when, how sure). */
  statements: string[];
  findings: FindingView[];
  findingCount: number;
  /** Findings of this lead not printed in full (counted by rule below the leads). */
  notShown: number;
  suppressed: boolean;
  /** The program file behind a process lead (issue 18). */
  executable: LeadExecutableView | null;
  /** A large report may be printed in parts cut before this lead (print-parts.ts). */
  cutBefore: boolean;
}

export interface ConnectionRow {
  ref: string;
  line: number;
  proto: string;
  local: string;
  remote: string;
  state: string;
  pid: string;
  process: string;
  owner: string | null;
  marked: boolean;
  severity: Severity | null;
  findingIds: string;
  /** The row as monospaced text lines, in tables of COMPACT_TABLE_ROWS rows or more (text-table.ts). */
  text?: string;
}

export interface RouteRow {
  /** Every line that printed the route (artifact:line, comma-separated). */
  ref: string;
  line: number;
  /** Line numbers when all are in one artifact. */
  lines: string;
  /** How many listings (artifacts) print this route. */
  views: number;
  destination: string;
  gateway: string;
  iface: string;
  metric: string;
  flags: string;
  marked: boolean;
  severity: Severity | null;
  findingIds: string;
}

export interface ProcessRow {
  pid: string;
  name: string;
  exe: string | null;
  cmdline: string | null;
  user: string | null;
  listening: string;
  established: number;
  other: number;
  peers: string;
  findingIds: string;
  severity: Severity | null;
  marked: boolean;
  /** Sockets the process owns in the primary listing. */
  sockets: number;
}

export interface CustodyRow {
  seq: number;
  time: string;
  actor: string;
  action: string;
  object: string | null;
  sha256: string | null;
  /** The event's details as key: value lines (never raw JSON). */
  details: { key: string; value: string }[];
}

export interface AppendixItem {
  path: string;
  title: string;
  sha256: string;
  bytes: number;
  encoding: string;
  lines: { n: number; text: string }[];
  totalLines: number;
  shownBytes: number;
  truncated: boolean;
  missing: boolean;
}

export interface ConnectionGroup {
  key: string;
  title: string;
  /** The one artifact every row comes from (rows then show the line only), else null. */
  artifact: string | null;
  /** The rows the PDF lists (all of them unless the host has more than the table limit). */
  rows: ConnectionRow[];
  /** Column widths sized from the content (CSS percentages). */
  cols: string[];
  total: number;
  /** Rows of this group left out of the PDF (they are in parsed/connections.json). */
  omitted: number;
  /** Large groups print as text rows (each row's `text`) under this header line; null otherwise. */
  compactHeader: string | null;
  /** The compact rows as printed: runs of plain one-line rows joined into one cell (Chromium's cost is per box). */
  textRuns: TextRun[];
}

/** One printed text row: a run of unmarked one-line rows, or one marked or wrapped row. */
export interface TextRun {
  text: string;
  marked: boolean;
  /** Several rows in one cell (may break across pages). */
  run: boolean;
  severity?: string;
  /** A run holding marked rows (MARKED_RUN_ROWS): its lines, marked ones printed bold; else null. */
  parts: { text: string; marked: boolean }[] | null;
}

export interface ReportView {
  findingsWithheld: boolean;
  meta: {
    title: string;
    reportId: string;
    caseId: string;
    evidenceId: string;
    examiner: string;
    organisation: string | null;
    host: string;
    os: string;
    generated: string;
    tool: string;
    paper: string;
    mode: string;
    status: string;
  };
  signer: { subject: string; selfSigned: boolean; fingerprint: string; source: string; statement: string };
  summary: {
    collected: string;
    window: string;
    severityCounts: SeverityCount[];
    /** Leads per severity (the summary counts leads, not findings). */
    leadCounts: SeverityCount[];
    totalLeads: number;
    /** Leads told in plain sentences on the first page. */
    leads: LeadView[];
    /** Active leads rated low or above: the "matters worth the examiner's attention". */
    attentionLeads: number;
    /** Of those, the ones not told on the first page (beyond the first MAX_SUMMARY_LEADS). */
    untoldLeads: number;
    /** Active leads rated info (none of them is told on the first page). */
    otherLeads: number;
    /** The most severe lead's one-sentence summary, for the cover. */
    mainLead: { severity: Severity; summary: string } | null;
    /** SVG of the lead processes and their sockets (lead-graph.ts), null without such a lead. */
    leadGraph: Picture | null;
    totalFindings: number;
    suppressedFindings: number;
    totals: { artifacts: number; connections: number; listening: number; established: number; other: number; routes: number; routeLines: number; routeListings: number; processes: number; unparsed: number };
    chainOk: boolean;
  };
  inventory: { items: InventoryItem[]; imports: InventoryItem[]; window: string; totalBytes: number; binaries: ReturnType<typeof binariesInventory> };
  /** Hash sets the analysis matched executables against (issue 18). */
  hashSets: HashSetView[];
  /** How the evidence reached the workstation (SSH), null for a local collection or an import. */
  transport: TransportView | null;
  methodology: {
    tool: string;
    profile: string;
    mode: string;
    /** Field kit: how it ran and what its manifest proves (null for other transports). */
    kit: string[] | null;
    volatility: { order: number; command: string; description: string }[];
    privileges: { user: string; uid: string; privileged: boolean | null; limitations: string[] };
    clock: { systemUtc: string; ntp: string; source: string; timeZone: string; offset: string };
    parse: ParseArtifactView[];
    unparsed: UnparsedView[];
    unparsedTotal: number;
    unparsedShown: number;
    limitations: string[];
    warnings: string[];
  };
  /** Findings printed in full: every critical and high one, then the most severe up to the limit. */
  findings: FindingView[];
  /** The findings section, organised by lead: every lead, or in a dense report those printed in full. */
  leads: LeadView[];
  /** Dense report: the other leads' findings, compact and grouped by rule; null otherwise. */
  compact: CompactView | null;
  leadsPath: string;
  /** The other findings, one line per rule and severity (each is in findings.json). */
  findingGroups: FindingGroupView[];
  findingsPath: string;
  connections: {
    groups: ConnectionGroup[]; total: number; otherViews: number; markedCount: number; omitted: number;
    /** Where every record is, for rows the PDF leaves out. */
    /** parsed/connections.csv is no longer written: the JSON path, for templates that still name it. */
    csvPath: string; jsonPath: string;
  };
  routes: { rows: RouteRow[]; cols: string[]; artifact: string | null; markedCount: number; lines: number; listings: number };
  processes: ProcessRow[];
  processCols: string[];
  /** Thousands of processes: the table as text rows (process-text.ts); null for smaller tables. */
  processText: { header: string; runs: TextRun[] } | null;
  /** Processes left out of the table (a host with more than MAX_PROCESS_ROWS), and where all are. */
  processesOmitted: number;
  processesTotal: number;
  analysisPath: string;
  custody: { rows: CustodyRow[]; ok: boolean; events: number; statement: string };
  verification: { commands: { purpose: string; command: string; expect: string }[] };
  /** RFC 3161 trusted time: which TSA was asked, or that none was. */
  trustedTime: { requested: boolean; short: string; text: string };
  /** Kernel, uptime, clock and stated provenance on the cover. */
  cover: CoverView;
  /** The examiner's identity, instructions, observations and conclusions (their words, not the tool's). */
  examiner: ExaminerView;
  declaration: DeclarationView;
  /** Tool identity and validation statement. */
  tool: ToolView;
  appendix: { items: AppendixItem[]; limitBytes: number };
}
