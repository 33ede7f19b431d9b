// What each step runs on the target: `sh -s` reading this POSIX-sh wrapper on stdin (nothing is
// written on the target, and the marker below never appears on a command line there). The wrapper
// runs the step's command with stdin from /dev/null, under `timeout` where the target has it, and
// tees its stdout and stderr unchanged into the channel and into the target's sha256sum/shasum/
// openssl. After the command it prints one trailer line on stderr between a random per-run marker:
//   <marker> rc=N out=HEX|- err=HEX|- hash=TOOL timeout=0|1 <marker>\n   (or: <marker> miss=1 <marker>)
// The workstation strips exactly that line from the end of stderr, so both files hold the command's
// own bytes; the remote hashes then say whether the bytes arrived as they left.
import { randomBytes } from 'node:crypto';
import type { ProfileStep } from '../profiles.js';
import { procFactsReaderScript } from '../sh/procfacts-reader.js';

export function newMarker(): string {
  return `NCTRAILER${randomBytes(16).toString('hex')}`;
}

/** Single-quote for POSIX sh. Only profile data (never host text) is quoted here. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface WrapperOptions {
  marker: string;
  timeoutS: number;
  /** --max-binary-size: cap for the reader's executable hashing. */
  maxHashBytes?: number;
}

/** The argv the step runs on the target, and a text for the footprint. */
export function remoteArgv(step: ProfileStep, opts: WrapperOptions): { setup: string; argv: string; exists: string | null; file?: string } {
  if (step.kind === 'file') return { setup: '', argv: `cat ${shQuote(step.argv[0])}`, exists: shQuote(step.argv[0]), file: shQuote(step.argv[0]) };
  if (step.kind === 'procfacts') {
    // The reader as one quoted word (no here-document, no `cat` on the target).
    return { setup: `nc_reader=${shQuote(procFactsReaderScript({ maxHashBytes: opts.maxHashBytes }))}\n`, argv: 'sh -c "$nc_reader" sh', exists: null };
  }
  return { setup: '', argv: step.argv.map(shQuote).join(' '), exists: null };
}

export function wrapperScript(step: ProfileStep, opts: WrapperOptions): string {
  const { setup, argv, missing, file } = parts(step, opts);
  return `LC_ALL=C; LANG=C; export LC_ALL LANG
nc_m=${opts.marker}
nc_miss=
${missing}
if [ -n "$nc_miss" ]; then printf '%s miss=1 %s\\n' "$nc_m" "$nc_m" >&2; exit 127; fi
${setup}${hashAndRun(argv, opts.timeoutS, file)}exit "$nc_rc"
`;
}

export function parts(step: ProfileStep, opts: WrapperOptions): { setup: string; argv: string; missing: string; file?: string } {
  const { setup, argv, exists, file } = remoteArgv(step, opts);
  const first = step.kind === 'file' ? 'cat' : step.kind === 'procfacts' ? 'sh' : step.argv[0];
  return { setup, argv, file, missing: exists ? `[ -e ${exists} ] || nc_miss=1` : `command -v ${shQuote(first)} >/dev/null 2>&1 || nc_miss=1` };
}

// The hash tool reads its stdin as /dev/stdin (the step's stdout) or /dev/fd/0 (its stderr) and
// prints that name beside the hash ("HEX  /dev/stdin"; openssl: "SHA2-256(/dev/stdin)= HEX"), so
// both hashes go straight into one capture without a subshell per stream to label them.
// A file step (`file`: its quoted path) has no command of its own on the hashed path: the stdout
// tee reads the file itself (one process fewer than `cat FILE | tee`, the same bytes); the shell's
// message if the file cannot be opened goes into the stderr pipeline, so it is hashed like cat's.
function hashAndRun(argv: string, timeoutS: number, file?: string): string {
  const stdoutSide = file
    ? `{ $nc_t tee /dev/fd/3 2>&7 <${file} 4>&- 5>&- 7>&-; echo "rc=$?" >&5; } | $nc_h /dev/stdin >&5;`
    : `{ $nc_t ${argv} </dev/null 2>&7 3>&- 4>&- 5>&- 7>&-; echo "rc=$?" >&5; } | tee /dev/fd/3 | $nc_h /dev/stdin >&5;`;
  return `${toolChoice(timeoutS)}# tee must be able to open the channel's stdout/stderr as /dev/fd/N: pipes (sshd's channels) can be
# reopened, sockets cannot — then the output is sent without a remote hash, never lost.
exec 3>&1 4>&2
if [ -n "$nc_h" ] && [ -p /dev/fd/3 ] && [ -p /dev/fd/4 ]; then
  nc_r=$( { { ${stdoutSide} } 7>&1 | tee /dev/fd/4 | $nc_h /dev/fd/0 >&5; } 5>&1 )
else
  $nc_t ${argv} </dev/null
  nc_r="rc=$?"
fi
exec 3>&- 4>&-
set -f
nc_rc=255; nc_o=-; nc_e=-; nc_x=; nc_n=
for nc_w in $nc_r; do
  case $nc_w in
    rc=*) nc_rc=\${nc_w#rc=} ;;
    /dev/stdin|[*]/dev/stdin) nc_o=$nc_x ;;
    /dev/fd/0|[*]/dev/fd/0) nc_e=$nc_x ;;
    *'(/dev/stdin)=') nc_n=o ;;
    *'(/dev/fd/0)=') nc_n=e ;;
    *) nc_x=$nc_w; case $nc_n in o) nc_o=$nc_w ;; e) nc_e=$nc_w ;; esac; nc_n= ;;
  esac
done
set +f
printf '%s rc=%s out=%s err=%s hash=%s timeout=%s %s\\n' "$nc_m" "$nc_rc" "$nc_o" "$nc_e" "$nc_hn" "$nc_tn" "$nc_m" >&2
`;
}

/** The target's hash tool and timeout, looked up with the shell's builtin `command -v` (no process). */
export function toolChoice(timeoutS: number): string {
  return `nc_h=; nc_hn=none
if command -v sha256sum >/dev/null 2>&1; then nc_h=sha256sum; nc_hn=sha256sum
elif command -v shasum >/dev/null 2>&1; then nc_h='shasum -a 256'; nc_hn=shasum
elif command -v openssl >/dev/null 2>&1; then nc_h='openssl dgst -sha256'; nc_hn=openssl
fi
nc_t=; nc_tn=0
if command -v timeout >/dev/null 2>&1; then nc_t='timeout ${Math.max(1, Math.ceil(timeoutS))}'; nc_tn=1; fi
`;
}

export interface Trailer {
  missing: boolean;
  rc: number | null;
  out: string | null;
  err: string | null;
  hashTool: string | null;
  timeout: boolean;
  /** Why a stream has no remote hash although a hash tool ran (session steps, step-block.ts). */
  note?: string;
}

/** Trailer line at the very end of stderr; returns the stderr bytes before it and the fields. */
export function splitTrailer(stderr: Buffer, marker: string): { body: Buffer; trailer: Trailer | null } {
  const tail = stderr.subarray(Math.max(0, stderr.length - TRAILER_MAX)).toString('latin1');
  const re = new RegExp(`${marker} ([ -~]*) ${marker}\\n$`);
  const m = re.exec(tail);
  if (!m) return { body: stderr, trailer: null };
  return { body: stderr.subarray(0, stderr.length - Buffer.byteLength(m[0], 'latin1')), trailer: parseTrailer(m[1].split(' ')) };
}

/** The trailer's key=value fields (between the markers). */
export function parseTrailer(fields: string[]): Trailer {
  const f = new Map(fields.map((kv) => kv.split('=', 2) as [string, string]));
  const hex = (v: string | undefined) => (v && /^[0-9a-f]{64}$/.test(v) ? v : null);
  const rc = f.get('rc');
  return {
    missing: f.get('miss') === '1',
    rc: rc !== undefined && /^\d+$/.test(rc) ? Number(rc) : null,
    out: hex(f.get('out')),
    err: hex(f.get('err')),
    hashTool: f.get('hash') && f.get('hash') !== 'none' ? f.get('hash')! : null,
    timeout: f.get('timeout') === '1',
  };
}

/** Longest trailer line (marker twice, three numbers, two hashes, names): bytes held back from stderr. */
export const TRAILER_MAX = 512;
