// What the examiner states about files captured elsewhere: when, by whom, on which host, with which
// command, and the SHA-256 taken at the scene. Statements are recorded as such ("as stated"); the
// scene hash is the one statement this tool can check, and a file that does not match is refused
// before anything is copied.
import { statSync } from 'node:fs';
import { EvidenceError } from '../evidence/folder.js';
import { sha256File } from '../evidence/files.js';

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
/** A stated capture time this far ahead of this machine's clock is a typo, not a statement. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** `--captured-at`: an ISO-8601 time with its zone (Z or ±hh:mm), returned as UTC ISO-8601. */
export function parseCapturedAt(value: string, now = new Date()): string {
  const v = value.trim();
  const d = ISO_WITH_ZONE.test(v) ? new Date(v.replace(' ', 'T')) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    throw new EvidenceError(`--captured-at "${value}": not a time with its zone`, 'give UTC like 2026-11-28T10:15:00Z (or an offset like +01:00)', 2);
  }
  if (d.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new EvidenceError(`--captured-at ${d.toISOString()} is later than this machine's clock (${now.toISOString()})`, 'check the time and its zone', 2);
  }
  return d.toISOString();
}

/** `--source-hash`: 64 hex digits (as sha256sum prints them), lower-cased. */
export function parseSourceHash(value: string): string {
  const v = value.trim().split(/\s+/)[0];
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw new EvidenceError(`--source-hash "${value}": not a SHA-256 (64 hex digits)`, undefined, 2);
  return v.toLowerCase();
}

/** One stated hash per file, in the order the files are given. */
export function pairSourceHashes(files: string[], hashes: string[]): (string | null)[] {
  if (hashes.length === 0) return files.map(() => null);
  if (hashes.length !== files.length) {
    throw new EvidenceError(`${hashes.length} --source-hash value(s) for ${files.length} file(s)`, 'give one --source-hash per file, in the order of the files', 2);
  }
  return hashes.map(parseSourceHash);
}

/** Hash each file against the hash taken at the scene; the first mismatch stops the import. */
export async function checkSourceHashes(files: string[], stated: (string | null)[]): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    const want = stated[i];
    if (!want) continue;
    // Never hash a FIFO or device: reading one blocks or never ends.
    if (!statSync(files[i]).isFile()) throw new EvidenceError(`${files[i]}: not a regular file`);
    const got = await sha256File(files[i]);
    if (got !== want) {
      throw new EvidenceError(`${files[i]}: SHA-256 ${got} does not match the hash taken at the scene (--source-hash ${want}); nothing was imported`, 'the file is not the one that was hashed at the scene: check the media and the hash');
    }
  }
}
