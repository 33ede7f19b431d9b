// Check 2: manifest.sig over SHA256SUMS with the included certificate (and the verifier's --trust
// certificate), and manifest.json agreeing with SHA256SUMS.
import { PATHS } from '../evidence/folder.js';
import { sha256Hex } from '../evidence/files.js';
import { verifyDetachedCms, type CmsVerification } from './cms-verify.js';
import type { Manifest } from './manifest.js';
import { parseSums, type SumEntry } from './members.js';
import type { CheckFailure, VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export function checkManifestSignature(view: EvidenceView, trustCertPem?: string): VerifyCheck {
  const missing = [PATHS.sums, PATHS.manifestSig, PATHS.certificate, PATHS.manifest].filter((f) => !view.has(f));
  if (missing.length > 0) {
    return check('manifest-signature', missing.map((member) => ({ member, reason: 'missing' })), `missing: ${missing.join(', ')}`);
  }
  const sums = view.read(PATHS.sums);
  const cms = verifyDetachedCms({
    signature: view.read(PATHS.manifestSig),
    content: sums,
    bundleCertPem: view.read(PATHS.certificate).toString('utf8'),
    trustCertPem,
  });
  const failures: CheckFailure[] = cms.problems.map((reason) => ({ member: PATHS.manifestSig, reason }));
  failures.push(...manifestDisagreements(view.read(PATHS.manifest), sums));
  return check('manifest-signature', failures, describe(cms, trustCertPem !== undefined));
}

function describe(cms: CmsVerification, trustGiven: boolean): string {
  if (!cms.signerSubject) return 'no verifiable signer';
  const who = `signed by ${cms.signerSubject}`;
  const when = cms.signingTime ? `, signingTime ${cms.signingTime} (the acquisition time)` : '';
  let trust: string;
  if (cms.trusted) trust = '; the signer chains to the --trust certificate';
  else if (trustGiven) trust = '; the signer does NOT chain to the --trust certificate';
  else if (cms.signerSelfSigned) trust = '; self-signed: proves the bundle is unchanged since sealing, not who sealed it (use --trust CERT)';
  else trust = '; no --trust certificate given: the signer\'s identity was not checked';
  return who + when + trust;
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
