// The kit's copies of executables as its manifest records them (bin.PID.* lines, see sh-binaries.ts),
// each checked against its exe-PID.bin file before anything is imported: a missing or changed copy is
// an error naming the file, exactly as for the step outputs.
import { createHash } from 'node:crypto';
import { EvidenceError } from '../../evidence/folder.js';
import { BINARY_NAME } from './sh-binaries.js';

export interface KitBinary {
  pid: number;
  /** The exe link as the reader printed it (host text). */
  exe: string | null;
  /** sh-select.ts codes, plus ww (world-writable folder, checked on the host). */
  codes: string[];
  /** Size by ls before the read. */
  size: number | null;
  skipped: string | null;
  shared: number | null;
  /** cat's exit code on the host. */
  exit: number | null;
  file: string | null;
  bytes: number | null;
  sha256: string | null;
  /** PowerShell kit: hash of the file at the process's Path before Copy-Item (no reader hash there). */
  srcSha256: string | null;
  /** Every line the kit writes for it is there (an interrupted run can leave a partial record). */
  complete: boolean;
}

const FIELD = /^bin\.(\d{1,10})\.(exe|reasons|size|skipped|shared|exit|file|bytes|sha256|srcsha256)$/;
const CODES = new Set(['all', 'memfd', 'deleted', 'temp', 'hidden', 'ww', 'name', 'oddname']);

export function checkKitBinaries(values: Map<string, string>, files: Map<string, Buffer>, hashTool: string, where: (file: string) => string): KitBinary[] {
  const byPid = new Map<number, Map<string, string>>();
  for (const [key, value] of values) {
    if (!key.startsWith('bin.')) continue;
    const m = FIELD.exec(key);
    if (!m) throw new EvidenceError(`${where('manifest.txt')}: ${key}: not a line the kit writes for a copy`, undefined, 1);
    const pid = Number(m[1]);
    if (!byPid.has(pid)) byPid.set(pid, new Map());
    byPid.get(pid)!.set(m[2], value);
  }
  const out: KitBinary[] = [];
  for (const [pid, f] of [...byPid].sort((a, b) => a[0] - b[0])) {
    const num = (k: string): number | null => {
      const t = f.get(k);
      if (t === undefined || t === '') return null;
      if (!/^\d{1,15}$/.test(t)) throw new EvidenceError(`${where('manifest.txt')}: bin.${pid}.${k}: not a number`, undefined, 1);
      return Number(t);
    };
    const codes = (f.get('reasons') ?? '').split(',').filter(Boolean);
    const bad = codes.find((c) => !CODES.has(c));
    if (bad) throw new EvidenceError(`${where('manifest.txt')}: bin.${pid}.reasons: ${JSON.stringify(bad)} is not a reason code of the kit`, undefined, 1);
    const file = f.get('file') ?? null;
    if (file !== null && (file !== `exe-${pid}.bin` || !BINARY_NAME.test(file))) throw new EvidenceError(`${where('manifest.txt')}: bin.${pid}.file names ${JSON.stringify(file.slice(0, 80))}, not exe-${pid}.bin`, undefined, 1);
    const sha = f.get('sha256') || null;
    if (sha !== null && !/^[0-9a-f]{64}$/.test(sha)) throw new EvidenceError(`${where('manifest.txt')}: bin.${pid}.sha256: not a SHA-256`, undefined, 1);
    const b: KitBinary = {
      pid,
      exe: f.get('exe') || null,
      codes,
      size: num('size'),
      skipped: f.get('skipped') ?? null,
      shared: num('shared'),
      exit: num('exit'),
      file,
      bytes: num('bytes'),
      sha256: sha,
      srcSha256: /^[0-9a-f]{64}$/.test(f.get('srcsha256') ?? '') ? f.get('srcsha256')! : null,
      complete: false,
    };
    b.complete = f.has('exe') && codes.length > 0 && (b.skipped !== null || b.shared !== null || (file !== null && b.exit !== null && b.bytes !== null && (sha !== null || hashTool === 'none')));
    if (b.complete && file !== null) {
      const bytes = files.get(file);
      const hint = 'import from an untouched copy of the results';
      if (!bytes) throw new EvidenceError(`${where(file)}: copy of the executable of PID ${pid} recorded in manifest.txt (${b.bytes} bytes) but missing from the results`, hint, 3);
      if (bytes.length !== b.bytes) throw new EvidenceError(`${where(file)}: ${bytes.length} bytes, the kit recorded ${b.bytes} on the host: the copy changed after the kit ran`, hint, 3);
      const got = createHash('sha256').update(bytes).digest('hex');
      if (sha !== null && got !== sha) throw new EvidenceError(`${where(file)}: SHA-256 ${got} differs from the one the kit recorded on the host (${sha}): the copy changed after the kit ran`, hint, 3);
    }
    out.push(b);
  }
  for (const b of out) {
    if (b.complete && b.shared !== null && !out.some((o) => o.pid === b.shared && o.file)) throw new EvidenceError(`${where('manifest.txt')}: bin.${b.pid}.shared names PID ${b.shared}, which has no copy`, undefined, 1);
  }
  return out;
}
