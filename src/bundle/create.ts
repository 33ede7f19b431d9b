// `netcustody bundle DIR`: seal the evidence folder, write one deterministic zip beside it, its
// `<zip>.sha256`, and record the bundling (who, when, the zip's SHA-256) in the folder's custody log.
// The whole of it runs under the folder's lock (evidence/lock.ts).
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { Acquisition } from '../model.js';
import { withEvidenceFolder } from '../evidence/session.js';
import { EvidenceError, PATHS, readAcquisition } from '../evidence/folder.js';
import { appendCustody, readCustody, verifyCustodyFile } from '../evidence/custody.js';
import { fsyncDir, sha256Hex, writeNewFileSync } from '../evidence/files.js';
import { loadIdentity } from '../signing/index.js';
import { stampSeal, type StampResult } from '../timestamp/seal-token.js';
import { countLines } from './custody-prefix.js';
import { acquisitionTime, freeBundlePath } from './naming.js';
import { certificateSummary, sealFolder, sealedZipMembers, type Seal, type SealSigner } from './seal.js';
import { colonFingerprint } from '../signing/cert-check.js';
import { verifyPdfSignature } from '../report/pdf-verify.js';
import type { BundleOptions, BundleResult } from './types.js';
import { writeDeterministicZip, type WrittenZip, type ZipMember } from './zip-write.js';

export async function createBundle(dir: string, options: BundleOptions = {}): Promise<BundleResult> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EvidenceError(`${dir}: not a folder`);
  // Under the folder's lock: a second bundle (or report, analyze) waits, so no run can seal, name or
  // log a zip another run is writing.
  return withEvidenceFolder(dir, 'bundle', { actor: options.actor ?? options.examiner ?? 'netcustody' }, (folder) => bundleLocked(folder, dir, options));
}

async function bundleLocked(folder: string, dir: string, options: BundleOptions): Promise<BundleResult> {
  const acquisition = readAcquisition(folder);
  const chain = verifyCustodyFile(folder);
  if (!chain.ok) {
    throw new EvidenceError(
      `${folder}: the custody log is broken at line ${chain.firstBrokenLine ?? '?'} (${chain.reason}); refusing to seal it`,
      `run \`netcustody verify ${dir}\` for details`,
    );
  }
  const outDir = resolve(options.outDir ?? dirname(folder));
  if (outDir === folder || outDir.startsWith(folder + sep)) {
    throw new EvidenceError(`--out ${outDir} is inside the evidence folder: the bundle would become part of the evidence`);
  }
  mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const fixedTime = acquisitionTime(acquisition, readCustody(folder));
  const examiner = options.examiner ?? acquisition.examiner;
  const pdfSigner = reportSigner(folder);
  const seal = await sealFolder(folder, acquisition, fixedTime, async () => {
    if (options.keepSealOnly) throw new EvidenceError(`${folder}: the folder has no seal that still holds (SHA256SUMS, manifest.sig); a timestamp is only added to an existing seal`, `bundle it first: netcustody bundle ${dir}`);
    const id = await loadIdentity({ p12: options.p12, passphraseEnv: options.passphraseEnv, examiner, organisation: acquisition.organisation, allowExpiredCert: options.allowExpiredCert });
    assertOneSigner(folder, pdfSigner, certificateSummary(id.certPem));
    return id;
  });
  // A seal kept from an earlier bundle must have been made by the PDF's signer too.
  if (seal.reused) assertOneSigner(folder, pdfSigner, seal.signer);

  const actor = options.actor ?? examiner;
  const timestamp = await stampSeal(folder, seal.sums, options.tsa ?? null, actor);
  // `timestamp`: no token, no new zip (the failure is in the custody log; the earlier zip stands).
  if (options.keepSealOnly && timestamp.status === 'failed') throw new EvidenceError(`no timestamp: ${timestamp.reason}`, 'the evidence is unchanged; try again or another TSA (--tsa, repeatable)');
  const members = zipMembers(folder, seal, timestamp);
  const { zipPath, zip } = await writeNewZip(outDir, acquisition, fixedTime, members);
  const sha256Path = `${zipPath}.sha256`;
  writeNewFileSync(sha256Path, `${zip.sha256}  ${basename(zipPath)}\n`);
  // Both names durable in their folder before the custody log says the bundle exists.
  fsyncDir(outDir);
  // After the zip exists: its own hash cannot be inside it, so the folder's log carries it.
  appendCustody(folder, {
    actor: options.actor ?? examiner,
    action: 'bundle created',
    object: basename(zipPath),
    sha256: zip.sha256,
    details: {
      outDir,
      /** Where the zip is seen from the folder: still found when the case folder is moved as a whole. */
      zipRelative: relative(folder, zipPath),
      bytes: zip.bytes,
      members: members.length,
      sealedFiles: seal.files.length,
      sha256sumsSha256: sha256Hex(seal.sums),
      custodyEventsSealed: countLines(seal.custody),
      sealReused: seal.reused,
      signer: seal.signer.subject,
      selfSigned: seal.signer.selfSigned,
      certificateSha256: seal.signer.fingerprint,
      ...(seal.signer.expiredAllowed ? { allowExpiredCert: seal.signer.expiredAllowed } : {}),
      timestamp: timestamp.record ? { status: timestamp.status, genTime: timestamp.record.genTime, tsa: timestamp.record.tsa, tokenSha256: timestamp.record.tokenSha256 } : { status: timestamp.status },
    },
  });
  return { zipPath, sha256: zip.sha256, sha256Path, members: members.length, bytes: zip.bytes, signer: seal.signer, sealReused: seal.reused, timestamp };
}

/** Who signed report/report.pdf (null when the folder has no signed report yet). */
function reportSigner(folder: string): SealSigner | null {
  const path = join(folder, PATHS.reportPdf);
  if (!existsSync(path)) return null;
  const pdf = verifyPdfSignature(readFileSync(path));
  if (!pdf.signerCert) return null;
  return { subject: pdf.signerCert.subject, selfSigned: pdf.signerCert.selfSigned, fingerprint: pdf.signerCert.fingerprint };
}

/** One folder, one signer: the manifest is signed by the certificate that signed the report. */
function assertOneSigner(folder: string, pdf: SealSigner | null, manifest: SealSigner): void {
  if (!pdf || pdf.fingerprint === manifest.fingerprint) return;
  const sameName = pdf.subject === manifest.subject ? ' (same name, another certificate)' : '';
  throw new EvidenceError(
    `${folder}: refusing to seal: report/report.pdf is signed by ${pdf.subject} (SHA-256 ${colonFingerprint(pdf.fingerprint)}) ` +
      `but the bundle would be signed by ${manifest.subject} (SHA-256 ${colonFingerprint(manifest.fingerprint)})${sameName}; one folder is signed by one identity`,
    'bundle with the identity that signed the report (the same --examiner or --p12), or run `netcustody report` again with the identity that will seal',
  );
}

/** The first free name; a name another process takes between the look and the exclusive create is skipped. */
async function writeNewZip(outDir: string, acquisition: Acquisition, fixedTime: Date, members: ZipMember[]): Promise<{ zipPath: string; zip: WrittenZip }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const zipPath = freeBundlePath(outDir, acquisition, fixedTime);
    try {
      return { zipPath, zip: await writeDeterministicZip(zipPath, members, fixedTime) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new EvidenceError(`no free bundle name in ${outDir}: other processes keep taking them`);
}

/** The seal files (and the timestamp token when there is one) after every sealed file. */
function zipMembers(folder: string, seal: Seal, stamp: StampResult): ZipMember[] {
  return sealedZipMembers(folder, seal, {
    [PATHS.sums]: seal.sums,
    [PATHS.manifest]: seal.manifest,
    [PATHS.manifestSig]: seal.signature,
    [PATHS.certificate]: seal.certificatePem,
    ...(stamp.token ? { [PATHS.manifestTsr]: stamp.token } : {}),
  });
}
