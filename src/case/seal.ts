// Sealing a case folder as a host folder is sealed (SHA256SUMS, manifest.json, manifest.sig over
// SHA256SUMS, examiner-cert.pem) and writing the case bundle: a deterministic zip of all of it, the
// host bundles inside unchanged. The zip's own hash goes to the case custody log afterwards.
import { basename, join, relative } from 'node:path';
import { appendCustody } from '../evidence/custody.js';
import { PATHS } from '../evidence/folder.js';
import { sha256Hex, writeNewFileSync } from '../evidence/files.js';
import type { SigningIdentity } from '../signing/index.js';
import { countLines } from '../bundle/custody-prefix.js';
import { SEAL_FILES, listFolder } from '../bundle/members.js';
import { hashMembers, sealedZipMembers, signSums, writeSealFiles } from '../bundle/seal.js';
import { writeDeterministicZip } from '../bundle/zip-write.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

export const CASE_MANIFEST_FORMAT = 'netcustody-case-manifest/1';

export interface CaseBundle {
  zipPath: string;
  sha256: string;
  bytes: number;
  members: number;
}

export async function sealCaseFolder(dir: string, zipPath: string, caseId: string, id: SigningIdentity, when: Date, actor: string): Promise<CaseBundle> {
  const listing = listFolder(dir);
  if (listing.problems.length > 0) throw new Error(`cannot seal ${dir}: ${listing.problems.map((p) => `${p.path} (${p.reason})`).join(', ')}`);
  const paths = listing.files.filter((f) => !SEAL_FILES.includes(f));
  const sealed = await hashMembers(dir, paths);
  const { files, custody } = sealed;
  const { sums, signature, certificatePem } = signSums(files, id, 'the case manifest.sig');
  const manifest = {
    format: CASE_MANIFEST_FORMAT,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    case: { caseId, folder: basename(dir) },
    hashAlgorithm: 'sha256',
    sha256sumsSha256: sha256Hex(sums),
    files,
    custody: { file: PATHS.custody, events: countLines(custody), bytes: custody.length, note: 'The case custody log as sealed; the making of the case zip is appended to the case folder\'s log afterwards.' },
    signature: { file: PATHS.manifestSig, format: 'CMS SignedData (RFC 5652), DER, detached', signs: PATHS.sums, certificate: PATHS.certificate, signer: id.subject, selfSigned: id.selfSigned, signingTime: null },
    zip: { timestamp: when.toISOString(), fileMode: '0644', note: 'Every member carries the case time and mode 0644; entries are in byte order of their names. hosts/ holds each host bundle unchanged.' },
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  writeSealFiles(dir, { sums, signature, certificatePem, manifest: manifestBytes });
  // manifest.tsr is a seal file too, added later by `netcustody timestamp`: none at sealing.
  const members = sealedZipMembers(dir, sealed, { [PATHS.sums]: sums, [PATHS.manifest]: manifestBytes, [PATHS.manifestSig]: signature, [PATHS.certificate]: certificatePem });
  const zip = await writeDeterministicZip(zipPath, members, when);
  writeNewFileSync(`${zipPath}.sha256`, `${zip.sha256}  ${basename(zipPath)}\n`);
  appendCustody(dir, {
    actor,
    action: 'bundle created',
    object: basename(zipPath),
    sha256: zip.sha256,
    details: {
      outDir: join(zipPath, '..'),
      zipRelative: relative(dir, zipPath),
      bytes: zip.bytes,
      members: members.length,
      sealedFiles: files.length,
      sha256sumsSha256: sha256Hex(sums),
      custodyEventsSealed: countLines(custody),
      signer: id.subject,
      selfSigned: id.selfSigned,
    },
  });
  return { zipPath, sha256: zip.sha256, bytes: zip.bytes, members: members.length };
}
