import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A real small filesystem for full-disk faults: `mount -t tmpfs -o size=…`, unmounted afterwards.
// Needs root (the suite runs as root; CI too).

/** Mount a tmpfs of `kib` KiB (plus mount options such as nr_inodes=N), run `fn` with its path, always unmount. */
export async function withTmpfs<T>(kib: number, fn: (dir: string) => Promise<T>, extraOptions = ''): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'nc-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0755${extraOptions ? `,${extraOptions}` : ''}`, 'tmpfs', dir]);
  try {
    return await fn(dir);
  } finally {
    execFileSync('umount', [dir]);
    rmdirSync(dir);
  }
}

/** Fill the filesystem holding `dir` until a write fails, leaving it with (about) no free byte. */
export function fillUp(dir: string): void {
  const chunk = Buffer.alloc(4096, 0x61);
  const path = join(dir, 'filler');
  writeFileSync(path, '');
  try {
    for (;;) writeFileSync(path, chunk, { flag: 'a' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
}
