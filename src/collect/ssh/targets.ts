// SSH targets as the examiner names them: `[user@]host[:port]` (IPv6 in brackets) or a
// ~/.ssh/config alias, on the command line or in a hosts file (one a line, `#` comments, or the
// host lines of an Ansible INI inventory). A target is never passed to a shell: it goes to ssh as
// one argv element after `--`-free option parsing is ruled out (no leading '-').
import { readFileSync } from 'node:fs';
import { EvidenceError } from '../../evidence/folder.js';

export interface SshTarget {
  /** As given (the folder and fleet.json name it so). */
  given: string;
  /** What ssh receives as its destination: [user@]host. */
  destination: string;
  /** -p PORT when given as host:port (else ssh_config decides). */
  port: number | null;
}

const HOST = /^[A-Za-z0-9_.%:-]+$/;
const USER = /^[A-Za-z0-9_.-][A-Za-z0-9_.@-]*$/;

/** Parse one target; throws a usage error naming `where` (file:line or the option). */
export function parseTarget(text: string, where = '--ssh'): SshTarget {
  const given = text.trim();
  const bad = (why: string) => new EvidenceError(`${where}: "${given}" is not a target (${why})`, 'write [user@]host[:port], e.g. root@10.0.0.5:2222 or an alias from your ssh_config', 2);
  if (!given) throw bad('empty');
  if (given.startsWith('-')) throw bad('it starts with "-" and would be read as an ssh option');
  const at = given.lastIndexOf('@');
  const user = at >= 0 ? given.slice(0, at) : null;
  let rest = at >= 0 ? given.slice(at + 1) : given;
  if (user !== null && !USER.test(user)) throw bad('user name with characters ssh does not accept');
  let port: number | null = null;
  let host: string;
  const v6 = /^\[([0-9A-Fa-f:.%A-Za-z0-9]+)\](?::(\d+))?$/.exec(rest);
  if (v6) {
    host = v6[1];
    if (v6[2]) port = Number(v6[2]);
  } else {
    const colons = (rest.match(/:/g) ?? []).length;
    if (colons === 1) {
      const [h, p] = rest.split(':');
      if (!/^\d+$/.test(p)) throw bad('port is not a number');
      host = h;
      port = Number(p);
    } else host = rest; // a bare IPv6 address has several colons and no port
  }
  rest = host;
  if (!rest || !HOST.test(rest) || rest.startsWith('-')) throw bad('host name with characters ssh does not accept');
  if (port !== null && (port < 1 || port > 65535)) throw bad('port out of range 1-65535');
  return { given, destination: user ? `${user}@${host}` : host, port };
}

/**
 * A hosts file: one target a line, `#` comments. Ansible INI inventories work too: `[group]` and
 * `key=value` lines of :vars sections are skipped; on a host line, ansible_host/ansible_port/
 * ansible_user override the alias.
 */
export function readHostsFile(path: string): SshTarget[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EvidenceError(`--hosts ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, undefined, 2);
  }
  const targets: SshTarget[] = [];
  let inVars = false;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)[#;].*$/, '').trim();
    if (!line) return;
    const section = /^\[([^\]]*)\]$/.exec(line);
    if (section) {
      inVars = /:vars$/.test(section[1]);
      return;
    }
    if (inVars) return;
    const [first, ...vars] = line.split(/\s+/);
    const kv = new Map(vars.map((v) => v.split('=', 2) as [string, string]).filter((p) => p.length === 2));
    const host = kv.get('ansible_host') ?? first;
    const user = kv.get('ansible_user');
    const port = kv.get('ansible_port');
    const text2 = `${user ? `${user}@` : ''}${host.includes(':') && !host.startsWith('[') && port ? `[${host}]` : host}${port ? `:${port}` : ''}`;
    const t = parseTarget(text2, `${path}:${i + 1}`);
    targets.push(kv.size ? { ...t, given: first === host ? t.given : `${first} (${t.given})` } : t);
  });
  if (targets.length === 0) throw new EvidenceError(`--hosts ${path}: no target in the file`, 'one [user@]host[:port] a line; # starts a comment', 2);
  return targets;
}

/** Targets in order, each once (the same host twice would be collected twice at the same moment). */
export function uniqueTargets(targets: SshTarget[]): SshTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.destination}:${t.port ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
