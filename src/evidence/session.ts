// What every command that writes to an existing evidence folder does first: take the folder's lock,
// refuse links and special files inside it, and clear the temporary files of runs that died
// (SIGKILL, power loss) — logged, so that nothing half-written is ever sealed.
import { lstatSync, readdirSync, realpathSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { appendCustody } from './custody.js';
import { EvidenceError } from './errors.js';
import { TEMP_NAME } from './files.js';
import { PATHS } from './folder.js';
import { assertNoLinks } from './links.js';
import { processAlive, withFolderLock } from './lock.js';

export interface FolderWorkOptions {
  /** Who is named in the custody log for a lock takeover or a temp cleanup. */
  actor: string;
  waitMs?: number;
}

/** Run `work` on the evidence folder (its real path) under its lock, after the checks above. */
export async function withEvidenceFolder<T>(dir: string, command: string, options: FolderWorkOptions, work: (folder: string) => Promise<T>): Promise<T> {
  let folder: string;
  try {
    folder = realpathSync(dir);
  } catch {
    throw new EvidenceError(`${dir}: not an evidence folder (no such folder, so no acquisition.json)`);
  }
  if (!lstatSync(folder).isDirectory()) throw new EvidenceError(`${dir}: not a folder`);
  // Never leave a lock file in a folder that is not evidence (a typo such as `analyze /tmp`).
  if (!lstatSync(join(folder, PATHS.acquisition), { throwIfNoEntry: false })) {
    throw new EvidenceError(`${join(folder, PATHS.acquisition)}: not an evidence folder (acquisition.json is missing)`);
  }
  return withFolderLock(folder, command, { actor: options.actor, waitMs: options.waitMs }, async () => {
    assertNoLinks(folder, command);
    removeDeadTemps(folder, options.actor);
    return work(folder);
  });
}

/** `<name>.tmp-<pid>` files outside raw/ whose process is gone; raw/ is never touched. */
export function deadTempFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel ? join(folder, rel) : folder)) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(folder, path));
      if (stat.isDirectory()) {
        if (path !== PATHS.raw) walk(path);
        continue;
      }
      const m = TEMP_NAME.exec(name);
      if (m && stat.isFile() && !processAlive(Number(m[1]), null)) out.push(path);
    }
  };
  walk('');
  return out.sort();
}

function removeDeadTemps(folder: string, actor: string): void {
  const dead = deadTempFiles(folder);
  if (dead.length === 0) return;
  for (const path of dead) unlinkSync(join(folder, path));
  appendCustody(folder, {
    actor,
    action: 'temporary files removed',
    object: null,
    details: { files: dead, reason: 'left by a netcustody run that is no longer running; never evidence, never sealed' },
  });
}
