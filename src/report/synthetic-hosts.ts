// Three hosts for report tests and the benchmark: the seed Windows case (srss.exe PID 1256 listening
// on TCP 1337 among ordinary listeners), a Linux host with hostile process names, and a large host.
import type { Connection, Finding, ProcessFacts, Route } from '../model.js';
import { artifactPath, type SyntheticHost } from './synthetic-evidence.js';

/** Names a compromised host may print: HTML, template syntax, ANSI, bidi override, NUL and controls. */
export const HOSTILE_NAMES = [
  '<script>alert(1)</script>',
  '</td></tr>',
  '{{constructor}}',
  '"><img src=http://x>',
  'red\u001b[31mALERT\u001b[0m',
  'invoice\u202Egnp.exe',
  'nul\u0000byte\u0007bell',
  'svc\u200Bhost',
] as const;

function lines(): { add(text: string): number; text(eol: string): string } {
  const all: string[] = [];
  return {
    add(text) {
      all.push(text);
      return all.length;
    },
    text: (eol) => `${all.join(eol)}${eol}`,
  };
}

function conn(partial: Partial<Connection> & Pick<Connection, 'protocol' | 'localAddress' | 'localPort' | 'source'>): Connection {
  return {
    ipVersion: partial.localAddress.includes(':') ? 6 : 4,
    remoteAddress: '0.0.0.0',
    remotePort: null,
    state: null,
    stateRaw: null,
    pid: null,
    process: null,
    protoRaw: partial.protocol,
    view: 'netstat',
    format: 'linux-netstat',
    primary: true,
    ...partial,
  };
}

function route(destination: string, gateway: string | null, iface: string, metric: number, artifact: string, line: number, format: string): Route {
  return { destination, gateway, interface: iface, metric, flags: gateway ? 'UG' : 'U', ipVersion: destination.includes(':') ? 6 : 4, source: { artifact, line }, format };
}

function finding(id: string, f: Omit<Finding, 'id' | 'references' | 'attack'> & Partial<Pick<Finding, 'references' | 'attack'>>): Finding {
  return { id, references: [], attack: [], ...f };
}

const WIN_STATE: Record<string, string> = { LISTENING: 'LISTEN', ESTABLISHED: 'ESTABLISHED', TIME_WAIT: 'TIME_WAIT', CLOSE_WAIT: 'CLOSE_WAIT' };

export function windowsSeedHost(): SyntheticHost {
  const netstat = artifactPath(1, 'netstat-anob');
  const routeFile = artifactPath(2, 'route-print');
  const n = lines();
  const connections: Connection[] = [];
  n.add('');
  n.add('Active Connections');
  n.add('');
  n.add('  Proto  Local Address          Foreign Address        State           PID');
  const rows: [string, string, string, string, number, string | null, string | null][] = [
    ['TCP', '0.0.0.0:135', '0.0.0.0:0', 'LISTENING', 1004, 'RpcSs', 'svchost.exe'],
    ['TCP', '0.0.0.0:445', '0.0.0.0:0', 'LISTENING', 4, null, null],
    ['TCP', '0.0.0.0:1337', '0.0.0.0:0', 'LISTENING', 1256, null, 'srss.exe'],
    ['TCP', '0.0.0.0:3389', '0.0.0.0:0', 'LISTENING', 1188, 'TermService', 'svchost.exe'],
    ['TCP', '0.0.0.0:5040', '0.0.0.0:0', 'LISTENING', 6932, 'CDPSvc', 'svchost.exe'],
    ['TCP', '0.0.0.0:49664', '0.0.0.0:0', 'LISTENING', 712, null, 'lsass.exe'],
    ['TCP', '0.0.0.0:49665', '0.0.0.0:0', 'LISTENING', 560, null, 'wininit.exe'],
    ['TCP', '192.168.56.10:139', '0.0.0.0:0', 'LISTENING', 4, null, null],
    ['TCP', '192.168.56.10:1337', '192.168.56.99:50122', 'ESTABLISHED', 1256, null, 'srss.exe'],
    ['TCP', '192.168.56.10:49712', '52.114.128.10:443', 'ESTABLISHED', 3120, null, 'OneDrive.exe'],
    ['TCP', '192.168.56.10:49801', '93.184.216.34:80', 'TIME_WAIT', 0, null, null],
    ['UDP', '0.0.0.0:5353', '*:*', '', 2080, 'Dnscache', 'svchost.exe'],
  ];
  for (const [proto, local, remote, state, pid, component, image] of rows) {
    const at = n.add(`  ${proto.padEnd(7)}${local.padEnd(23)}${remote.padEnd(23)}${state.padEnd(16)}${pid}`);
    if (component) n.add(`  ${component}`);
    if (image) n.add(` [${image}]`);
    else if (pid === 4) n.add(' Can not obtain ownership information');
    const [la, lp] = splitHostPort(local);
    const [ra, rp] = splitHostPort(remote);
    connections.push(conn({
      protocol: proto === 'TCP' ? 'tcp' : 'udp', localAddress: la, localPort: lp, remoteAddress: ra, remotePort: rp,
      state: state ? WIN_STATE[state] : null, stateRaw: state || null, pid, process: image ?? (pid === 4 ? 'System' : null),
      component, ownerNote: pid === 4 ? 'Can not obtain ownership information' : null,
      protoRaw: proto, format: 'windows-netstat', source: { artifact: netstat, line: at },
    }));
  }
  const r = lines();
  const routes: Route[] = [];
  for (const l of ['===========================================================================', 'Interface List', ' 12...08 00 27 4a 1b 2c ......Intel(R) PRO/1000 MT Desktop Adapter', '  1...........................Software Loopback Interface 1', '===========================================================================', '', 'IPv4 Route Table', '===========================================================================', 'Active Routes:', 'Network Destination        Netmask          Gateway       Interface  Metric']) r.add(l);
  routes.push(route('0.0.0.0/0', '192.168.56.1', '192.168.56.10', 25, routeFile, r.add('          0.0.0.0          0.0.0.0     192.168.56.1    192.168.56.10     25'), 'windows-route'));
  routes.push(route('127.0.0.0/8', null, '127.0.0.1', 331, routeFile, r.add('        127.0.0.0        255.0.0.0         On-link         127.0.0.1    331'), 'windows-route'));
  routes.push(route('192.168.56.0/24', null, '192.168.56.10', 281, routeFile, r.add('     192.168.56.0    255.255.255.0         On-link     192.168.56.10    281'), 'windows-route'));
  r.add('===========================================================================');
  const line = (pid: number, port: number, state = 'LISTENING'): number => {
    const c = connections.find((x) => x.pid === pid && (x.localPort === port) && x.stateRaw === state);
    return c ? c.source.line : 0;
  };
  const findings: Finding[] = [
    finding('F-0001', { rule: 'masquerade-system-name', severity: 'high', title: 'Process name imitates a Windows system process (srss.exe ≈ csrss.exe)', detail: 'srss.exe (PID 1256) owns a TCP listener on 0.0.0.0:1337. Its name is one edit away from csrss.exe, the Client/Server Runtime Subsystem.', rationale: 'Malware names itself like system processes so that it passes a quick look at a process list.', falsePositives: 'A legitimate third-party tool with a similar name; check the image path and signature.', subject: 'process', refs: [{ artifact: netstat, line: line(1256, 1337) }], attack: ['T1036.005'], references: ['https://attack.mitre.org/techniques/T1036/005/'], pid: 1256, process: 'srss.exe' }),
    finding('F-0002', { rule: 'unusual-listen-port', severity: 'medium', title: 'Listener on a port associated with backdoors (TCP 1337)', detail: 'srss.exe (PID 1256) listens on TCP 0.0.0.0:1337 on all interfaces.', rationale: 'Port 1337 is not used by Windows services; it is a common choice for backdoors and test servers.', falsePositives: 'Developer tools and games sometimes use 1337.', subject: 'connection', refs: [{ artifact: netstat, line: line(1256, 1337) }], attack: ['T1571'], pid: 1256, process: 'srss.exe' }),
    finding('F-0003', { rule: 'inbound-to-unusual-listener', severity: 'high', title: 'Inbound connection to the suspicious listener', detail: '192.168.56.99:50122 is connected to 192.168.56.10:1337 (srss.exe, PID 1256), state ESTABLISHED.', rationale: 'A remote host was using the listener at the time of capture.', falsePositives: 'A test client on the lab network.', subject: 'connection', refs: [{ artifact: netstat, line: line(1256, 1337, 'ESTABLISHED') }], attack: ['T1571', 'T1219'], pid: 1256, process: 'srss.exe' }),
    finding('F-0004', { rule: 'smb-exposed', severity: 'low', title: 'SMB listening on all interfaces', detail: 'System (PID 4) listens on TCP 0.0.0.0:445.', rationale: 'SMB exposed beyond the local segment is a lateral movement path.', falsePositives: 'Normal for file servers and most domain members.', subject: 'connection', refs: [{ artifact: netstat, line: line(4, 445) }], attack: ['T1021.002'] }),
    finding('F-0005', { rule: 'default-route', severity: 'info', title: 'Default route via 192.168.56.1', detail: 'The IPv4 default route goes to 192.168.56.1 on interface 192.168.56.10, metric 25.', rationale: 'Context: where traffic to the internet leaves this host.', falsePositives: 'Not a suspicion; recorded for context.', subject: 'route', refs: [{ artifact: routeFile, line: routes[0].source.line }] }),
  ];
  const processes: ProcessFacts[] = [];
  return {
    hostname: 'WS-FIN-07', os: 'windows', platform: 'win32', release: '10.0.19045', kernel: 'Windows 10 Pro 22H2 (build 19045)', profile: 'windows-default',
    user: 'CORP\\ir-admin', privileged: true, limitations: [],
    artifacts: [
      { id: 'netstat-anob', description: 'TCP/UDP sockets with owning process and component', argv: ['netstat', '-anob'], stdout: n.text('\r\n'), format: 'windows-netstat' },
      { id: 'route-print', description: 'Routing table', argv: ['route', 'print'], stdout: r.text('\r\n'), format: 'windows-route' },
    ],
    connections, routes, processes, findings,
  };
}

function splitHostPort(text: string): [string, number | null] {
  const cut = text.lastIndexOf(':');
  const port = text.slice(cut + 1);
  return [text.slice(0, cut).replace(/^\[|\]$/g, ''), /^\d+$/.test(port) ? Number(port) : null];
}

const LINUX_HEADER = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name';

function linuxLine(proto: string, local: string, remote: string, state: string, owner: string): string {
  return `${proto.padEnd(5)}      0      0 ${local.padEnd(23)} ${remote.padEnd(23)} ${state.padEnd(11)} ${owner}`;
}

export function linuxHostileHost(): SyntheticHost {
  const netstat = artifactPath(1, 'netstat-tuanp');
  const n = lines();
  const connections: Connection[] = [];
  const processes: ProcessFacts[] = [];
  n.add('Active Internet connections (servers and established)');
  n.add(LINUX_HEADER);
  const add = (proto: 'tcp' | 'udp', local: string, lport: number, remote: string, rport: number | null, state: string, pid: number, name: string): Connection => {
    const line = n.add(linuxLine(proto, `${local}:${lport}`, `${remote}:${rport ?? '*'}`, state, `${pid}/${name}`));
    const c = conn({ protocol: proto, localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport, state: state || null, stateRaw: state || null, pid, process: name, source: { artifact: netstat, line } });
    connections.push(c);
    return c;
  };
  add('tcp', '0.0.0.0', 22, '0.0.0.0', null, 'LISTEN', 812, 'sshd');
  add('tcp', '127.0.0.1', 5432, '0.0.0.0', null, 'LISTEN', 977, 'postgres');
  add('tcp', '10.20.0.5', 22, '10.20.0.77', 51514, 'ESTABLISHED', 30211, 'sshd');
  const hostile = HOSTILE_NAMES.map((name, i) => add('tcp', '0.0.0.0', 4444 + i, '0.0.0.0', null, 'LISTEN', 6661 + i, name));
  add('udp', '0.0.0.0', 68, '0.0.0.0', null, '', 640, 'dhclient');
  const garbage = n.add('tcp6  \u001b[2J <b>unreadable</b> \u202E line');
  for (const c of connections) {
    processes.push({ pid: c.pid!, comm: c.process, exe: `/usr/local/bin/${c.process}`, exeDeleted: c.pid === 6662, cmdline: [`/usr/local/bin/${c.process}`, '--port', String(c.localPort)], ppid: 1, uid: 0, user: 'root', startTime: '2025-03-14T07:01:12Z', socketInodes: [], errors: [] });
  }
  const routeFile = artifactPath(2, 'ip-route');
  const r = lines();
  const routes = [
    route('0.0.0.0/0', '10.20.0.1', 'eth0', 100, routeFile, r.add('default via 10.20.0.1 dev eth0 proto dhcp metric 100'), 'linux-ip-route'),
    route('10.20.0.0/24', null, 'eth0', 100, routeFile, r.add('10.20.0.0/24 dev eth0 proto kernel scope link src 10.20.0.5 metric 100'), 'linux-ip-route'),
    route('198.51.100.0/24', '10.20.0.66', 'tun\u202E0', 5, routeFile, r.add('198.51.100.0/24 via 10.20.0.66 dev tun\u202E0 metric 5'), 'linux-ip-route'),
  ];
  const findings: Finding[] = hostile.map((c, i) =>
    finding(`F-${String(i + 1).padStart(4, '0')}`, {
      rule: 'hostile-process-name', severity: i === 5 ? 'critical' : i % 2 ? 'medium' : 'high',
      title: `Listener owned by a process named ${c.process}`,
      detail: `${c.process} (PID ${c.pid}) listens on TCP 0.0.0.0:${c.localPort}.`,
      rationale: 'Process names with markup, escape sequences or direction overrides are meant to mislead whoever reads them.',
      falsePositives: 'None known for names like this one.', subject: 'process', refs: [c.source], attack: ['T1036'], pid: c.pid, process: c.process,
    }),
  );
  findings.push(finding('F-0100', { rule: 'route-via-tunnel', severity: 'low', title: 'Route to 198.51.100.0/24 via tunnel interface', detail: 'Traffic to 198.51.100.0/24 goes via 10.20.0.66 on tun\u202E0.', rationale: 'Traffic for one network is diverted through a tunnel.', falsePositives: 'VPN split tunnelling.', subject: 'route', refs: [routes[2].source] }));
  return {
    hostname: 'db-prod-02', os: 'linux', platform: 'linux', release: '6.1.0-18-amd64', kernel: 'Linux 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1', profile: 'linux-default',
    user: 'analyst', privileged: false,
    limitations: ['not root: netstat -p shows no PID/program for sockets of other users', 'not root: /proc/PID/exe unreadable for other users'],
    artifacts: [
      { id: 'netstat-tuanp', description: 'Internet sockets with owning process', argv: ['netstat', '-tuanp'], stdout: n.text('\n'), stderr: '(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n', format: 'linux-netstat', unparsed: [{ line: garbage, text: 'tcp6  \u001b[2J <b>unreadable</b> \u202E line', reason: 'too few columns' }] },
      { id: 'ip-route', description: 'IPv4 routing table', argv: ['ip', 'route', 'show', 'table', 'all'], stdout: r.text('\n'), format: 'linux-ip-route' },
    ],
    connections, routes, processes, findings,
  };
}

const STATES = ['ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'SYN_SENT', 'FIN_WAIT2'];

/** A busy server: `count` sockets over 180 processes, a few findings. Deterministic. */
export function largeHost(count: number): SyntheticHost {
  const netstat = artifactPath(1, 'netstat-tuanp');
  const n = lines();
  n.add('Active Internet connections (servers and established)');
  n.add(LINUX_HEADER);
  const connections: Connection[] = [];
  for (let i = 0; i < count; i++) {
    const pid = 2000 + (i % 180);
    const name = ['nginx', 'java', 'node', 'python3', 'envoy', 'redis-server'][pid % 6];
    const listening = i % 50 === 0;
    const v6 = i % 9 === 0;
    const local = v6 ? `2001:db8:10::${(i % 200).toString(16)}` : `10.1.${(i >> 8) & 255}.${i & 255}`;
    const lport = listening ? 8000 + (i % 1000) : 32768 + (i % 28000);
    const remote = listening ? (v6 ? '::' : '0.0.0.0') : v6 ? `2001:db8:ff::${(i * 7) % 65535}` : `203.0.${(i * 3) & 255}.${(i * 7) & 255}`;
    const rport = listening ? null : [443, 80, 5432, 6379, 9092][i % 5];
    const state = listening ? 'LISTEN' : STATES[i % STATES.length];
    const fmt = (a: string, p: number | null): string => (v6 ? `${a}:${p ?? '*'}` : `${a}:${p ?? '*'}`);
    const line = n.add(linuxLine(v6 ? 'tcp6' : 'tcp', fmt(local, lport), fmt(remote, rport), state, `${pid}/${name}`));
    connections.push(conn({ protocol: 'tcp', localAddress: local, localPort: lport, remoteAddress: remote, remotePort: rport, state, stateRaw: state, pid, process: name, protoRaw: v6 ? 'tcp6' : 'tcp', source: { artifact: netstat, line } }));
  }
  const routeFile = artifactPath(2, 'ip-route');
  const r = lines();
  const routes = Array.from({ length: 40 }, (_, i) => route(`10.${i}.0.0/16`, i === 0 ? null : `10.1.0.${i}`, 'eth0', 100 + i, routeFile, r.add(`10.${i}.0.0/16 via 10.1.0.${i} dev eth0 metric ${100 + i}`), 'linux-ip-route'));
  const findings: Finding[] = connections
    .filter((_, i) => i % 997 === 1)
    .map((c, i) => finding(`F-${String(i + 1).padStart(4, '0')}`, { rule: 'outbound-rare-port', severity: (['low', 'medium', 'high'] as const)[i % 3], title: `Outbound connection from ${c.process} to ${c.remoteAddress}:${c.remotePort}`, detail: `${c.process} (PID ${c.pid}) ${c.localAddress}:${c.localPort} → ${c.remoteAddress}:${c.remotePort} ${c.state}.`, rationale: 'Synthetic finding for the size benchmark.', falsePositives: 'Synthetic.', subject: 'connection', refs: [c.source], pid: c.pid, process: c.process }));
  return {
    hostname: 'edge-proxy-01', os: 'linux', platform: 'linux', release: '6.1.0-18-amd64', kernel: 'Linux 6.1.0-18-amd64', profile: 'linux-default',
    user: 'root', privileged: true, limitations: [],
    artifacts: [
      { id: 'netstat-tuanp', description: 'Internet sockets with owning process', argv: ['netstat', '-tuanp'], stdout: n.text('\n'), format: 'linux-netstat' },
      { id: 'ip-route', description: 'IPv4 routing table', argv: ['ip', 'route'], stdout: r.text('\n'), format: 'linux-ip-route' },
    ],
    connections, routes, processes: [], findings,
  };
}
