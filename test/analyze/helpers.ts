// Builders for analyzer tests: records as parsers would produce them, each with its own source line.
import type { Acquisition, Connection, Finding, OsName, ProcessFacts, Route } from '../../src/model.js';
import { analyze, type AnalysisInput, type AnalyzeOptions, type AnalysisOutput } from '../../src/analyze/index.js';

let line = 0;

export function acquisition(os: OsName = 'linux', privileged: boolean | null = true): Acquisition {
  return {
    tool: { name: 'netcustody', version: 'test' },
    caseId: 'case',
    evidenceId: 'host_20250101T000000Z',
    examiner: 'tester',
    organisation: null,
    mode: 'collect',
    profile: os,
    host: { hostname: 'host', os, platform: os, release: '', kernel: '', arch: 'x64', uptimeSeconds: 1, timeZone: 'UTC', utcOffsetMinutes: 0 },
    clock: { systemUtc: '2025-01-01T00:00:00.000Z', ntpSynchronized: null, source: 'system' },
    privileges: privileged === null ? null : { user: privileged ? 'root' : 'bob', uid: privileged ? 0 : 1000, euid: privileged ? 0 : 1000, privileged, limitations: [] },
    captureWindow: null,
    commands: [],
    imports: [],
    warnings: [],
    status: 'complete',
  };
}

type ConnSpec = Partial<Connection> & { local?: string; remote?: string };

/** "0.0.0.0:22" / "[::]:22" / "*:68" → address and port. */
function split(endpoint: string): [string, number | null] {
  const m = /^\[?(.*?)\]?:(\d+|\*)$/.exec(endpoint);
  if (!m) return [endpoint, null];
  return [m[1] ?? '', m[2] === '*' ? null : Number(m[2])];
}

export function conn(spec: ConnSpec): Connection {
  const [la, lp] = split(spec.local ?? '0.0.0.0:0');
  const [ra, rp] = split(spec.remote ?? (la.includes(':') ? '[::]:*' : '0.0.0.0:*'));
  const view = spec.view ?? 'netstat';
  const protocol = spec.protocol ?? 'tcp';
  const { local: _l, remote: _r, ...rest } = spec;
  return {
    protocol,
    ipVersion: la.includes(':') ? 6 : 4,
    localAddress: la,
    localPort: lp,
    remoteAddress: ra,
    remotePort: rp,
    state: protocol === 'tcp' ? 'LISTEN' : null,
    stateRaw: null,
    pid: null,
    process: null,
    source: { artifact: `raw/01-${view}.stdout`, line: ++line },
    protoRaw: protocol,
    view,
    format: view === 'proc' ? 'linux-proc-net' : view === 'ss' ? 'linux-ss' : 'linux-netstat',
    ...rest,
  };
}

export function listen(local: string, pid: number | null, process: string | null, extra: ConnSpec = {}): Connection {
  return conn({ local, pid, process, state: extra.protocol === 'udp' ? null : 'LISTEN', ...extra });
}

export function established(local: string, remote: string, pid: number | null, process: string | null, extra: ConnSpec = {}): Connection {
  return conn({ local, remote, pid, process, state: 'ESTABLISHED', ...extra });
}

export function route(destination: string, gateway: string | null, iface: string | null, extra: Partial<Route> = {}): Route {
  return {
    destination,
    gateway,
    interface: iface,
    metric: 0,
    flags: gateway ? 'UG' : 'U',
    ipVersion: destination.includes(':') ? 6 : 4,
    source: { artifact: 'raw/09-ip-route.stdout', line: ++line },
    format: 'linux-ip-route',
    ...extra,
  };
}

export function proc(pid: number, comm: string, extra: Partial<ProcessFacts> = {}): ProcessFacts {
  return {
    pid,
    comm,
    exe: `/usr/bin/${comm}`,
    exeDeleted: false,
    cmdline: [comm],
    ppid: 1,
    uid: 0,
    user: 'root',
    startTime: '2025-01-01T00:00:00.000Z',
    socketInodes: [],
    errors: [],
    ...extra,
  };
}

export interface Host {
  os?: OsName;
  privileged?: boolean | null;
  connections?: Connection[];
  routes?: Route[];
  processes?: ProcessFacts[];
}

export function input(host: Host): AnalysisInput {
  return {
    acquisition: acquisition(host.os ?? 'linux', host.privileged === undefined ? true : host.privileged),
    connections: host.connections ?? [],
    routes: host.routes ?? [],
    processes: host.processes ?? [],
    interfaces: [],
  };
}

export function run(host: Host, options?: AnalyzeOptions): AnalysisOutput {
  return analyze(input(host), options);
}

export function findingsOf(host: Host, rule: string, options?: AnalyzeOptions): Finding[] {
  return run(host, options).findings.filter((f) => f.rule === rule);
}

/** Windows netstat -anob record. */
export function win(spec: ConnSpec): Connection {
  return conn({ format: 'windows-netstat', ...spec, source: { artifact: 'raw/01-netstat-anob.stdout', line: ++line } });
}

export function winRoute(destination: string, gateway: string | null, iface: string | null, extra: Partial<Route> = {}): Route {
  return route(destination, gateway, iface, { format: 'windows-route', source: { artifact: 'raw/02-route-print.stdout', line: ++line }, ...extra });
}
