// Findings, connection, route and process tables of the report view. Rows that a finding points at
// (by artifact:line, or by the analyzer's annotations) are marked with the finding ids and severity.
import { SEVERITIES, type Connection, type Finding, type ProcessFacts, type Route, type Severity } from '../model.js';
import type { ReportInput } from './input.js';
import { quoteLine, type RawCache } from './raw-text.js';
import { columnWidths, type ColumnSpec } from './column-widths.js';
import { visible, visibleHost } from './visible.js';
import { SEVERITY_STYLE } from './helpers.js';
import { connectionTextColumns, textColumnWidths, textRow } from './text-table.js';
import type { ConnectionGroup, ConnectionRow, TextRun, FindingGroupView, FindingView, ProcessRow, RouteRow } from './view-types.js';

export const refKey = (artifact: string, line: number): string => `${artifact}:${line}`;

const rank = (s: Severity | null): number => (s === null ? -1 : SEVERITIES.indexOf(s));
const maxSev = (a: Severity | null, b: Severity | null): Severity | null => (rank(b) > rank(a) ? b : a);
const isActive = (f: Finding): boolean => !f.suppressed;

/** artifact:line → ids and highest severity of the (not suppressed) findings about that line. */
export interface Marks {
  get(artifact: string, line: number): { ids: string[]; severity: Severity | null } | undefined;
}

export function buildMarks(input: ReportInput): Marks {
  const map = new Map<string, { ids: string[]; severity: Severity | null }>();
  const byId = new Map(input.findings.map((f) => [f.id, f]));
  const add = (key: string, f: Finding | undefined): void => {
    if (!f || !isActive(f)) return;
    const entry = map.get(key) ?? { ids: [], severity: null };
    if (!entry.ids.includes(f.id)) entry.ids.push(f.id);
    entry.severity = maxSev(entry.severity, f.severity);
    map.set(key, entry);
  };
  for (const f of input.findings) for (const r of f.refs ?? []) add(refKey(r.artifact, r.line), f);
  const annotations = [...(input.analysis?.connectionAnnotations ?? []), ...(input.analysis?.routeAnnotations ?? [])];
  for (const a of annotations) for (const id of a.findingIds ?? []) add(refKey(a.source.artifact, a.source.line), byId.get(id));
  return { get: (artifact, line) => map.get(refKey(artifact, line)) };
}

export function bySeverityThenId(a: Finding, b: Finding): number {
  return rank(b.severity) - rank(a.severity) || String(a.id).localeCompare(String(b.id));
}

/**
 * Findings printed in full. A busy host can raise thousands (one per unexpected listener): every
 * critical and high finding is printed in full, then the most severe others up to this many.
 */
export const MAX_FINDING_DETAILS = 300;

/** Findings in report order, split into those printed in full and the rest. */
export function splitFindings(findings: Finding[], max = MAX_FINDING_DETAILS): { detailed: Finding[]; rest: Finding[] } {
  const sorted = [...findings].sort(bySeverityThenId);
  if (sorted.length <= max) return { detailed: sorted, rest: [] };
  const always = sorted.filter((f) => !f.suppressed && rank(f.severity) >= SEVERITIES.indexOf('high')).length;
  const cut = Math.max(max, always);
  return { detailed: sorted.slice(0, cut), rest: sorted.slice(cut) };
}

/** Dense report: the findings of the leads printed in full, in report order; the rest are compact. */
export function fullFindings(findings: Finding[], fullLeads: { findings: string[] }[]): { detailed: Finding[]; rest: Finding[] } {
  const ids = new Set(fullLeads.flatMap((l) => l.findings.map(String)));
  const sorted = [...findings].sort(bySeverityThenId);
  return { detailed: sorted.filter((f) => ids.has(String(f.id))), rest: sorted.filter((f) => !ids.has(String(f.id))) };
}

/** One line per rule and severity for the findings not printed in full. */
export function findingGroups(rest: Finding[]): FindingGroupView[] {
  const groups = new Map<string, { severity: Severity; rule: string; count: number; first: string; last: string; example: string }>();
  for (const f of rest) {
    const severity = SEVERITIES.includes(f.severity) ? f.severity : 'info';
    const rule = `${String(f.rule)}${f.suppressed ? ' (suppressed)' : ''}`;
    const key = `${severity}\u0000${rule}`;
    const g = groups.get(key);
    if (g) {
      g.count++;
      g.last = String(f.id);
    } else {
      groups.set(key, { severity, rule, count: 1, first: String(f.id), last: String(f.id), example: String(f.title ?? '') });
    }
  }
  return [...groups.values()].map((g) => ({
    severity: g.severity,
    rule: visible(g.rule),
    count: g.count,
    ids: visible(g.first === g.last ? g.first : `${g.first} … ${g.last}`),
    example: visible(g.example),
  }));
}

export function findingViews(findings: Finding[], input: ReportInput, cache: RawCache): FindingView[] {
  return findings.map((f) => {
    const notes: string[] = [];
    if (f.suppressed) notes.push(`Suppressed by ${f.suppressed.by}: ${f.suppressed.reason}`);
    if (f.originalSeverity && f.originalSeverity !== f.severity) notes.push(`Severity changed from ${f.originalSeverity} to ${f.severity}${f.escalated ? `: ${f.escalated}` : ''}`);
    else if (f.escalated) notes.push(`Escalated: ${f.escalated}`);
    return {
      id: visible(String(f.id)),
      anchor: `finding-${String(f.id).replace(/[^A-Za-z0-9_-]/g, '_')}`,
      severity: SEVERITIES.includes(f.severity) ? f.severity : 'info',
      rule: visible(String(f.rule)),
      title: visible(String(f.title ?? '')),
      subject: visible(String(f.subject ?? '')),
      detail: visible(String(f.detail ?? '')),
      rationale: visible(String(f.rationale ?? '')),
      falsePositives: visible(String(f.falsePositives ?? '')),
      evidence: (f.refs ?? []).map((r) => {
        const q = quoteLine(input.dir, r.artifact, r.line, cache);
        return { ref: visibleHost(refKey(r.artifact, r.line)), text: q.text === null ? null : visibleHost(q.text, { keepTabs: true }), problem: q.problem };
      }),
      attack: (f.attack ?? []).map((a) => visible(a)),
      references: (f.references ?? []).map((r) => visible(r)),
      pid: typeof f.pid === 'number' ? f.pid : null,
      process: typeof f.process === 'string' ? visible(f.process) : null, // already marked by analyze (safeText)
      note: notes.length ? visible(notes.join(' · ')) : null,
      suppressed: Boolean(f.suppressed),
    };
  });
}

export function endpoint(address: string | null, port: number | null, portRaw?: string | null): string {
  const addr = address ?? '';
  const p = port !== null ? String(port) : portRaw ?? '*';
  return addr.includes(':') ? `[${addr}]:${p}` : `${addr}:${p}`;
}

/** The primary listing when the parse stage marked one, else every record. */
export function primaryConnections(all: Connection[]): Connection[] {
  const marked = all.some((c) => c.primary !== undefined);
  return marked ? all.filter((c) => c.primary) : all;
}

export function isListening(c: Connection): boolean {
  if (c.state === 'LISTEN') return true;
  return c.protocol !== 'tcp' && (c.state === null || c.state === 'UNCONN' || c.state === 'CLOSE') && c.remotePort === null;
}

/** The state as printed; the normalised name added when it is not obvious ("ABHÖREN (LISTEN)"). */
export function stateText(state: string | null, raw: string | null): string {
  if (!raw) return state ?? '';
  if (!state || raw === state || raw.toUpperCase().replace(/[\s-]/g, '_').startsWith(state)) return raw;
  return `${raw} (${state})`;
}

function connectionRow(c: Connection, marks: Marks): ConnectionRow {
  const mark = marks.get(c.source.artifact, c.source.line);
  const shownState = stateText(c.state, c.stateRaw);
  const owner = [c.component, c.ownerNote].filter((x): x is string => typeof x === 'string' && x !== '').join(' · ');
  return {
    ref: visibleHost(refKey(c.source.artifact, c.source.line)),
    line: c.source.line,
    proto: visibleHost(c.protoRaw || c.protocol),
    local: visibleHost(endpoint(c.localAddress, c.localPort, c.localPortRaw)),
    remote: visibleHost(endpoint(c.remoteAddress, c.remotePort, c.remotePortRaw)),
    state: visibleHost(shownState),
    pid: c.pid === null ? '' : String(c.pid),
    process: c.process === null ? '' : visibleHost(c.process) + (c.processTruncated ? ' (cut by the tool)' : ''),
    owner: owner ? visibleHost(owner) : null,
    marked: Boolean(mark),
    severity: mark?.severity ?? null,
    findingIds: mark ? mark.ids.join(', ') : '',
  };
}

/** The artifact all records share (tables then show line numbers only), else null. */
export function singleArtifact(sources: { artifact: string }[]): string | null {
  const first = sources[0]?.artifact;
  return first !== undefined && sources.every((s) => s.artifact === first) ? visibleHost(first) : null;
}

/**
 * The PDF lists at most this many connection rows (10,000 rows print in well under 10 s; a busy
 * server's 100,000 make Chromium give up). Every record stays in parsed/connections.json.
 */
export const MAX_CONNECTION_ROWS = 10_000;

type GroupKey = 'listening' | 'established' | 'other';
const GROUP_ORDER: GroupKey[] = ['listening', 'established', 'other'];
const GROUP_TITLES: Record<GroupKey, string> = {
  listening: 'Listening (TCP LISTEN and bound UDP/raw sockets)',
  established: 'Established',
  other: 'Other states (TIME_WAIT, CLOSE_WAIT, SYN_SENT, …)',
};

/**
 * Listening, established and other sockets. Beyond maxRows, the rows kept are those a finding points
 * at (the most severe first, should they alone exceed the limit), then listening, established and
 * other sockets in listing order; each group says how many it leaves out.
 */
export function connectionGroups(connections: Connection[], marks: Marks, maxRows = MAX_CONNECTION_ROWS): ConnectionGroup[] {
  const groups: Record<GroupKey, Connection[]> = { listening: [], established: [], other: [] };
  for (const c of connections) groups[isListening(c) ? 'listening' : c.state === 'ESTABLISHED' ? 'established' : 'other'].push(c);
  let shown: Set<Connection> | null = null;
  if (connections.length > maxRows) {
    // Rows a finding points at first, the most severe first, then the rest in group order.
    const marked = connections
      .flatMap((c) => {
        const mark = marks.get(c.source.artifact, c.source.line);
        return mark ? [{ c, rank: rank(mark.severity) }] : [];
      })
      .sort((a, b) => b.rank - a.rank);
    const keep = new Set(marked.slice(0, maxRows).map((m) => m.c));
    for (const key of GROUP_ORDER) {
      for (const c of groups[key]) {
        if (keep.size >= maxRows) break;
        keep.add(c);
      }
    }
    shown = keep;
  }
  return GROUP_ORDER.map((key) => {
    const rows = shown === null ? groups[key] : groups[key].filter((c) => shown.has(c));
    const artifact = singleArtifact(groups[key].map((c) => c.source));
    const printed = rows.map((c) => connectionRow(c, marks));
    const compact = printed.length >= COMPACT_TABLE_ROWS ? compactRows(printed, artifact !== null) : null;
    return {
      key,
      title: GROUP_TITLES[key],
      artifact,
      rows: printed,
      cols: compact ? [] : connectionColumns(printed, artifact !== null),
      total: groups[key].length,
      omitted: groups[key].length - rows.length,
      compactHeader: compact?.header ?? null,
      textRuns: compact ? textRuns(printed, printed.filter((r) => r.marked).length >= MARKED_RUN_ROWS) : [],
    };
  });
}

/**
 * From this many rows a group prints as monospaced text rows, one table cell per row (text-table.ts):
 * Chromium's memory and time for an 8-cell row made 10,000 rows cost 2 GB. Smaller tables keep their
 * columns.
 */
export const COMPACT_TABLE_ROWS = 1_000;

/**
 * Unmarked one-line rows are joined, up to this many, into one table cell: Chromium's time and memory
 * go per layout box, not per line (10,000 rows: setContent 1.3 → 0.75 s, printing 3.0 → 2.1 s). A
 * marked row keeps its own row (its highlight), a wrapped row too (its lines stay on one page).
 */
export const TEXT_RUN_ROWS = 50;

/**
 * From this many marked rows in one table, a marked one-line row joins the runs too, printed bold
 * with its mark text (severity and finding ids) but without a shaded row of its own: a capture whose
 * findings point at thousands of rows (100k Windows stress: 6,287) paid a table row per marked row.
 */
export const MARKED_RUN_ROWS = 1_000;

export function textRuns(rows: { text?: string; marked: boolean; severity: Severity | null }[], markedInRuns = false): TextRun[] {
  const out: TextRun[] = [];
  let run: { text: string; marked: boolean }[] = [];
  const flush = (): void => {
    if (run.length) {
      const hasMarked = run.some((p) => p.marked);
      out.push({
        text: run.map((p) => p.text).join('\n'),
        marked: false,
        run: run.length > 1,
        parts: hasMarked ? run.map((p, i) => ({ text: i < run.length - 1 ? `${p.text}\n` : p.text, marked: p.marked })) : null,
      });
    }
    run = [];
  };
  for (const r of rows) {
    const text = r.text ?? '';
    if ((r.marked && !markedInRuns) || text.includes('\n')) {
      flush();
      out.push({ text, marked: r.marked, run: false, severity: r.severity ?? undefined, parts: null });
    } else {
      run.push({ text, marked: r.marked });
      if (run.length >= TEXT_RUN_ROWS) flush();
    }
  }
  flush();
  return out;
}

/** Sets each row's `text` (the row as lines of text) and returns the header line. */
function compactRows(rows: ConnectionRow[], singleArtifact: boolean): { header: string } {
  const mark = (r: ConnectionRow): string => (r.marked && r.severity ? `${SEVERITY_STYLE[r.severity].symbol} ${SEVERITY_STYLE[r.severity].label} ${r.findingIds}` : '');
  const columns = connectionTextColumns(singleArtifact, mark);
  const widths = textColumnWidths(rows, columns);
  for (const r of rows) r.text = textRow(r, columns, widths);
  return { header: columns.map((c, i) => (c.right ? c.header.padStart(widths[i]) : c.header.padEnd(widths[i]))).join(' ').trimEnd() };
}

/** Gateway text that means "no next hop" in some listing (net-tools prints 0.0.0.0, ip prints nothing). */
const NO_GATEWAY = /^(0\.0\.0\.0|::|\*|-|on-link|link#\d+)$/i;

/** The same route printed by several listings (netstat -rn and ip route): one key. */
function routeKey(r: Route): string {
  const gw = r.gateway === null || NO_GATEWAY.test(r.gateway.trim()) ? '' : r.gateway.trim().toLowerCase();
  const iface = r.interface === null || /^[*-]$/.test(r.interface.trim()) ? '' : r.interface.trim();
  const table = r.table && r.table !== 'main' && r.table !== '254' ? r.table : 'main';
  const dest = `${r.destination.trim().toLowerCase()}${r.zone ? `%${r.zone}` : ''}`;
  return `${r.ipVersion}|${table}|${dest}|${gw}|${iface}|${r.persistent ? 'p' : ''}`;
}

/** Unique routes, each with every line that printed it (in listing order of its first line). */
export function uniqueRoutes(routes: Route[]): Route[][] {
  const byKey = new Map<string, Route[]>();
  for (const r of routes) {
    const k = routeKey(r);
    const list = byKey.get(k);
    if (list) list.push(r);
    else byKey.set(k, [r]);
  }
  return [...byKey.values()];
}

/** "fe80::/64" with the zone the tool printed inside it (BSD `fe80::%lo0/64`). */
function destinationText(r: Route): string {
  if (!r.zone) return r.destination;
  const slash = r.destination.indexOf('/');
  return slash < 0 ? `${r.destination}%${r.zone}` : `${r.destination.slice(0, slash)}%${r.zone}${r.destination.slice(slash)}`;
}

/** One row per unique route; the field values come from the line that prints the most of them. */
export function routeRows(routes: Route[], marks: Marks): RouteRow[] {
  return uniqueRoutes(routes).map((same) => {
    const r = same.find((x) => x.metric !== null) ?? same.find((x) => x.type !== undefined) ?? same[0];
    const ids: string[] = [];
    let severity: Severity | null = null;
    for (const x of same) {
      const mark = marks.get(x.source.artifact, x.source.line);
      if (!mark) continue;
      for (const id of mark.ids) if (!ids.includes(id)) ids.push(id);
      severity = maxSev(severity, mark.severity);
    }
    const flags = [...new Set(same.flatMap((x) => [x.type && x.type !== 'unicast' ? x.type : null, x.flags, x.persistent ? 'persistent' : null]).filter((f): f is string => Boolean(f)))].join(' ');
    const artifacts = new Set(same.map((x) => x.source.artifact));
    return {
      ref: visibleHost(same.map((x) => refKey(x.source.artifact, x.source.line)).join(', ')),
      line: same[0].source.line,
      lines: same.map((x) => x.source.line).join(', '),
      views: artifacts.size,
      destination: visibleHost(destinationText(r)),
      gateway: r.gateway === null || NO_GATEWAY.test(r.gateway.trim()) ? 'on-link' : visibleHost(r.gateway),
      iface: r.interface === null ? '' : visibleHost(r.interface),
      metric: r.metric === null ? '' : String(r.metric),
      flags: visibleHost(flags),
      marked: ids.length > 0,
      severity,
      findingIds: ids.join(', '),
    };
  });
}

const MAX_PEERS = 6;
const MAX_CMDLINE = 100;
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** Most process rows printed (a synthetic or hostile capture can show tens of thousands of PIDs). */
export const MAX_PROCESS_ROWS = 2_000;

export function processRows(connections: Connection[], facts: ProcessFacts[], findings: Finding[], maxRows = MAX_PROCESS_ROWS): ProcessRow[] {
  const byPid = new Map<string, Connection[]>();
  for (const c of connections) {
    const key = c.pid === null ? `?${c.process ?? ''}` : String(c.pid);
    const list = byPid.get(key) ?? [];
    list.push(c);
    byPid.set(key, list);
  }
  const factsByPid = new Map(facts.map((f) => [f.pid, f]));
  // Indexed once: a host can have thousands of processes and thousands of findings.
  const findingsByPid = new Map<number, Finding[]>();
  for (const x of findings) {
    if (!isActive(x) || typeof x.pid !== 'number') continue;
    const list = findingsByPid.get(x.pid) ?? [];
    list.push(x);
    findingsByPid.set(x.pid, list);
  }
  // Sort keys first: the rows themselves are built only for the processes printed (a stress capture
  // shows 35,867 PIDs, 2,000 printed).
  const entries = [...byPid.entries()].map(([key, conns]) => {
    const pid = conns[0].pid;
    const related = pid === null ? [] : findingsByPid.get(pid) ?? [];
    return { key, conns, pid, related, severity: related.reduce<Severity | null>((s, x) => maxSev(s, x.severity), null), pidNum: pid ?? 0 };
  });
  const build = ({ key, conns, pid, related, severity }: (typeof entries)[number]): ProcessRow => {
    const f = pid === null ? undefined : factsByPid.get(pid);
    const names = [...new Set(conns.map((c) => c.process).filter((n): n is string => n !== null))];
    const listening = [...new Set(conns.filter(isListening).map((c) => `${c.protocol}/${c.localPort ?? c.localPortRaw ?? '*'}`))];
    const peers = [...new Set(conns.filter((c) => !isListening(c) && c.remotePort !== null).map((c) => c.remoteAddress))];
    return {
      pid: pid === null ? '—' : String(pid),
      name: names.length ? visibleHost(names.join(' / ')) : key.startsWith('?') ? '(not shown by the tool)' : '',
      exe: f?.exe ? visibleHost(f.exe) + (f.exeDeleted && !/ \(deleted\)$/.test(f.exe) && !f.exe.startsWith('/memfd:') ? ' (deleted)' : '') : null,
      // Cut so a row stays a few lines; the whole command line is in parsed/processes.json.
      cmdline: f?.cmdline ? visibleHost(clip(f.cmdline.join(' '), MAX_CMDLINE)) : null,
      user: f?.user ? visibleHost(f.user) : f?.uid !== undefined && f?.uid !== null ? `uid ${f.uid}` : null,
      listening: listening.join(', '),
      established: conns.filter((c) => c.state === 'ESTABLISHED').length,
      other: conns.filter((c) => !isListening(c) && c.state !== 'ESTABLISHED').length,
      peers: visibleHost(peers.slice(0, MAX_PEERS).join(', ') + (peers.length > MAX_PEERS ? ` … ${peers.length - MAX_PEERS} more` : '')),
      findingIds: related.map((x) => x.id).join(', '),
      severity,
      marked: related.length > 0,
      sockets: conns.length,
    };
  };
  const shownOrder = (a: (typeof entries)[number], b: (typeof entries)[number]): number => rank(b.severity) - rank(a.severity) || a.pidNum - b.pidNum;
  if (entries.length <= maxRows) return entries.sort(shownOrder).map(build);
  // Too many to print: the most severe, then those with the most sockets; shown in the usual order.
  return entries.sort((a, b) => rank(b.severity) - rank(a.severity) || b.conns.length - a.conns.length || shownOrder(a, b)).slice(0, maxRows).sort(shownOrder).map(build);
}

/**
 * A custody event's details as "key: value" lines: nested objects flatten to "a.b", arrays of
 * plain values join with spaces (argv reads as a command), long values are cut at `max` chars.
 */
export function custodyDetails(details: Record<string, unknown> | undefined, max: number): { key: string; value: string }[] {
  if (!details || typeof details !== 'object') return [];
  const out: { key: string; value: string }[] = [];
  const add = (key: string, v: unknown, depth: number): void => {
    if (out.length >= 40) return;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 3) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) add(`${key}.${k}`, x, depth + 1);
      return;
    }
    let text: string;
    if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) text = v.map((x) => String(x)).join(' ');
    else text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
    out.push({ key: visibleHost(key), value: visibleHost(text.length > max ? `${text.slice(0, max)}…` : text) });
  };
  for (const [k, v] of Object.entries(details)) add(k, v, 0);
  return out;
}

/**
 * A shell command laid out for print: lines of at most `max` characters, broken only between
 * arguments with a " \" continuation, so that copying it from the PDF gives a command a shell runs
 * as is. Single-quoted arguments (shellQuote) are never split; an argument longer than a line
 * stays whole on a line of its own.
 */
export function wrapCommand(command: string, max = 88): string {
  const words = command.match(/(?:'[^']*'|[^\s'])+/g) ?? [command];
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length + 2 > max) {
      lines.push(`${line} \\`);
      line = `  ${w}`;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** Body width the tables are sized for: A4 less 14 mm margins (Letter is wider: more spare room). */
const TABLE_MM = 182;
const MARK: ColumnSpec = { header: 'Mark', size: 6.5, bold: true };
const markText = (severity: Severity | null, ids: string): string => (severity ? `XX${severity.toUpperCase()} ${ids}` : ''); // symbol and label print as one word

export function connectionColumns(rows: ConnectionRow[], lineOnly: boolean): string[] {
  const specs: ColumnSpec[] = [
    MARK,
    { header: 'Proto', size: 7.5 },
    { header: 'Local address', size: 7, mono: true, grow: 1, maxMm: 60 },
    { header: 'Remote address', size: 7, mono: true, grow: 1, maxMm: 60 },
    { header: 'State', size: 7.5 },
    { header: 'PID', size: 7.5 },
    { header: 'Process', size: 7.5, grow: 3, maxMm: 70 },
    { header: lineOnly ? 'Line' : 'Source', size: 7.5, maxMm: 45 },
  ];
  return columnWidths(specs, rows.map((r) => [markText(r.severity, r.findingIds), r.proto, r.local, r.remote, r.state, r.pid, `${r.process} ${r.owner ?? ''}`, lineOnly ? String(r.line) : r.ref]), TABLE_MM);
}

export function routeColumns(rows: RouteRow[], lineOnly: boolean): string[] {
  const specs: ColumnSpec[] = [
    MARK,
    { header: 'Destination', size: 7, mono: true, grow: 1, maxMm: 60 },
    { header: 'Gateway', size: 7, mono: true, grow: 1, maxMm: 60 },
    { header: 'Interface', size: 7.5, grow: 1, maxMm: 40 },
    { header: 'Metric', size: 7.5 },
    { header: 'Flags / type', size: 7.5, grow: 1, maxMm: 40 },
    { header: 'Views', size: 7.5 },
    { header: lineOnly ? 'Lines' : 'Sources', size: 7.5, grow: 2, maxMm: 60 },
  ];
  return columnWidths(specs, rows.map((r) => [markText(r.severity, r.findingIds), r.destination, r.gateway, r.iface, r.metric, r.flags, String(r.views), lineOnly ? r.lines : r.ref.replace(/, /g, ',')]), TABLE_MM);
}

export function processColumns(rows: ProcessRow[]): string[] {
  const specs: ColumnSpec[] = [
    MARK,
    { header: 'PID', size: 7.5 },
    { header: 'Process', size: 7.5, grow: 4, maxMm: 80 },
    { header: 'Listening', size: 7.5, grow: 1, maxMm: 40 },
    { header: 'Est.', size: 7.5 },
    { header: 'Other', size: 7.5 },
    { header: 'Remote peers', size: 7.5, grow: 2, maxMm: 50 },
  ];
  return columnWidths(specs, rows.map((r) => [markText(r.severity, r.findingIds), r.pid, [r.name, r.user, r.exe, r.cmdline].filter(Boolean).join(' '), r.listening, String(r.established), String(r.other), r.peers]), TABLE_MM);
}
