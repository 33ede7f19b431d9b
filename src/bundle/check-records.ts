// Check 4: the custody log's hash chain. Check 5: the artifact hashes recorded in acquisition.json
// and printed in report/report.html equal the hashes of the raw artifacts themselves.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { Acquisition } from '../model.js';
import { recordedArtifacts, unrecordedRawFiles } from '../evidence/recorded.js';
import { PATHS } from '../evidence/folder.js';
import { parseCustodyEvents, verifyCustodyChain } from '../evidence/custody.js';
import { unsafeNameReason } from './members.js';
import { reportHashClaims } from './report-hashes.js';
import { checkAfterSeal } from './check-after-seal.js';
import { checkReportPair } from './report-pair.js';
import type { CheckFailure, VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export async function checkCustodyChain(view: EvidenceView): Promise<VerifyCheck> {
  if (!view.has(PATHS.custody)) return check('custody-chain', [{ member: PATHS.custody, reason: 'missing' }], 'custody.jsonl is missing');
  const log = view.read(PATHS.custody);
  const chain = verifyCustodyChain(log);
  const chained = `${chain.events} events, every line chained to the one before`;
  if (chain.ok && view.kind === 'zip') return check('custody-chain', [], chained);
  if (chain.ok) {
    // A folder's log goes on after sealing: its tail is checked against the seal and the zips it names.
    const after = await checkAfterSeal(view, log);
    return check('custody-chain', after.failures, `${chained}; ${after.summary}`);
  }
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
  // Item 7: a raw member is evidence only when acquisition.json and the custody log both record it.
  const custody = view.has(PATHS.custody) ? parseCustodyEvents(view.read(PATHS.custody)) : [];
  const unrecorded = unrecordedRawFiles(view.files, acquisition, custody);
  for (const p of unrecorded) failures.push({ member: p.path, reason: `raw member ${p.reason}` });
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
  return check('artifact-hashes', failures, `${artifacts.length} artifacts recorded in acquisition.json${unrecorded.length ? `, ${unrecorded.length} raw member(s) not recorded` : ''}, ${printed}`);
}

/** Check 6: report.html and report.pdf are one report, the last one the custody log published. */
export function checkReport(view: EvidenceView): VerifyCheck {
  const read = (rel: string): Buffer | null => (view.has(rel) ? view.read(rel) : null);
  const custody = view.has(PATHS.custody) ? parseCustodyEvents(view.read(PATHS.custody)) : [];
  const html = read(PATHS.reportHtml);
  const pdf = read(PATHS.reportPdf);
  if (!html && !pdf) return check('report-pair', [{ member: PATHS.report, reason: 'no report in the evidence' }], 'report.html and report.pdf are missing');
  const pair = checkReportPair(html, pdf, custody);
  return check('report-pair', pair.problems, pair.problems.length === 0 ? `report ${pair.reportId}: html and PDF published together, as the custody log records` : 'the two report files are not one published report');
}
