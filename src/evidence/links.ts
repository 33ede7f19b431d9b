// An evidence folder holds real folders and regular files only. Every command that writes to a
// folder walks it first (lstat, never following anything) and refuses a link or a special file by
// name: `analyze` on an unzipped bundle whose report/ is a link to /etc must not write into /etc.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EvidenceError } from './errors.js';

export interface FolderEntryProblem {
  /** Path relative to the evidence folder. */
  path: string;
  what: string;
}

/** Links and special files (FIFO, socket, device) anywhere under dir; folders are entered, never followed. */
export function findLinks(dir: string): FolderEntryProblem[] {
  const found: FolderEntryProblem[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel ? join(dir, rel) : dir).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(dir, path));
      if (stat.isDirectory()) walk(path);
      else if (stat.isSymbolicLink()) found.push({ path, what: `a symbolic link (→ ${linkTarget(join(dir, path))})` });
      else if (!stat.isFile()) found.push({ path, what: 'a special file (FIFO, socket or device)' });
    }
  };
  walk('');
  return found;
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '?';
  }
}

/** Throws a one-line error naming every link or special file in the folder (the command does nothing). */
export function assertNoLinks(dir: string, command: string): void {
  const found = findLinks(dir);
  if (found.length === 0) return;
  const list = found.slice(0, 5).map((f) => `${f.path} is ${f.what}`).join('; ');
  const more = found.length > 5 ? `; and ${found.length - 5} more` : '';
  throw new EvidenceError(
    `refusing to ${command} ${dir}: ${list}${more}; netcustody never follows links inside an evidence folder`,
    'an evidence folder holds real folders and regular files only: replace or remove what is named, then run the command again',
  );
}
