import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import sha256File from 'sha256-file';
import type { Acquisition, ImportRecord } from '../model.js';
import { appendCustody } from '../evidence/custody.js';
import { createEvidenceFolder, EvidenceError, newAcquisition, readAcquisition, safeName, writeAcquisition } from '../evidence/folder.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { clockInfo } from './host.js';
import { openArtifact } from './sink.js';

export interface ImportOptions {
  out: string;
  caseId: string;
  examiner: string;
  organisation?: string | null;
  /** The examiner's statement of what produced the files. */
  command?: string | null;
  os?: string | null;
  /** Host the files were captured on, as stated by the examiner. */
  host?: string | null;
  /** Add to an existing evidence folder made by an earlier import. */
  into?: string | null;
}

export interface ImportResult {
  dir: string;
  evidenceId: string;
  imports: ImportRecord[];
}

/** Copy files captured elsewhere verbatim into raw/, hashed and logged; sources are only read. */
export async function importFiles(files: string[], options: ImportOptions): Promise<ImportResult> {
  if (files.length === 0) throw new EvidenceError('no file to import', 'netcustody import FILE... --command "netstat -anob" --os windows', 2);
  for (const f of files) {
    if (!existsSync(f)) throw new EvidenceError(`${f}: no such file`, undefined, 1);
  }
  const { dir, acquisition } = options.into ? openExisting(options.into) : createNew(options);
  const actor = options.examiner;
  let order = acquisition.commands.length + acquisition.imports.length;
  const records: ImportRecord[] = [];
  for (const file of files) {
    const record = await importOne(dir, resolve(file), ++order, options);
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
    statedHost: options.host ?? null,
    statedOs: options.os ?? null,
    warnings: ['artifacts were captured elsewhere and imported: capture time, privileges and completeness are as stated by the examiner, not observed by this tool'],
    status: 'complete',
  };
  appendCustody(dir, {
    actor: options.examiner,
    action: 'case opened',
    object: evidenceId,
    details: { caseId: options.caseId, mode: 'import', statedHost: options.host ?? null, tool: `${TOOL_NAME} ${TOOL_VERSION}` },
  });
  writeAcquisition(dir, acquisition);
  return { dir, acquisition };
}

function openExisting(dir: string): { dir: string; acquisition: Acquisition } {
  const acquisition = readAcquisition(dir);
  if (acquisition.mode !== 'import') throw new EvidenceError(`${dir}: only folders made by import can take more imported files`, undefined, 2);
  return { dir, acquisition };
}

async function importOne(dir: string, path: string, order: number, options: ImportOptions): Promise<ImportRecord> {
  const intakeTime = new Date().toISOString();
  const rel = `raw/${String(order).padStart(2, '0')}-import-${safeName(basename(path), 'file')}`;
  const fd = openSync(path, 'r'); // read-only: the source is never modified
  let artifact;
  let stat;
  try {
    stat = fstatSync(fd);
    if (!stat.isFile()) throw new EvidenceError(`${path}: not a regular file`);
    const sink = openArtifact(dir, rel);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      sink.write(buf.subarray(0, n));
    }
    artifact = sink.close();
  } finally {
    closeSync(fd);
  }
  // Independent second read of the source: the copy must equal what is on the examiner's media.
  const sourceHash = await new Promise<string>((res, rej) => sha256File(path, (err, sum) => (err ? rej(err) : res(sum as string))));
  if (sourceHash !== artifact.sha256) {
    throw new EvidenceError(`${path}: changed while it was being imported (hash ${sourceHash} ≠ copy ${artifact.sha256}); the copy is kept as ${rel}`);
  }
  return {
    id: `import-${order}`,
    order,
    originalPath: path,
    originalSize: stat.size,
    originalMtime: stat.mtime.toISOString(),
    statedCommand: options.command ?? null,
    statedOs: options.os ?? null,
    intakeTime,
    artifact,
  };
}
