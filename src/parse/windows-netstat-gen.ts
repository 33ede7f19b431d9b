// A large, realistic `netstat -anob` text for the parser benchmark: the line shapes of a real
// Windows 10 capture (CRLF, padded columns, UDP rows without a state, IPv6 with zones, owner blocks
// of one to three lines, TIME_WAIT rows without owner). Deterministic: same input, same text.
import { seededRandom } from '../seeded-random.js';

const SERVICES: Array<[component: string | null, image: string]> = [
  ['RpcSs', 'svchost.exe'],
  ['Dnscache', 'svchost.exe'],
  ['SSDPSRV', 'svchost.exe'],
  ['CDPUserSvc_46a8de2e', 'svchost.exe'],
  [null, 'chrome.exe'],
  [null, 'Spotify.exe'],
  [null, 'NVIDIA Web Helper.exe'],
  [null, 'TeamViewer_Service.exe'],
  [null, 'System'],
];
/** The owner line `-b` prints when it cannot name the process. */
export const NO_OWNER = ' Can not obtain ownership information';
/** What `netstat -anob` prints before its first socket row. */
export const ANOB_HEAD = ['', 'Active Connections', '', '  Proto  Local Address          Foreign Address        State           PID'];
const STATES = ['LISTENING', 'ESTABLISHED', 'ESTABLISHED', 'ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'SYN_SENT'];


function pad(text: string, width: number): string {
  return text.length >= width ? `${text}  ` : text + ' '.repeat(width - text.length);
}

/** One socket row in netstat's padded columns (a UDP row has `*:*` and no state). */
export function anobRow(tcp: boolean, local: string, remote: string, state: string, pid: number): string {
  return tcp ? `  TCP    ${pad(local, 23)}${pad(remote, 23)}${pad(state, 16)}${pid}` : `  UDP    ${pad(local, 23)}${pad('*:*', 39)}${pid}`;
}

function ipv4(rand: (n: number) => number): string {
  return `${10 + rand(200)}.${rand(256)}.${rand(256)}.${1 + rand(254)}`;
}

function ipv6(rand: (n: number) => number): string {
  const h = () => rand(0x10000).toString(16);
  return `fe80::${h()}:${h()}:${h()}:${h()}%${1 + rand(64)}`;
}

function ownerBlock(rand: (n: number) => number): string[] {
  if (rand(10) === 0) return [NO_OWNER];
  const [component, image] = SERVICES[rand(SERVICES.length)];
  return component ? [`  ${component}`, ` [${image}]`] : [` [${image}]`];
}

function tcpRow(rand: (n: number) => number, v6: boolean): string[] {
  const state = STATES[rand(STATES.length)];
  const listening = state === 'LISTENING';
  const local = v6 ? `[${listening ? '::' : ipv6(rand)}]:${1 + rand(65535)}` : `${listening ? '0.0.0.0' : ipv4(rand)}:${1 + rand(65535)}`;
  const remote = listening ? (v6 ? '[::]:0' : '0.0.0.0:0') : v6 ? `[${ipv6(rand)}]:${1 + rand(65535)}` : `${ipv4(rand)}:${1 + rand(65535)}`;
  const pid = state === 'TIME_WAIT' ? 0 : 4 + rand(40000) * 4;
  const row = anobRow(true, local, remote, state, pid);
  return state === 'TIME_WAIT' ? [row] : [row, ...ownerBlock(rand)];
}

function udpRow(rand: (n: number) => number, v6: boolean): string[] {
  const local = v6 ? `[${ipv6(rand)}]:${1 + rand(65535)}` : `${rand(2) === 0 ? '0.0.0.0' : ipv4(rand)}:${1 + rand(65535)}`;
  const row = anobRow(false, local, '*:*', '', 4 + rand(40000) * 4);
  return [row, ...ownerBlock(rand)];
}

/** `netstat -anob` output with the given number of socket rows (about 85 bytes per socket). */
export function generateWindowsNetstat(sockets: number, seed = 1): string {
  const next = seededRandom(seed);
  const rand = (n: number): number => Math.floor(next() * n);
  const lines: string[] = [...ANOB_HEAD];
  for (let i = 0; i < sockets; i++) {
    const kind = rand(10);
    const v6 = rand(5) === 0;
    lines.push(...(kind < 6 ? tcpRow(rand, v6) : udpRow(rand, v6)));
  }
  return `${lines.join('\r\n')}\r\n`;
}
