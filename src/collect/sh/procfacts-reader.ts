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
// - Nothing is written anywhere: output goes to stdout only.

export const PROCFACTS_SH_FORMAT = 'netcustody-procfacts-sh';
export const PROCFACTS_SH_VERSION = 1;
/** Default cap for hashing one executable (bytes); the binaries step uses the same default. */
export const DEFAULT_MAX_HASH_BYTES = 64 * 1024 * 1024;

export interface ReaderOptions {
  /** Executables larger than this are not read; the reason is recorded. */
  maxHashBytes?: number;
}

// Percent-encoder fed with sections: "@key" starts a value, "@!key reason" records why it could not
// be read, other lines are od hex bytes. Keys listed in `strip` lose one final newline byte (readlink
// and /proc/PID/comm end with one that is not part of the value).
const ENCODER_AWK = String.raw`BEGIN {
  for (i = 33; i < 127; i++) if (i != 37 && i != 92) chr[sprintf("%02x", i)] = sprintf("%c", i)
  nk = 0
}
/^@!/ { k = substr($1, 3); err[k] = $2; if (!(k in seen)) { seen[k] = 1; keys[++nk] = k }; cur = ""; next }
/^@/ { cur = substr($1, 2); if (!(cur in seen)) { seen[cur] = 1; keys[++nk] = cur }; n[cur] = 0; next }
cur != "" { for (i = 1; i <= NF; i++) hex[cur, ++n[cur]] = $i }
END {
  line = ""
  for (j = 1; j <= nk; j++) {
    k = keys[j]
    if (k in err) { line = line " " k "!=" err[k]; continue }
    m = n[k]
    if (strip[k] && m > 0 && hex[k, m] == "0a") m--
    v = ""
    for (i = 1; i <= m; i++) { h = hex[k, i]; v = v ((h in chr) ? chr[h] : "%" h) }
    line = line " " k "=" v
  }
  print line
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
nc_sha256() {
  case $nc_hash in
    sha256sum) sha256sum ;;
    shasum) shasum -a 256 ;;
    openssl) openssl dgst -sha256 ;;
  esac | awk '{ for (i = 1; i <= NF; i++) if (length($i) == 64 && $i !~ /[^0-9a-f]/) { print $i; exit } }'
}
echo "${PROCFACTS_SH_FORMAT} ${PROCFACTS_SH_VERSION} hash=$nc_hash cap=$nc_cap uid=$(id -u 2>/dev/null)"
awk '$1 == "btime" { print "btime", $2; exit }' /proc/stat 2>/dev/null
nc_files=
for nc_t in tcp tcp6 udp udp6 udplite udplite6 raw raw6 unix packet; do
  [ -r /proc/net/$nc_t ] && nc_files="$nc_files /proc/net/$nc_t"
done
ls -lLin /proc/[0-9]*/fd 2>/dev/null | awk "$nc_socks" $nc_files - | while read -r nc_pid nc_inodes; do
  nc_d=/proc/$nc_pid
  nc_uid=$(awk '$1 == "Uid:" { print $2; exit }' $nc_d/status 2>/dev/null)
  nc_size=$(ls -lLn $nc_d/exe 2>/dev/null | awk '{ print $5; exit }')
  nc_sum=
  nc_sumerr=
  if [ -z "$nc_size" ]; then nc_sumerr=unreadable
  elif [ "$nc_size" -gt "$nc_cap" ]; then nc_sumerr=over-cap
  elif [ "$nc_hash" = none ]; then nc_sumerr=no-hash-tool
  else
    nc_sum=$(nc_sha256 < $nc_d/exe 2>/dev/null)
    case $nc_sum in ????????????????????????????????????????????????????????????????) ;; *) nc_sum=; nc_sumerr=unreadable ;; esac
  fi
  {
    if readlink $nc_d/exe >/dev/null 2>&1; then echo @exe; readlink $nc_d/exe | od -An -v -tx1; else echo '@!exe unreadable'; fi
    for nc_f in comm cmdline stat; do
      if [ -r $nc_d/$nc_f ]; then echo @$nc_f; od -An -v -tx1 $nc_d/$nc_f 2>/dev/null || echo "@!$nc_f unreadable"; else echo "@!$nc_f unreadable"; fi
    done
    if [ -n "$nc_uid" ]; then
      echo @user
      awk -F: -v u="$nc_uid" '$3 == u { printf "%s", $1; exit }' /etc/passwd 2>/dev/null | od -An -v -tx1
    fi
  } | awk -v pid="$nc_pid" -v socks="$nc_inodes" -v uid="$nc_uid" -v sum="$nc_sum" -v sumerr="$nc_sumerr" -v size="$nc_size" \\
      "BEGIN { strip[\\"exe\\"] = 1; strip[\\"comm\\"] = 1; strip[\\"stat\\"] = 1 } $nc_enc" | {
    IFS= read -r nc_rest
    nc_extra=
    [ -n "$nc_uid" ] && nc_extra="$nc_extra uid=$nc_uid"
    [ -n "$nc_size" ] && nc_extra="$nc_extra size=$nc_size"
    if [ -n "$nc_sum" ]; then nc_extra="$nc_extra sha256=$nc_sum"; else nc_extra="$nc_extra sha256!=$nc_sumerr"; fi
    printf '%s\\n' "proc pid=$nc_pid sockets=$nc_inodes$nc_rest$nc_extra"
  }
done
echo end
`;
}
