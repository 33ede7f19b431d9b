// Check 4: the custody log's hash chain. Check 5: the artifact hashes recorded in acquisition.json
// and printed in report/report.html equal the hashes of the raw artifacts themselves.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition, ArtifactFile } from '../model.js';
import { PATHS } from '../evidence/folder.js';
import { verifyCustodyChain } from '../evidence/custody.js';
import { unsafeNameReason } from './members.js';
import { reportHashClaims } from './report-hashes.js';
import type { CheckFailure, VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export function checkCustodyChain(view: EvidenceView): VerifyCheck {
  if (!view.has(PATHS.custody)) return check('custody-chain', [{ member: PATHS.custody, reason: 'missing' }], 'custody.jsonl is missing');
  const chain = verifyCustodyChain(view.read(PATHS.custody));
  if (chain.ok) return check('custody-chain', [], `${chain.events} events, every line chained to the one before`);
  const failure: CheckFailure = { member: PATHS.custody, reason: chain.reason ?? 'chain broken' };
  if (chain.firstBrokenLine !== null) failure.line = chain.firstBrokenLine;
  return check('custody-chain', [failure], `chain broken at line ${chain.firstBrokenLine ?? '?'} of ${chain.events}`);
}

export async function checkArtifactHashes(view: EvidenceView): Promise<VerifyCheck> {
  if (!view.has(PATHS.acquisition)) return check('artifact-hashes', [{ member: PATHS.acquisition, reason: 'missing' }], 'acquisition.json is missing');
  let acquisition: Partial<Acquisition>;
  try {
    acquisition = JSON.parse(view.read(PATHS.acquisition).toString('utf8')) as Partial<Acquisition>;
  } catch {
    return check('artifact-hashes', [{ member: PATHS.acquisition, reason: 'not valid JSON' }], 'acquisition.json is unreadable');
  }
  const artifacts = recordedArtifacts(acquisition);
  const failures: CheckFailure[] = [];
  const actual = new Map<string, string>();
  for (const a of artifacts) {
    if (typeof a.path !== 'string' || typeof a.sha256 !== 'string' || typeof a.bytes !== 'number') {
      failures.push({ member: PATHS.acquisition, reason: `malformed artifact record ${JSON.stringify(a).slice(0, 200)}` });
      continue;
    }
    const unsafe = unsafeNameReason(a.path);
    if (unsafe) failures.push({ member: PATHS.acquisition, reason: `artifact path ${JSON.stringify(a.path)}: ${unsafe}` });
    else if (!view.has(a.path)) failures.push({ member: a.path, reason: 'recorded in acquisition.json but missing' });
    else {
      const hash = await view.sha256(a.path);
      actual.set(a.path, hash);
      if (hash !== a.sha256) failures.push({ member: a.path, reason: `SHA-256 ${hash} differs from acquisition.json (${a.sha256})` });
      const size = statSync(join(view.dir, a.path)).size;
      if (size !== a.bytes) failures.push({ member: a.path, reason: `${size} bytes, acquisition.json says ${a.bytes}` });
    }
  }
  let printed = 'report.html is missing';
  if (view.has(PATHS.reportHtml)) {
    // Every hash the report prints next to an artifact must be that artifact's; an artifact the
    // report does not show is reported in the detail, not as a failure.
    const claims = reportHashClaims(view.read(PATHS.reportHtml).toString('utf8'), [...actual.keys()]);
    for (const claim of claims) {
      const hash = actual.get(claim.path);
      if (hash !== claim.sha256) failures.push({ member: PATHS.reportHtml, reason: `prints SHA-256 ${claim.sha256} for ${claim.path}, the artifact's is ${hash}` });
    }
    const shown = new Set(claims.map((c) => c.path));
    const notShown = [...actual.keys()].filter((p) => !shown.has(p));
    printed = `${claims.length} hashes printed in report.html${notShown.length ? ` (not shown: ${notShown.join(', ')})` : ''}`;
  } else failures.push({ member: PATHS.reportHtml, reason: 'missing' });
  return check('artifact-hashes', failures, `${artifacts.length} artifacts recorded in acquisition.json, ${printed}`);
}

/** commands[].stdout/stderr and imports[].artifact: every raw file the acquisition vouches for. */
function recordedArtifacts(acquisition: Partial<Acquisition>): ArtifactFile[] {
  const out: ArtifactFile[] = [];
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  for (const c of list(acquisition.commands)) {
    if (c?.stdout) out.push(c.stdout);
    if (c?.stderr) out.push(c.stderr);
  }
  for (const i of list(acquisition.imports)) if (i?.artifact) out.push(i.artifact);
  return out;
}
