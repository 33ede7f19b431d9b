// Realistic compromised hosts built in network namespaces with real sockets and routes, for the
// analyzer's proof tests and the shipped class scenarios. Each builder returns the lab and the ground
// truth an examiner should find. The "internet" is the attacker namespace: 203.0.113.66 (TEST-NET-3,
// never routed publicly) plays the C2 server; nothing leaves the namespaces.
import { createLab } from './netns.mjs';

export const C2 = '203.0.113.66';

/**
 * Ordinary services every scenario has around the malicious sockets, each run from its real path
 * (a mounted holder: /proc/PID/exe reads /usr/sbin/sshd as on a real host): none may raise a lead
 * above low.
 */
async function benignServices(lab) {
  const { victim, addr } = lab;
  const pids = {};
  const mounted = (name, spec, dir, over = dir) => lab.startHolder(victim, name, spec, 'mounted', dir, over).then((h) => h.pid);
  pids.sshd = await mounted('sshd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }, { proto: 'tcp', host: '::', port: 22, ipv6Only: true }] }, '/usr/sbin');
  pids.nginx = await mounted('nginx', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 80 }, { proto: 'tcp', host: '0.0.0.0', port: 443 }] }, '/usr/sbin');
  pids.postgres = await mounted('postgres', { listen: [{ proto: 'tcp', host: '127.0.0.1', port: 5432 }] }, '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql');
  const clients = Array.from({ length: 12 }, () => ({ host: '127.0.0.1', port: 5432 }));
  // The application is a Node program: node itself, under its own name.
  pids.app = (await lab.startHolder(victim, 'node', { listen: [{ proto: 'tcp', host: '127.0.0.1', port: 8000 }], connect: clients })).pid;
  pids.resolver = await mounted('systemd-resolved', { listen: [{ proto: 'udp', host: '127.0.0.53', port: 53 }, { proto: 'tcp', host: '127.0.0.53', port: 53 }] }, '/usr/lib/systemd');
  // An admin logged in over SSH from the management network.
  await lab.startHolder(lab.attacker, 'ssh', { connect: [{ host: addr.victim4, port: 22 }] });
  return pids;
}

/** The services above raise at most an info lead (SSH reachable from the network). */
const BENIGN = { otherLeadsAtMost: 'info' };

function internet(lab) {
  const { victim, attacker, vethA, addr } = lab;
  lab.exec(attacker, ['ip', 'addr', 'add', `${C2}/32`, 'dev', vethA]);
  lab.exec(victim, ['ip', 'route', 'add', 'default', 'via', addr.attacker4]);
  lab.exec(attacker, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
}

/** Seed case on Linux: a bind shell named like the Windows srss.exe on TCP 1337, attacker connected. */
export async function bindShellScenario() {
  const lab = createLab();
  try {
    internet(lab);
    const pids = await benignServices(lab);
    const shell = await lab.startHolder(lab.victim, 'srss.exe', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 1337 }] }, 'copy', `${lab.workDir}/tmp`);
    await lab.startHolder(lab.attacker, 'nc', { connect: [{ host: lab.addr.victim4, port: 1337, localAddress: C2 }] });
    pids.backdoor = shell.pid;
    return {
      lab,
      pids,
      ...BENIGN,
      expectLeads: [
        { pid: shell.pid, process: 'srss.exe', severity: 'critical', rules: ['NET-BACKDOOR-PORT', 'PROC-NAME-MASQ', 'NET-SUSP-PATH-NIX'], why: 'A listener on TCP 1337 owned by a program named like csrss.exe, started from a temporary folder, with 203.0.113.66 connected to it.' },
      ],
      expect: [
        { rule: 'NET-BACKDOOR-PORT', pid: shell.pid, minSeverity: 'high' },
        { rule: 'PROC-NAME-MASQ', pid: shell.pid, minSeverity: 'high' },
      ],
    };
  } catch (err) {
    lab.cleanup();
    throw err;
  }
}

/** A reverse shell to the C2, a process disguised as a kernel thread, and a typo of sshd. */
export async function reverseShellScenario() {
  const lab = createLab();
  try {
    internet(lab);
    const pids = await benignServices(lab);
    await lab.startHolder(lab.attacker, 'c2-listener', { listen: [{ proto: 'tcp', host: C2, port: 4444 }, { proto: 'tcp', host: C2, port: 443 }] });
    pids.bash = (await lab.startHolder(lab.victim, 'bash', { connect: [{ host: C2, port: 4444 }] })).pid;
    pids.kworker = (await lab.startHolder(lab.victim, 'kw', { title: '[kworker/0:2]', connect: [{ host: C2, port: 443 }] }, 'deleted', '/dev/shm/.x')).pid;
    pids.sshdd = (await lab.startHolder(lab.victim, 'sshdd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 2222 }] }, 'copy', `${lab.workDir}/usr/sbin`)).pid;
    return {
      lab,
      pids,
      ...BENIGN,
      expectLeads: [
        { pid: pids.bash, process: 'bash', severity: 'critical', rules: ['NET-SHELL-SOCKET', 'NET-BACKDOOR-PORT'], why: 'A shell whose input and output is a connection to 203.0.113.66:4444 (the Metasploit default port). The lab runs it as node under the name bash, so its name does not match its executable either.' },
        { pid: pids.kworker, process: '[kworker/0:2]', severity: 'critical', rules: ['PROC-KTHREAD-FAKE', 'NET-DELETED-EXE', 'NET-SUSP-PATH-NIX'], why: 'A program posing as a kernel thread, started from /dev/shm/.x and deleted since, connected to 203.0.113.66:443.' },
        { pid: pids.sshdd, process: 'sshdd', severity: 'critical', rules: ['PROC-NAME-MASQ', 'NET-SUSP-PATH-NIX'], why: 'An sshd look-alike listening on TCP 2222, run from a temporary folder.' },
      ],
      expect: [
        { rule: 'NET-SHELL-SOCKET', pid: pids.bash, minSeverity: 'critical' },
        { rule: 'PROC-KTHREAD-FAKE', pid: pids.kworker, minSeverity: 'critical' },
        { rule: 'NET-DELETED-EXE', pid: pids.kworker, minSeverity: 'critical' },
        { rule: 'NET-SUSP-PATH-NIX', pid: pids.kworker, minSeverity: 'high' },
        { rule: 'PROC-NAME-MASQ', pid: pids.sshdd, minSeverity: 'high' },
      ],
    };
  } catch (err) {
    lab.cleanup();
    throw err;
  }
}

/** Route manipulation: the attacker as preferred default gateway, host routes via it, a blackhole. */
export async function routeManipulationScenario() {
  const lab = createLab();
  try {
    const { victim, attacker, vethA, vethV, addr } = lab;
    const n = addr.attacker4.split('.')[2];
    const rogue = `10.66.${n}.66`;
    lab.exec(attacker, ['ip', 'addr', 'add', `${rogue}/24`, 'dev', vethA]);
    lab.exec(victim, ['ip', 'route', 'add', 'default', 'via', addr.attacker4, 'metric', '100']);
    lab.exec(victim, ['ip', 'route', 'add', 'default', 'via', rogue, 'metric', '10']);
    lab.exec(victim, ['ip', 'route', 'add', '198.51.100.7/32', 'via', rogue]);
    lab.exec(victim, ['ip', 'route', 'add', 'blackhole', '192.0.2.0/24']);
    lab.exec(victim, ['ip', 'route', 'add', '172.16.50.0/24', 'via', '192.168.99.1', 'dev', vethV, 'onlink']);
    const pids = await benignServices(lab);
    return {
      lab,
      pids,
      rogue,
      ...BENIGN,
      expectLeads: [
        { kind: 'route', severity: 'medium', rules: ['ROUTE-MULTI-DEFAULT'], why: `A second default route through the rogue gateway ${rogue} with a better metric (10 against 100).` },
        { kind: 'route', severity: 'medium', rules: ['ROUTE-HOST-ODD-GW'], why: '198.51.100.7 is routed through the rogue gateway.' },
        { kind: 'route', severity: 'medium', rules: ['ROUTE-BLACKHOLE'], why: 'All traffic to 192.0.2.0/24 is discarded.' },
        { kind: 'route', severity: 'medium', rules: ['ROUTE-GW-OFFLINK'], why: '172.16.50.0/24 goes through 192.168.99.1, which is on none of the host\'s networks.' },
      ],
      expect: [
        { rule: 'ROUTE-MULTI-DEFAULT', minSeverity: 'medium' },
        { rule: 'ROUTE-HOST-ODD-GW', minSeverity: 'medium' },
        { rule: 'ROUTE-BLACKHOLE', minSeverity: 'medium' },
        { rule: 'ROUTE-GW-OFFLINK', minSeverity: 'medium' },
      ],
    };
  } catch (err) {
    lab.cleanup();
    throw err;
  }
}

/**
 * A benign busy Linux server: sshd, nginx, PostgreSQL, systemd-resolved and chronyd run from their
 * real paths (mounted holders), a Node application uses the database, an administrator is logged in
 * over SSH and a client fetches a page. No lead may be rated above low.
 */
export async function benignBusyScenario() {
  const lab = createLab();
  try {
    const { victim, attacker, addr } = lab;
    lab.exec(victim, ['ip', 'route', 'add', 'default', 'via', addr.attacker4]);
    const pids = {};
    const at = (path, over) => ['mounted', path, over];
    const start = (name, spec, [how, dir, over]) => lab.startHolder(victim, name, spec, how, dir, over).then((h) => h.pid);
    pids.sshd = await start('sshd', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 22 }, { proto: 'tcp', host: '::', port: 22, ipv6Only: true }] }, at('/usr/sbin', '/usr/sbin'));
    pids.nginx = await start('nginx', { listen: [{ proto: 'tcp', host: '0.0.0.0', port: 80 }, { proto: 'tcp', host: '0.0.0.0', port: 443 }, { proto: 'tcp', host: '::', port: 80, ipv6Only: true }, { proto: 'tcp', host: '::', port: 443, ipv6Only: true }] }, at('/usr/sbin', '/usr/sbin'));
    pids.postgres = await start('postgres', { listen: [{ proto: 'tcp', host: '127.0.0.1', port: 5432 }, { proto: 'tcp', host: '::1', port: 5432, ipv6Only: true }] }, at('/usr/lib/postgresql/16/bin', '/usr/lib/postgresql'));
    pids.resolver = await start('systemd-resolved', {
      listen: [
        { proto: 'udp', host: '127.0.0.53', port: 53 },
        { proto: 'tcp', host: '127.0.0.53', port: 53 },
        { proto: 'udp', host: '127.0.0.54', port: 53 },
        { proto: 'tcp', host: '127.0.0.54', port: 53 },
        { proto: 'udp', host: '0.0.0.0', port: 5355 },
        { proto: 'tcp', host: '0.0.0.0', port: 5355 },
      ],
    }, at('/usr/lib/systemd', '/usr/lib/systemd'));
    pids.chronyd = await start('chronyd', { listen: [{ proto: 'udp', host: '127.0.0.1', port: 323 }, { proto: 'udp', host: '::1', port: 323, ipv6Only: true }] }, at('/usr/sbin', '/usr/sbin'));
    // The application: node itself (exe /usr/bin/node, name "node"), with a pool of database connections.
    const clients = Array.from({ length: 8 }, () => ({ host: '127.0.0.1', port: 5432 }));
    pids.app = (await lab.startHolder(victim, 'node', { listen: [{ proto: 'tcp', host: '127.0.0.1', port: 3000 }], connect: clients })).pid;
    // An administrator over SSH and a browser on HTTPS, both from the management network.
    await lab.startHolder(attacker, 'ssh', { connect: [{ host: addr.victim4, port: 22 }] });
    await lab.startHolder(attacker, 'curl', { connect: [{ host: addr.victim4, port: 443 }] });
    return { lab, pids, expect: [] };
  } catch (err) {
    lab.cleanup();
    throw err;
  }
}

export const SCENARIOS = {
  'linux-benign-busy': benignBusyScenario,
  'linux-bind-shell': bindShellScenario,
  'linux-reverse-shell': reverseShellScenario,
  'linux-route-manipulation': routeManipulationScenario,
};
