import type { TrustAnchor } from '../signing/trust-store.js';
import type { SealSigner } from './seal.js';
import type { TsaSettings } from '../timestamp/client.js';
import type { StampResult } from '../timestamp/seal-token.js';
import type { TimestampReport } from '../timestamp/verify-tokens.js';

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
  /** Sign with an expired certificate (re-signing old evidence; recorded in custody). */
  allowExpiredCert?: boolean;
  /** TSAs to ask for manifest.tsr over SHA256SUMS (--tsa); a failure is reported, never fatal. */
  tsa?: TsaSettings | null;
  /** `netcustody timestamp`: the folder's existing seal must hold; never sign a new one. */
  keepSealOnly?: boolean;
}

export interface BundleResult {
  zipPath: string;
  /** SHA-256 of the zip, hex. */
  sha256: string;
  /** `<zip>.sha256` written beside the zip, in `sha256sum` format. */
  sha256Path: string;
  members: number;
  bytes: number;
  signer: SealSigner;
  /** True when a still-valid seal (SHA256SUMS + manifest.sig) of an earlier bundle was reused. */
  sealReused: boolean;
  /** manifest.tsr: added now, kept, failed (why), or none asked for. */
  timestamp: StampResult;
}

export type CheckId = 'timestamps' | 'members' | 'manifest-signature' | 'pdf-signature' | 'signer' | 'custody-chain' | 'artifact-hashes' | 'report-pair' | 'zip-structure' | 'host-bundles';

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

/** Who signed the evidence, always reported (also when the checks pass). */
export interface SignerReport {
  subject: string;
  /** SHA-256 of the signer certificate's DER, lower-case hex. */
  fingerprint: string;
  selfSigned: boolean;
  trusted: boolean;
  /** "trusted (pinned)", "trusted (issued by …)", "NOT TRUSTED: self-signed, compare the fingerprint …". */
  how: string;
}

export interface VerifyReport {
  ok: boolean;
  target: string;
  kind: 'zip' | 'folder';
  checks: VerifyCheck[];
  signer: SignerReport | null;
  /** Every RFC 3161 token found (manifest.tsr, the PDF signature's), checked. */
  timestamps: TimestampReport[];
}

export interface VerifyOptions {
  /** PEM certificate(s) the verifier trusts (--trust): the signer must be one or be issued by one. */
  trustCertPem?: string;
  /** Where trustCertPem was read from, for the report ("trusted (--trust FILE)"). */
  trustFile?: string;
  /** Certificates trusted besides --trust: the pinned ones of the trust store. */
  anchors?: TrustAnchor[];
  /** TSA CA certificates trusted for time-stamp tokens (--tsa-ca), besides the anchors. */
  tsaCaPem?: string;
  tsaCaFile?: string;
  /** An untrusted signer fails verification (--require-trust). */
  requireTrust?: boolean;
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
  'zip-structure': 'zip structure (one central directory, every byte accounted for, plain files only, safe names, sizes)',
  members: 'members against SHA256SUMS (none missing, none extra)',
  'manifest-signature': 'manifest.sig over SHA256SUMS, certificate, manifest.json',
  'pdf-signature': 'PDF signature of report/report.pdf',
  signer: 'one signer for manifest.sig, the PDF and examiner-cert.pem; trust',
  'custody-chain': 'custody log hash chain',
  'artifact-hashes': 'artifact hashes in acquisition.json and report.html',
  'report-pair': 'report.html and report.pdf are one published report (id, hashes, custody)',
  timestamps: 'RFC 3161 time-stamp tokens (manifest.tsr over SHA256SUMS, the PDF signature\'s): data, TSA signature, trust',
  'host-bundles': 'case bundle: every host bundle under hosts/ named in case.json with its SHA-256 and passing verify on its own',
};
