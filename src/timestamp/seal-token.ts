// manifest.tsr: the RFC 3161 token over SHA256SUMS, beside the seal in the evidence folder and in the
// zip. A token over the current SHA256SUMS is kept (bundling again gives the same zip); one over an
// older SHA256SUMS is stale and removed; a TSA is asked only when there is none. Every outcome
// (added, failed, removed) is a custody event: when, which TSA, what it answered.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendCustody } from '../evidence/custody.js';
import { PATHS } from '../evidence/folder.js';
import { readFileNoFollow, sha256Hex, writeFileDurableSync } from '../evidence/files.js';
import { requestTimestamp, type TsaSettings } from './client.js';
import { checkToken, tokenOfTsr, type TimestampCheck } from './token.js';

export interface TimestampRecord {
  tsaUrl: string | null;
  genTime: string;
  accuracy: string | null;
  tsa: string | null;
  tsaCertificateSha256: string | null;
  serial: string | null;
  policy: string | null;
  tokenSha256: string;
  trusted: boolean;
}

export interface StampResult {
  /** The manifest.tsr bytes (a TimeStampResp). added: a TSA answered now; kept: the folder's token still covers SHA256SUMS; failed: no TSA gave a good token; none: no TSA asked. */
  status: 'added' | 'kept' | 'failed' | 'none';
  token: Buffer | null;
  record: TimestampRecord | null;
  /** Why it failed (each TSA and its reason). */
  reason: string | null;
}

export function recordOf(check: TimestampCheck, token: Buffer, url: string | null): TimestampRecord {
  return {
    tsaUrl: url,
    genTime: check.genTime ?? '',
    accuracy: check.accuracy,
    tsa: check.tsa?.subject ?? null,
    tsaCertificateSha256: check.tsa?.fingerprint ?? null,
    serial: check.serial,
    policy: check.policy,
    tokenSha256: sha256Hex(token),
    trusted: check.trusted,
  };
}

/** Called under the folder's lock, after sealing. */
export async function stampSeal(folder: string, sums: Buffer, settings: TsaSettings | null, actor: string): Promise<StampResult> {
  const path = join(folder, PATHS.manifestTsr);
  if (existsSync(path)) {
    const tsr = readFileNoFollow(path);
    let check: TimestampCheck | null = null;
    try {
      check = checkToken(tokenOfTsr(tsr), { data: sums, anchors: settings?.anchors ?? [] });
    } catch {
      // Not a readable response: stale or damaged, removed below.
    }
    if (check?.imprintMatches && check.signatureValid) return { status: 'kept', token: tsr, record: recordOf(check, tsr, null), reason: null };
    rmSync(path, { force: true });
    appendCustody(folder, {
      actor,
      action: 'timestamp removed',
      object: PATHS.manifestTsr,
      sha256: sha256Hex(tsr),
      details: { reason: `it does not cover the current SHA256SUMS (${check?.problems.join('; ') ?? 'not a TimeStampResp'})`, sha256sumsSha256: sha256Hex(sums) },
    });
  }
  if (!settings || settings.urls.length === 0) return { status: 'none', token: null, record: null, reason: null };
  const outcome = await requestTimestamp(sums, settings);
  if (!outcome.ok) {
    appendCustody(folder, {
      actor,
      action: 'timestamp failed',
      object: PATHS.sums,
      sha256: sha256Hex(sums),
      details: { attempts: outcome.attempts, note: 'the bundle is sealed without a trusted timestamp; add one later with netcustody timestamp' },
    });
    return { status: 'failed', token: null, record: null, reason: outcome.reason };
  }
  // The whole TimeStampResp, as `openssl ts -verify -in manifest.tsr` expects it.
  writeFileDurableSync(path, outcome.response);
  const record = recordOf(outcome.check, outcome.response, outcome.url);
  appendCustody(folder, {
    actor,
    action: 'timestamp added',
    object: PATHS.manifestTsr,
    sha256: record.tokenSha256,
    details: { covers: PATHS.sums, sha256sumsSha256: sha256Hex(sums), ...record, attempts: outcome.attempts },
  });
  return { status: 'added', token: outcome.response, record, reason: null };
}
