// Check 2: manifest.sig over SHA256SUMS with the included certificate chain, and manifest.json
// agreeing with SHA256SUMS. Who signed, and whether that is trusted, is the signer check.
import { PATHS } from '../evidence/folder.js';
import { sha256Hex } from '../evidence/files.js';
import { verifyDetachedCms, type CmsVerification } from './cms-verify.js';
import type { Manifest } from './manifest.js';
import { parseSums, type SumEntry } from './members.js';
import type { CheckFailure, VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export interface ManifestSignatureResult {
  check: VerifyCheck;
  /** null when a seal file is missing (nothing to verify). */
  cms: CmsVerification | null;
}

export function checkManifestSignature(view: EvidenceView): ManifestSignatureResult {
  const missing = [PATHS.sums, PATHS.manifestSig, PATHS.certificate, PATHS.manifest].filter((f) => !view.has(f));
  if (missing.length > 0) {
    return { check: check('manifest-signature', missing.map((member) => ({ member, reason: 'missing' })), `missing: ${missing.join(', ')}`), cms: null };
  }
  const sums = view.read(PATHS.sums);
  const manifestBytes = view.read(PATHS.manifest);
  const cms = verifyDetachedCms({
    signature: view.read(PATHS.manifestSig),
    content: sums,
    extraCertsPem: view.read(PATHS.certificate).toString('utf8'),
    timeIfUnsigned: sealingTime(view, manifestBytes) ?? undefined,
    label: 'manifest.sig',
  });
  const failures: CheckFailure[] = cms.problems.map((reason) => ({ member: PATHS.manifestSig, reason }));
  failures.push(...manifestDisagreements(manifestBytes, sums));
  return { check: check('manifest-signature', failures, describe(cms)), cms };
}

function describe(cms: CmsVerification): string {
  if (!cms.signer) return 'no verifiable signer';
  const when = cms.signingTime ? `signingTime ${cms.signingTime}` : 'no signingTime attribute (deterministic seal)';
  const valid = cms.validAt ? `; certificate checked at ${cms.validAt.time} (${cms.validAt.source})` : '';
  return `signed by ${cms.signer.subject}, ${when}${valid}`;
}

/**
 * manifest.sig carries no signing time; the seal was made after the last custody event it seals, a
 * time inside the signed content. The certificate must have been valid then.
 */
function sealingTime(view: EvidenceView, manifestBytes: Buffer): { time: Date; source: string } | null {
  try {
    const events = (JSON.parse(manifestBytes.toString('utf8')) as Partial<Manifest>).custody?.events;
    if (typeof events !== 'number' || events < 1 || !view.has(PATHS.custody)) return null;
    const line = view.read(PATHS.custody).toString('utf8').split('\n')[events - 1];
    const time = new Date((JSON.parse(line) as { time?: string }).time ?? '');
    return Number.isNaN(time.getTime()) ? null : { time, source: `the last sealed custody event, #${events}` };
  } catch {
    return null;
  }
}

/** manifest.json must list exactly the files and hashes of SHA256SUMS, and name its hash. */
function manifestDisagreements(manifestBytes: Buffer, sumsBytes: Buffer): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (reason: string): void => void failures.push({ member: PATHS.manifest, reason });
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as Partial<Manifest>;
  } catch {
    fail('not valid JSON');
    return failures;
  }
  if (manifest.sha256sumsSha256 !== sha256Hex(sumsBytes)) fail('sha256sumsSha256 is not the SHA-256 of SHA256SUMS');
  const listed = new Map(parseSums(sumsBytes.toString('utf8')).entries.map((e: SumEntry) => [e.path, e.sha256]));
  const files = Array.isArray(manifest.files) ? manifest.files : [];
  if (!Array.isArray(manifest.files)) fail('no files list');
  const inManifest = new Set<string>();
  for (const f of files as unknown[]) {
    if (!isFileEntry(f)) {
      fail(`malformed file entry ${JSON.stringify(f)?.slice(0, 200)}`);
      continue;
    }
    inManifest.add(f.path);
    const expected = listed.get(f.path);
    if (expected === undefined) fail(`lists ${f.path}, which SHA256SUMS does not`);
    else if (expected !== f.sha256) fail(`${f.path}: hash differs from SHA256SUMS`);
  }
  for (const path of listed.keys()) if (!inManifest.has(path)) fail(`does not list ${path}`);
  return failures;
}

function isFileEntry(v: unknown): v is SumEntry {
  return typeof v === 'object' && v !== null && typeof (v as SumEntry).path === 'string' && typeof (v as SumEntry).sha256 === 'string';
}
