// What the checks look at: an evidence folder on disk (the original, or a zip extracted to a temporary
// folder) with its file list and a cached SHA-256 per file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256File } from '../evidence/files.js';
import { listFolder } from './members.js';
import type { CheckFailure, CheckId, VerifyCheck } from './types.js';
import { CHECK_NAMES } from './types.js';

export interface EvidenceView {
  dir: string;
  kind: 'zip' | 'folder';
  /** Regular files, relative POSIX paths, in byte order. */
  files: string[];
  /** Entries that cannot be members (links, special files, unsafe names). */
  problems: { path: string; reason: string }[];
  has(path: string): boolean;
  read(path: string): Buffer;
  sha256(path: string): Promise<string>;
}

export function viewOfFolder(dir: string, kind: 'zip' | 'folder', knownHashes?: Map<string, string>): EvidenceView {
  const listing = listFolder(dir);
  const present = new Set(listing.files);
  const cache = new Map<string, Promise<string>>();
  for (const [path, hash] of knownHashes ?? []) cache.set(path, Promise.resolve(hash));
  return {
    dir,
    kind,
    files: listing.files,
    problems: listing.problems,
    has: (path) => present.has(path),
    read: (path) => readFileSync(join(dir, path)),
    sha256: (path) => {
      let hash = cache.get(path);
      if (!hash) {
        hash = sha256File(join(dir, path));
        cache.set(path, hash);
      }
      return hash;
    },
  };
}

export function check(id: CheckId, failures: CheckFailure[], detail: string): VerifyCheck {
  return { id, name: CHECK_NAMES[id], ok: failures.length === 0, detail, failures };
}
