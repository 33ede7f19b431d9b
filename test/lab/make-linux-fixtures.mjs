#!/usr/bin/env node
// Regenerates fixtures/linux/: builds a busy "victim" host inside a network namespace (listeners,
// established connections both ways, connected UDP, raw and UNIX sockets, many routes and tables),
// then stores the exact stdout of the real net-tools / iproute2 commands and /proc/net files, plus
// ground-truth.json describing what was created. Run as root: `node test/lab/make-linux-fixtures.mjs`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync, rmdirSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLab, netnsAvailable } from './netns.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'fixtures/linux');
const SUBNET = 77; // 10.66.77.0/24, fd66:4d::/64: fixed so fixtures are stable between runs
const UNIX_DIR = '/tmp/nclab-unix';
const LONG6 = '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1234';
const DEV = 'eth0'; // the lab's veth names are random: renamed so fixtures are stable

const CAPTURES = [
  ['netstat-anp', ['netstat', '-anp']],
  ['netstat-aeep', ['netstat', '-aeep']],
  ['netstat-an', ['netstat', '-an']],
  ['netstat-lnp', ['netstat', '-lnp']],
  ['netstat-anep', ['netstat', '-anep']],
  ['netstat-anpo', ['netstat', '-anpo']],
  ['netstat-anpW', ['netstat', '-anpW']],
  ['netstat-anp-inet6', ['netstat', '-anp', '-A', 'inet6']],
  ['netstat-rn', ['netstat', '-rn']],
  ['netstat-rn-inet6', ['netstat', '-rn', '-A', 'inet6']],
  ['netstat-rne', ['netstat', '-rne']],
  ['netstat-rnee', ['netstat', '-rnee']],
  ['route-n', ['route', '-n']],
  ['route-ne', ['route', '-ne']],
  ['route-nee', ['route', '-nee']],
  ['route-6-n', ['route', '-6', '-n']],
  ['ip-route', ['ip', 'route']],
  ['ip-4-route-table-all', ['ip', '-4', 'route', 'show', 'table', 'all']],
  ['ip-route-table-all', ['ip', 'route', 'show', 'table', 'all']],
  ['ip-6-route-table-all', ['ip', '-6', 'route', 'show', 'table', 'all']],
  ['ss-tunap', ['ss', '-tunap']],
  ['ss-a', ['ss', '-a']],
  ['ss-a-A-all', ['ss', '-a', '-A', 'all']],
  ['ss-tulpen', ['ss', '-tulpen']],
  ['proc-net-tcp', ['cat', '/proc/net/tcp']],
  ['proc-net-tcp6', ['cat', '/proc/net/tcp6']],
  ['proc-net-udp', ['cat', '/proc/net/udp']],
  ['proc-net-udp6', ['cat', '/proc/net/udp6']],
  ['proc-net-raw', ['cat', '/proc/net/raw']],
  ['proc-net-raw6', ['cat', '/proc/net/raw6']],
];

// Python helpers for what the Node holder cannot open: raw sockets, UNIX sockets, a TIME_WAIT.
const PY_RAW = `
import socket, sys, time
r4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
print('READY', flush=True)
time.sleep(100000)
`;
const PY_UNIX = `
import socket, os, sys, time
d = sys.argv[1]
keep = []
def mk(kind, path, listen):
    s = socket.socket(socket.AF_UNIX, kind)
    s.bind(path)
    if listen: s.listen(4)
    keep.append(s)
    return s
srv = mk(socket.SOCK_STREAM, os.path.join(d, 'control socket.sock'), True)
cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); cli.connect(os.path.join(d, 'control socket.sock'))
acc, _ = srv.accept(); keep += [cli, acc]
mk(socket.SOCK_DGRAM, os.path.join(d, 'log'), False)
mk(socket.SOCK_SEQPACKET, os.path.join(d, 'seq.sock'), True)
mk(socket.SOCK_STREAM, '\\0nc-abstract/bus', True)
a, b = socket.socketpair(); keep += [a, b]
print('READY', flush=True)
time.sleep(100000)
`;
const PY_TIME_WAIT = `
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((host, port)); srv.listen(1)
cli = socket.create_connection((host, port), source_address=(host, 46000))
acc, _ = srv.accept()
cli.close()          # active close: the client side ends in TIME_WAIT, owned by nobody
acc.recv(1); acc.close(); srv.close()
`;

function pythonBinary() {
  const exe = execFileSync('python3', ['-c', 'import sys; print(sys.executable)']).toString().trim();
  return execFileSync('readlink', ['-f', exe]).toString().trim();
}

/** Start a python helper inside the namespace under an argv[0] of our choosing (what netstat shows). */
function startPython(lab, ns, title, code, args, holders) {
  const script = join(lab.workDir, `${holders.length}.py`);
  writeFileSync(script, code);
  const quoted = [script, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('ip', ['netns', 'exec', ns, 'bash', '-c', `exec -a '${title}' ${pythonBinary()} ${quoted}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  holders.push(child);
  return new Promise((resolveReady, reject) => {
    let err = '';
    child.stdout.on('data', (d) => String(d).includes('READY') && resolveReady({ pid: child.pid, name: title }));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`python ${title} exited ${code}: ${err}`)));
  });
}

/** Pin the next ephemeral port so connections get the same local port on every run. */
function pinEphemeralPort(lab, ns, port) {
  lab.exec(ns, ['sysctl', '-q', '-w', `net.ipv4.ip_local_port_range=${port} ${port + 1}`]);
}

/** Rename a veth to eth0 with a fixed MAC (stable fe80:: address), keeping its addresses. */
function renameVeth(lab, ns, dev, mac) {
  lab.exec(ns, ['sysctl', '-q', '-w', 'net.ipv6.conf.all.keep_addr_on_down=1']);
  ipIn(lab, ns, ['link', 'set', dev, 'down']);
  ipIn(lab, ns, ['link', 'set', dev, 'name', DEV, 'address', mac]);
  ipIn(lab, ns, ['link', 'set', DEV, 'up']);
}

function ipIn(lab, ns, args) {
  lab.exec(ns, ['ip', ...args]);
}

async function main() {
  if (!netnsAvailable()) throw new Error('needs root and iproute2 (ip netns)');
  const lab = createLab({ subnet: SUBNET });
  const extra = [];
  const etcDirs = [];
  try {
    const { victim, attacker, addr } = lab;
    renameVeth(lab, victim, lab.vethV, '02:66:4d:00:00:02');
    renameVeth(lab, attacker, lab.vethA, '02:66:4d:00:00:01');
    // Deterministic name resolution for the commands run without -n (netstat -aeep).
    for (const [ns, self] of [[victim, 'victim'], [attacker, 'attacker']]) {
      const dir = `/etc/netns/${ns}`;
      mkdirSync(dir, { recursive: true });
      etcDirs.push(dir);
      writeFileSync(join(dir, 'hosts'), `127.0.0.1 localhost\n::1 localhost ip6-localhost\n${addr.victim4} victim.lab\n${addr.attacker4} attacker.lab\n${addr.victim6} victim6.lab\n${addr.attacker6} attacker6.lab\n# ${self}\n`);
      writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    }
    const truth = { subnet: SUBNET, addr, interfaces: { victim: DEV }, sockets: [], unixSockets: [], routes: [] };
    const sock = (holder, proto, ipVersion, localAddress, localPort, remoteAddress, remotePort, state) =>
      truth.sockets.push({ proto, ipVersion, localAddress, localPort, remoteAddress, remotePort, state, process: holder.title, pid: holder.pid });

    // --- attacker side listeners (targets of the victim's outbound connections)
    const c2 = await lab.startHolder(attacker, 'c2srv', {
      listen: [{ proto: 'tcp', host: '0.0.0.0', port: 4444 }, { proto: 'tcp', host: '::', port: 8443 }],
    });

    // --- victim listeners
    const holders = {};
    const start = async (key, name, spec, how = 'symlink') => {
      const h = await lab.startHolder(victim, name, spec, how);
      holders[key] = { ...h, title: spec.title ?? name };
      return holders[key];
    };
    const sshd = await start('sshd', 'sshd', { title: 'sshd: root@pts/0', listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }] });
    sock(sshd, 'tcp', 4, '0.0.0.0', 22, '0.0.0.0', null, 'LISTEN');
    const nginx = await start('nginx', 'nginx', {
      title: 'nginx: worker process',
      listen: [{ proto: 'tcp', host: '::', port: 443 }, { proto: 'tcp', host: addr.victim4, port: 8080 }],
    });
    sock(nginx, 'tcp', 6, '::', 443, '::', null, 'LISTEN');
    sock(nginx, 'tcp', 4, addr.victim4, 8080, '0.0.0.0', null, 'LISTEN');
    const pg = await start('postgres', 'postgres', {
      title: 'postgres: 14/main: checkpointer',
      listen: [{ proto: 'tcp', host: '127.0.0.1', port: 5432 }, { proto: 'tcp', host: '::1', port: 5432 }],
    });
    sock(pg, 'tcp', 4, '127.0.0.1', 5432, '0.0.0.0', null, 'LISTEN');
    sock(pg, 'tcp', 6, '::1', 5432, '::', null, 'LISTEN');
    const v6only = await start('v6only', 'grafana-server', { listen: [{ proto: 'tcp', host: addr.victim6, port: 3000 }] });
    sock(v6only, 'tcp', 6, addr.victim6, 3000, '::', null, 'LISTEN');
    // A long IPv6 address: netstat without -W cuts `address:port` to 23 characters.
    ipIn(lab, victim, ['-6', 'addr', 'add', `${LONG6}/64`, 'dev', DEV, 'nodad']);
    const longv6 = await start('longv6', 'cupsd', { listen: [{ proto: 'tcp', host: LONG6, port: 8631 }] });
    sock(longv6, 'tcp', 6, LONG6, 8631, '::', null, 'LISTEN');
    const resolved = await start('resolved', 'systemd-resolved', {
      listen: [{ proto: 'udp', host: '127.0.0.53', port: 53 }, { proto: 'tcp', host: '127.0.0.53', port: 53 }],
    });
    sock(resolved, 'udp', 4, '127.0.0.53', 53, '0.0.0.0', null, null);
    sock(resolved, 'tcp', 4, '127.0.0.53', 53, '0.0.0.0', null, 'LISTEN');
    const kw = await start('kworker', 'kworker', { title: '[kworker/0:1]', listen: [{ proto: 'udp', host: '0.0.0.0', port: 31337 }] }, 'deleted');
    sock(kw, 'udp', 4, '0.0.0.0', 31337, '0.0.0.0', null, null);
    const avahi = await start('avahi', 'avahi-daemon', {
      title: 'avahi-daemon: running [victim.local]',
      listen: [{ proto: 'udp', host: '0.0.0.0', port: 5353 }, { proto: 'udp', host: addr.victim6, port: 5353 }],
    });
    sock(avahi, 'udp', 4, '0.0.0.0', 5353, '0.0.0.0', null, null);
    sock(avahi, 'udp', 6, addr.victim6, 5353, '::', null, null);
    const chrony = await start('chronyd', 'chronyd', { listen: [{ proto: 'udp', host: '::', port: 323 }] });
    sock(chrony, 'udp', 6, '::', 323, '::', null, null);
    // Connected UDP sockets: netstat prints them ESTABLISHED.
    const ntp = await start('ntp', 'ntpd', {
      title: 'ntpd 4.2.8p15 -u ntp:ntp',
      listen: [
        { proto: 'udp', host: addr.victim4, port: 40123, connectHost: addr.attacker4, connectPort: 123 },
        { proto: 'udp', host: addr.victim6, port: 40124, connectHost: addr.attacker6, connectPort: 123 },
      ],
    });
    sock(ntp, 'udp', 4, addr.victim4, 40123, addr.attacker4, 123, 'ESTABLISHED');
    sock(ntp, 'udp', 6, addr.victim6, 40124, addr.attacker6, 123, 'ESTABLISHED');

    // --- outbound established connections from the victim (pinned ephemeral ports)
    pinEphemeralPort(lab, victim, 41000);
    const beacon = await start('beacon', 'python3', {
      title: 'python3 /opt/.cache/update.py --interval 60',
      connect: [{ host: addr.attacker4, port: 4444 }, { host: addr.attacker6, port: 8443 }],
    });
    truth.pendingOutbound = [beacon.pid];
    // --- inbound connections from the attacker to the victim's sshd (v4) and nginx (v6, dual-stack listener)
    pinEphemeralPort(lab, attacker, 52000);
    const intruder = await lab.startHolder(attacker, 'ssh', { connect: [{ host: addr.victim4, port: 22 }, { host: addr.victim6, port: 443 }] });

    // --- raw, UNIX, TIME_WAIT via python
    const raw = await startPython(lab, victim, 'icmp-probe 2', PY_RAW, [], extra);
    truth.sockets.push({ proto: 'raw', ipVersion: 4, localAddress: '0.0.0.0', localPort: 1, remoteAddress: '0.0.0.0', remotePort: null, state: null, process: raw.name, pid: raw.pid });
    truth.sockets.push({ proto: 'raw', ipVersion: 6, localAddress: '::', localPort: 58, remoteAddress: '::', remotePort: null, state: null, process: raw.name, pid: raw.pid });
    rmSync(UNIX_DIR, { recursive: true, force: true });
    mkdirSync(UNIX_DIR, { recursive: true });
    const ux = await startPython(lab, victim, 'dbus-daemon --system', PY_UNIX, [UNIX_DIR], extra);
    // net-tools prints a UNIX path only up to its first space: netstat shows `${UNIX_DIR}/control`.
    for (const [type, path, state] of [
      ['STREAM', `${UNIX_DIR}/control socket.sock`, 'LISTENING'],
      ['STREAM', `${UNIX_DIR}/control socket.sock`, 'CONNECTED'],
      ['DGRAM', `${UNIX_DIR}/log`, null],
      ['SEQPACKET', `${UNIX_DIR}/seq.sock`, 'LISTENING'],
      ['STREAM', '@nc-abstract/bus', 'LISTENING'],
    ]) truth.unixSockets.push({ type, path, state, process: ux.name, pid: ux.pid });
    truth.unixSockets.push({ type: 'STREAM', path: null, state: 'CONNECTED', count: 3, process: ux.name, pid: ux.pid });
    lab.exec(victim, [pythonBinary(), '-c', PY_TIME_WAIT, '127.0.0.1', '7000']);
    truth.sockets.push({ proto: 'tcp', ipVersion: 4, localAddress: '127.0.0.1', localPort: 46000, remoteAddress: '127.0.0.1', remotePort: 7000, state: 'TIME_WAIT', process: null, pid: null });

    // Resolve the pinned outbound/inbound ports from what was asked (verified against /proc below).
    delete truth.pendingOutbound;
    const procTcp = lab.exec(victim, ['cat', '/proc/net/tcp', '/proc/net/tcp6']).toString();
    const localPortTo = (remotePort) => findLocalPort(procTcp, remotePort);
    const bp4 = localPortTo(4444), bp6 = localPortTo(8443);
    sock(beacon, 'tcp', 4, addr.victim4, bp4, addr.attacker4, 4444, 'ESTABLISHED');
    sock(beacon, 'tcp', 6, addr.victim6, bp6, addr.attacker6, 8443, 'ESTABLISHED');
    const ip4 = findRemotePort(procTcp, 22), ip6 = findRemotePort(procTcp, 443);
    sock(sshd, 'tcp', 4, addr.victim4, 22, addr.attacker4, ip4, 'ESTABLISHED');
    sock(nginx, 'tcp', 6, addr.victim6, 443, addr.attacker6, ip6, 'ESTABLISHED');
    truth.attackerSide = { c2: { pid: c2.pid, name: 'c2srv' }, intruder: { pid: intruder.pid, name: 'ssh' } };

    truth.routes = addRoutes(lab);
    mkdirSync(OUT, { recursive: true });
    for (const [name, argv] of CAPTURES) {
      writeFileSync(join(OUT, `${name}.txt`), lab.exec(victim, argv));
    }
    writeFileSync(join(OUT, 'ground-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
    console.log(`wrote ${CAPTURES.length} captures and ground-truth.json to ${OUT}`);
  } finally {
    for (const c of extra) try { c.kill('SIGKILL'); } catch {}
    lab.cleanup();
    for (const d of etcDirs) rmSync(d, { recursive: true, force: true });
    try { rmdirSync('/etc/netns'); } catch {} // only when empty: another lab may be using it
    rmSync(UNIX_DIR, { recursive: true, force: true });
  }
}

/** /proc/net/tcp* rows with the given remote port (hex) → the local port of that socket. */
function findLocalPort(procText, remotePort) {
  const hex = `:${remotePort.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of procText.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[2]?.endsWith(hex) && f[3] === '01') return parseInt(f[1].split(':')[1], 16);
  }
  throw new Error(`no established socket to port ${remotePort}`);
}

function findRemotePort(procText, localPort) {
  const hex = `:${localPort.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of procText.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(hex) && f[3] === '01') return parseInt(f[2].split(':')[1], 16);
  }
  throw new Error(`no established socket on local port ${localPort}`);
}

/** Routes of every kind in the victim; returns what was added, for ground-truth.json. */
function addRoutes(lab) {
  const { victim, addr } = lab;
  const gw4 = addr.attacker4, gw6 = addr.attacker6, dev = DEV;
  // A second, carrier-less link so routes through it print `linkdown`.
  ipIn(lab, victim, ['link', 'add', 'wan0', 'type', 'veth', 'peer', 'name', 'wan0peer']);
  ipIn(lab, victim, ['addr', 'add', '192.168.250.2/24', 'dev', 'wan0']);
  ipIn(lab, victim, ['link', 'set', 'wan0', 'up']);
  // A 15-character interface name (the longest Linux allows), to stretch the Iface columns.
  ipIn(lab, victim, ['link', 'add', 'mgmt-uplink0123', 'type', 'veth', 'peer', 'name', 'mgmt-peer']);
  ipIn(lab, victim, ['addr', 'add', '172.20.0.1/16', 'dev', 'mgmt-uplink0123']);
  ipIn(lab, victim, ['link', 'set', 'mgmt-peer', 'up']);
  ipIn(lab, victim, ['link', 'set', 'mgmt-uplink0123', 'up']);
  const specs = [
    ['-4', 'default via GW4 dev DEV proto dhcp src V4 metric 100'],
    ['-4', '203.0.113.7/32 via GW4 dev DEV proto static metric 5'],
    ['-4', '198.51.100.0/24 via GW4 dev DEV metric 20 mtu lock 1400'],
    ['-4', '10.99.0.0/16 dev DEV scope link src V4'],
    ['-4', 'blackhole 192.0.2.0/24'],
    ['-4', 'unreachable 198.18.0.0/15'],
    ['-4', 'prohibit 100.64.0.0/10 metric 50'],
    ['-4', '192.168.251.0/24 via 192.168.250.1 dev wan0'],
    ['-4', '192.168.252.0/24 via 10.66.200.1 dev DEV onlink'],
    ['-4', '172.31.0.0/16 nexthop via GW4 dev DEV weight 1 nexthop via 10.66.SUB.3 dev DEV weight 2'],
    ['-4', 'default via GW4 dev DEV table 100 metric 10'],
    ['-4', '10.10.0.0/16 via GW4 dev DEV table 100 proto static metric 7'],
    ['-4', 'throw 172.16.0.0/12 table 100'],
    ['-4', 'blackhole 0.0.0.0/1 table 200'],
    ['-4', '172.21.0.0/16 via 172.20.0.254 dev mgmt-uplink0123 metric 300'],
    ['-6', 'default via GW6 dev DEV metric 1024 pref high'],
    ['-6', '2001:db8:dead:beef:cafe:babe:f00d:1/128 via GW6 dev DEV proto static'],
    ['-6', '2001:db8:1::/64 via GW6 dev DEV metric 256'],
    ['-6', '2001:db8:2::/64 via GW6 dev DEV expires 600'],
    ['-6', '2001:db8:3::/64 nexthop via GW6 dev DEV weight 1 nexthop via fd66:4d::3 dev DEV weight 1'],
    ['-6', 'unreachable 2001:db8:bad::/48'],
    ['-6', 'blackhole 2001:db8:666::/48'],
    ['-6', 'prohibit 2001:db8:dead::/48'],
    ['-6', '2001:db8:100::/56 via GW6 dev DEV table 100 metric 1'],
  ];
  const added = [];
  for (const [fam, spec] of specs) {
    const text = spec.replaceAll('GW4', gw4).replaceAll('GW6', gw6).replaceAll('DEV', dev).replaceAll('V4', addr.victim4).replaceAll('SUB', String(SUBNET));
    ipIn(lab, victim, [fam, 'route', 'add', ...text.split(' ')]);
    added.push({ ipVersion: fam === '-4' ? 4 : 6, command: `ip ${fam} route add ${text}`, ...describeRoute(fam === '-4' ? 4 : 6, text) });
  }
  return added;
}

/** The facts of an `ip route add` spec as a parser should recover them (ground truth for tests). */
function describeRoute(ipVersion, text) {
  const words = text.split(' ');
  const kinds = ['blackhole', 'unreachable', 'prohibit', 'throw'];
  const type = kinds.includes(words[0]) ? words.shift() : 'unicast';
  let destination = words.shift();
  if (destination === 'default') destination = ipVersion === 4 ? '0.0.0.0/0' : '::/0';
  else if (!destination.includes('/')) destination += ipVersion === 4 ? '/32' : '/128';
  const after = (key) => (words.includes(key) ? words[words.indexOf(key) + 1] : null);
  const gateways = words.flatMap((w, i) => (w === 'via' ? [words[i + 1]] : []));
  const metric = after('metric');
  return {
    type,
    destination,
    gateways,
    dev: after('dev'),
    metric: metric === null ? null : Number(metric),
    table: after('table') ?? 'main',
    proto: after('proto'),
  };
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
