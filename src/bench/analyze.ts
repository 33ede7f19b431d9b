// Benchmark of analyze(): 100,000 realistic sockets (netstat and ss views of a busy server, a few
// hundred programs, clients to public and private peers) plus 1,000 routes. Target: < 1 s.
import type { Acquisition, Connection, ProcessFacts, Route } from '../model.js';
import { analyze, type AnalysisInput } from '../analyze/index.js';
import { seededRandom } from '../seeded-random.js';
import type { BenchRow } from './types.js';

const PROGRAMS = ['nginx', 'postgres', 'sshd', 'java', 'node', 'redis-server', 'chronyd', 'systemd-resolve', 'dockerd', 'python3', 'curl', 'haproxy'];

function acquisition(): Acquisition {
  return {
    tool: { name: 'netcustody', version: 'bench' },
    caseId: 'bench',
    evidenceId: 'bench',
    examiner: 'bench',
    organisation: null,
    mode: 'collect',
    profile: 'linux',
    host: { hostname: 'bench', os: 'linux', platform: 'linux', release: '', kernel: '', arch: 'x64', uptimeSeconds: 1, timeZone: 'UTC', utcOffsetMinutes: 0 },
    clock: { systemUtc: new Date(0).toISOString(), ntpSynchronized: null, source: 'bench' },
    privileges: { user: 'root', uid: 0, euid: 0, privileged: true, limitations: [] },
    captureWindow: null,
    commands: [],
    imports: [],
    warnings: [],
    status: 'complete',
  };
}


export function syntheticInput(connections = 100_000, routes = 1_000): AnalysisInput {
  const rand = seededRandom(42);
  const conns: Connection[] = [];
  const processes: ProcessFacts[] = [];
  const pids = 600;
  for (let pid = 100; pid < 100 + pids; pid++) {
    const name = PROGRAMS[pid % PROGRAMS.length] as string;
    processes.push({ pid, comm: name, exe: `/usr/bin/${name}`, exeDeleted: false, cmdline: [name], ppid: 1, uid: 0, user: 'root', startTime: null, socketInodes: [], errors: [] });
  }
  let line = 0;
  const make = (c: Partial<Connection> & Pick<Connection, 'localAddress' | 'localPort' | 'remoteAddress' | 'remotePort' | 'state'>, view: 'netstat' | 'ss'): Connection => ({
    protocol: 'tcp',
    ipVersion: 4,
    stateRaw: c.state,
    pid: null,
    process: null,
    source: { artifact: view === 'netstat' ? 'raw/01-netstat-anp.stdout' : 'raw/02-ss-tunap.stdout', line: ++line },
    protoRaw: 'tcp',
    view,
    format: view === 'netstat' ? 'linux-netstat' : 'linux-ss',
    ...c,
  });
  for (let i = 0; conns.length < connections; i++) {
    const pid = 100 + Math.floor(rand() * pids);
    const name = PROGRAMS[pid % PROGRAMS.length] as string;
    const kind = rand();
    const base =
      kind < 0.02
        ? { localAddress: '0.0.0.0', localPort: 1024 + (pid % 2000), remoteAddress: '0.0.0.0', remotePort: null, state: 'LISTEN' }
        : kind < 0.6
          ? { localAddress: '10.0.0.5', localPort: 443, remoteAddress: `198.51.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`, remotePort: 1024 + Math.floor(rand() * 60000), state: 'ESTABLISHED' }
          : kind < 0.85
            ? { localAddress: '10.0.0.5', localPort: 32768 + (i % 28000), remoteAddress: `${20 + Math.floor(rand() * 180)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`, remotePort: [443, 80, 8443, 5432][i % 4] as number, state: 'ESTABLISHED' }
            : { localAddress: '127.0.0.1', localPort: 40000 + (i % 20000), remoteAddress: '127.0.0.1', remotePort: 5432, state: i % 3 ? 'ESTABLISHED' : 'TIME_WAIT' };
    const record = { ...base, pid, process: name };
    conns.push(make(record, 'netstat'));
    // A quarter of the sockets also appear in the ss view of the same capture.
    if (conns.length < connections && rand() < 0.25) conns.push(make(record, 'ss'));
  }
  const routeList: Route[] = [];
  routeList.push({ destination: '0.0.0.0/0', gateway: '10.0.0.1', interface: 'eth0', metric: 100, flags: 'UG', ipVersion: 4, source: { artifact: 'raw/09-ip-route.stdout', line: 1 }, format: 'linux-ip-route' });
  routeList.push({ destination: '10.0.0.0/24', gateway: null, interface: 'eth0', metric: 100, flags: 'U', ipVersion: 4, source: { artifact: 'raw/09-ip-route.stdout', line: 2 }, format: 'linux-ip-route' });
  for (let i = 0; routeList.length < routes; i++) {
    routeList.push({
      destination: `10.${1 + (i >> 8)}.${i & 255}.0/24`,
      gateway: '10.0.0.254',
      interface: 'eth0',
      metric: 200,
      flags: 'UG',
      ipVersion: 4,
      source: { artifact: 'raw/09-ip-route.stdout', line: routeList.length + 1 },
      format: 'linux-ip-route',
    });
  }
  return { acquisition: acquisition(), connections: conns, routes: routeList, processes, interfaces: [] };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function benchAnalyze(): Promise<BenchRow[]> {
  const input = syntheticInput();
  analyze(input); // warm-up (JIT)
  const times: number[] = [];
  const cpu: number[] = [];
  let findings = 0;
  for (let i = 0; i < 5; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = analyze(input);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1e6);
    findings = out.findings.length;
  }
  const seconds = median(times);
  return [
    { area: 'analyze', metric: '100k connections + 1k routes, wall time (median of 5)', value: seconds, unit: 's', target: '< 1 s', ok: seconds < 1 },
    // CPU time (all threads, GC included) tells the cost apart from other load on a shared machine.
    { area: 'analyze', metric: '100k connections + 1k routes, CPU time (median of 5)', value: median(cpu), unit: 's' },
    { area: 'analyze', metric: 'findings on the synthetic host', value: findings, unit: 'findings' },
  ];
}
