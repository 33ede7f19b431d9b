// Check 1: every member against SHA256SUMS, none missing, none extra.
import { basename } from 'node:path';
import { PATHS } from '../evidence/folder.js';
import { TEMP_NAME } from '../evidence/files.js';
import { countLines, sealedPrefixLength } from './custody-prefix.js';
import { SEAL_FILES, parseSums } from './members.js';
import type { CheckFailure, VerifyCheck } from './types.js';
import { check, type EvidenceView } from './view.js';

export async function checkMembers(view: EvidenceView): Promise<VerifyCheck> {
  const failures: CheckFailure[] = view.problems.map((p) => ({ member: p.path, reason: p.reason }));
  if (!view.has(PATHS.sums)) return check('members', [...failures, { member: PATHS.sums, reason: 'missing' }], 'SHA256SUMS is missing');
  const sums = parseSums(view.read(PATHS.sums).toString('utf8'));
  for (const e of sums.errors) failures.push({ member: PATHS.sums, line: e.line, reason: e.reason });
  const listed = new Map(sums.entries.map((e) => [e.path, e.sha256]));
  for (const file of view.files) {
    // A folder's lock belongs to a command running on it now, not to the evidence.
    if (view.kind === 'folder' && file === PATHS.lock) continue;
    if (TEMP_NAME.test(basename(file))) failures.push({ member: file, reason: 'temporary file of an interrupted run: never evidence' });
    if (!SEAL_FILES.includes(file) && !listed.has(file)) failures.push({ member: file, reason: 'extra member: not listed in SHA256SUMS' });
  }
  let appended = 0;
  for (const [path, expected] of listed) {
    if (!view.has(path)) {
      failures.push({ member: path, reason: 'missing: listed in SHA256SUMS' });
      continue;
    }
    const actual = await view.sha256(path);
    if (actual === expected) continue;
    // A folder's custody log grows after sealing (the bundling is recorded): the sealed part must be intact.
    if (view.kind === 'folder' && path === PATHS.custody) {
      const bytes = view.read(path);
      const length = sealedPrefixLength(bytes, expected);
      if (length !== null) {
        appended = countLines(bytes.subarray(length));
        continue;
      }
    }
    failures.push({ member: path, reason: `SHA-256 ${actual} differs from SHA256SUMS (${expected})` });
  }
  const ok = `${listed.size} members match SHA256SUMS`;
  const grown = appended > 0 ? `; custody.jsonl has ${appended} event(s) appended after sealing` : '';
  return check('members', failures, failures.length === 0 ? ok + grown : `${failures.length} problem(s) in ${listed.size} listed members`);
}
