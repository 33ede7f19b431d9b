// A host with thousands of leads (issue 16: 100k Windows sockets gave 6,281 leads, 1,157 pages):
// the serious leads are printed in full, the long tail in compact form, grouped by rule. A rule's
// interpretation, innocent explanations, ATT&CK and references are printed once per group; each
// finding is one text row: lead, finding, PID and process, every line it cites quoted exactly with
// its line number, and what its interpretation says beyond the group's text. Nothing is dropped.
import { SEVERITIES, type Finding, type Severity } from '../model.js';
import type { ReportInput } from './input.js';
import { quoteLine, type RawCache } from './raw-text.js';
import { refKey } from './view-tables.js';
import { TEXT_TABLE_WIDTH, wrapCell } from './text-table.js';
import type { LeadRecord } from './view-leads.js';
import { visible, visibleHost } from './visible.js';

/**
 * Above this many leads a report prints in dense form. A lead in full takes a third to half a page:
 * 200 leads are about 80 pages, as far as a reader goes lead by lead; beyond that the tail is a list.
 */
export const DENSE_LEADS = 200;
/** A compact table is cut into tables of this many rows: a print part may start between two of them. */
export const COMPACT_ROWS_PER_TABLE = 500;
/** Rows between two places where a print part may start (both cores print; print-parts.ts). */
export const COMPACT_ROWS_PER_PART = 2_000;

const rank = (s: Severity): number => SEVERITIES.indexOf(s);

export interface LeadPlan {
  dense: boolean;
  /** Medium leads went to the compact part: their findings were beyond maxDetails. */
  mediumsCut: boolean;
  maxDetails: number;
  full: LeadRecord[];
  compact: LeadRecord[];
}

/**
 * Which leads print in full. Up to DENSE_LEADS leads and maxDetails findings: all of them, as always.
 * Beyond: every critical and high lead, then medium ones while their findings fit within maxDetails;
 * the rest (low, info, suppressed, and mediums beyond the budget) in compact form.
 */
export function planLeads(leads: LeadRecord[], findingCount: number, maxDetails: number): LeadPlan {
  if (leads.length <= DENSE_LEADS && findingCount <= maxDetails) return { dense: false, mediumsCut: false, maxDetails, full: leads, compact: [] };
  const full: LeadRecord[] = [];
  const compact: LeadRecord[] = [];
  let budget = maxDetails;
  let mediumsCut = false;
  for (const l of leads) {
    const sev = SEVERITIES.includes(l.severity) ? l.severity : 'info';
    const always = !l.suppressed && rank(sev) >= rank('high');
    const n = l.findings.length;
    if (always || (!l.suppressed && sev === 'medium' && n <= budget)) {
      full.push(l);
      budget = Math.max(0, budget - n);
    } else {
      if (!l.suppressed && sev === 'medium') mediumsCut = true;
      compact.push(l);
    }
  }
  return { dense: true, mediumsCut, maxDetails, full, compact };
}

export interface CompactTable {
  /** A print part may start before this table. */
  cutBefore: boolean;
  /** Table rows of up to FINDINGS_PER_CELL findings each (a finding is a block that stays on one page). */
  cells: { text: string; anchor: string | null }[][];
}

/**
 * Findings per table cell: Chromium's time goes per layout box, and a table row costs several; a
 * finding is one block in a shared cell. A cell may continue on the next page, a finding may not.
 */
export const FINDINGS_PER_CELL = 25;

export interface CompactGroupView {
  severity: Severity;
  rule: string;
  title: string;
  count: number;
  leads: number;
  suppressed: boolean;
  /** The interpretation all rows share; with "…" when rows add their own ending. */
  rationale: string;
  rowsAddToRationale: boolean;
  falsePositives: string;
  attack: string[];
  references: string[];
  /** Quoted lines of one artifact: rows print line numbers only. */
  artifact: string | null;
  header: string;
  tables: CompactTable[];
}

export interface CompactView {
  leads: number;
  findings: number;
  fullLeads: number;
  threshold: number;
  /** Why the part is compact and where everything is (one paragraph). */
  why: string;
  /** For the executive summary: what is in full, what is compact, where and why. */
  summary: string;
  groups: CompactGroupView[];
}

interface Row {
  lead: LeadRecord | null;
  first: boolean;
  f: Finding;
}

const groupKey = (f: Finding): string =>
  JSON.stringify([f.severity, String(f.rule), String(f.title ?? ''), String(f.falsePositives ?? ''), f.attack ?? [], f.references ?? [], Boolean(f.suppressed)]);

/** The longest common start of the texts, cut back to a word boundary unless all are equal. */
export function commonStart(texts: string[]): string {
  let prefix = texts[0] ?? '';
  for (const t of texts) {
    if (t.startsWith(prefix)) continue;
    let i = 0;
    while (i < prefix.length && i < t.length && prefix.charCodeAt(i) === t.charCodeAt(i)) i++;
    prefix = prefix.slice(0, i);
  }
  if (texts.every((t) => t.length === prefix.length)) return prefix;
  return prefix.slice(0, prefix.lastIndexOf(' ') + 1);
}

/** Tabs as a terminal shows them (stops every 8 columns): a monospaced row keeps its columns. */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  for (const ch of text) out += ch === '\t' ? ' '.repeat(8 - ([...out].length % 8)) : ch;
  return out;
}

const LEFT = 32;
const QUOTE_MARK = '│';

/** Pieces as lines of at most LEFT characters: a piece joins the line before it when it fits. */
function packLeft(pieces: string[]): string[] {
  const lines: string[] = [];
  for (const piece of pieces) {
    const last = lines[lines.length - 1];
    if (last !== undefined && [...last].length + 2 + [...piece].length <= LEFT) lines[lines.length - 1] = `${last}  ${piece}`;
    else lines.push(...wrapCell(piece, LEFT));
  }
  return lines;
}

function rowText(r: Row, prefixLen: number, artifact: string | null, refWidth: number, input: ReportInput, cache: RawCache): string {
  const f = r.f;
  const leadId = r.lead ? visible(String(r.lead.id)) : '—';
  const tail = String(f.rationale ?? '').slice(prefixLen);
  const pid = typeof f.pid === 'number' ? `PID ${f.pid}` : 'PID not shown';
  const notes: string[] = [];
  if (r.lead && r.first && r.lead.severity !== f.severity) notes.push(`lead rated ${r.lead.severity}`);
  if (f.originalSeverity && f.originalSeverity !== f.severity) notes.push(visible(`severity changed from ${f.originalSeverity}${f.escalated ? `: ${f.escalated}` : ''}`));
  else if (f.escalated) notes.push(visible(`escalated: ${f.escalated}`));
  if (f.suppressed) notes.push(visible(`suppressed by ${f.suppressed.by}: ${f.suppressed.reason}`));
  // Ids and what the interpretation adds share the first line when they fit; PID and process start the next.
  const left = [...packLeft([`${leadId} ${visible(String(f.id))}`, ...(tail ? [`…${visible(tail)}`] : [])]), ...packLeft([typeof f.process === 'string' ? `${pid} ${visible(f.process)}` : pid, ...notes])];
  const room = TEXT_TABLE_WIDTH - LEFT - 1;
  const quoteWidth = room - refWidth - 1;
  const right: string[] = [];
  // A short quote joins the line before it when that line holds only short quotes and it fits: the
  // line number and "│" open each quote, so where a quote starts stays plain.
  let open = false;
  for (const ref of f.refs ?? []) {
    const q = quoteLine(input.dir, ref.artifact, ref.line, cache);
    const label = artifact !== null ? String(ref.line) : visibleHost(refKey(ref.artifact, ref.line));
    if (q.text === null) {
      right.push(...wrapCell(`${label.padStart(refWidth)} ✗ evidence line not available: ${q.problem}`, room));
      open = false;
      continue;
    }
    // "│" opens a quote after its line number: the host's own is shown as a marker, so no host line
    // can imitate a second quoted line with a number of its choosing.
    const body = expandTabs(visibleHost(q.text, { keepTabs: true })).replaceAll(QUOTE_MARK, '\\u2502');
    const single = `${label}│${body}`;
    const last = right[right.length - 1];
    if (open && last !== undefined && [...last].length + 3 + [...single].length <= room) {
      right[right.length - 1] = `${last}   ${single}`;
      continue;
    }
    // A quote is cut only at the column's edge, never between words: its spaces are the host's.
    const chars = [...body];
    const pieces: string[] = [];
    for (let i = 0; i === 0 || i < chars.length; i += quoteWidth) pieces.push(chars.slice(i, i + quoteWidth).join(''));
    const labels = wrapCell(label, refWidth);
    for (let k = 0; k < Math.max(pieces.length, labels.length); k++) right.push(`${(labels[k] ?? '').padStart(refWidth)}│${pieces[k] ?? ''}`);
    open = pieces.length === 1 && labels.length === 1;
  }
  if (right.length === 0) right.push(`${''.padStart(refWidth)} (the finding cites no line)`);
  const lines: string[] = [];
  for (let k = 0; k < Math.max(left.length, right.length); k++) {
    lines.push(`${(left[k] ?? '').padEnd(LEFT)} ${right[k] ?? ''}`.trimEnd());
  }
  return lines.join('\n');
}

const anchorOf = (id: string): string => `lead-${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** The compact part: findings of the compact leads (and any no lead holds), grouped by rule. */
export function compactView(plan: LeadPlan, input: ReportInput, cache: RawCache): CompactView | null {
  if (!plan.dense) return null;
  const byId = new Map(input.findings.map((f) => [String(f.id), f]));
  const held = new Set(input.leads.flatMap((l) => l.findings.map(String)));
  const rows: Row[] = [];
  for (const l of plan.compact) {
    let first = true;
    for (const id of l.findings) {
      const f = byId.get(String(id));
      if (!f) continue;
      rows.push({ lead: l, first, f });
      first = false;
    }
  }
  for (const f of input.findings) if (!held.has(String(f.id))) rows.push({ lead: null, first: false, f });
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = groupKey(r.f);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const ordered = [...groups.values()].sort((a, b) => Number(Boolean(a[0]!.f.suppressed)) - Number(Boolean(b[0]!.f.suppressed)) || rank(b[0]!.f.severity) - rank(a[0]!.f.severity));
  let sinceCut = 0;
  const views = ordered.map((list) => {
    const f0 = list[0]!.f;
    const rationales = list.map((r) => String(r.f.rationale ?? ''));
    const prefix = commonStart(rationales);
    const rowsAdd = rationales.some((t) => t.length > prefix.length);
    const artifacts = new Set(list.flatMap((r) => (r.f.refs ?? []).map((x) => x.artifact)));
    const artifact = artifacts.size === 1 ? visibleHost([...artifacts][0]!) : null;
    const refWidth = artifact !== null
      ? Math.max(4, ...list.flatMap((r) => (r.f.refs ?? []).map((x) => String(x.line).length)))
      : Math.min(32, Math.max(6, ...list.flatMap((r) => (r.f.refs ?? []).map((x) => [...visibleHost(refKey(x.artifact, x.line))].length))));
    const tables: CompactTable[] = [];
    for (let i = 0; i < list.length; i += COMPACT_ROWS_PER_TABLE) {
      const chunk = list.slice(i, i + COMPACT_ROWS_PER_TABLE);
      const cutBefore = sinceCut >= COMPACT_ROWS_PER_PART;
      if (cutBefore) sinceCut = 0;
      sinceCut += chunk.length;
      const rowsOut = chunk.map((r) => ({ text: rowText(r, prefix.length, artifact, refWidth, input, cache), anchor: r.first && r.lead ? anchorOf(r.lead.id) : null }));
      const cells: CompactTable['cells'] = [];
      for (let k = 0; k < rowsOut.length; k += FINDINGS_PER_CELL) cells.push(rowsOut.slice(k, k + FINDINGS_PER_CELL));
      tables.push({ cutBefore, cells });
    }
    const severity: Severity = SEVERITIES.includes(f0.severity) ? f0.severity : 'info';
    return {
      severity,
      rule: visible(String(f0.rule)),
      title: visible(String(f0.title ?? '')),
      count: list.length,
      leads: new Set(list.map((r) => r.lead?.id ?? `-${r.f.id}`)).size,
      suppressed: Boolean(f0.suppressed),
      rationale: visible(rowsAdd ? `${prefix.trimEnd()} …` : prefix),
      rowsAddToRationale: rowsAdd,
      falsePositives: visible(String(f0.falsePositives ?? '')),
      attack: (f0.attack ?? []).map((a) => visible(a)),
      references: (f0.references ?? []).map((r) => visible(r)),
      artifact,
      header: `${'Lead, finding, PID, process'.padEnd(LEFT)} ${(artifact !== null ? 'Line' : 'Source').padStart(refWidth)}│Line as the host printed it`,
      tables,
    };
  });
  const leadCount = plan.compact.length;
  const findingCount = rows.length;
  const total = plan.full.length + plan.compact.length;
  const why = `This capture raised ${total.toLocaleString('en-US')} leads made of ${input.findings.length.toLocaleString('en-US')} findings: printed one by one, as the leads above are, they would fill hundreds of pages. Above ${DENSE_LEADS} leads or ${plan.maxDetails.toLocaleString('en-US')} findings the report prints the leads rated medium or above in full (${plan.full.length.toLocaleString('en-US')} here${plan.mediumsCut ? `; medium ones only while their findings stay within ${plan.maxDetails.toLocaleString('en-US')}` : ''}) and the other ${leadCount.toLocaleString('en-US')} leads (${findingCount.toLocaleString('en-US')} findings) below in compact form, grouped by rule: the rule's interpretation, possible innocent explanations, ATT&CK techniques and references once, then one row per finding with its lead, its process and PID, and every line it cites, quoted exactly with its line number. Where a finding's interpretation says more than its rule's shared text (“…”), the row prints the rest. Each lead's one-sentence summary and rating are in leads.json, each finding's full record in findings.json (both hashed in the bundle), and the connection tables mark the same rows.`;
  const bySeverity = SEVERITIES.slice().reverse().map((s) => [s, plan.compact.filter((l) => l.severity === s).length] as const).filter(([, n]) => n > 0);
  const rated = bySeverity.length === 1 ? `all rated ${bySeverity[0]![0]}` : bySeverity.map(([s, n]) => `${n.toLocaleString('en-US')} ${s}`).join(', ');
  const summary = `Section 4 prints the ${plan.full.length.toLocaleString('en-US')} leads rated medium or above in full; the other ${leadCount.toLocaleString('en-US')} leads (${rated}${plan.compact.some((l) => l.suppressed) ? ', suppressed ones included' : ''}) follow in compact form, grouped by rule: one row for each of their ${findingCount.toLocaleString('en-US')} findings, with every line it cites (section 4, “Further leads in compact form, by rule”). Why: printed one by one, ${total.toLocaleString('en-US')} leads would fill hundreds of pages.`;
  return { leads: leadCount, findings: findingCount, fullLeads: plan.full.length, threshold: DENSE_LEADS, why: visible(why), summary: visible(summary), groups: views };
}
