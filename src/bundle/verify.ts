// `netcustody verify ZIP|DIR`: the five checks on an evidence folder, or on a zip first vetted and
// extracted into a private temporary folder (removed afterwards).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EvidenceError } from '../evidence/folder.js';
import { checkManifestSignature } from './check-manifest.js';
import { checkMembers } from './check-members.js';
import { checkPdfSignature } from './check-pdf.js';
import { checkArtifactHashes, checkCustodyChain, checkReport } from './check-records.js';
import { extractToTemp } from './extract.js';
import { CHECK_NAMES, type CheckId, type VerifyCheck, type VerifyOptions, type VerifyReport } from './types.js';
import { check, viewOfFolder, type EvidenceView } from './view.js';
import { DEFAULT_ZIP_LIMITS } from './zip-read.js';

const FOLDER_CHECKS: CheckId[] = ['members', 'manifest-signature', 'pdf-signature', 'custody-chain', 'artifact-hashes', 'report-pair'];

export async function verifyEvidence(target: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const path = resolve(target);
  if (!existsSync(path)) throw new EvidenceError(`${target}: no such file or folder`);
  if (statSync(path).isDirectory()) return report(path, 'folder', await runChecks(viewOfFolder(path, 'folder'), options));

  const extracted = await extractToTemp(path, { ...DEFAULT_ZIP_LIMITS, ...options.limits });
  try {
    const { read } = extracted;
    const structure = check('zip-structure', read.failures, `${read.entries} entries, ${read.zipBytes} bytes, ${read.totalUncompressed} bytes uncompressed`);
    if (!structure.ok) {
      // Nothing is trusted from a zip that fails the structure check: the other checks do not run.
      const skipped = FOLDER_CHECKS.map((id): VerifyCheck => ({ id, name: CHECK_NAMES[id], ok: false, detail: 'not checked: the zip was rejected', failures: [] }));
      return report(path, 'zip', [structure, ...skipped]);
    }
    const hashes = new Map([...read.members].map(([name, m]) => [name, m.sha256]));
    const checks = await runChecks(viewOfFolder(extracted.dir, 'zip', hashes), options);
    return report(path, 'zip', [structure, ...checks]);
  } finally {
    extracted.cleanup();
  }
}

async function runChecks(view: EvidenceView, options: VerifyOptions): Promise<VerifyCheck[]> {
  return [
    await guarded('members', () => checkMembers(view)),
    await guarded('manifest-signature', () => checkManifestSignature(view, options.trustCertPem)),
    await guarded('pdf-signature', () => checkPdfSignature(view, options.trustCertPem)),
    await guarded('custody-chain', () => checkCustodyChain(view)),
    await guarded('artifact-hashes', () => checkArtifactHashes(view)),
    await guarded('report-pair', () => checkReport(view)),
  ];
}

/** Hostile content must fail a check, never abort verification: an exception is a failure. */
async function guarded(id: CheckId, run: () => VerifyCheck | Promise<VerifyCheck>): Promise<VerifyCheck> {
  try {
    return await run();
  } catch (err) {
    return check(id, [{ reason: `cannot check: ${(err as Error).message}` }], 'the check could not complete');
  }
}

function report(target: string, kind: 'zip' | 'folder', checks: VerifyCheck[]): VerifyReport {
  return { ok: checks.every((c) => c.ok), target, kind, checks };
}
