// The first things asked over the connection: what system answers (profile detection) and the
// facts of the account and host that acquisition.json records. All answers are host text.
import type { Profile } from '../profiles.js';

/**
 * Read on the target with `sh -s`; prints key=value lines; writes nothing. Every `$( )` is one process
 * on the target: the uid is read from `id`'s own "uid=N(…)"; the uptime, and on Linux the node name,
 * release and version (the same utsname fields `uname -n -r -v` print), with the shell's `read`.
 * Host text is printed with printf '%s' (dash's echo would act on a backslash in a host name).
 */
export const PROBE_SCRIPT = `LC_ALL=C; export LC_ALL
printf 'uname-s=%s\\n' "$(uname -s 2>/dev/null)"
nc_k=/proc/sys/kernel; nc_n=; nc_r=; nc_v=
{ IFS= read -r nc_n <$nc_k/hostname && IFS= read -r nc_r <$nc_k/osrelease && IFS= read -r nc_v <$nc_k/version; } 2>/dev/null || { nc_n=$(uname -n 2>/dev/null); nc_r=$(uname -r 2>/dev/null); nc_v=$(uname -v 2>/dev/null); }
printf 'uname-n=%s\\nuname-r=%s\\nuname-v=%s\\n' "$nc_n" "$nc_r" "$nc_v"
printf 'uname-m=%s\\n' "$(uname -m 2>/dev/null)"
printf 'id=%s\\n' "$(id 2>/dev/null)"
printf 'user=%s\\n' "$(id -un 2>/dev/null)"
printf 'ssh-connection=%s\\n' "$SSH_CONNECTION"
nc_up=; { read -r nc_up nc_x; } 2>/dev/null </proc/uptime; echo "uptime=\${nc_up%%.*}"
for t in sha256sum shasum openssl; do if command -v $t >/dev/null 2>&1; then echo "hash=$t"; break; fi; done
if command -v timeout >/dev/null 2>&1; then echo "timeout=1"; else echo "timeout=0"; fi
`;

export interface Probe {
  unameS: string | null;
  unameN: string | null;
  unameR: string | null;
  unameV: string | null;
  unameM: string | null;
  id: string | null;
  uid: number | null;
  user: string | null;
  sshConnection: string | null;
  uptimeSeconds: number | null;
  hashTool: string | null;
  timeout: boolean;
}

export function parseProbe(text: string): Probe {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !kv.has(line.slice(0, i))) kv.set(line.slice(0, i), line.slice(i + 1).slice(0, 512));
  }
  const v = (k: string) => (kv.get(k) ? kv.get(k)! : null);
  // `id -u` printed the effective uid: `id` names it "euid=N" when it differs from the real one.
  const ids = v('id') ?? '';
  const uid = (/ euid=(\d+)(?:\(|\s|$)/.exec(ids) ?? /^uid=(\d+)(?:\(|\s|$)/.exec(ids))?.[1] ?? null;
  const up = v('uptime');
  return {
    unameS: v('uname-s'), unameN: v('uname-n'), unameR: v('uname-r'), unameV: v('uname-v'), unameM: v('uname-m'),
    id: v('id'), uid: uid && /^\d+$/.test(uid) ? Number(uid) : null, user: v('user'), sshConnection: v('ssh-connection'),
    uptimeSeconds: up && /^\d+$/.test(up) ? Number(up) : null, hashTool: v('hash'), timeout: v('timeout') === '1',
  };
}

/** Profile for the target's answer to `uname -s` (stdout), or its shell's complaint (stderr). */
export function profileFor(unameS: string, stderr: string): Profile['name'] | null {
  if (unameS === 'Linux') return 'linux';
  if (unameS === 'Darwin' || unameS === 'FreeBSD' || unameS === 'OpenBSD') return 'macos';
  // cmd.exe: "'sh' is not recognized as an internal or external command"; PowerShell: "The term 'sh' is not recognized as the name of a cmdlet".
  if (/is not recognized as an internal or external command|is not recognized as the name of a cmdlet/i.test(stderr)) return 'windows';
  return null;
}
