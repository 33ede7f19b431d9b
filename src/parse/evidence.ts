import { join } from 'node:path';
import type { Acquisition, Connection, NetInterface, OtherSocket, ParseResult, ProcessFacts, Route, UnixSocket } from '../model.js';
import { PATHS, readAcquisition, type OutputFile } from '../evidence/folder.js';
import { computeDefaults, CONNECTION_CONTRACT, UNIX_SOCKET_CONTRACT, writeRecordLines, type ArtifactDefaults, type RecordDefaults } from '../evidence/record-defaults.js';
import { writeRecordRows } from '../evidence/record-rows.js';
import { type CsvColumn, writeCsvPieces } from './csv.js';
import { parseArtifactFile } from './read-artifact.js';
import type { ParseReport } from './report-types.js';

export interface ParsedEvidence {
  acquisition: Acquisition;
  results: ParseResult[];
  /** Every socket record of every view; `primary` marks the main listing. */
  connections: Connection[];
  routes: Route[];
  unixSockets: UnixSocket[];
  otherSockets: OtherSocket[];
  interfaces: NetInterface[];
  processes: ProcessFacts[];
  report: ParseReport;
}

/** The artifacts of an evidence folder that hold evidence to parse (stdout of each step, imports; not stderr). */
export function textArtifacts(acq: Acquisition): string[] {
  const fromCommands = acq.commands.filter((c) => c.stdout && c.stdout.bytes > 0).map((c) => c.stdout!.path);
  return [...fromCommands, ...acq.imports.map((i) => i.artifact.path)];
}

/** Parse every raw artifact of the folder; the raw bytes are only read. */
export function parseEvidence(dir: string): ParsedEvidence {
  const acquisition = readAcquisition(dir);
  const results = textArtifacts(acquisition).map((artifact) => parseArtifactFile(join(dir, artifact), artifact));
  const processes = mergeProcesses(results);
  const connections = markPrimary(results);
  const routes = results.flatMap((r) => r.routes);
  const report: ParseReport = {
    artifacts: results.map((r) => ({
      artifact: r.artifact,
      format: r.format,
      encoding: r.encoding,
      lines: r.lines,
      unparsed: r.unparsed,
      unparsedNotListed: r.unparsedNotListed,
      unparsedReasons: r.unparsedReasons,
      warnings: r.warnings,
      records: { connections: r.connections.length, routes: r.routes.length, unixSockets: r.unixSockets.length, otherSockets: r.otherSockets.length, processes: r.processes.length },
    })),
    totals: {
      connections: countPrimary(connections),
      routes: routes.length,
      unixSockets: results.reduce((n, r) => n + r.unixSockets.length, 0),
      unparsedLines: results.reduce((n, r) => n + r.lines.unparsed, 0),
    },
  };
  return {
    acquisition,
    results,
    connections,
    routes,
    unixSockets: results.flatMap((r) => r.unixSockets),
    otherSockets: results.flatMap((r) => r.otherSockets),
    interfaces: results.flatMap((r) => r.interfaces),
    processes,
    report,
  };
}

function countPrimary(connections: Connection[]): number {
  let n = 0;
  for (const c of connections) if (c.primary) n++;
  return n;
}

const VIEW_RANK: Record<Connection['view'], number> = { netstat: 4, ss: 3, lsof: 2, proc: 1 };

/**
 * One artifact is the primary socket listing (what the report tables show): the best view, and among
 * equals the listing that names the most owners (netstat -anob over -ano). Imports of several
 * separate captures are all primary when they are the same view and equally informative.
 */
function markPrimary(results: ParseResult[]): Connection[] {
  const score = (r: ParseResult) => {
    let owned = 0;
    for (const c of r.connections) if (c.process !== null) owned++;
    return VIEW_RANK[r.connections[0].view] * 1e9 + owned;
  };
  const withSockets = results.filter((r) => r.connections.length > 0);
  // One listing is the primary one without counting its owners (100k records read for nothing).
  const scores = withSockets.length === 1 ? [0] : withSockets.map(score);
  const best = Math.max(...scores);
  for (const [i, r] of withSockets.entries()) {
    const primary = scores[i] === best;
    for (const c of r.connections) c.primary = primary;
  }
  // One listing: its own array (not a second array of 100k references, grown push by push).
  return withSockets.length === 1 ? withSockets[0].connections : withSockets.flatMap((r) => r.connections);
}

/** /proc facts (netcustody's own artifacts: Node collector or sh reader) win over tasklist-style lists; both are keyed by PID. */
function mergeProcesses(results: ParseResult[]): ProcessFacts[] {
  const byPid = new Map<number, ProcessFacts>();
  const own = (r: ParseResult): number => Number(r.format === 'netcustody-process-facts' || r.format === 'netcustody-procfacts-sh');
  const ordered = [...results].sort((a, b) => own(a) - own(b));
  for (const r of ordered) for (const p of r.processes) byPid.set(p.pid, p);
  return [...byPid.values()].sort((a, b) => a.pid - b.pid);
}

/**
 * The parsed/ files to publish (folder.ts publishFiles): compact JSON arrays, one element per line;
 * socket records are rows under a `$columns` header (evidence/record-rows.ts) and leave out the fields
 * their artifact's recordDefaults and recordDerived (parse-report.json) stand for.
 * routes.csv is kept (a few lines); the connections are in connections.json only — a 100k-socket
 * host's CSV was a second full copy (jq -r makes one: README).
 */
export function parsedOutputs(parsed: ParsedEvidence): OutputFile[] {
  const connDefaults = computeDefaults(parsed.connections, CONNECTION_CONTRACT);
  const unixDefaults = computeDefaults(parsed.unixSockets, UNIX_SOCKET_CONTRACT);
  const report: ParseReport = {
    ...parsed.report,
    artifacts: parsed.report.artifacts.map((a) => {
      const recordDefaults: RecordDefaults = {};
      const recordDerived: Record<string, string[]> = {};
      const c = connDefaults.get(a.artifact);
      const u = unixDefaults.get(a.artifact);
      if (c && Object.keys(c.values).length) recordDefaults.connections = c.values;
      if (u && Object.keys(u.values).length) recordDefaults.unixSockets = u.values;
      if (c?.derived.length) recordDerived.connections = c.derived;
      if (u?.derived.length) recordDerived.unixSockets = u.derived;
      // recordDerived only where there is one: reports of hosts without such fields read as before.
      const withDefaults = Object.keys(recordDefaults).length ? { ...a, recordDefaults } : a;
      return Object.keys(recordDerived).length ? { ...withDefaults, recordDerived } : withDefaults;
    }),
  };
  const records = (list: readonly unknown[], defaults?: Map<string, ArtifactDefaults>) => (write: (piece: string) => void) =>
    defaults ? writeRecordRows(list as object[], write, defaults) : writeRecordLines(list, write);
  return [
    { rel: PATHS.connections, produce: records(parsed.connections, connDefaults) },
    { rel: PATHS.routes, produce: records(parsed.routes) },
    { rel: PATHS.routesCsv, produce: (write) => writeCsvPieces(parsed.routes, ROUTE_COLUMNS, write) },
    { rel: PATHS.unixSockets, produce: records(parsed.unixSockets, unixDefaults) },
    { rel: PATHS.otherSockets, produce: records(parsed.otherSockets) },
    { rel: PATHS.processes, produce: records(parsed.processes) },
    { rel: PATHS.parseReport, produce: (write) => write(`${JSON.stringify(report, null, 2)}\n`) },
  ];
}

const ROUTE_COLUMNS: CsvColumn<Route>[] = [
  { header: 'destination', value: (r) => r.destination },
  { header: 'gateway', value: (r) => r.gateway },
  { header: 'interface', value: (r) => r.interface },
  { header: 'metric', value: (r) => r.metric },
  { header: 'flags', value: (r) => r.flags },
  { header: 'type', value: (r) => r.type },
  { header: 'table', value: (r) => r.table },
  { header: 'ipVersion', value: (r) => r.ipVersion },
  { header: 'artifact', value: (r) => r.source.artifact },
  { header: 'line', value: (r) => r.source.line },
];
