// SSH lab: a real Debian sshd in each of N network namespaces ("hosts"), reached from a separate
// "workstation" namespace through one veth pair per host (host i: 10.77.i.2, workstation side
// 10.77.i.1); each sshd has its own UTS namespace (hostname lab-hN). Host keys and the client key are generated at test time into a private temp dir,
// with a test-only ssh_config (Host h1 … hN) and known_hosts: nothing of the machine's own SSH
// setup is read or changed. Run the client inside the workstation namespace (`ip netns exec
// lab.ws ssh -F lab.sshConfig h1 …`, or runCli(…, { netns: lab.ws })). Used by the SSH transport
// tests and the field kit's Ansible test. Throwaway keys only: they live and die with the lab.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { netnsAvailable, removeNetns, startHolderIn } from './netns.mjs';

const SSHD = '/usr/sbin/sshd';

/** True when namespaces can be made and OpenSSH server and client are installed. */
export function sshdAvailable() {
  if (!netnsAvailable() || !existsSync(SSHD)) return false;
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    execFileSync('ssh-keygen', ['-?'], { stdio: 'ignore' });
  } catch (err) {
    // ssh-keygen -? exits 1 after printing its usage: present.
    if (err.code === 'ENOENT') return false;
  }
  return true;
}

let counter = 0;

function ip(args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function keygen(path, comment) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

/**
 * @param {{ hosts?: number, sshdConfig?: (i: number) => string[] }} [opts] hosts: how many (default 3);
 *   sshdConfig: extra sshd_config lines for host i (1-based), e.g. ['SetEnv PATH=/x:/usr/bin:/bin'].
 */
export async function createSshLab(opts = {}) {
  const count = opts.hosts ?? 3;
  if (count < 1 || count > 250) throw new Error('hosts: 1..250');
  const tag = `${process.pid.toString(36)}${(counter++).toString(36)}`;
  const ws = `ncw-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'ncssh-'));
  chmodSync(dir, 0o700);
  const holders = [];
  const clientKey = join(dir, 'client_ed25519');
  keygen(clientKey, 'netcustody-test-client (throwaway)');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  // Debian's sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  ip(['netns', 'add', ws]);
  ip(['-n', ws, 'link', 'set', 'lo', 'up']);

  const hosts = [];
  for (let i = 1; i <= count; i++) {
    const name = `h${i}`;
    const ns = `nch${i}-${tag}`;
    const hdir = join(dir, name);
    mkdirSync(hdir);
    const addr = `10.77.${i}.2`;
    const wsAddr = `10.77.${i}.1`;
    ip(['netns', 'add', ns]);
    const vw = `w${tag}-${i}`.slice(-15);
    const vh = `h${tag}-${i}`.slice(-15);
    ip(['link', 'add', vw, 'netns', ws, 'type', 'veth', 'peer', 'name', vh, 'netns', ns]);
    ip(['-n', ws, 'addr', 'add', `${wsAddr}/24`, 'dev', vw]);
    ip(['-n', ws, 'link', 'set', vw, 'up']);
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', ns, 'addr', 'add', `${addr}/24`, 'dev', vh]);
    ip(['-n', ns, 'link', 'set', vh, 'up']);
    ip(['-n', ns, 'route', 'add', 'default', 'via', wsAddr]);
    const host = { i, name, ns, addr, wsAddr, dir: hdir, hostKey: join(hdir, 'ssh_host_ed25519_key'), config: join(hdir, 'sshd_config'), proc: null };
    keygen(host.hostKey, `${name} host key (throwaway)`);
    writeFileSync(host.config, sshdConfig(host, dir, opts.sshdConfig?.(i) ?? []));
    hosts.push(host);
  }
  const knownHosts = join(dir, 'known_hosts');
  const sshConfig = join(dir, 'ssh_config');
  writeKnownHosts();
  writeFileSync(sshConfig, hosts.map((h) => clientStanza(h, clientKey, knownHosts)).join('\n'));
  await Promise.all(hosts.map((h) => startSshd(h)));

  function writeKnownHosts() {
    writeFileSync(knownHosts, hosts.map((h) => `${h.name},${h.addr} ${readFileSync(`${h.hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`).join(''));
  }

  /** Start (or restart) host's sshd in its namespace; resolves once it accepts connections. */
  async function startSshd(host) {
    // Its own UTS namespace too, so the host answers `uname -n` with its own name (lab-hN), and a
    // private mount namespace where root's ~/.bashrc of this machine (pyenv, cargo: seconds per
    // session under load) is hidden: sessions start like on a plain Debian server.
    const script = 'hostname "$1" && { [ ! -f "$HOME/.bashrc" ] || mount --bind /dev/null "$HOME/.bashrc"; } && exec "$2" -D -e -f "$3"';
    const argv = ['netns', 'exec', host.ns, 'unshare', '--uts', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', `lab-${host.name}`, SSHD, host.config];
    const child = spawn('ip', argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    host.proc = child;
    host.log = '';
    child.stderr.on('data', (d) => (host.log += d));
    const deadline = Date.now() + 10_000;
    while (!/Server listening on/.test(host.log)) {
      if (child.exitCode !== null) throw new Error(`sshd of ${host.name} exited ${child.exitCode}: ${host.log}`);
      if (Date.now() > deadline) throw new Error(`sshd of ${host.name} did not start: ${host.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return child;
  }

  /** Every sshd process in the host's namespace (listener and sessions), as `ip netns pids` lists. */
  function sshdPids(host) {
    const pids = execFileSync('ip', ['netns', 'pids', host.ns]).toString().trim().split(/\s+/).filter(Boolean).map(Number);
    return pids.filter((p) => {
      try {
        return /^sshd/.test(readFileSync(`/proc/${p}/comm`, 'utf8'));
      } catch {
        return false;
      }
    });
  }

  /** Cut the host off: SIGKILL every sshd in its namespace (open sessions drop at once). */
  function killSshd(host) {
    for (const p of sshdPids(host)) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {}
    }
  }

  /** The host gets a new host key (known_hosts keeps the old one): its sshd restarts with it. */
  async function changeHostKey(host) {
    killSshd(host);
    await new Promise((r) => host.proc.exitCode !== null ? r(undefined) : host.proc.once('exit', r));
    rmSync(host.hostKey);
    rmSync(`${host.hostKey}.pub`);
    keygen(host.hostKey, `${host.name} NEW host key (throwaway)`);
    await startSshd(host);
  }

  /** `ssh-keygen -l` fingerprint of the host's current key, e.g. "SHA256:…". */
  function fingerprint(host) {
    return execFileSync('ssh-keygen', ['-l', '-f', `${host.hostKey}.pub`]).toString().split(' ')[1];
  }

  function exec(ns, argv, options = {}) {
    return execFileSync('ip', ['netns', 'exec', ns, ...argv], { maxBuffer: 256 << 20, ...options });
  }

  function startHolder(ns, name, spec = {}, how = 'symlink') {
    return startHolderIn(holders, ns, name, spec, how, join(dir, 'bin', ns));
  }

  function cleanup() {
    for (const h of holders) {
      try {
        h.kill('SIGKILL');
      } catch {}
    }
    for (const ns of [ws, ...hosts.map((h) => h.ns)]) {
      removeNetns(ns);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return { ws, dir, hosts, sshConfig, knownHosts, clientKey, exec, startHolder, startSshd, killSshd, changeHostKey, fingerprint, sshdPids, cleanup };
}

function sshdConfig(host, dir, extra) {
  return [
    `# test-only sshd of lab host ${host.name} (throwaway keys, namespace ${host.ns})`,
    `ListenAddress ${host.addr}:22`,
    `HostKey ${host.hostKey}`,
    `PidFile ${join(host.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'StrictModes no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel INFO',
    ...extra,
    '',
  ].join('\n');
}

function clientStanza(host, clientKey, knownHosts) {
  return [
    `Host ${host.name}`,
    `  HostName ${host.addr}`,
    '  User root',
    '  Port 22',
    `  IdentityFile ${clientKey}`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile none',
    '  StrictHostKeyChecking yes',
    '  ConnectTimeout 5',
    '',
  ].join('\n');
}
