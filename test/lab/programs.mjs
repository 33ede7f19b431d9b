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
