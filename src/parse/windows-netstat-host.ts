// A realistic 100k-socket `netstat -anob` for the analyze benchmark (issue 16): a busy Windows
// Server (IIS through HTTP.sys, SQL Server, app pools) with the agents and desktop tools of the real
// Windows 10 sample (jc's netstat-aonb.out). It exists beside the stress capture of
// windows-netstat-gen.ts, which gives every socket a random PID and, independently, a random image:
// one PID printed under many names is impossible in one real snapshot and turns 100k sockets into
// ~6,300 findings and leads. Here, as on a real host, each PID has ONE owner block (svchost with its
// service name as -b prints it, System PID 4 and some service hosts as "Can not obtain ownership
// information"), listeners sit on the ports those images really use, clients on ephemeral ports,
// TIME_WAIT rows have no owner, IPv6 link-local addresses carry zones, rows are in netstat's order
// (TCP then UDP, IPv4 then IPv6, by local address) and lines end in CRLF. Deterministic.
import { seededRandom } from '../seeded-random.js';
import { ANOB_HEAD, anobRow, NO_OWNER } from './windows-netstat-gen.js';

type Rand = (n: number) => number;

/** One process: its image ([image] line), the svchost service line, or null image = owner note. */
interface Proc { pid: number; image: string | null; component?: string }

interface Row { tcp: boolean; v6: boolean; local: string; lport: number; remote: string; rport: number | null; state: string; proc: Proc | null }

// The host's addresses: the server NIC, two Hyper-V virtual switches (as in the sample), IPv6 global
// and link-local with their interface numbers.
const NIC = '10.20.0.15';
const V4_IFACES = [NIC, '172.17.96.1', '192.168.56.1'];
const NIC6 = '2001:db8:20::15';
const LINK_LOCAL = ['fe80::244e:2f1e:2096:62b2%9', 'fe80::36de:3306:84b0:6717%21', 'fe80::d8df:ceee:28ba:aad%14'];

/** The process table: PIDs are multiples of 4, unique, drawn once from the seed. */
function processTable(rand: Rand): Record<string, Proc[]> {
  const used = new Set<number>([0, 4]);
  const pid = (): number => {
    let p = 0;
    while (used.has(p)) p = 4 * (100 + rand(9000));
    used.add(p);
    return p;
  };
  const one = (image: string | null, component?: string): Proc => ({ pid: pid(), image, component });
  const many = (n: number, image: string): Proc[] => Array.from({ length: n }, () => one(image));
  const svc = (name: string): Proc => one('svchost.exe', name);
  return {
    system: [{ pid: 4, image: null }],
    rpc: [svc('RpcSs')], lsass: [one('lsass.exe')], wininit: [one(null)], services: [one(null)],
    eventlog: [svc('EventLog')], schedule: [svc('Schedule')], sessionEnv: [svc('SessionEnv')], spooler: [one('spoolsv.exe')],
    term: [svc('TermService')], cdp: [svc('CDPSvc')], iphlp: [svc('iphlpsvc')], dosvc: [one(null)], winrm: [svc('WinRM')],
    dnscache: [svc('Dnscache')], ssdp: [svc('SSDPSRV')], ike: [svc('IKEEXT')], time: [svc('W32Time')], qwave: [svc('QWAVE')],
    dhcp: [svc('Dhcp')], nla: [svc('NlaSvc')],
    // Service hosts that talk out: Windows Update, BITS, push notifications, crypto (CRL/OCSP), the user's CDP.
    // Since Windows 10 1703 most services run in their own svchost.exe, each with its own PID.
    outSvc: ['wuauserv', 'BITS', 'WpnService', 'CryptSvc', 'CDPUserSvc_46a8de2e', 'LanmanWorkstation', 'DiagTrack', 'UsoSvc',
      'WinHttpAutoProxySvc', 'NcaSvc', 'InstallService', 'LicenseManager', 'wlidsvc', 'TokenBroker', 'StateRepository', 'DsSvc',
      'OneSyncSvc_46a8de2e', 'WpnUserService_46a8de2e', 'ClipSVC', 'AppXSvc', 'Winmgmt', 'WerSvc', 'SstpSvc', 'gpsvc'].map(svc),
    sql: [one('sqlservr.exe')], sqlBrowser: [one('sqlbrowser.exe')], sqlAgent: [one('SQLAGENT.EXE')],
    w3wp: many(12, 'w3wp.exe'), dotnet: many(6, 'dotnet.exe'), node: many(4, 'node.exe'), php: many(16, 'php-cgi.exe'),
    mysql: [one('mysqld.exe')], sshd: [one('sshd.exe')], splunk: [one('splunkd.exe')], zabbix: [one('zabbix_agentd.exe')],
    java: many(3, 'java.exe'),
    defender: [one('MsMpEng.exe')], sense: [one('MsSense.exe')],
    chrome: [one('chrome.exe')], edge: [one('msedge.exe')], teams: [one('Teams.exe')], onedrive: [one('OneDrive.exe')],
    teamviewer: [one('TeamViewer_Service.exe')], anydesk: [one('AnyDesk.exe')], nvidia: [one('NVIDIA Web Helper.exe')],
    nvcontainer: [one('nvcontainer.exe')], jhi: [one('jhi_service.exe')], code: many(2, 'Code.exe'), python: many(4, 'python.exe'),
    vmware: [one('vmware-hostd.exe')], vmauthd: [one('vmware-authd.exe')], vmms: [one('vmms.exe')], dashost: [one('dashost.exe')],
    foxit: [one('FoxitConnectedPDFService.exe')], spotify: many(2, 'Spotify.exe'),
  };
}

const v4Public = (rand: Rand): string => `${[23, 31, 40, 52, 66, 81, 93, 104, 151, 185, 203][rand(11)]}.${rand(256)}.${rand(256)}.${1 + rand(254)}`;
const v6Public = (rand: Rand): string => `2a02:${(0x1000 + rand(0xe000)).toString(16)}:${rand(0x10000).toString(16)}::${(1 + rand(0xfffe)).toString(16)}`;
/** Windows clients take local ports from 49152–65535; remote clients (any OS) from 1024 up. */
const ephemeral = (rand: Rand): number => 49152 + rand(16384);
const clientPort = (rand: Rand): number => 1024 + rand(64512);

function listeners(p: Record<string, Proc[]>): Row[] {
  const rows: Row[] = [];
  const tcp = (local: string, lport: number, proc: Proc, both = true): void => {
    rows.push({ tcp: true, v6: false, local, lport, remote: '0.0.0.0', rport: 0, state: 'LISTENING', proc });
    if (both && (local === '0.0.0.0' || local === '127.0.0.1')) rows.push({ tcp: true, v6: true, local: local === '0.0.0.0' ? '::' : '::1', lport, remote: '::', rport: 0, state: 'LISTENING', proc });
  };
  const udp = (local: string, lport: number, proc: Proc): void => {
    rows.push({ tcp: false, v6: local.includes(':'), local, lport, remote: '*', rport: null, state: '', proc });
  };
  const sys = p.system[0];
  for (const port of [80, 443, 445, 5985, 47001]) tcp('0.0.0.0', port, sys);
  for (const ip of V4_IFACES) tcp(ip, 139, sys, false);
  tcp('0.0.0.0', 135, p.rpc[0]);
  tcp('0.0.0.0', 1433, p.sql[0]);
  tcp('127.0.0.1', 1434, p.sql[0]); // the dedicated admin connection
  tcp('0.0.0.0', 3389, p.term[0]);
  tcp('0.0.0.0', 5040, p.cdp[0], false);
  tcp('0.0.0.0', 4325, p.iphlp[0], false);
  tcp('0.0.0.0', 7680, p.dosvc[0]);
  tcp('0.0.0.0', 7070, p.anydesk[0], false);
  tcp('0.0.0.0', 902, p.vmauthd[0], false);
  tcp('0.0.0.0', 912, p.vmauthd[0], false);
  tcp('0.0.0.0', 2179, p.vmms[0]);
  [p.lsass, p.wininit, p.eventlog, p.schedule, p.services, p.sessionEnv].forEach((proc, i) => tcp('0.0.0.0', 49664 + i, proc[0]));
  tcp('0.0.0.0', 49681, p.spooler[0]);
  tcp('127.0.0.1', 5939, p.teamviewer[0], false);
  tcp('127.0.0.1', 8307, p.vmware[0]);
  tcp('127.0.0.1', 29802, p.nvidia[0], false);
  tcp('127.0.0.1', 44440, p.foxit[0], false);
  tcp('127.0.0.1', 65001, p.nvcontainer[0], false);
  p.code.forEach((proc, i) => tcp('127.0.0.1', 1310 + i * 29466, proc, false));
  p.dotnet.forEach((proc, i) => tcp('127.0.0.1', 5000 + i, proc, false)); // Kestrel behind IIS
  p.node.forEach((proc, i) => tcp('127.0.0.1', 3000 + i, proc, false));
  tcp('0.0.0.0', 22, p.sshd[0]);
  tcp('0.0.0.0', 3306, p.mysql[0]);
  tcp('0.0.0.0', 33060, p.mysql[0]);
  tcp('0.0.0.0', 8089, p.splunk[0]);
  tcp('0.0.0.0', 10050, p.zabbix[0]);
  tcp('127.0.0.1', 9200, p.java[0]);
  tcp('127.0.0.1', 9300, p.java[0]);
  rows.push({ tcp: true, v6: true, local: '::1', lport: 1025, remote: '::', rport: 0, state: 'LISTENING', proc: p.jhi[0] });
  // UDP listeners: per interface as Windows binds them (NetBIOS, SSDP, QWAVE, mDNS), and the wildcard ones.
  for (const ip of V4_IFACES) {
    udp(ip, 137, sys);
    udp(ip, 138, sys);
    udp(ip, 1900, p.ssdp[0]);
    udp(ip, 2177, p.qwave[0]);
    udp(ip, 5353, p.nvcontainer[0]);
  }
  for (const ip of LINK_LOCAL) {
    udp(ip, 1900, p.ssdp[0]);
    udp(ip, 2177, p.qwave[0]);
  }
  for (const [ip, ssdp] of [['127.0.0.1', 52299], ['::1', 52290]] as const) udp(ip, ssdp, p.ssdp[0]);
  for (const any of ['0.0.0.0', '::']) {
    udp(any, 123, p.time[0]);
    udp(any, 500, p.ike[0]);
    udp(any, 4500, p.ike[0]);
    udp(any, 3389, p.term[0]);
    udp(any, 3702, p.dashost[0]);
    udp(any, 5050, p.cdp[0]);
    udp(any, 5353, p.dnscache[0]);
    udp(any, 5355, p.dnscache[0]);
    for (let i = 0; i < 4; i++) udp(any, 5353, p.chrome[0]);
    udp(any, 57621, p.spotify[0]);
  }
  udp('0.0.0.0', 1434, p.sqlBrowser[0]);
  udp('0.0.0.0', 68, p.dhcp[0]);
  udp('0.0.0.0', 50001, p.anydesk[0]);
  udp('127.0.0.1', 10250, p.nvidia[0]);
  return rows;
}

const pick = <T>(rand: Rand, list: readonly T[]): T => list[rand(list.length)];

/** One socket of the busy host's traffic (a loopback pair gives two rows). */
function trafficRows(rand: Rand, p: Record<string, Proc[]>): Row[] {
  const r = rand(1000);
  const est = (tcpLocal: string, lport: number, remote: string, rport: number, proc: Proc | null, state = 'ESTABLISHED'): Row => ({ tcp: true, v6: tcpLocal.includes(':'), local: tcpLocal, lport, remote, rport, state, proc });
  if (r < 360) {
    // Web clients of IIS: HTTP.sys accepts in the kernel, so netstat shows PID 4 without an owner.
    const v6 = rand(4) === 0;
    const state = rand(20) === 0 ? pick(rand, ['FIN_WAIT_2', 'CLOSE_WAIT', 'LAST_ACK']) : 'ESTABLISHED';
    return [est(v6 ? NIC6 : NIC, rand(10) === 0 ? 80 : 443, v6 ? v6Public(rand) : v4Public(rand), clientPort(rand), p.system[0], state)];
  }
  if (r < 500) {
    // Closed connections waiting out 2×MSL: no process owns them any more (PID 0, no owner block).
    if (rand(5) === 0) return [est(NIC, ephemeral(rand), '10.20.0.30', 1433, null, 'TIME_WAIT')];
    const v6 = rand(4) === 0;
    return [est(v6 ? NIC6 : NIC, 443, v6 ? v6Public(rand) : v4Public(rand), clientPort(rand), null, 'TIME_WAIT')];
  }
  if (r < 660) {
    // App pools and .NET services calling the database, the cache and outside APIs.
    const proc = rand(10) < 7 ? pick(rand, p.w3wp) : pick(rand, p.dotnet);
    const to = rand(10);
    const [remote, rport] = to < 5 ? ['10.20.0.30', 1433] : to < 8 ? ['10.20.0.40', 6379] : [v4Public(rand), 443];
    return [est(NIC, ephemeral(rand), remote, rport, proc)];
  }
  if (r < 760) return [est(NIC, 1433, `10.20.1.${10 + rand(30)}`, ephemeral(rand), p.sql[0])];
  if (r < 800) {
    // IIS forwarding to Kestrel/node on loopback: both ends are printed, each with its own owner.
    // PHP under IIS FastCGI talks to MySQL on loopback too.
    const kind = rand(4);
    const back = kind === 0 ? p.node : kind === 1 ? p.mysql : p.dotnet;
    const i = rand(back.length);
    const port = ephemeral(rand);
    const server = back === p.node ? 3000 + i : back === p.mysql ? 3306 : 5000 + i;
    const front = pick(rand, back === p.mysql ? p.php : p.w3wp);
    return [est('127.0.0.1', port, '127.0.0.1', server, front), est('127.0.0.1', server, '127.0.0.1', port, back[i])];
  }
  if (r < 805) {
    // Monitoring: the log forwarder's stream to the indexer, the zabbix server polling its agent.
    if (rand(2) === 0) return [est(NIC, ephemeral(rand), '10.20.0.50', 9997, p.splunk[0])];
    return [rand(3) === 0 ? est(NIC, 10050, '10.20.0.60', ephemeral(rand), p.zabbix[0]) : est(NIC, 10050, '10.20.0.60', ephemeral(rand), null, 'TIME_WAIT')];
  }
  if (r < 860) {
    const proc = pick(rand, [p.chrome, p.edge, p.teams, p.onedrive, p.defender, p.sense, p.outSvc, p.spotify, p.teamviewer, p.anydesk, p.outSvc].map((l) => pick(rand, l)));
    const s = rand(100);
    const state = s < 5 ? 'CLOSE_WAIT' : s < 7 ? 'SYN_SENT' : 'ESTABLISHED';
    return [est(NIC, ephemeral(rand), v4Public(rand), rand(8) === 0 ? 80 : 443, proc, state)];
  }
  if (r < 870) {
    // Local socket pairs between the halves of one process (python.exe, Code.exe in the sample).
    const proc = pick(rand, [...p.python, ...p.code]);
    const a = ephemeral(rand);
    return [est('127.0.0.1', a, '127.0.0.1', a + 1, proc), est('127.0.0.1', a + 1, '127.0.0.1', a, proc)];
  }
  // UDP: DNS client queries (Dnscache), QUIC from the browsers, Teams media.
  const u = rand(10);
  const proc = u < 4 ? p.dnscache[0] : u < 7 ? p.chrome[0] : u < 8 ? p.edge[0] : p.teams[0];
  const v6 = rand(10) === 0;
  return [{ tcp: false, v6, local: v6 ? '::' : '0.0.0.0', lport: ephemeral(rand), remote: '*', rport: null, state: '', proc }];
}

/** An IPv6 address as 8 zero-padded groups (zone dropped), so that text order is numeric order. */
function v6SortKey(address: string): string {
  const bare = address.split('%')[0];
  const [head, tail = ''] = bare.split('::');
  const h = head ? head.split(':') : [];
  const t = bare.includes('::') && tail ? tail.split(':') : [];
  const groups = bare.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

function v4SortKey(address: string): number {
  const [a, b, c, d] = address.split('.').map(Number);
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** netstat's order: TCP before UDP, IPv4 before IPv6, then by local address and port, then remote. */
function sortRows(rows: Row[]): Row[] {
  const keyed = rows.map((row, i) => ({ row, i, group: (row.tcp ? 0 : 2) + (row.v6 ? 1 : 0), addr: row.v6 ? v6SortKey(row.local) : v4SortKey(row.local), raddr: row.rport === null ? 0 : row.v6 ? v6SortKey(row.remote) : v4SortKey(row.remote) }));
  keyed.sort((x, y) => x.group - y.group || cmp(x.addr, y.addr) || x.row.lport - y.row.lport || cmp(x.raddr, y.raddr) || (x.row.rport ?? 0) - (y.row.rport ?? 0) || x.i - y.i);
  return keyed.map((k) => k.row);
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function endpoint(address: string, port: number | null, v6: boolean): string {
  if (port === null) return '*:*';
  return v6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The row and its owner block, as `netstat -anob` prints them. */
function rowLines(row: Row): string[] {
  const pid = row.proc?.pid ?? 0;
  const local = endpoint(row.local, row.lport, row.v6);
  const line = anobRow(row.tcp, local, endpoint(row.remote, row.rport, row.v6), row.state, pid);
  const proc = row.proc;
  if (proc === null) return [line];
  if (proc.image === null) return [line, NO_OWNER];
  return proc.component ? [line, `  ${proc.component}`, ` [${proc.image}]`] : [line, ` [${proc.image}]`];
}

/**
 * `netstat -anob` of a busy Windows Server with `sockets` socket rows (about 100 bytes each with the
 * owner blocks): ~130 processes, each PID under one name.
 */
export function generateWindowsHostNetstat(sockets: number, seed = 0x3d1c): string {
  const next = seededRandom(seed);
  const rand: Rand = (n) => Math.floor(next() * n);
  const procs = processTable(rand);
  const rows = listeners(procs);
  while (rows.length < sockets) {
    const more = trafficRows(rand, procs);
    // A loopback pair that does not fit is not cut in half: the next draw gives a single row.
    if (rows.length + more.length <= sockets) rows.push(...more);
  }
  const lines: string[] = [...ANOB_HEAD];
  for (const row of sortRows(rows)) lines.push(...rowLines(row));
  return `${lines.join('\r\n')}\r\n`;
}
