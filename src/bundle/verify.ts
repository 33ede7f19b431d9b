// `netcustody verify ZIP|DIR`: the six checks on an evidence folder, or on a zip first vetted and
// extracted into a private temporary folder (removed afterwards).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EvidenceError } from '../evidence/folder.js';
import { checkManifestSignature } from './check-manifest.js';
import { checkMembers } from './check-members.js';
import { checkPdfSignature } from './check-pdf.js';
import { checkSigner } from './check-signer.js';
import type { CertSummary } from './cms-verify.js';
import { anchorsFromFile, type TrustAnchor } from '../signing/trust-store.js';
import { checkArtifactHashes, checkCustodyChain, checkReport } from './check-records.js';
import { extractToTemp } from './extract.js';
import { checkHostBundles, isCaseLayout } from './check-hosts.js';
import { CHECK_NAMES, type CheckId, type SignerReport, type VerifyCheck, type VerifyOptions, type VerifyReport } from './types.js';
import { check, viewOfFolder, type EvidenceView } from './view.js';
import { DEFAULT_ZIP_LIMITS } from './zip-read.js';
import type { PdfSignatureCheck } from '../report/pdf-verify.js';
import { checkTimestamps, type TimestampReport } from '../timestamp/verify-tokens.js';

const FOLDER_CHECKS: CheckId[] = ['members', 'manifest-signature', 'pdf-signature', 'signer', 'timestamps', 'custody-chain', 'artifact-hashes', 'report-pair'];

export async function verifyEvidence(target: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const path = resolve(target);
  if (!existsSync(path)) throw new EvidenceError(`${target}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const { checks, signer, timestamps } = await runChecks(viewOfFolder(path, 'folder'), options);
    return report(path, 'folder', checks, signer, timestamps);
  }

  const extracted = await extractToTemp(path, { ...DEFAULT_ZIP_LIMITS, ...options.limits });
  try {
    const { read } = extracted;
    const unlisted = read.unlisted.length > 0 ? `, ${read.unlisted.length} not listed in SHA256SUMS (not extracted)` : '';
    const structure = check('zip-structure', read.failures, `${read.entries} entries, ${read.zipBytes} bytes, ${read.totalUncompressed} bytes extracted as declared${unlisted}`);
    if (!structure.ok) {
      // Nothing is trusted from a zip that fails the structure check: the other checks do not run.
      const skipped = FOLDER_CHECKS.map((id): VerifyCheck => ({ id, name: CHECK_NAMES[id], ok: false, detail: 'not checked: the zip was rejected', failures: [] }));
      return report(path, 'zip', [structure, ...skipped]);
    }
    const hashes = new Map([...read.members].map(([name, m]) => [name, m.sha256]));
    const view = viewOfFolder(extracted.dir, 'zip', hashes);
    // Members SHA256SUMS does not list were never extracted: the members check names them.
    for (const path of read.unlisted) view.problems.push({ path, reason: 'extra member: not listed in SHA256SUMS (not extracted)' });
    const { checks, signer, timestamps } = await runChecks(view, options);
    return report(path, 'zip', [structure, ...checks], signer, timestamps);
  } finally {
    extracted.cleanup();
  }
}

async function runChecks(view: EvidenceView, options: VerifyOptions): Promise<{ checks: VerifyCheck[]; signer: SignerReport | null; timestamps: TimestampReport[] }> {
  const anchors = [...(options.anchors ?? []), ...(options.trustCertPem !== undefined ? trustFileAnchors(options.trustCertPem, options.trustFile) : [])];
  let manifestChain: CertSummary[] | null = null;
  let pdfChain: CertSummary[] | null = null;
  let signer: SignerReport | null = null;
  let pdfCheck: PdfSignatureCheck | null = null;
  let timestamps: TimestampReport[] = [];
  const tsaCa = options.tsaCaPem !== undefined ? trustFileAnchors(options.tsaCaPem, options.tsaCaFile) : [];
  const tsaAnchors = [...anchors, ...tsaCa.map((a) => ({ ...a, source: `--tsa-ca ${options.tsaCaFile ?? ''}`.trim() }))];
  const checks = [
    await guarded('members', () => checkMembers(view)),
    await guarded('manifest-signature', () => {
      const r = checkManifestSignature(view);
      manifestChain = r.cms?.chain ?? null;
      return r.check;
    }),
    await guarded('pdf-signature', () => {
      const r = checkPdfSignature(view);
      pdfChain = r.pdf?.chain ?? null;
      pdfCheck = r.pdf;
      return r.check;
    }),
    await guarded('signer', () => {
      const r = checkSigner(view, { manifestChain, pdfChain, anchors, requireTrust: options.requireTrust === true || options.trustCertPem !== undefined });
      signer = r.signer;
      return r.check;
    }),
    await guarded('timestamps', () => {
      const r = checkTimestamps(view, pdfCheck, tsaAnchors);
      timestamps = r.reports;
      return check('timestamps', r.failures, r.detail);
    }),
    await guarded('custody-chain', () => checkCustodyChain(view)),
    // A case bundle has no raw artifacts of its own: its host bundles are checked instead, each in full.
    isCaseLayout(view) ? await guarded('host-bundles', () => checkHostBundles(view, options, verifyEvidence)) : await guarded('artifact-hashes', () => checkArtifactHashes(view)),
    await guarded('report-pair', () => checkReport(view)),
  ];
  return { checks, signer, timestamps };
}

/** A --trust text without a certificate trusts nothing (the signer check then fails). */
function trustFileAnchors(pem: string, file?: string): TrustAnchor[] {
  try {
    return anchorsFromFile(pem, file);
  } catch {
    return [];
  }
}

/** Hostile content must fail a check, never abort verification: an exception is a failure. */
async function guarded(id: CheckId, run: () => VerifyCheck | Promise<VerifyCheck>): Promise<VerifyCheck> {
  try {
    return await run();
  } catch (err) {
    return check(id, [{ reason: `cannot check: ${(err as Error).message}` }], 'the check could not complete');
  }
}

function report(target: string, kind: 'zip' | 'folder', checks: VerifyCheck[], signer: SignerReport | null = null, timestamps: TimestampReport[] = []): VerifyReport {
  return { ok: checks.every((c) => c.ok), target, kind, checks, signer, timestamps };
}
