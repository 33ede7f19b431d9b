// The floor under issue 16's "analyze ≥ 3× faster than jc" target, timed by the bench in the same run:
// a bare Node program that does only what any analyze must do with a `netstat -anp` capture — start
// Node, read the file, find every inet row and its fields, write one compact JSON row per socket
// with the values analyze writes in parsed/connections.json's 14 columns (test/bench/analyze-floor
// compares them row by row), hash the output with SHA-256 and fsync it — and nothing else: no address
// checks, merging, rules, leads, other files, custody, or the modules that do them.
//
// It works on bytes, never on a string per field: the fastest form found (a string-based version of
// the same program took 0.7–0.8 s here against 0.4–0.5 s for this one), so the figure is a lower
// bound for this machine and Node, not a straw man. It reads only the generated capture's layout
// (no header detection, no other formats): it is a measuring stick, not a parser.
//
// Usage: node dist/bench/analyze-floor.js CAPTURE OUTFILE   (prints {"rows":N,"sha256":"…"})
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

const SPACE = 0x20;
const CR = 0x0d;
const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const SLASH = 0x2f;

function floorRows(src: Buffer): { out: Buffer; rows: number } {
  const n = src.length;
  // Worst case every byte of a row is escaped as \u00XX (6 bytes); rows are short, so 7× is ample.
  const out = Buffer.allocUnsafe(n * 7 + 16);
  let o = 0;
  const ascii = (s: string): void => {
    for (let j = 0; j < s.length; j++) out[o++] = s.charCodeAt(j);
  };
  const str = (a: number, b: number): void => {
    out[o++] = QUOTE;
    for (let j = a; j < b; j++) {
      const c = src[j];
      if (c === QUOTE || c === BACKSLASH) {
        out[o++] = BACKSLASH;
        out[o++] = c;
      } else if (c < 0x20 || c > 0x7e) ascii(`\\u00${c.toString(16).padStart(2, '0')}`);
      else out[o++] = c;
    }
    out[o++] = QUOTE;
  };
  // A number when every byte is a digit (netstat prints "*" for an unbound port), else null.
  const num = (a: number, b: number): void => {
    let digits = b > a;
    for (let j = a; j < b && digits; j++) digits = src[j] >= 0x30 && src[j] <= 0x39;
    if (digits) {
      src.copy(out, o, a, b);
      o += b - a;
    } else ascii('null');
  };
  const f = new Int32Array(12);
  let rows = 0;
  let line = 0;
  let pos = 0;
  ascii('[\n');
  while (pos < n) {
    let e = src.indexOf(LF, pos);
    if (e < 0) e = n;
    const c = src[pos];
    line++;
    // tcp, tcp6, udp, udp6, raw, raw6 rows ("Proto", "Active" and "unix" rows are not sockets here).
    if (c === 0x74 || (c === 0x75 && src[pos + 1] === 0x64) || (c === 0x72 && src[pos + 1] === 0x61)) {
      let i = pos;
      for (let k = 0; k < 6 && i < e; k++) {
        while (i < e && src[i] === SPACE) i++;
        f[2 * k] = i;
        // The State column is empty on UDP rows: a sixth field that is not an upper-case word is the owner.
        if (k === 5 && !(src[i] >= 0x41 && src[i] <= 0x5a)) {
          f[11] = i;
          break;
        }
        while (i < e && src[i] !== SPACE && src[i] !== CR) i++;
        f[2 * k + 1] = i;
      }
      while (i < e && src[i] === SPACE) i++;
      let end = e;
      while (end > i && (src[end - 1] === SPACE || src[end - 1] === CR)) end--;
      let slash = i;
      while (slash < end && src[slash] !== SLASH) slash++;
      let lc = f[7] - 1;
      while (lc > f[6] && src[lc] !== COLON) lc--;
      let rc = f[9] - 1;
      while (rc > f[8] && src[rc] !== COLON) rc--;
      if (rows) ascii(',\n');
      // "tcp6" is protocol "tcp" with IP version 6.
      const v6 = src[f[1] - 1] === 0x36;
      out[o++] = 0x5b;
      str(f[0], v6 ? f[1] - 1 : f[1]);
      ascii(v6 ? ',6,' : ',4,');
      str(f[6], lc);
      out[o++] = 0x2c;
      num(lc + 1, f[7]);
      out[o++] = 0x2c;
      str(f[8], rc);
      out[o++] = 0x2c;
      num(rc + 1, f[9]);
      out[o++] = 0x2c;
      for (let twice = 0; twice < 2; twice++) {
        if (f[11] > f[10]) str(f[10], f[11]);
        else ascii('null');
        out[o++] = 0x2c;
      }
      if (slash < end) {
        num(i, slash);
        out[o++] = 0x2c;
        str(slash + 1, end);
      } else ascii('null,null');
      ascii(`,${line},`);
      str(f[0], f[1]);
      out[o++] = 0x2c;
      num(f[2], f[3]);
      out[o++] = 0x2c;
      num(f[4], f[5]);
      out[o++] = 0x5d;
      rows++;
    }
    pos = e + 1;
  }
  ascii('\n]\n');
  return { out: out.subarray(0, o), rows };
}

function main(): void {
  const [capture, outFile] = process.argv.slice(2);
  if (!capture || !outFile) {
    process.stderr.write('usage: analyze-floor CAPTURE OUTFILE\n');
    process.exitCode = 2;
    return;
  }
  const { out, rows } = floorRows(readFileSync(capture));
  const sha256 = createHash('sha256').update(out).digest('hex');
  const fd = openSync(outFile, 'w');
  try {
    writeSync(fd, out);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  process.stdout.write(`${JSON.stringify({ rows, sha256 })}\n`);
}

main();
