// The process-facts reader for hosts that have no Node: a POSIX-sh program (dash, bash, busybox ash)
// that reads /proc the way src/collect/procfacts.ts does and prints one line per socket-owning
// process. The SSH transport sends it to the target's `sh -s`; the field kit embeds it. Its output
// is the raw artifact (raw/NN-process-facts.txt), parsed by src/parse/process-facts-sh.ts into the
// same ProcessFacts model.
//
// Why it is built this way:
// - Socket inodes come from `ls -lLin /proc/PID/fd`: with -L the socket itself is listed (type 's',
//   its inode first), so no link target — text a process chose, e.g. a file name with a newline — is
//   ever printed. Only sockets of this network namespace count (the inode columns of /proc/net/*),
//   as in the Node collector.
// - Every value taken from the process (exe target, comm, cmdline, stat, user name) is printed
//   percent-encoded from `od` bytes: printable ASCII stays readable, space, '%', backslash and every
//   other byte becomes %XX, so a value can never break the line format and the bytes are kept
//   exactly. The line is printed with printf '%s' (dash's echo would turn a "\n" a process put in
//   its command line into a newline: a forged line).
// - The executable is hashed through /proc/PID/exe (the running image, also when deleted), with
//   the first of sha256sum, shasum -a 256, openssl; its size comes from `ls -lLn`, checked against
//   a cap before any read.
// - Processes are few (the reader runs on the examined host, often 20 at a time over SSH): per
//   socket owner only readlink and four od; the uid is read with shell builtins; one ls sizes and
//   one hash-tool call hashes every executable; one awk encodes every owner. The fast-changing facts
//   (exe link, comm, cmdline, stat) are read first, before the slower hashing.
// - Nothing is written anywhere: output goes to stdout only.

export const PROCFACTS_SH_FORMAT = 'netcustody-procfacts-sh';
export const PROCFACTS_SH_VERSION = 1;
/** Default cap for hashing one executable (bytes); the binaries step uses the same default. */
export const DEFAULT_MAX_HASH_BYTES = 64 * 1024 * 1024;

export interface ReaderOptions {
  /** Executables larger than this are not read; the reason is recorded. */
  maxHashBytes?: number;
}

// One awk for every owner, fed sections: "@@proc PID INODES UID" starts an owner, "@key" starts one
// of its values, "@!key reason" records why it could not be read, other lines are od hex bytes;
// then sections of raw lines: "@@sizes" (ls -lLn of the executables), "@@sums" (the hash tool's
// lines) and "@@users" (od hex of "uid:name" lines from /etc/passwd).
// Values are percent-encoded from the bytes; keys in `strip` lose one final newline byte (readlink
// and /proc/PID/comm end with one that is not part of the value). An exe section without a single
// byte means readlink failed (its output always ends with a newline).
const ENCODER_AWK = String.raw`BEGIN {
  for (i = 33; i < 127; i++) if (i != 37 && i != 92) chr[sprintf("%02x", i)] = sprintf("%c", i)
  strip["exe"] = 1; strip["comm"] = 1; strip["stat"] = 1
  np = 0; sec = ""
}
$1 == "@@proc" { p = $2; order[++np] = p; socks[p] = $3; uid[p] = $4; nk[p] = 0; sec = ""; next }
$1 == "@@sizes" || $1 == "@@sums" || $1 == "@@users" { sec = substr($1, 3); ub = ""; next }
sec == "sizes" { f = $NF; if (f ~ /^\/proc\/[0-9]+\/exe$/) { split(f, a, "/"); size[a[3]] = $5 }; next }
sec == "sums" {
  f = ""; h = ""
  for (i = 1; i <= NF; i++) {
    if (match($i, /\/proc\/[0-9]+\/exe/)) { split(substr($i, RSTART, RLENGTH), a, "/"); f = a[3] }
    else if (h == "" && length($i) == 64 && $i !~ /[^0-9a-f]/) h = $i
  }
  if (f != "" && h != "") sum[f] = h
  next
}
/^@!/ { k = substr($1, 3); err[p, k] = $2; if (!((p, k) in seen)) { seen[p, k] = 1; keys[p, ++nk[p]] = k }; sec = ""; next }
/^@/ { sec = substr($1, 2); if (!((p, sec) in seen)) { seen[p, sec] = 1; keys[p, ++nk[p]] = sec }; n[p, sec] = 0; next }
sec == "users" { for (i = 1; i <= NF; i++) ub = ub " " $i; next }
sec != "" { for (i = 1; i <= NF; i++) hex[p, sec, ++n[p, sec]] = $i }
END {
  # "uid:name" records, one per line of the passwd lookup (the first per uid counts).
  c = split(ub, w, " "); u = ""; v = ""; inname = 0
  for (i = 1; i <= c + 1; i++) {
    h = (i <= c) ? w[i] : "0a"
    if (h == "0a") { if ((u != "" || inname) && !(u in users)) users[u] = v; u = ""; v = ""; inname = 0 }
    else if (!inname && h == "3a") inname = 1
    else if (inname) v = v ((h in chr) ? chr[h] : "%" h)
    else u = u ((h in chr) ? chr[h] : "%" h)
  }
  for (j = 1; j <= np; j++) {
    p = order[j]; line = ""
    for (q = 1; q <= nk[p]; q++) {
      k = keys[p, q]
      m = n[p, k]
      if ((p, k) in err || (k == "exe" && m == 0)) { line = line " " k "!=" (((p, k) in err) ? err[p, k] : "unreadable"); continue }
      if (strip[k] && m > 0 && hex[p, k, m] == "0a") m--
      v = ""
      for (i = 1; i <= m; i++) { h = hex[p, k, i]; v = v ((h in chr) ? chr[h] : "%" h) }
      line = line " " k "=" v
    }
    if (uid[p] != "") line = line " user=" users[uid[p]] " uid=" uid[p]
    s = size[p]; e = ""
    if (s != "") line = line " size=" s
    if (s == "") e = "unreadable"
    else if (s + 0 > cap + 0) e = "over-cap"
    else if (hash == "none") e = "no-hash-tool"
    else if (!(p in sum)) e = "unreadable"
    print "proc pid=" p " sockets=" socks[p] line (e == "" ? " sha256=" sum[p] : " sha256!=" e)
  }
}`;
const SOCKETS_AWK = String.raw`FILENAME != "-" {
  if (FNR == 1) {
    col = 0
    for (i = 1; i <= NF; i++) if (tolower($i) == "inode") col = i
    shift = (FILENAME ~ /\/(tcp|udp|raw)[^\/]*$/) ? -2 : 0
    next
  }
  if (col > 0) { v = $(col + shift); if (v ~ /^[0-9]+$/ && v + 0 > 0) ns[v] = 1 }
  next
}
/^\/proc\/[0-9]+\/fd:$/ { split($0, a, "/"); pid = a[3]; next }
pid != "" && $1 ~ /^[0-9]+$/ && $2 ~ /^s/ {
  if (($1 in ns) && !(pid SUBSEP $1 in had)) {
    had[pid, $1] = 1
    if (!(pid in socks)) { order[++n] = pid; socks[pid] = $1 } else socks[pid] = socks[pid] "," $1
  }
}
END { for (i = 1; i <= n; i++) print order[i], socks[order[i]] }`;

/** The reader script (deterministic for a given version and cap). */
export function procFactsReaderScript(options: ReaderOptions = {}): string {
  const cap = Math.max(0, Math.floor(options.maxHashBytes ?? DEFAULT_MAX_HASH_BYTES));
  return `# netcustody process-facts reader ${PROCFACTS_SH_VERSION} (POSIX sh). Reads /proc; writes nothing.
LC_ALL=C; export LC_ALL
nc_cap=${cap}
nc_enc='${ENCODER_AWK.replace(/'/g, `'\\''`)}'
nc_socks='${SOCKETS_AWK.replace(/'/g, `'\\''`)}'
if command -v sha256sum >/dev/null 2>&1; then nc_hash=sha256sum
elif command -v shasum >/dev/null 2>&1; then nc_hash=shasum
elif command -v openssl >/dev/null 2>&1; then nc_hash=openssl
else nc_hash=none; fi
echo "${PROCFACTS_SH_FORMAT} ${PROCFACTS_SH_VERSION} hash=$nc_hash cap=$nc_cap uid=$(id -u 2>/dev/null)"
awk '$1 == "btime" { print "btime", $2; exit }' /proc/stat 2>/dev/null
nc_files=
for nc_t in tcp tcp6 udp udp6 udplite udplite6 raw raw6 unix packet; do
  [ -r /proc/net/$nc_t ] && nc_files="$nc_files /proc/net/$nc_t"
done
# "PID INODES" per socket owner (only digits and commas: safe to split in the shell).
nc_own=$(ls -lLin /proc/[0-9]*/fd 2>/dev/null | awk "$nc_socks" $nc_files -)
{
  # First what changes fastest, owner by owner: uid (shell builtins), exe link, comm, cmdline, stat.
  nc_exes=; nc_uids=; nc_pid=
  for nc_w in $nc_own; do
    if [ -z "$nc_pid" ]; then nc_pid=$nc_w; continue; fi
    nc_d=/proc/$nc_pid
    nc_uid=
    if [ -r $nc_d/status ]; then
      while read -r nc_k nc_v nc_x; do [ "$nc_k" = Uid: ] && { nc_uid=$nc_v; break; }; done 2>/dev/null < $nc_d/status
    fi
    case $nc_uid in *[!0-9]*) nc_uid= ;; esac
    case " $nc_uids " in *" $nc_uid "*) ;; *) nc_uids="$nc_uids $nc_uid" ;; esac
    echo "@@proc $nc_pid $nc_w $nc_uid"
    nc_exes="$nc_exes $nc_d/exe"
    echo @exe; readlink $nc_d/exe 2>/dev/null | od -An -v -tx1
    for nc_f in comm cmdline stat; do
      if [ -r $nc_d/$nc_f ]; then echo @$nc_f; od -An -v -tx1 $nc_d/$nc_f 2>/dev/null || echo "@!$nc_f unreadable"; else echo "@!$nc_f unreadable"; fi
    done
    nc_pid=
  done
  # Then the executables: every size in one ls, every one under the cap in one hash tool call.
  if [ -n "$nc_exes" ]; then
    nc_sz=$(ls -lLn $nc_exes 2>/dev/null)
    echo @@sizes
    printf '%s\\n' "$nc_sz"
    nc_list=$(printf '%s\\n' "$nc_sz" | while read -r nc_1 nc_2 nc_3 nc_4 nc_s nc_5 nc_6 nc_7 nc_n; do
      case $nc_s in ''|*[!0-9]*) ;; *) [ "$nc_s" -le "$nc_cap" ] && echo "$nc_n" ;; esac
    done)
    echo @@sums
    if [ -n "$nc_list" ]; then
      case $nc_hash in
        sha256sum) sha256sum $nc_list ;;
        shasum) shasum -a 256 $nc_list ;;
        openssl) openssl dgst -sha256 $nc_list ;;
      esac 2>/dev/null
    fi
  fi
  if [ -n "$nc_uids" ]; then
    echo @@users
    awk -F: -v want="$nc_uids" 'BEGIN { n = split(want, w, " ") } { for (i = 1; i <= n; i++) if (!(i in got) && $3 == w[i]) { got[i] = 1; printf "%s:%s\\n", w[i], $1 } }' /etc/passwd 2>/dev/null | od -An -v -tx1
  fi
} | awk -v cap="$nc_cap" -v hash="$nc_hash" "$nc_enc"
echo end
`;
}
