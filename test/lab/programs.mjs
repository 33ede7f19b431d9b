// Listeners run from real program files the test controls (issue 18): a copy of the system's perl
// placed, renamed, replaced, deleted or made unreadable as a scenario needs, started inside a lab
// namespace, optionally as another user. Perl is a system interpreter small enough (a few MiB) to
// stay under the default --max-binary-size; the lab's node holders (about 100 MB) are not.
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, chmodSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

export const PERL = execFileSync('sh', ['-c', 'command -v perl']).toString().trim();

const LISTENER = 'use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], LocalPort => $ARGV[1], Listen => 5, ReuseAddr => 1) or die "listen: $!"; $| = 1; print "READY\\n"; sleep 3600;';

export function sha256File(path) {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * A copy of perl at `path` (mode 0755), returning its SHA-256. `salt` is appended after the ELF
 * image (the loader ignores it): a program that runs the same but is another file, with another hash.
 */
export function perlCopy(path, salt = '') {
  copyFileSync(PERL, path);
  if (salt) appendFileSync(path, salt);
  chmodSync(path, 0o755);
  return sha256File(path);
}

/**
 * Start `bin` as a TCP listener on host:port in namespace `ns`; resolves once it listens.
 * uid: run as that user (setpriv). Returns { pid, child }.
 */
export function startListener(ns, bin, host, port, { uid } = {}) {
  const drop = uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
  const child = spawn('ip', ['netns', 'exec', ns, ...drop, bin, '-e', LISTENER, host, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) {
        // `ip netns exec` and setpriv exec the program: the child's PID is the listener's.
        resolve({ pid: child.pid, child });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`${bin} exited ${code}: ${err}`)));
  });
}

/**
 * Fileless: python copies perl into an anonymous memory file (memfd_create) and executes it from
 * there, as in-memory loaders do; /proc/PID/exe then reads "/memfd:<name> (deleted)".
 */
export function startMemfdListener(ns, name, host, port) {
  const py = `import os,sys\nfd = os.memfd_create(${JSON.stringify(name)})\nos.write(fd, open(${JSON.stringify(PERL)}, 'rb').read())\nos.execv('/proc/self/fd/%d' % fd, ['kworker', '-e', sys.argv[1], sys.argv[2], sys.argv[3]])`;
  const python = execFileSync('sh', ['-c', 'ls /usr/bin/python3* | grep -E "python3(\\.[0-9]+)?$" | head -1']).toString().trim();
  const child = spawn('ip', ['netns', 'exec', ns, python, '-c', py, LISTENER, host, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('READY')) resolve({ pid: child.pid, child });
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`memfd listener exited ${code}: ${err}`)));
  });
}
