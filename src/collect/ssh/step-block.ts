// One step inside the host's single shell session, without a `$( )` capture (one process fewer
// per step than the standalone wrapper, wrapper.ts). The streams carry, in this order:
//   stdout: S frame · the command's bytes · the stdout hash tool's line · E frame
//   stderr: s frame · the command's bytes, with an `r RC` and an `o STATUS` frame somewhere among
//           them · the stderr hash tool's line · the trailer `t he=STATUS hash=TOOL timeout=0|1`
// Each hash tool writes its line after its tee has written the last byte of that stream (it reads
// to the end of what tee passed on), so the line is the exact end of the stream, before the shell's
// next frame; it is stripped only when its tool exited 0 (o / he), so a tool that died cannot make
// the command's own last line be taken for a hash. The r and o frames are marker-framed lines
// written whole, so the workstation lifts them out wherever they fall (frames.ts); the marker is
// random per run, so the command's output cannot imitate them. A target without a hash tool, or
// whose channel is not a pipe, gets the standalone wrapper's trailer line (rc=…, no hashes).
import type { ProfileStep } from '../profiles.js';
import { parts, toolChoice, type WrapperOptions } from './wrapper.js';

export function stepBlock(step: ProfileStep, index: number, opts: WrapperOptions): string {
  const { setup, argv, missing, file } = parts(step, opts);
  // A file step is read by the stdout tee itself (no `cat`); the shell's message if it cannot be
  // opened goes into the stderr pipeline (2>&7 before the <), hashed like the rest of stderr.
  const stdoutSide = file
    ? `{ $nc_t tee /dev/fd/3 2>&7 <${file} 4>&- 7>&-; printf '%s r %s %s\\n' "$nc_m" "$?" "$nc_m" >&4; } | $nc_h /dev/stdin >&3`
    : `{ $nc_t ${argv} </dev/null 2>&7 3>&- 4>&- 7>&-; printf '%s r %s %s\\n' "$nc_m" "$?" "$nc_m" >&4; } | tee /dev/fd/3 | $nc_h /dev/stdin >&3`;
  return `printf '%s S ${index} %s\\n' "$nc_m" "$nc_m"; printf '%s s ${index} %s\\n' "$nc_m" "$nc_m" >&2
nc_miss=
${missing}
if [ -n "$nc_miss" ]; then printf '%s miss=1 %s\\n' "$nc_m" "$nc_m" >&2
else
${setup}${toolChoice(opts.timeoutS)}exec 3>&1 4>&2
if [ -n "$nc_h" ] && [ -p /dev/fd/3 ] && [ -p /dev/fd/4 ]; then
  { ${stdoutSide}; printf '%s o %s %s\\n' "$nc_m" "$?" "$nc_m" >&4; } 7>&1 | tee /dev/fd/4 | $nc_h /dev/stdin >&4
  printf '%s t he=%s hash=%s timeout=%s %s\\n' "$nc_m" "$?" "$nc_hn" "$nc_tn" "$nc_m" >&2
else
  $nc_t ${argv} </dev/null
  printf '%s rc=%s out=- err=- hash=%s timeout=%s %s\\n' "$nc_m" "$?" "$nc_hn" "$nc_tn" "$nc_m" >&2
fi
exec 3>&- 4>&-
fi
printf '%s E ${index} %s\\n' "$nc_m" "$nc_m"
`;
}

/** Bytes held back at the end of each stream of a step: the longest hash line (openssl's). */
export const HASH_LINE_MAX = 128;

/**
 * The hash tool's line at the very end of `tail` (it read /dev/stdin): its SHA-256 and length.
 * sha256sum and shasum print "HEX  /dev/stdin"; openssl "SHA256(/dev/stdin)= HEX" (1.1, LibreSSL)
 * or "SHA2-256(/dev/stdin)= HEX" (3.x). Null when the end is not such a line.
 */
export function hashLineAtEnd(tail: Buffer, tool: string | null): { sha256: string; length: number } | null {
  const text = tail.toString('latin1');
  const m = tool === 'openssl' ? /(?:SHA2-256|SHA256)\(\/dev\/stdin\)= ([0-9a-f]{64})\n$/.exec(text) : tool === 'sha256sum' || tool === 'shasum' ? /([0-9a-f]{64}) {2}\/dev\/stdin\n$/.exec(text) : null;
  return m ? { sha256: m[1], length: Buffer.byteLength(m[0], 'latin1') } : null;
}

/** Holds back the last HASH_LINE_MAX bytes of a stream until the step's end says what they are. */
export class TailHold {
  private tail = Buffer.alloc(0);

  constructor(private readonly sink: { write(b: Buffer): void }) {}

  write(b: Buffer): void {
    const all = this.tail.length ? Buffer.concat([this.tail, b]) : b;
    const keep = Math.min(all.length, HASH_LINE_MAX);
    if (all.length > keep) this.sink.write(all.subarray(0, all.length - keep));
    this.tail = Buffer.from(all.subarray(all.length - keep));
  }

  /** The end of the stream: strip the hash line when its tool exited 0; its SHA-256, or null. */
  end(tool: string | null, toolStatus: number | null): string | null {
    const line = toolStatus === 0 ? hashLineAtEnd(this.tail, tool) : null;
    const keep = line ? this.tail.subarray(0, this.tail.length - line.length) : this.tail;
    if (keep.length) this.sink.write(keep);
    this.tail = Buffer.alloc(0);
    return line?.sha256 ?? null;
  }
}
