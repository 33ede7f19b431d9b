// A busy server's `netstat -anp` for the benchmark: the column layout of net-tools 2.10 as captured
// in fixtures/linux (padding, the 19-character PID/Program cell, UDP rows without State, `-` owners
// of TIME_WAIT sockets, a UNIX section). Deterministic: the same count always gives the same text.
import { seededRandom } from '../seeded-random.js';

const PROGRAMS: ReadonlyArray<[number, string]> = [
  [1043, 'nginx: worker process'], [1044, 'nginx: worker process'], [822, 'sshd: root@pts/0'],
  [2210, 'postgres: 14/main: walwriter'], [512, 'systemd-resolved'], [3301, 'java'],
  [901, 'python3 /opt/app/server.py'], [77, 'chronyd'], [4410, 'node /srv/api/index.js'], [1500, 'redis-server *:6379'],
  [610, 'avahi-daemon: running [web01.local]'], [13999, 'haproxy'],
];
// jc 1.x (the benchmark's yardstick) crashes on a State-less UDP row whose printed name holds a space
// (`udp … 610/avahi-daemon: r`, real net-tools output): such rows get owners without one.
const UDP_PROGRAMS = PROGRAMS.filter(([pid, name]) => !`${pid}/${name}`.slice(0, 19).includes(' '));
const UNIX_PATHS = ['/run/systemd/journal/stdout', '/var/run/docker.sock', '@/tmp/.X11-unix/X0', '/run/dbus/system_bus_socket', ''];


const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** net-tools prints `pid/name` into a 20-byte buffer: cut to 19 characters, padded to 20. */
function ownerCell(owner: [number, string] | null): string {
  return pad(owner === null ? '-' : `${owner[0]}/${owner[1]}`.slice(0, 19), 20);
}

function inetRow(proto: string, recv: number, send: number, local: string, foreign: string, state: string, owner: [number, string] | null): string {
  return `${pad(proto, 5)} ${padLeft(String(recv), 6)} ${padLeft(String(send), 6)} ${pad(local, 23)} ${pad(foreign, 23)} ${pad(state, 11)} ${ownerCell(owner)}`;
}

function v4(r: () => number): string {
  return `${10 + Math.floor(r() * 200)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
}

function v6(r: () => number): string {
  return `2001:db8:${Math.floor(r() * 65536).toString(16)}::${Math.floor(r() * 65536).toString(16)}`;
}

/** `sockets` rows in all (about 100 bytes each): 90 % internet sockets, 10 % UNIX sockets. */
export function generateLinuxNetstat(sockets: number): string {
  const r = seededRandom(0x5eed);
  const out: string[] = [
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
  ];
  const unixCount = Math.floor(sockets / 10);
  const inetCount = sockets - unixCount;
  for (let i = 0; i < inetCount; i++) {
    const owner = PROGRAMS[Math.floor(r() * PROGRAMS.length)];
    const ephemeral = 32768 + Math.floor(r() * 28000);
    const kind = r();
    if (kind < 0.03) out.push(inetRow('tcp', 0, 0, `0.0.0.0:${1 + Math.floor(r() * 9000)}`, '0.0.0.0:*', 'LISTEN', owner));
    else if (kind < 0.45) out.push(inetRow('tcp', 0, Math.floor(r() * 3) * 36, `10.0.0.5:${r() < 0.5 ? 443 : 80}`, `${v4(r)}:${ephemeral}`, 'ESTABLISHED', owner));
    else if (kind < 0.6) out.push(inetRow('tcp', 0, 0, `10.0.0.5:443`, `${v4(r)}:${ephemeral}`, 'TIME_WAIT', null));
    else if (kind < 0.65) out.push(inetRow('tcp', 1, 0, `127.0.0.1:${ephemeral}`, '127.0.0.1:5432', 'CLOSE_WAIT', owner));
    else if (kind < 0.8) out.push(inetRow('tcp6', 0, 0, `2001:db8::5:443`, `${v6(r)}:${ephemeral}`, 'ESTABLISHED', owner));
    else if (kind < 0.83) out.push(inetRow('tcp6', 0, 0, `:::${1 + Math.floor(r() * 9000)}`, ':::*', 'LISTEN', owner));
    else if (kind < 0.93) out.push(inetRow('udp', 0, 0, `0.0.0.0:${1 + Math.floor(r() * 60000)}`, '0.0.0.0:*', '', UDP_PROGRAMS[i % UDP_PROGRAMS.length]));
    else if (kind < 0.97) out.push(inetRow('udp', 0, 0, `10.0.0.5:${ephemeral}`, `${v4(r)}:53`, 'ESTABLISHED', owner));
    else out.push(inetRow('udp6', 0, 0, `fe80::1%eth0:${ephemeral}`, ':::*', '', r() < 0.5 ? UDP_PROGRAMS[i % UDP_PROGRAMS.length] : null));
  }
  out.push('Active UNIX domain sockets (servers and established)');
  out.push('Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path');
  for (let i = 0; i < unixCount; i++) {
    const owner = r() < 0.9 ? PROGRAMS[Math.floor(r() * PROGRAMS.length)] : null;
    const listening = r() < 0.2;
    const path = UNIX_PATHS[Math.floor(r() * UNIX_PATHS.length)];
    const inode = String(10000 + i);
    out.push(
      `unix  ${pad(String(2 + Math.floor(r() * 3)), 6)} ${pad(listening ? '[ ACC ]' : '[ ]', 11)} ${pad('STREAM', 10)} ${pad(listening ? 'LISTENING' : 'CONNECTED', 13)} ${pad(inode, 8)} ${ownerCell(owner)} ${path}`,
    );
  }
  return `${out.join('\n')}\n`;
}
