// Network-namespace lab: two namespaces joined by a veth pair (victim 10.66.x.2 / fd66:x::2,
// attacker 10.66.x.1 / fd66:x::1) and socket holders started under chosen process names.
// Real kernel sockets and routes with known ground truth; no traffic leaves the namespaces.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOLDER = join(dirname(fileURLToPath(import.meta.url)), 'holder.mjs');

/** True when this process may create namespaces (root with iproute2). */
export function netnsAvailable() {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function ip(args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

let counter = 0;

/**
 * @param {{ subnet?: number }} [opts] third octet of 10.66.N.0/24 (distinct per concurrent lab)
 */
export function createLab(opts = {}) {
  const n = opts.subnet ?? (100 + ((process.pid + counter++ * 7) % 150));
  const tag = `${process.pid.toString(36)}${(counter++).toString(36)}`;
  const victim = `ncv-${tag}`;
  const attacker = `nca-${tag}`;
  const workDir = mkdtempSync(join(tmpdir(), 'nclab-'));
  const holders = [];
  const addr = {
    victim4: `10.66.${n}.2`,
    attacker4: `10.66.${n}.1`,
    victim6: `fd66:${n.toString(16)}::2`,
    attacker6: `fd66:${n.toString(16)}::1`,
    prefix4: `10.66.${n}.0/24`,
    prefix6: `fd66:${n.toString(16)}::/64`,
  };
  ip(['netns', 'add', victim]);
  ip(['netns', 'add', attacker]);
  const vethV = `v${tag}`.slice(0, 15);
  const vethA = `a${tag}`.slice(0, 15);
  ip(['link', 'add', vethV, 'netns', victim, 'type', 'veth', 'peer', 'name', vethA, 'netns', attacker]);
  for (const [ns, dev, a4, a6] of [
    [victim, vethV, addr.victim4, addr.victim6],
    [attacker, vethA, addr.attacker4, addr.attacker6],
  ]) {
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    ip(['-n', ns, 'addr', 'add', `${a4}/24`, 'dev', dev]);
    ip(['-n', ns, 'addr', 'add', `${a6}/64`, 'dev', dev, 'nodad']);
    ip(['-n', ns, 'link', 'set', dev, 'up']);
  }

  /** Run a command inside a namespace; returns stdout bytes. */
  function exec(ns, argv, options = {}) {
    return execFileSync('ip', ['netns', 'exec', ns, ...argv], { maxBuffer: 256 << 20, ...options });
  }

  /** See startHolderIn (below): a holder in any namespace, stopped by cleanup(). */
  function startHolder(ns, name, spec = {}, how = 'symlink', dir = join(workDir, 'bin'), over = dir) {
    return startHolderIn(holders, ns, name, spec, how, dir, over);
  }

  function cleanup() {
    for (const h of holders) {
      try {
        h.kill('SIGKILL');
      } catch {}
    }
    for (const ns of [victim, attacker]) {
      removeNetns(ns);
    }
    rmSync(workDir, { recursive: true, force: true });
  }

  return { victim, attacker, vethV, vethA, addr, workDir, exec, startHolder, cleanup };
}

/**
 * Start a socket holder named `name` (as netstat and ss will show it) in namespace `ns`; its child
 * process is pushed on `holders` (the caller kills them). Also used by the sshd lab (sshd.mjs).
 * spec: { listen: [{proto, host, port}], connect: [{host, port}], title }
 * how: 'symlink' (default), 'copy' (own binary in dir), 'deleted' (copy, then unlink the file),
 * 'mounted' (the holder runs from the real path `dir`/`name`, e.g. /usr/sbin/sshd, in a private
 * mount namespace: a tmpfs over `over` holds an empty file with the node binary bind-mounted on it,
 * so /proc/PID/exe reads /usr/sbin/sshd as on a real host; nothing on the host's disk changes).
 */
/** Kill everything still inside namespace `ns` (holders run as children of `ip netns exec`) and delete it. */
export function removeNetns(ns) {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns]).toString().trim().split(/\s+/).filter(Boolean);
    for (const p of pids) process.kill(Number(p), 'SIGKILL');
  } catch {}
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe' });
  } catch {}
}

export async function startHolderIn(holders, ns, name, spec = {}, how = 'symlink', dir, over = dir) {
  const bin = join(dir, name);
  let argv;
  if (how === 'mounted') {
    const script = 'mount -t tmpfs -o size=1m,mode=0755 tmpfs "$1" && mkdir -p "$2" && : > "$3" && mount --bind "$4" "$3" && exec "$3" "$5" "$6"';
    argv = ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', over, dir, bin, process.execPath, HOLDER, JSON.stringify(spec)];
  } else {
    mkdirSync(dir, { recursive: true });
    if (how === 'symlink') symlinkSync(process.execPath, bin);
    else {
      copyFileSync(process.execPath, bin);
      chmodSync(bin, 0o755);
    }
    argv = ['netns', 'exec', ns, bin, HOLDER, JSON.stringify(spec)];
  }
  const child = spawn('ip', argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  holders.push(child);
  await new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) resolve(undefined);
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`holder ${name} exited ${code}: ${err}`)));
  });
  if (how === 'deleted') unlinkSync(bin);
  return { pid: child.pid, name, bin, child };
}
