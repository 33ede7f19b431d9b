// Sealing a case folder as a host folder is sealed (SHA256SUMS, manifest.json, manifest.sig over
// SHA256SUMS, examiner-cert.pem) and writing the case bundle: a deterministic zip of all of it, the
// host bundles inside unchanged. The zip's own hash goes to the case custody log afterwards.
import { basename, join, relative } from 'node:path';
import { lstatSync } from 'node:fs';
import { appendCustody } from '../evidence/custody.js';
import { PATHS } from '../evidence/folder.js';
import { readFileNoFollow, sha256File, sha256Hex, writeFileDurableSync, writeNewFileSync } from '../evidence/files.js';
import { signDetachedCms, type SigningIdentity } from '../signing/index.js';
import { verifyDetachedCms } from '../bundle/cms-verify.js';
import { countLines } from '../bundle/custody-prefix.js';
import { SEAL_FILES, compareNames, formatSums, listFolder } from '../bundle/members.js';
import { writeDeterministicZip, type ZipMember } from '../bundle/zip-write.js';
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
  const custody = readFileNoFollow(join(dir, PATHS.custody));
  const files = [];
  for (const path of paths) {
    if (path === PATHS.custody) files.push({ path, sha256: sha256Hex(custody), bytes: custody.length });
    else files.push({ path, sha256: await sha256File(join(dir, path)), bytes: lstatSync(join(dir, path)).size });
  }
  const sums = Buffer.from(formatSums(files), 'utf8');
  const signature = signDetachedCms(sums, id, { signingTime: null });
  const certificatePem = Buffer.from([id.certPem, ...id.chainPem].map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join(''), 'utf8');
  const selfCheck = verifyDetachedCms({ signature, content: sums, extraCertsPem: certificatePem.toString('utf8'), label: 'the case manifest.sig' });
  if (!selfCheck.ok) throw new Error(`the new case manifest signature does not verify: ${selfCheck.problems.join('; ')}`);
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
  writeFileDurableSync(join(dir, PATHS.sums), sums);
  writeFileDurableSync(join(dir, PATHS.manifestSig), signature);
  writeFileDurableSync(join(dir, PATHS.certificate), certificatePem);
  writeFileDurableSync(join(dir, PATHS.manifest), manifestBytes);

  const members: ZipMember[] = files.map((f) => (f.path === PATHS.custody ? { name: f.path, source: { bytes: custody }, sha256: f.sha256 } : { name: f.path, source: { path: join(dir, f.path) }, sha256: f.sha256 }));
  const sealBytes: Record<string, Buffer> = { [PATHS.sums]: sums, [PATHS.manifest]: manifestBytes, [PATHS.manifestSig]: signature, [PATHS.certificate]: certificatePem };
  // manifest.tsr is a seal file too, added later by `netcustody timestamp`: none at sealing.
  for (const name of SEAL_FILES) if (sealBytes[name]) members.push({ name, source: { bytes: sealBytes[name] } });
  members.sort((a, b) => compareNames(a.name, b.name));
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
