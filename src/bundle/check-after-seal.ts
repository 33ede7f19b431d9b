// A folder's custody log goes on after sealing: the "bundle created" event (the zip's SHA-256) and
// anything done since. The tail of a hash chain protects nothing by itself (the last line can be
// edited or dropped), so a folder's verification ties it to what it describes: the folder's current
// seal must be followed by the event that made its bundle, and every bundle the log records must
// still be where it was written, with the recorded SHA-256.
import { lstatSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { CustodyEvent } from '../model.js';
import { splitRawLines } from '../evidence/custody.js';
import { PATHS } from '../evidence/folder.js';
import { sha256File, sha256Hex, readFileNoFollow } from '../evidence/files.js';
import { countLines, sealedPrefixLength } from './custody-prefix.js';
import { parseSums } from './members.js';
import type { CheckFailure } from './types.js';
import type { EvidenceView } from './view.js';

export const BUNDLE_CREATED = 'bundle created';

interface BundleDetails {
  outDir?: unknown;
  zipRelative?: unknown;
  sha256sumsSha256?: unknown;
  custodyEventsSealed?: unknown;
}

export interface AfterSeal {
  failures: CheckFailure[];
  /** For the detail line, e.g. "2 bundles recorded, each found with its SHA-256". */
  summary: string;
}

/** Only for an evidence folder on disk (a zip's log ends at its seal). `log` is the folder's custody.jsonl. */
export async function checkAfterSeal(view: EvidenceView, log: Buffer): Promise<AfterSeal> {
  const failures: CheckFailure[] = [];
  const events = splitRawLines(log).map(parseEvent);
  const bundles = events.map((e, i) => ({ e, line: i + 1 })).filter((x) => x.e?.action === BUNDLE_CREATED);
  if (view.has(PATHS.sums)) {
    const sums = view.read(PATHS.sums);
    const entry = parseSums(sums.toString('utf8')).entries.find((e) => e.path === PATHS.custody);
    const prefix = entry ? sealedPrefixLength(log, entry.sha256) : null;
    // A seal whose custody hash matches no prefix is the members check's failure; here only what follows it.
    if (prefix !== null) {
      const sealedEvents = countLines(log.subarray(0, prefix));
      const sumsSha = sha256Hex(sums);
      const made = bundles.find(({ e, line }) => line > sealedEvents && details(e).sha256sumsSha256 === sumsSha && details(e).custodyEventsSealed === sealedEvents);
      if (!made) {
        failures.push({
          member: PATHS.custody,
          reason: `the folder was sealed after line ${sealedEvents} (SHA256SUMS ${sumsSha}) but no "${BUNDLE_CREATED}" event for that seal follows: it was edited or removed, or the bundling did not finish`,
        });
      }
    }
  }
  for (const { e, line } of bundles) {
    const failure = await checkRecordedZip(view.dir, e!, line);
    if (failure) failures.push(failure);
  }
  const summary = bundles.length === 0 ? 'no bundle recorded' : `${bundles.length} bundle(s) recorded${failures.length === 0 ? ', each zip found with its recorded SHA-256' : ''}`;
  return { failures, summary };
}

function parseEvent(line: Buffer): CustodyEvent | null {
  try {
    const v = JSON.parse(line.toString('utf8')) as CustodyEvent;
    return v && typeof v === 'object' ? v : null;
  } catch {
    return null;
  }
}

function details(e: CustodyEvent | null): BundleDetails {
  const d = e?.details;
  return d && typeof d === 'object' ? (d as BundleDetails) : {};
}

/** The zip a "bundle created" line names: found beside the folder as it was, or where it was written. */
async function checkRecordedZip(folder: string, e: CustodyEvent, line: number): Promise<CheckFailure | null> {
  const name = typeof e.object === 'string' ? e.object : '';
  if (!/^[^/\\\0]+\.zip$/.test(name) || typeof e.sha256 !== 'string') {
    return { member: PATHS.custody, line, reason: `"${BUNDLE_CREATED}" event without a zip name and SHA-256` };
  }
  const d = details(e);
  const candidates = [
    typeof d.zipRelative === 'string' && basename(d.zipRelative) === name && !isAbsolute(d.zipRelative) ? resolve(folder, d.zipRelative) : null,
    typeof d.outDir === 'string' && isAbsolute(d.outDir) ? join(d.outDir, name) : null,
    join(dirname(folder), name),
  ].filter((p): p is string => p !== null);
  // The first place holding the recorded bytes counts (a copy of the case folder may hold its own zip of that name).
  const existing = [...new Set(candidates)].filter(isRegularFile);
  if (existing.length === 0) {
    return { member: PATHS.custody, line, reason: `the bundle ${name} recorded here (SHA-256 ${e.sha256}) is gone: not found at ${[...new Set(candidates)].join(' or ')}` };
  }
  let found: string | null = null;
  let firstActual = '';
  for (const path of existing) {
    const actual = await sha256File(path);
    if (actual === e.sha256) {
      found = path;
      break;
    }
    firstActual ||= actual;
  }
  if (!found) return { member: PATHS.custody, line, reason: `${existing[0]} has SHA-256 ${firstActual}, the custody log records ${e.sha256} for it` };
  const side = `${found}.sha256`;
  if (isRegularFile(side)) {
    const stated = /^([0-9a-f]{64}) /.exec(readFileNoFollow(side).toString('utf8'))?.[1];
    if (stated !== e.sha256) return { member: PATHS.custody, line, reason: `${side} states ${stated ?? 'no hash'}, the custody log records ${e.sha256}` };
  }
  return null;
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}
