// manifest.json: the sealed hashes with the case metadata, for people and programs that do not read
// SHA256SUMS. Its content is deterministic (no wall-clock time): sealing the same folder twice
// writes the same bytes.
import type { Acquisition } from '../model.js';
import { PATHS } from '../evidence/folder.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { SumEntry } from './members.js';
import { hostOf } from './naming.js';

export const MANIFEST_FORMAT = 'netcustody-manifest/1';

export interface ManifestFile extends SumEntry {
  bytes: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  tool: { name: string; version: string };
  case: {
    caseId: string;
    evidenceId: string;
    examiner: string;
    organisation: string | null;
    mode: Acquisition['mode'];
    host: string | null;
    os: string | null;
    captureWindow: Acquisition['captureWindow'];
    acquisitionStatus: Acquisition['status'];
  };
  hashAlgorithm: 'sha256';
  /** SHA-256 of the SHA256SUMS bytes that manifest.sig signs. */
  sha256sumsSha256: string;
  files: ManifestFile[];
  custody: { file: string; events: number; bytes: number; note: string };
  signature: {
    file: string;
    format: string;
    signs: string;
    certificate: string;
    signer: string;
    selfSigned: boolean;
    signingTime: null;
    signingTimeNote: string;
  };
  zip: { timestamp: string; fileMode: string; note: string };
}

export interface ManifestInput {
  acquisition: Acquisition;
  files: ManifestFile[];
  sumsSha256: string;
  custodyEvents: number;
  custodyBytes: number;
  signer: { subject: string; selfSigned: boolean };
  fixedTime: Date;
}

export function buildManifest(input: ManifestInput): Manifest {
  const a = input.acquisition;
  const when = input.fixedTime.toISOString();
  return {
    format: MANIFEST_FORMAT,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    case: {
      caseId: a.caseId,
      evidenceId: a.evidenceId,
      examiner: a.examiner,
      organisation: a.organisation ?? null,
      mode: a.mode,
      host: hostOf(a),
      os: a.host?.os ?? null,
      captureWindow: a.captureWindow ?? null,
      acquisitionStatus: a.status,
    },
    hashAlgorithm: 'sha256',
    sha256sumsSha256: input.sumsSha256,
    files: input.files,
    custody: {
      file: PATHS.custody,
      events: input.custodyEvents,
      bytes: input.custodyBytes,
      note:
        'The custody log in the bundle ends at the last event before sealing. The bundling itself (who, when, ' +
        'the SHA-256 of the zip) is appended to the evidence folder\'s custody log after the zip is written: ' +
        'a zip cannot contain its own hash.',
    },
    signature: {
      file: PATHS.manifestSig,
      format: 'CMS SignedData (RFC 5652), DER, detached',
      signs: PATHS.sums,
      certificate: PATHS.certificate,
      signer: input.signer.subject,
      selfSigned: input.signer.selfSigned,
      signingTime: null,
      signingTimeNote:
        'manifest.sig has no signingTime attribute: sealing the same evidence twice gives identical bytes, ' +
        'and a fixed time would be false. The sealing time is in the custody log ("bundle created"); ' +
        'verify checks the certificate at the last sealed custody event.',
    },
    zip: {
      timestamp: when,
      fileMode: '0644',
      note: 'Every member carries the acquisition time and mode 0644; entries are in byte order of their names.',
    },
  };
}
