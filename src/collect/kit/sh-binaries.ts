// The Linux kit's copies of socket owners' executables (issue 18), run right after the process-facts
// step: the selection (sh-select.ts) reads that step's output; each chosen executable is copied with
// `cat /proc/PID/exe` — the running image, also when deleted — never a path the host printed, into
// exe-PID.bin of the results folder, then the copy itself is hashed with the kit's SHA-256 tool.
// Manifest lines (values percent-encoded like the rest):
//   binaries.policy, binaries.maxbytes       at the start of the run (the options baked in)
//   binaries.start / binaries.end / binaries.done=1
//   bin.PID.exe      the exe link as the reader printed it
//   bin.PID.reasons  codes of sh-select.ts (+ ww: a world-writable folder, checked here with ls -ld)
//   bin.PID.size     size by `ls -lLn /proc/PID/exe` before the read
//   bin.PID.file / .bytes / .sha256 / .exit   the copy, its size, hash, and cat's exit code
//   bin.PID.shared   another PID whose copy holds the same file (same reader hash): no second copy
//   bin.PID.skipped  over-cap | unreadable | changed (the PID now runs another file) | no-space
import type { PreservePolicy } from '../../model.js';
import { selectAwk } from './sh-select.js';

export const BINARY_NAME = /^exe-(\d{1,10})\.bin$/;
/** Free space kept on the results medium after a copy, for the manifest lines that follow. */
export const KIT_HEADROOM = 1024 * 1024;

/** The sh function k_binaries STEP (STEP = NN-<id> of the process-facts step). */
export function shBinariesFunction(policy: Exclude<PreservePolicy, 'none'>, maxBytes: number): string {
  const awk = selectAwk().replace(/'/g, `'\\''`);
  return `k_selawk='${awk}'
# The exe link encoded as the reader encodes it (backslash as %5c too), to compare with its line.
k_encr() { od -An -v -tx1 | awk 'BEGIN { for (i = 33; i < 127; i++) if (i != 37 && i != 92) c[sprintf("%02x", i)] = sprintf("%c", i) } { for (i = 1; i <= NF; i++) { h = $i; v = v ((h in c) ? c[h] : "%" h) } } END { printf "%s", v }'; }
k_binaries() {
  k_put binaries.start "$(k_now)"
  k_seen=
  awk -v policy=${policy} "$k_selawk" "$k_dir/$1.stdout" 2>/dev/null | while read -r k_pid k_codes k_ww k_dirx k_exe k_rsha; do
    if [ "$k_ww" = 1 ]; then
      k_d=$(printf '%bx' "$k_dirx"); k_d=\${k_d%x}
      case $(ls -ldn "/proc/$k_pid/root$k_d" 2>/dev/null) in
        d???????w*) if [ "$k_codes" = - ]; then k_codes=ww; else k_codes="$k_codes,ww"; fi ;;
      esac
    fi
    [ "$k_codes" = - ] && continue
    k_f="exe-$k_pid.bin"
    k_skip=; k_size=; k_shared=
    if [ "$(readlink "/proc/$k_pid/exe" 2>/dev/null | k_encr)" != "$k_exe%0a" ]; then k_skip=changed
    else
      k_size=$(ls -lLn "/proc/$k_pid/exe" 2>/dev/null | awk '{ print $5; exit }')
      case $k_size in ''|*[!0-9]*) k_size=; k_skip=unreadable ;; esac
    fi
    if [ -z "$k_skip" ] && [ "$k_size" -gt ${maxBytes} ]; then k_skip=over-cap; fi
    if [ -z "$k_skip" ] && [ "$k_rsha" != - ]; then
      for k_e in $k_seen; do case $k_e in "$k_rsha="*) k_shared=\${k_e#*=} ;; esac; done
    fi
    if [ -z "$k_skip" ] && [ -z "$k_shared" ] && command -v df >/dev/null 2>&1; then
      case $(df -Pk "$k_dir" 2>/dev/null | awk -v need="$k_size" 'NR == 2 { print ($4 * 1024 >= need + ${KIT_HEADROOM}) ? "ok" : "full" }') in full) k_skip=no-space ;; esac
    fi
    k_rc=
    if [ -z "$k_skip" ] && [ -z "$k_shared" ]; then cat "/proc/$k_pid/exe" > "$k_dir/$k_f" 2>/dev/null; k_rc=$?
      k_bb=$(k_bytes "$k_dir/$k_f"); k_bs=$(k_sha "$k_dir/$k_f"); fi
    # The lines of one executable go in together, after its copy: an interrupted copy has no record.
    {
      printf '%s\\n' "bin.$k_pid.exe=$k_exe"
      echo "bin.$k_pid.reasons=$k_codes"
      [ -n "$k_size" ] && echo "bin.$k_pid.size=$k_size"
      if [ -n "$k_skip" ]; then echo "bin.$k_pid.skipped=$k_skip"
      elif [ -n "$k_shared" ]; then echo "bin.$k_pid.shared=$k_shared"
      else
        echo "bin.$k_pid.exit=$k_rc"
        echo "bin.$k_pid.file=$k_f"
        echo "bin.$k_pid.bytes=$k_bb"
        echo "bin.$k_pid.sha256=$k_bs"
      fi
    } >> "$k_m"
    [ -z "$k_skip" ] && [ -z "$k_shared" ] && [ "$k_rsha" != - ] && k_seen="$k_seen $k_rsha=$k_pid"
  done
  k_put binaries.end "$(k_now)"
  k_put binaries.done 1
}
`;
}
