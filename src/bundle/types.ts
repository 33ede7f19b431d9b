// Public types of the bundle stage (createBundle) and of independent verification (verifyEvidence).

export interface BundleOptions {
  /** Where the zip goes; default: the parent folder of the evidence folder (the case folder). */
  outDir?: string;
  /** PKCS#12 file with the examiner's key and certificate (else the examiner's local identity). */
  p12?: string;
  /** Name of the environment variable holding the PKCS#12 passphrase. */
  passphraseEnv?: string;
  /** Examiner name for the local identity; default: acquisition.json examiner. */
  examiner?: string;
  /** Who is recorded in the custody log; default: the examiner. */
  actor?: string;
}

export interface BundleResult {
  zipPath: string;
  /** SHA-256 of the zip, hex. */
  sha256: string;
  /** `<zip>.sha256` written beside the zip, in `sha256sum` format. */
  sha256Path: string;
  members: number;
  bytes: number;
  signer: { subject: string; selfSigned: boolean };
  /** True when a still-valid seal (SHA256SUMS + manifest.sig) of an earlier bundle was reused. */
  sealReused: boolean;
}

export type CheckId = 'members' | 'manifest-signature' | 'pdf-signature' | 'custody-chain' | 'artifact-hashes' | 'report-pair' | 'zip-structure';

export interface CheckFailure {
  member?: string;
  line?: number;
  reason: string;
}

export interface VerifyCheck {
  id: CheckId;
  name: string;
  ok: boolean;
  detail: string;
  failures: CheckFailure[];
}

export interface VerifyReport {
  ok: boolean;
  target: string;
  kind: 'zip' | 'folder';
  checks: VerifyCheck[];
}

export interface VerifyOptions {
  /** PEM certificate the verifier trusts: the signer must be it or be issued by it. */
  trustCertPem?: string;
  /** Zip-bomb limits (defaults in zip-read.ts). */
  limits?: Partial<ZipLimits>;
}

export interface ZipLimits {
  maxEntries: number;
  /** Largest uncompressed member accepted. */
  maxMemberBytes: number;
  /** Largest total uncompressed size accepted. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of one member (deflate cannot exceed ~1032). */
  maxRatio: number;
}

export const CHECK_NAMES: Record<CheckId, string> = {
  'zip-structure': 'zip structure (safe names, sizes, no links, no duplicates)',
  members: 'members against SHA256SUMS (none missing, none extra)',
  'manifest-signature': 'manifest.sig over SHA256SUMS, certificate, manifest.json',
  'pdf-signature': 'PDF signature of report/report.pdf',
  'custody-chain': 'custody log hash chain',
  'artifact-hashes': 'artifact hashes in acquisition.json and report.html',
  'report-pair': 'report.html and report.pdf are one published report (id, hashes, custody)',
};
