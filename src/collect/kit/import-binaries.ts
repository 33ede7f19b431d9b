// The kit's copies of executables become raw/binaries/ of the evidence folder, recorded as a
// BinariesRecord on the process-facts CommandRecord exactly as a local collect records them, so
// custody, acquisition.json, the report and bundle/verify treat them alike. The reasons are this
// version's own (preservationReasons on the facts the kit's reader printed); the kit's codes are
// compared with them. A copy whose SHA-256 is not the reader's hash of /proc/PID/exe is kept and
// marked incomplete with both hashes.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BinariesRecord, CommandRecord, PreservedBinary, ProcessFacts, SkippedBinary } from '../../model.js';
import { appendCustody } from '../../evidence/custody.js';
import { DIR_MODE } from '../../evidence/files.js';
import { safeText } from '../../analyze/names.js';
import { processFactsShParser } from '../../parse/process-facts-sh.js';
import { BINARIES_DIR, copyName } from '../binaries.js';
import { ALL_REASON, exePath, preservationReasons } from '../binaries-policy.js';
import type { CheckedResults } from './check-results.js';
import type { KitBinary } from './results-binaries.js';

type WriteArtifact = (dir: string, rel: string, bytes: Buffer) => { path: string; bytes: number; sha256: string };

const SKIPPED: Record<string, (b: KitBinary, max: number) => string> = {
  'over-cap': (b, max) => `larger than the size cap (${b.size} bytes > --max-binary-size ${max}): not read`,
  unreadable: () => 'the kit could not read /proc/PID/exe on the host (permission denied, or the process ended)',
  changed: () => 'the process changed before its executable was read (its exe link no longer named the file the facts recorded)',
  'no-space': (b) => `not enough free space on the kit's results medium for a copy (${b.size} bytes needed plus 1 MiB kept for the manifest)`,
};

export interface ImportedBinaries {
  record: BinariesRecord;
  warnings: string[];
}

export function importKitBinaries(dir: string, actor: string, checked: CheckedResults, facts: CommandRecord, files: Map<string, Buffer>, write: WriteArtifact): ImportedBinaries {
  const { preserveBinaries: policy, maxBinaryBytes: maxBytes } = checked.options;
  const record: BinariesRecord = { policy, maxBytes, preserved: [], skipped: [] };
  const warnings: string[] = [];
  const byPid = new Map<number, ProcessFacts>();
  if (facts.kind === 'procfacts' && facts.stdout) {
    const text = readFileSync(join(dir, facts.stdout.path), 'latin1');
    for (const f of processFactsShParser.parse({ text, artifact: facts.stdout.path, encoding: 'utf-8' }).processes) byPid.set(f.pid, f);
  }
  const written = new Map<number, PreservedBinary>();
  const entries = checked.binaries.filter((b) => b.complete);
  // Copies first, so that a shared entry finds the path of the copy it names.
  for (const b of [...entries].sort((x, y) => Number(x.shared !== null) - Number(y.shared !== null))) {
    const f = byPid.get(b.pid);
    const reasons = reasonsOf(b, f, policy);
    const at = `/proc/${b.pid}/exe`;
    if (b.skipped !== null) {
      const s: SkippedBinary = { pid: b.pid, exe: b.exe, reasons, size: b.size, why: (SKIPPED[b.skipped] ?? (() => `skipped by the kit: ${safeText(b.skipped, 60)}`))(b, maxBytes) };
      record.skipped.push(s);
      appendCustody(dir, { actor, action: 'executable not preserved', object: at, details: { pid: s.pid, exe: s.exe, size: s.size, reasons, why: s.why, by: 'field kit on the host' } });
      continue;
    }
    if (b.shared !== null) {
      const other = written.get(b.shared)!;
      const copy: PreservedBinary = { path: other.path, bytes: other.bytes, sha256: other.sha256, pid: b.pid, exe: b.exe, reasons, sharedWith: other.pid };
      const wrong = mismatch(copy.sha256, f, b);
      if (wrong) copy.incomplete = wrong;
      record.preserved.push(copy);
      appendCustody(dir, { actor, action: copy.incomplete ? 'executable copy incomplete' : 'executable preserved', object: copy.path, sha256: copy.sha256, details: { bytes: copy.bytes, pid: b.pid, exe: b.exe, reasons, sameFileAsPid: other.pid, ...(copy.incomplete ? { incomplete: copy.incomplete } : {}), by: 'field kit on the host' } });
      continue;
    }
    const rel = copyName(b.pid, b.exe);
    mkdirSync(join(dir, BINARIES_DIR), { recursive: true, mode: DIR_MODE });
    const file = write(dir, rel, files.get(b.file!)!);
    const copy: PreservedBinary = { path: file.path, bytes: file.bytes, sha256: file.sha256, pid: b.pid, exe: b.exe, reasons };
    const short = b.exit !== 0 ? `cat exited ${b.exit} on the host while copying` : b.size !== null && b.bytes !== b.size ? `the copy holds ${b.bytes} bytes, ls gave ${b.size} before the read` : null;
    const wrong = short ?? mismatch(file.sha256, f, b);
    if (wrong) copy.incomplete = wrong;
    record.preserved.push(copy);
    written.set(b.pid, copy);
    appendCustody(dir, { actor, action: copy.incomplete ? 'executable copy incomplete' : 'executable preserved', object: copy.path, sha256: copy.sha256, details: { bytes: copy.bytes, pid: b.pid, exe: b.exe, reasons, kitFile: b.file, kitSha256: b.sha256, readerSha256: f?.exeSha256 ?? null, ...(copy.incomplete ? { incomplete: copy.incomplete } : {}), by: 'field kit on the host' } });
  }
  record.preserved.sort((a, b) => a.pid - b.pid);
  record.skipped.sort((a, b) => a.pid - b.pid);
  const partial = checked.binaries.filter((b) => !b.complete).map((b) => b.pid);
  if (partial.length) warnings.push(`the kit stopped while copying executables: no complete record for PID ${partial.join(', ')} (not imported)`);
  // The kit decided on the host; this version decides again on the same facts: any difference is shown.
  const kitPids = new Set(checked.binaries.map((b) => b.pid));
  const differ = [...byPid.values()].filter((f) => preservationReasons(f, policy, null).length > 0 && !kitPids.has(f.pid)).map((f) => f.pid);
  if (differ.length && checked.binaries.length > 0) warnings.push(`the kit did not copy the executables of PID ${differ.join(', ')}, which this version's --preserve-binaries ${policy} selects (the kit that ran is another version, or it was interrupted)`);
  if (checked.binaries.length === 0 && policy !== 'none' && differ.length && !checked.manifest.values.has('binaries.done')) warnings.push(`the kit recorded no copies of executables (interrupted before its copy step, or a kit from before copies existed): PID ${differ.join(', ')} would have been copied`);
  return { record, warnings };
}

/** This version's reasons on the reader's facts, with what only the host could tell (world-writable folder). */
function reasonsOf(b: KitBinary, f: ProcessFacts | undefined, policy: BinariesRecord['policy']): string[] {
  const reasons = f ? preservationReasons(f, policy, null) : [];
  if (!f) {
    // PowerShell kit: no reader facts; its own codes say why.
    if (b.codes.includes('all')) reasons.push(ALL_REASON);
    if (b.codes.includes('temp')) reasons.push(`in a folder where installed software does not live (${safeText(b.exe, 120)}), checked by the kit on the host`);
    if (b.codes.includes('name')) reasons.push('named like a core Windows process but runs from outside the Windows folder, checked by the kit on the host');
  }
  const path = exePath(b.exe) ?? '';
  if (b.codes.includes('ww')) reasons.push(`in a world-writable directory (${safeText(dirname(path))}), checked by the kit on the host`);
  if (b.codes.includes('oddname') && !reasons.some((r) => r.startsWith('its name') || r.startsWith('named'))) {
    reasons.push('its name holds characters outside printable ASCII, which the kit does not score on the host: copied for the lab to judge (no imitation of a system process found at import)');
  }
  if (reasons.length === 0) reasons.push(`selected by the kit on the host (${b.codes.join(', ')}); this version finds no reason in the facts`);
  return reasons;
}

function mismatch(copySha: string, f: ProcessFacts | undefined, b: KitBinary): string | null {
  if (!f && b.srcSha256) return b.srcSha256 === copySha ? null : `the copy's SHA-256 ${copySha} differs from the hash the kit took of the file at the process's path (${b.srcSha256}): the file changed between the two reads on the host`;
  if (!f) return 'the kit\'s process facts hold no line for this PID: the copy cannot be compared with a hash of the running image';
  if (f.exeSha256 === null) return `the reader took no hash of /proc/PID/exe (${f.exeHashError ?? 'not hashed'}): the copy (SHA-256 ${copySha}) cannot be compared with the running image`;
  if (f.exeSha256 !== copySha) return `the copy's SHA-256 ${copySha} differs from the hash the reader took of the running image (${f.exeSha256}): the file changed between the two reads on the host`;
  return null;
}
