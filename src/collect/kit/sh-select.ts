// The field kit's choice of which executables to copy (issue 18, --preserve-binaries auto|all), as an
// awk program over the sh reader's output. It is preservationReasons() (binaries-policy.ts) run on
// the host, with every list generated here from the analyzer's own data (core and known-good names,
// confusables, look-alike folds, temporary and hidden folders), never copied by hand.
//
// One limit, by design: names are scored exactly when they are printable ASCII. A name with any other
// byte (Unicode look-alikes, invisible characters) would need NFKC and the full confusables table on
// the host; the kit copies such an executable instead ("oddname") and the lab's scoring decides the
// reason at import. The kit may copy more than `collect` would, never less.
//
// Output, one line per process that has reasons or needs the world-writable check (done in sh):
//   PID CODES WW DIR EXE SHA
// CODES: comma list of all|memfd|deleted|temp|hidden|name|oddname, or "-"; WW 1 when the folder is to
// be checked; DIR the folder as \0ooo octal escapes for printf %b; EXE the exe link percent-encoded as
// the reader printed it; SHA the reader's hash or "-".
import { CONFUSABLE_GROUPS } from '../../analyze/confusables-table.js';
import { ASCII_FOLD, CORE_NAMES, KNOWN_GOOD, LINUX_CASED, skeleton } from '../../analyze/masquerade.js';
import { NIX_HIDDEN_OK, NIX_TEMP } from '../../analyze/rules/susp-path.js';

/** An awk string literal. */
const str = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** A JS regex source as an awk dynamic regex (awk needs no escaped slashes; /i patterns match lower case). */
const re = (r: RegExp): string => {
  if (r.flags.includes('i') && r.source !== r.source.toLowerCase()) throw new Error(`${r.source}: /i pattern with upper case`);
  return str(r.source.replace(/\\\//g, '/'));
};

function dataLines(): string[] {
  const out: string[] = [];
  // Confusables whose source character is printable ASCII (the only ones a plain name can hold).
  for (const [prototype, chars] of CONFUSABLE_GROUPS) for (const c of chars) if (/^[\x20-\x7e]$/.test(c)) out.push(`conf[${str(c)}] = ${str(prototype)}`);
  out.push(`nfold = ${ASCII_FOLD.length}`);
  ASCII_FOLD.forEach(([r, to], i) => out.push(`foldre[${i + 1}] = ${re(r)}; foldto[${i + 1}] = ${str(to)}`));
  const linux = [...new Set([...CORE_NAMES.linux, ...KNOWN_GOOD.linux])];
  for (const n of linux) out.push(`lname[${str(n)}] = ${str(LINUX_CASED.get(n) ?? n)}`);
  for (const n of new Set([...CORE_NAMES.windows, ...KNOWN_GOOD.windows])) out.push(`wname[${str(n)}] = 1`);
  for (const n of CORE_NAMES.linux) out.push(`lcore[${str(n)}] = 1`);
  let i = 0;
  for (const [fam, names] of [['l', CORE_NAMES.linux], ['w', CORE_NAMES.windows]] as const) {
    for (const core of names) out.push(`i = ${++i}; cfam[i] = "${fam}"; clen[i] = ${core.length}; cskel[i] = ${str(skeleton(core))}`);
  }
  out.push(`ncore = ${i}`, `tempre = ${re(NIX_TEMP)}`, `hiddenokre = ${re(NIX_HIDDEN_OK)}`);
  return out;
}

const PROGRAM = (data: string[]): string => String.raw`BEGIN {
  for (i = 1; i < 256; i++) { c = sprintf("%c", i); ord[c] = i; hx[sprintf("%02x", i)] = c }
  ${data.join('\n  ')}
}
function dec(s,   out, i, c) {
  out = ""
  for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); if (c == "%") { out = out hx[substr(s, i + 1, 2)]; i += 2 } else out = out c }
  return out
}
function oct(s,   out, i) { out = ""; for (i = 1; i <= length(s); i++) out = out sprintf("\\0%03o", ord[substr(s, i, 1)]); return out }
function fold(s,   out, i, c) { out = ""; for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); out = out ((c in conf) ? conf[c] : c) }; return out }
function skel(s,   i) { s = tolower(fold(tolower(fold(s)))); for (i = 1; i <= nfold; i++) gsub(foldre[i], foldto[i], s); return s }
function stem(raw,   s, i) {
  s = tolower(raw); sub(/^ +/, "", s); sub(/ +$/, "", s)
  for (i = 0; i < 3; i++) { sub(/[. ]+$/, "", s); sub(/\.(exe|com|scr|pif|bat|cmd)$/, "", s) }
  sub(/ +$/, "", s)
  return s
}
function genuine(raw, win,   key, n) {
  key = tolower(raw)
  if ((key in lname) && lname[key] == raw) return 1
  if (length(raw) >= 12) for (n in lname) if (length(lname[n]) > length(raw) && index(lname[n], raw) == 1) return 1
  if (!win) return 0
  sub(/\.exe$/, "", key)
  if (key in wname) return 1
  if (length(key) >= 12) for (n in wname) if (length(n) > length(key) && index(n, key) == 1) return 1
  return 0
}
function osa(a, b, lim,   la, lb, i, j, cost, v) {
  la = length(a); lb = length(b)
  if (la - lb > lim || lb - la > lim) return lim + 1
  split("", D)
  for (i = 0; i <= la; i++) D[i, 0] = i
  for (j = 0; j <= lb; j++) D[0, j] = j
  for (i = 1; i <= la; i++) for (j = 1; j <= lb; j++) {
    cost = (substr(a, i, 1) == substr(b, j, 1)) ? 0 : 1
    v = D[i - 1, j] + 1
    if (D[i, j - 1] + 1 < v) v = D[i, j - 1] + 1
    if (D[i - 1, j - 1] + cost < v) v = D[i - 1, j - 1] + cost
    if (i > 1 && j > 1 && substr(a, i, 1) == substr(b, j - 1, 1) && substr(a, i - 1, 1) == substr(b, j, 1) && D[i - 2, j - 2] + 1 < v) v = D[i - 2, j - 2] + 1
    D[i, j] = v
  }
  return D[la, lb]
}
function onesub(a, b,   i, d) {
  if (length(a) != length(b)) return 0
  d = 0
  for (i = 1; i <= length(a); i++) if (substr(a, i, 1) != substr(b, i, 1)) d++
  return d == 1
}
function masq(raw,   win, st, sk, num, k, i, lim) {
  win = (tolower(raw) ~ /\.(exe|com|scr)[. ]*$/)
  if (genuine(raw, win)) return 0
  st = stem(raw)
  if (st == "") return 0
  sk = skel(st)
  num = ""
  if (match(st, /[0-9]+$/)) { k = RLENGTH; if (k > 3) k = 3; num = substr(st, 1, length(st) - k) }
  if (num != "") num = skel(num)
  for (i = 1; i <= ncore; i++) {
    if (cfam[i] == "w" && !win) continue
    if (sk == cskel[i]) return 1
    if (clen[i] >= 5 && num != "" && num == cskel[i]) return 1
    lim = clen[i] >= 9 ? 2 : 1
    if (osa(sk, cskel[i], lim) > lim) continue
    if (clen[i] <= 5 && onesub(sk, cskel[i])) continue
    return 1
  }
  return 0
}
function cand(raw,   s, i, p) {
  s = raw; sub(/^ +/, "", s); sub(/ +$/, "", s)
  if (substr(s, 1, 1) == "/" || index(s, "\\") > 0) {
    p = 0
    for (i = 1; i <= length(s); i++) if (substr(s, i, 1) == "/" || substr(s, i, 1) == "\\") p = i
    s = substr(s, p + 1)
  }
  if (match(s, /^[^ :]+:/) && (RLENGTH == length(s) || substr(s, RLENGTH + 1, 1) == " ")) s = substr(s, 1, RLENGTH - 1)
  return s
}
# busybox awk's regexes stop at a newline: a path is split and tested byte by byte, on a copy whose
# control bytes are '?' (no regex used here treats either specially).
function lastslash(s,   i, p) { p = 0; for (i = 1; i <= length(s); i++) if (substr(s, i, 1) == "/") p = i; return p }
function odd(s,   i, o) { for (i = 1; i <= length(s); i++) { o = ord[substr(s, i, 1)]; if (o < 32 || o > 126) return 1 }; return 0 }
function tame(s,   i, c, o, out) { out = ""; for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); o = ord[c]; out = out ((o < 32 || o == 127) ? "?" : c) }; return out }
function add(c) { codes = (codes == "") ? c : codes "," c }
$1 == "proc" {
  pid = ""; exe = ""; hasexe = 0; comm = ""; cmd = ""; sha = "-"
  for (i = 2; i <= NF; i++) {
    e = index($i, "="); k = substr($i, 1, e - 1); v = substr($i, e + 1)
    if (k == "pid") pid = v
    else if (k == "exe") { exe = v; hasexe = 1 }
    else if (k == "comm") comm = dec(v)
    else if (k == "cmdline") { e = index(v, "%00"); cmd = dec(e ? substr(v, 1, e - 1) : v) }
    else if (k == "sha256") sha = v
  }
  if (pid !~ /^[0-9]+$/ || !hasexe) next
  codes = ""
  if (policy == "all") add("all")
  path = exe
  deleted = 0
  if (length(path) >= 12 && substr(path, length(path) - 11) == "%20(deleted)") { path = substr(path, 1, length(path) - 12); deleted = 1 }
  dpath = dec(path)
  spath = tame(dpath)
  memfd = (substr(dpath, 1, 7) == "/memfd:")
  if (memfd) add("memfd"); else if (deleted) add("deleted")
  ww = 0
  if (substr(dpath, 1, 1) == "/" && !memfd) {
    if (tolower(spath) ~ tempre) add("temp")
    else if (spath ~ /\/\.[^\/]+/ && tolower(spath) !~ hiddenokre) add("hidden")
    else ww = 1
  }
  cut = lastslash(dpath)
  base = substr(dpath, cut + 1)
  named = 0; strange = 0
  for (j = 1; j <= 3 && !named; j++) {
    raw = (j == 1) ? comm : (j == 2) ? cmd : base
    if (raw == "") continue
    if (odd(raw)) { strange = 1; continue }
    if (masq(cand(raw))) named = 1
  }
  if (!named && (comm in lcore) && index(base, comm) != 1) named = 1
  if (named) add("name"); else if (strange) add("oddname")
  if (codes == "" && !ww) next
  dir = (cut > 1) ? substr(dpath, 1, cut - 1) : "/"
  print pid, (codes == "" ? "-" : codes), ww, (ww ? oct(dir) : "-"), exe, sha
}`;

/** The selection program, for `awk -v policy=auto|all`. */
export function selectAwk(): string {
  return PROGRAM(dataLines());
}
