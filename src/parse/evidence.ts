import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, Connection, NetInterface, OtherSocket, ParseResult, ProcessFacts, Route, UnixSocket } from '../model.js';
import { PATHS, readAcquisition, writeJson } from '../evidence/folder.js';
import { writeTextDurableSync } from '../evidence/files.js';
import { type CsvColumn, writeCsvPieces } from './csv.js';
import { parseText } from './registry.js';
import type { ParseReport } from './report-types.js';
import { decodeBytes } from './text.js';

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
  const results = textArtifacts(acquisition).map((artifact) => {
    const { text, encoding } = decodeBytes(readFileSync(join(dir, artifact)));
    return parseText(text, artifact, encoding);
  });
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
      connections: connections.filter((c) => c.primary).length,
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

const VIEW_RANK: Record<Connection['view'], number> = { netstat: 4, ss: 3, lsof: 2, proc: 1 };

/**
 * One artifact is the primary socket listing (what the report tables show): the best view, and among
 * equals the listing that names the most owners (netstat -anob over -ano). Imports of several
 * separate captures are all primary when they are the same view and equally informative.
 */
function markPrimary(results: ParseResult[]): Connection[] {
  const score = (r: ParseResult) => {
    const owned = r.connections.filter((c) => c.process !== null).length;
    return VIEW_RANK[r.connections[0].view] * 1e9 + owned;
  };
  const withSockets = results.filter((r) => r.connections.length > 0);
  const best = Math.max(...withSockets.map(score));
  const all: Connection[] = [];
  for (const r of withSockets) {
    const primary = score(r) === best;
    for (const c of r.connections) {
      c.primary = primary;
      all.push(c);
    }
  }
  return all;
}

/** /proc facts (netcustody's own artifacts: Node collector or sh reader) win over tasklist-style lists; both are keyed by PID. */
function mergeProcesses(results: ParseResult[]): ProcessFacts[] {
  const byPid = new Map<number, ProcessFacts>();
  const own = (r: ParseResult): number => Number(r.format === 'netcustody-process-facts' || r.format === 'netcustody-procfacts-sh');
  const ordered = [...results].sort((a, b) => own(a) - own(b));
  for (const r of ordered) for (const p of r.processes) byPid.set(p.pid, p);
  return [...byPid.values()].sort((a, b) => a.pid - b.pid);
}

/** Write parsed/*.json and CSV views. */
export function writeParsed(dir: string, parsed: ParsedEvidence): string[] {
  writeJson(dir, PATHS.connections, parsed.connections);
  writeJson(dir, PATHS.routes, parsed.routes);
  writeJson(dir, PATHS.unixSockets, parsed.unixSockets);
  writeJson(dir, PATHS.otherSockets, parsed.otherSockets);
  writeJson(dir, PATHS.processes, parsed.processes);
  writeJson(dir, PATHS.parseReport, parsed.report);
  writeTextDurableSync(join(dir, PATHS.connectionsCsv), (write) => writeCsvPieces(parsed.connections, CONNECTION_COLUMNS, write));
  writeTextDurableSync(join(dir, PATHS.routesCsv), (write) => writeCsvPieces(parsed.routes, ROUTE_COLUMNS, write));
  return [PATHS.connections, PATHS.connectionsCsv, PATHS.routes, PATHS.routesCsv, PATHS.unixSockets, PATHS.otherSockets, PATHS.processes, PATHS.parseReport];
}

const CONNECTION_COLUMNS: CsvColumn<Connection>[] = [
  { header: 'protocol', value: (c) => c.protocol },
  { header: 'ipVersion', value: (c) => c.ipVersion },
  { header: 'localAddress', value: (c) => c.localAddress },
  { header: 'localPort', value: (c) => c.localPort },
  { header: 'remoteAddress', value: (c) => c.remoteAddress },
  { header: 'remotePort', value: (c) => c.remotePort },
  { header: 'state', value: (c) => c.state },
  { header: 'stateRaw', value: (c) => c.stateRaw },
  { header: 'pid', value: (c) => c.pid },
  { header: 'process', value: (c) => c.process },
  { header: 'view', value: (c) => c.view },
  { header: 'primary', value: (c) => c.primary },
  { header: 'artifact', value: (c) => c.source.artifact },
  { header: 'line', value: (c) => c.source.line },
];

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
