import { rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Acquisition, ImportRecord } from '../model.js';
import { appendCustody } from '../evidence/custody.js';
import { createEvidenceFolder, EvidenceError, newAcquisition, readAcquisition, safeName, writeAcquisition } from '../evidence/folder.js';
import { withEvidenceFolder } from '../evidence/session.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { clockInfo } from './host.js';
import { copySource, ImportFailure, refuseNonRegular } from './import-source.js';
import { checkSourceHashes } from './import-provenance.js';

export interface ImportOptions {
  out: string;
  caseId: string;
  examiner: string;
  organisation?: string | null;
  role?: string | null;
  /** The examiner's statement of what produced the files. */
  command?: string | null;
  os?: string | null;
  /** Host the files were captured on, as stated by the examiner. */
  host?: string | null;
  /** Add to an existing evidence folder made by an earlier import. */
  into?: string | null;
  /** When and by whom the files were captured, as stated (UTC ISO-8601; see import-provenance.ts). */
  capturedAt?: string | null;
  capturedBy?: string | null;
  /** SHA-256 taken at the scene, one per file (null where none was stated); checked before copying. */
  sourceHashes?: (string | null)[];
}

export interface ImportResult {
  dir: string;
  evidenceId: string;
  imports: ImportRecord[];
}

/** Copy files captured elsewhere verbatim into raw/, hashed and logged; sources are only read. */
export async function importFiles(files: string[], options: ImportOptions): Promise<ImportResult> {
  if (files.length === 0) throw new EvidenceError('no file to import', 'netcustody import FILE... --command "netstat -anob" --os windows', 2);
  for (const f of files) refuseNonRegular(f);
  const stated = options.sourceHashes ?? files.map(() => null);
  // Before any folder or copy exists: a file that is not the one hashed at the scene leaves no trace in raw/.
  await checkSourceHashes(files, stated);
  if (options.into) {
    return withEvidenceFolder(options.into, 'import into', { actor: options.examiner }, (folder) => importInto(files, stated, openExisting(folder), options));
  }
  return importInto(files, stated, createNew(options), options);
}

async function importInto(files: string[], stated: (string | null)[], target: { dir: string; acquisition: Acquisition }, options: ImportOptions): Promise<ImportResult> {
  const { dir, acquisition } = target;
  const actor = options.examiner;
  let order = acquisition.commands.length + acquisition.imports.length;
  const records: ImportRecord[] = [];
  for (const [i, file] of files.entries()) {
    const record = await importOrLog(dir, resolve(file), ++order, options, stated[i] ?? null);
    acquisition.imports.push(record);
    records.push(record);
    appendCustody(dir, {
      actor,
      action: 'artifact imported',
      object: record.artifact.path,
      sha256: record.artifact.sha256,
      time: record.intakeTime,
      details: {
        originalPath: record.originalPath,
        originalSize: record.originalSize,
        originalMtime: record.originalMtime,
        statedCommand: record.statedCommand,
        statedOs: record.statedOs,
        statedHost: record.statedHost ?? null,
        statedCapturedAt: record.statedCapturedAt ?? null,
        statedCapturedBy: record.statedCapturedBy ?? null,
        statedSourceSha256: record.statedSourceSha256 ?? null,
        sourceHashMatches: record.statedSourceSha256 ? true : null,
      },
    });
    writeAcquisition(dir, acquisition);
  }
  return { dir, evidenceId: acquisition.evidenceId, imports: records };
}

function createNew(options: ImportOptions): { dir: string; acquisition: Acquisition } {
  const host = options.host ?? 'imported';
  const { dir, evidenceId } = createEvidenceFolder(options.out, options.caseId, host, new Date());
  const acquisition: Acquisition = {
    ...newAcquisition({ caseId: options.caseId, evidenceId, examiner: options.examiner, organisation: options.organisation ?? null, mode: 'import', profile: 'import', clock: clockInfo() }),
    examinerRole: options.role ?? null,
    statedHost: options.host ?? null,
    statedOs: options.os ?? null,
    warnings: ['artifacts were captured elsewhere and imported: capture time, privileges and completeness are as stated by the examiner, not observed by this tool'],
    status: 'complete',
  };
  appendCustody(dir, {
    actor: options.examiner,
    action: 'case opened',
    object: evidenceId,
    details: { caseId: options.caseId, mode: 'import', examiner: options.examiner, organisation: options.organisation ?? null, role: options.role ?? null, statedHost: options.host ?? null, tool: `${TOOL_NAME} ${TOOL_VERSION}` },
  });
  writeAcquisition(dir, acquisition);
  return { dir, acquisition };
}

function openExisting(dir: string): { dir: string; acquisition: Acquisition } {
  const acquisition = readAcquisition(dir);
  if (acquisition.mode !== 'import') throw new EvidenceError(`${dir}: only folders made by import can take more imported files`, undefined, 2);
  return { dir, acquisition };
}

/** An import that failed after it started: the partial copy is removed and the attempt logged. */
async function importOrLog(dir: string, path: string, order: number, options: ImportOptions, statedSha256: string | null): Promise<ImportRecord> {
  try {
    return await importOne(dir, path, order, options, statedSha256);
  } catch (err) {
    if (!(err instanceof ImportFailure)) throw err;
    rmSync(join(dir, err.copy), { force: true });
    appendCustody(dir, {
      actor: options.examiner,
      action: 'import failed',
      object: path,
      details: { reason: err.message, bytesCopied: err.bytesCopied, copyRemoved: err.copy },
    });
    throw new EvidenceError(`${path}: ${err.message}; the partial copy ${err.copy} was removed and the failed attempt logged in custody`, 'import the file again once it no longer changes (or copy it first)');
  }
}

async function importOne(dir: string, path: string, order: number, options: ImportOptions, statedSha256: string | null): Promise<ImportRecord> {
  const intakeTime = new Date().toISOString();
  const rel = `raw/${String(order).padStart(2, '0')}-import-${safeName(basename(path), 'file')}`;
  const { artifact, size, mtime } = await copySource(dir, path, rel);
  if (statedSha256 && artifact.sha256 !== statedSha256) {
    // It matched the scene hash a moment ago and not now: the source changed, the copy is not that file.
    throw new ImportFailure(`changed while it was being imported: the copy (${artifact.sha256}) no longer matches the hash taken at the scene (${statedSha256})`, rel, artifact.bytes);
  }
  return {
    id: `import-${order}`,
    order,
    originalPath: path,
    originalSize: size,
    originalMtime: mtime.toISOString(),
    statedCommand: options.command ?? null,
    statedOs: options.os ?? null,
    statedHost: options.host ?? null,
    statedCapturedAt: options.capturedAt ?? null,
    statedCapturedBy: options.capturedBy ?? null,
    statedSourceSha256: statedSha256,
    intakeTime,
    artifact,
  };
}
