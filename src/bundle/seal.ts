// Sealing an evidence folder: SHA256SUMS over every file, manifest.json, the detached CMS signature
// manifest.sig over SHA256SUMS and the examiner's certificate. A still-valid earlier seal is reused
// as is, so that bundling the same folder twice gives the same zip.
import { X509Certificate } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition } from '../model.js';
import { EvidenceError, PATHS } from '../evidence/folder.js';
import { readFileNoFollow, sha256File, sha256Hex, writeFileDurableSync } from '../evidence/files.js';
import { signDetachedCms, type SigningIdentity } from '../signing/index.js';
import { certFacts } from '../signing/cert-check.js';
import { verifyDetachedCms } from './cms-verify.js';
import { countLines, sealedPrefixLength } from './custody-prefix.js';
import { buildManifest, type Manifest, type ManifestFile } from './manifest.js';
import { REQUIRED_SEAL_FILES, SEAL_FILES, compareNames, formatSums, listFolder, parseSums } from './members.js';
import type { ZipMember } from './zip-write.js';
import { assertSealable } from './admit.js';
import { recordedArtifacts } from '../evidence/recorded.js';

export interface Seal {
  /** The sealed files (everything but the seal files), in byte order of their names. */
  files: ManifestFile[];
  sums: Buffer;
  manifest: Buffer;
  signature: Buffer;
  certificatePem: Buffer;
  /** custody.jsonl as sealed (a folder's log may have grown since). */
  custody: Buffer;
  signer: SealSigner;
  reused: boolean;
}

export interface SealSigner {
  subject: string;
  selfSigned: boolean;
  /** SHA-256 of the signer certificate, lower-case hex. */
  fingerprint: string;
  /** Set when an expired certificate signed (--allow-expired-cert). */
  expiredAllowed?: string;
}

export async function sealFolder(
  dir: string,
  acquisition: Acquisition,
  fixedTime: Date,
  identity: () => Promise<SigningIdentity>,
): Promise<Seal> {
  const listing = listFolder(dir);
  if (listing.problems.length > 0) {
    const list = listing.problems.map((p) => `${JSON.stringify(p.path)} (${p.reason})`).join(', ');
    throw new EvidenceError(`cannot bundle ${dir}: ${list}`, 'an evidence folder holds regular files with plain names only');
  }
  // The lock of the running bundle is not evidence; nothing else is left out.
  const memberPaths = listing.files.filter((f) => !SEAL_FILES.includes(f) && f !== PATHS.lock);
  if (!memberPaths.includes(PATHS.custody)) throw new EvidenceError(`${dir}: custody.jsonl is missing`);
  assertSealable(dir, memberPaths, acquisition);
  const reused = await readValidSeal(dir, memberPaths);
  if (reused) return reused;
  return writeNewSeal(dir, memberPaths, acquisition, fixedTime, await identity());
}

async function writeNewSeal(dir: string, memberPaths: string[], acquisition: Acquisition, fixedTime: Date, id: SigningIdentity): Promise<Seal> {
  const { files, custody } = await hashMembers(dir, memberPaths);
  assertRawUnchanged(files, acquisition);
  const { sums, signature, certificatePem } = signSums(files, id, 'the new manifest.sig');
  const signer: SealSigner = { ...certificateSummary(id.certPem), ...(id.expiredAllowed ? { expiredAllowed: id.expiredAllowed } : {}) };
  const manifestValue = buildManifest({
    acquisition,
    files,
    sumsSha256: sha256Hex(sums),
    custodyEvents: countLines(custody),
    custodyBytes: custody.length,
    signer: { subject: signer.subject, selfSigned: signer.selfSigned },
    fixedTime,
  });
  const manifest = Buffer.from(`${JSON.stringify(manifestValue, null, 2)}\n`, 'utf8');
  writeSealFiles(dir, { sums, signature, certificatePem, manifest });
  return { files, sums, manifest, signature, certificatePem, custody, signer, reused: false };
}

/** Every member's hash and size; the custody log is read once, so the zip gets exactly the bytes that were hashed. */
export async function hashMembers(dir: string, memberPaths: string[]): Promise<{ files: ManifestFile[]; custody: Buffer }> {
  const custody = readFileNoFollow(join(dir, PATHS.custody));
  const files: ManifestFile[] = [];
  for (const path of memberPaths) {
    if (path === PATHS.custody) files.push({ path, sha256: sha256Hex(custody), bytes: custody.length });
    else files.push({ path, sha256: await sha256File(join(dir, path)), bytes: lstatSync(join(dir, path)).size });
  }
  return { files, custody };
}

/** SHA256SUMS and its detached signature, checked before anything is written. */
export function signSums(files: ManifestFile[], id: SigningIdentity, label: string): { sums: Buffer; signature: Buffer; certificatePem: Buffer } {
  const sums = Buffer.from(formatSums(files), 'utf8');
  // No signingTime attribute: a deterministic seal must not claim a time it was not made at.
  const signature = signDetachedCms(sums, id, { signingTime: null });
  const certificatePem = Buffer.from([id.certPem, ...id.chainPem].map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join(''), 'utf8');
  const selfCheck = verifyDetachedCms({ signature, content: sums, extraCertsPem: certificatePem.toString('utf8'), label });
  if (!selfCheck.ok) throw new EvidenceError(`${label} does not verify: ${selfCheck.problems.join('; ')}`);
  return { sums, signature, certificatePem };
}

export function writeSealFiles(dir: string, seal: { sums: Buffer; signature: Buffer; certificatePem: Buffer; manifest: Buffer }): void {
  writeFileDurableSync(join(dir, PATHS.sums), seal.sums);
  writeFileDurableSync(join(dir, PATHS.manifestSig), seal.signature);
  writeFileDurableSync(join(dir, PATHS.certificate), seal.certificatePem);
  writeFileDurableSync(join(dir, PATHS.manifest), seal.manifest);
}

/** The zip's members: every sealed file streamed from the folder (the custody log as sealed), then the seal files present. */
export function sealedZipMembers(dir: string, sealed: { files: ManifestFile[]; custody: Buffer }, sealBytes: Partial<Record<string, Buffer>>): ZipMember[] {
  const members: ZipMember[] = sealed.files.map((f) =>
    f.path === PATHS.custody ? { name: f.path, source: { bytes: sealed.custody }, sha256: f.sha256 } : { name: f.path, source: { path: join(dir, f.path) }, sha256: f.sha256 },
  );
  for (const name of SEAL_FILES) {
    const bytes = sealBytes[name];
    if (bytes) members.push({ name, source: { bytes } });
  }
  return members.sort((a, b) => compareNames(a.name, b.name));
}

/**
 * The folder's existing seal when it still holds: same member set, every hash equal (custody.jsonl
 * may have grown by whole lines), a signature that verifies and a manifest that agrees. Else null.
 */
async function readValidSeal(dir: string, memberPaths: string[]): Promise<Seal | null> {
  if (!REQUIRED_SEAL_FILES.every((f) => existsSync(join(dir, f)))) return null;
  const [sums, signature, certificatePem, manifest] = [PATHS.sums, PATHS.manifestSig, PATHS.certificate, PATHS.manifest].map((f) =>
    readFileNoFollow(join(dir, f)),
  );
  const parsed = parseSums(sums.toString('utf8'));
  if (parsed.errors.length > 0 || parsed.entries.length !== memberPaths.length) return null;
  if (!parsed.entries.every((e, i) => e.path === memberPaths[i])) return null;
  let custody: Buffer | null = null;
  const files: ManifestFile[] = [];
  for (const entry of parsed.entries) {
    const full = join(dir, entry.path);
    if (entry.path === PATHS.custody) {
      const log = readFileNoFollow(full);
      const length = sealedPrefixLength(log, entry.sha256);
      if (length === null) return null;
      custody = log.subarray(0, length);
      files.push({ ...entry, bytes: length });
    } else {
      if ((await sha256File(full)) !== entry.sha256) return null;
      files.push({ ...entry, bytes: lstatSync(full).size });
    }
  }
  const check = verifyDetachedCms({ signature, content: sums, extraCertsPem: certificatePem.toString('utf8'), timeIfUnsigned: lastEventTime(custody) });
  // A seal that carries a signingTime was made by an older version with a made-up time: sign afresh.
  if (!check.ok || check.signingTime !== null || custody === null || !manifestAgrees(manifest, files)) return null;
  const signer = certificateSummary(certificatePem.toString('utf8'));
  return { files, sums, manifest, signature, certificatePem, custody, signer, reused: true };
}

/** The seal was made after its last custody event: the certificate is checked at that time, as verify does. */
function lastEventTime(custody: Buffer | null): { time: Date; source: string } | undefined {
  const lines = custody?.toString('utf8').trimEnd().split('\n') ?? [];
  try {
    const time = new Date((JSON.parse(lines[lines.length - 1]) as { time?: string }).time ?? '');
    return Number.isNaN(time.getTime()) ? undefined : { time, source: 'the last sealed custody event' };
  } catch {
    return undefined;
  }
}

/** A raw artifact whose bytes are no longer the ones captured is never sealed as if it were. */
function assertRawUnchanged(files: ManifestFile[], acquisition: Acquisition): void {
  const recorded = new Map(recordedArtifacts(acquisition).map((a) => [a.path, a.sha256]));
  const changed = files.filter((f) => f.path.startsWith('raw/') && recorded.get(f.path) !== f.sha256);
  if (changed.length > 0) {
    const names = changed.map((f) => `${f.path} (SHA-256 ${f.sha256}, acquisition.json: ${recorded.get(f.path)})`).join('; ');
    throw new EvidenceError(`cannot bundle: raw artifact(s) changed since capture: ${names}`, 'the evidence was altered after it was recorded; keep the folder as it is and report it');
  }
}

function manifestAgrees(bytes: Buffer, files: ManifestFile[]): boolean {
  try {
    const m = JSON.parse(bytes.toString('utf8')) as Manifest;
    return m.files.length === files.length && m.files.every((f, i) => f.path === files[i].path && f.sha256 === files[i].sha256);
  } catch {
    return false;
  }
}

/** The first certificate of a PEM text (the signer of a seal). */
export function certificateSummary(pem: string): SealSigner {
  const facts = certFacts(new X509Certificate(pem));
  return { subject: facts.subject, selfSigned: facts.selfSigned, fingerprint: facts.fingerprint };
}
