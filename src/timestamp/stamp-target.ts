// `netcustody timestamp ZIP|DIR`: an RFC 3161 token over SHA256SUMS for evidence sealed earlier (an
// examiner who collected offline time-stamps back at the lab). Nothing sealed is changed: the token
// is a seal file, outside SHA256SUMS, and covers it.
//  - DIR (or a ZIP whose evidence folder sits beside it with the same SHA256SUMS): manifest.tsr is
//    written into the folder, the custody log records when and from which TSA, and a new zip is
//    bundled from the unchanged seal (the earlier zip stays as it is).
//  - A ZIP alone: a new zip beside it with the same members, byte for byte, plus manifest.tsr. Its
//    custody log is sealed inside it and cannot grow: the token itself (TSA, time, what it covers)
//    and the new zip's .sha256 are the record; the terminal and --json say so.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createBundle } from '../bundle/create.js';
import { extractBundle } from '../bundle/extract.js';
import { SEAL_FILES, compareNames, listFolder } from '../bundle/members.js';
import { freeBundlePath } from '../bundle/naming.js';
import { verifyEvidence } from '../bundle/verify.js';
import { writeDeterministicZip, type ZipMember } from '../bundle/zip-write.js';
import { EvidenceError, PATHS } from '../evidence/folder.js';
import { writeNewFileSync } from '../evidence/files.js';
import type { Acquisition } from '../model.js';
import { requestTimestamp, type TsaSettings } from './client.js';
import { recordOf, type TimestampRecord } from './seal-token.js';

export interface TimestampTargetResult {
  /** The zip that now carries manifest.tsr. */
  zipPath: string;
  sha256: string;
  /** The evidence folder whose custody log records the timestamp, or null for a lone zip. */
  evidenceDir: string | null;
  status: 'added' | 'kept';
  record: TimestampRecord;
  note: string | null;
}

export async function timestampTarget(target: string, tsa: TsaSettings, actor: string): Promise<TimestampTargetResult> {
  const path = resolve(target);
  if (!existsSync(path)) throw new EvidenceError(`${target}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    if (isCaseFolder(path)) throw new EvidenceError(`${target}: a case folder: time-stamp its case bundle (the .zip beside it) instead`, `netcustody timestamp ${join(dirname(path), `${basename(path)}.zip`)} --tsa URL`, 2);
    return stampFolder(path, tsa, actor);
  }
  const extracted = await extractBundle(path);
  try {
    const sums = readFileSync(join(extracted.dir, PATHS.sums));
    // A case bundle is stamped as a zip alone: its case folder is sealed by the case command, not by bundle.
    const folder = isCaseFolder(extracted.dir) ? null : folderBeside(path, extracted.dir, sums);
    if (folder) return stampFolder(folder, tsa, actor);
    return await stampLoneZip(path, extracted.dir, sums, tsa);
  } finally {
    extracted.cleanup();
  }
}

async function stampFolder(dir: string, tsa: TsaSettings, actor: string): Promise<TimestampTargetResult> {
  const r = await createBundle(dir, { tsa, keepSealOnly: true, actor });
  if (!r.timestamp.record || (r.timestamp.status !== 'added' && r.timestamp.status !== 'kept')) throw new EvidenceError(`no timestamp: ${r.timestamp.reason ?? 'no TSA answered'}`);
  return { zipPath: r.zipPath, sha256: r.sha256, evidenceDir: dir, status: r.timestamp.status, record: r.timestamp.record, note: null };
}

/** A case folder or unpacked case bundle (case.json, no acquisition.json of its own). */
function isCaseFolder(dir: string): boolean {
  return existsSync(join(dir, 'case.json')) && !existsSync(join(dir, PATHS.acquisition));
}

/** `<zip name>-2.zip` (or -3 …) beside the zip: a name for the time-stamped copy of a case bundle. */
function freeNameBeside(zipPath: string): string {
  const base = basename(zipPath).replace(/\.zip$/i, '').replace(/-\d+$/, '');
  for (let n = 2; n < 1000; n++) {
    const candidate = join(dirname(zipPath), `${base}-${n}.zip`);
    if (!existsSync(candidate)) return candidate;
  }
  throw new EvidenceError(`${zipPath}: no free name for the time-stamped zip beside it`);
}

/** The zip's evidence folder, when it sits beside the zip and still has the seal the zip carries. */
function folderBeside(zipPath: string, extracted: string, sums: Buffer): string | null {
  try {
    const id = (JSON.parse(readFileSync(join(extracted, PATHS.manifest), 'utf8')) as { case?: { evidenceId?: unknown } }).case?.evidenceId;
    if (typeof id !== 'string' || !/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith('.')) return null;
    const dir = join(dirname(zipPath), id);
    return existsSync(join(dir, PATHS.sums)) && readFileSync(join(dir, PATHS.sums)).equals(sums) ? dir : null;
  } catch {
    return null;
  }
}

async function stampLoneZip(zipPath: string, dir: string, sums: Buffer, tsa: TsaSettings): Promise<TimestampTargetResult> {
  // Only a bundle that verifies is time-stamped: a token must not lend its time to altered evidence.
  const verdict = await verifyEvidence(zipPath, { anchors: tsa.anchors });
  const failed = verdict.checks.filter((c) => !c.ok && c.id !== 'timestamps' && c.id !== 'signer');
  if (failed.length > 0) throw new EvidenceError(`${zipPath}: does not verify (${failed.map((c) => c.id).join(', ')}); refusing to time-stamp it`, `run \`netcustody verify ${zipPath}\` for details`, 3);
  const outcome = await requestTimestamp(sums, tsa);
  if (!outcome.ok) throw new EvidenceError(`no timestamp: ${outcome.reason}`, 'the bundle is unchanged; try again or another TSA (--tsa, repeatable)');
  const manifest = JSON.parse(readFileSync(join(dir, PATHS.manifest), 'utf8')) as { zip?: { timestamp?: string } };
  const fixedTime = new Date(manifest.zip?.timestamp ?? '');
  if (Number.isNaN(fixedTime.getTime())) throw new EvidenceError(`${zipPath}: manifest.json has no zip timestamp`);
  const acquisition = existsSync(join(dir, PATHS.acquisition)) ? (JSON.parse(readFileSync(join(dir, PATHS.acquisition), 'utf8')) as Acquisition) : null;
  const members: ZipMember[] = listFolder(dir).files.filter((f) => f !== PATHS.manifestTsr).map((name) => ({ name, source: { path: join(dir, name) } }));
  members.push({ name: PATHS.manifestTsr, source: { bytes: outcome.response } });
  members.sort((a, b) => compareNames(a.name, b.name));
  if (!members.every((m) => SEAL_FILES.includes(m.name) || sums.includes(`  ${m.name}\n`))) throw new EvidenceError(`${zipPath}: holds members SHA256SUMS does not list`);
  const out = acquisition ? freeBundlePath(dirname(zipPath), acquisition, fixedTime) : freeNameBeside(zipPath);
  const zip = await writeDeterministicZip(out, members, fixedTime);
  writeNewFileSync(`${out}.sha256`, `${zip.sha256}  ${basename(out)}\n`);
  return {
    zipPath: out,
    sha256: zip.sha256,
    evidenceDir: null,
    status: 'added',
    record: recordOf(outcome.check, outcome.response, outcome.url),
    note: `no evidence folder with this seal beside ${basename(zipPath)}: the custody log sealed in the zip cannot record the timestamp; the token (TSA, time, SHA256SUMS it covers) and ${basename(out)}.sha256 are the record`,
  };
}
