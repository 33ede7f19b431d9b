// A case bundle (netcustody case) holds no raw artifacts of its own: instead of the artifact-hash check
// it has this one. case.json must list every host bundle under hosts/ with its SHA-256, and each host
// bundle must pass every check of `verify` on its own (it is in the case bundle unchanged).
import { join } from 'node:path';
import type { CheckFailure, VerifyCheck, VerifyOptions, VerifyReport } from './types.js';
import { check, type EvidenceView } from './view.js';

export const CASE_JSON = 'case.json';

/** A case folder or bundle: case.json and no acquisition record. */
export function isCaseLayout(view: EvidenceView): boolean {
  return view.has(CASE_JSON) && !view.has('acquisition.json');
}

interface CaseHostEntry {
  key?: unknown;
  name?: unknown;
  bundle?: { file?: unknown; sha256?: unknown } | null;
}

export async function checkHostBundles(view: EvidenceView, options: VerifyOptions, verify: (path: string, options: VerifyOptions) => Promise<VerifyReport>): Promise<VerifyCheck> {
  let hosts: CaseHostEntry[];
  try {
    const parsed = JSON.parse(view.read(CASE_JSON).toString('utf8')) as { format?: unknown; hosts?: unknown };
    if (parsed.format !== 'netcustody-case/1' || !Array.isArray(parsed.hosts)) throw new Error('not a netcustody-case/1 file with a hosts list');
    hosts = parsed.hosts as CaseHostEntry[];
  } catch (err) {
    return check('host-bundles', [{ member: CASE_JSON, reason: (err as Error).message }], 'case.json is unreadable');
  }
  const failures: CheckFailure[] = [];
  const listed = new Set<string>();
  let verified = 0;
  for (const h of hosts) {
    const file = h?.bundle?.file;
    const sha = h?.bundle?.sha256;
    if (h?.bundle === null) continue;
    if (typeof file !== 'string' || typeof sha !== 'string' || !/^hosts\/[A-Za-z0-9._-]+\.zip$/.test(file)) {
      failures.push({ member: CASE_JSON, reason: `host ${String(h?.key)}: malformed bundle entry` });
      continue;
    }
    listed.add(file);
    if (!view.has(file)) {
      failures.push({ member: file, reason: 'named in case.json but missing' });
      continue;
    }
    const actual = await view.sha256(file);
    if (actual !== sha) {
      failures.push({ member: file, reason: `SHA-256 ${actual} differs from case.json (${sha})` });
      continue;
    }
    // Each host bundle is checked as `netcustody verify` checks it alone.
    const r = await verify(join(view.dir, file), { ...options, requireTrust: options.requireTrust });
    if (!r.ok) {
      for (const c of r.checks.filter((x) => !x.ok)) failures.push({ member: file, reason: `host bundle fails ${c.id}: ${c.failures[0]?.reason ?? c.detail}` });
    } else verified++;
  }
  for (const f of view.files) if (f.startsWith('hosts/') && !listed.has(f)) failures.push({ member: f, reason: 'a file under hosts/ that case.json does not name' });
  return check('host-bundles', failures, `${verified} host bundle(s) under hosts/ match case.json and pass every check on their own`);
}
