import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeNewFileSync } from '../evidence/files.js';

// Space held back in the evidence folder while commands write their output: when the disk fills
// up, it is released so acquisition.json and custody.jsonl can still record what failed.
// Random bytes, so a compressing filesystem cannot shrink it to nothing. The name is a temp name
// (*.tmp-PID): never recorded, never sealed, removed before collect returns.

/** Room for acquisition.json (written beside its old copy) and the custody events of a whole profile. */
export const RESERVE_BYTES = 256 * 1024;

export interface Reserve {
  /** Free the space (idempotent). */
  release(): void;
}

/** Throws (ENOSPC …) when there is not even room for the reserve: nothing has been collected yet. */
export function holdReserve(dir: string): Reserve {
  const path = join(dir, `reserve.tmp-${process.pid}`);
  try {
    writeNewFileSync(path, randomBytes(RESERVE_BYTES));
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(path, { force: true });
    },
  };
}

/** Errors that mean "the disk (or quota) is full", as opposed to a bug. */
export function isNoSpace(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}
