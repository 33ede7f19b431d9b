// Exactly what produced a report: the package version, a SHA-256 over the files that ran (anyone can
// recompute it with the shell command below), the source commit when the package is a git checkout,
// and the Node and Chromium versions. Read from files only: nothing is started on the host for it.
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256FileSync, sha256Hex } from '../evidence/files.js';
import { PACKAGE_ROOT } from '../version.js';

/** What the package hash covers: the compiled code, the default templates, the validation data. */
export const PACKAGE_HASH_PATHS = ['dist', 'templates', 'fixtures/validation', 'package.json'] as const;

export interface PackageIdentity {
  sha256: string;
  files: number;
  /** Recompute the hash with standard tools (run in the package folder). */
  command: string;
  /** HEAD of the git checkout the package runs from, or null (installed from a registry). */
  commit: string | null;
}

/** `find … -type f`: regular files only, never following links, relative POSIX paths. */
function regularFiles(root: string, rel: string, out: string[]): void {
  const full = join(root, rel);
  if (!existsSync(full)) return;
  const st = lstatSync(full);
  if (st.isFile()) out.push(rel);
  else if (st.isDirectory()) for (const name of readdirSync(full)) regularFiles(root, `${rel}/${name}`, out);
}

export function packageIdentity(root: string = PACKAGE_ROOT): PackageIdentity {
  const files: string[] = [];
  for (const p of PACKAGE_HASH_PATHS) regularFiles(root, p, files);
  files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  // The same lines `sha256sum` prints, so the shell command below gives the same digest.
  const listing = files.map((f) => `${sha256FileSync(join(root, f))}  ${f}\n`).join('');
  return {
    sha256: sha256Hex(listing),
    files: files.length,
    command: `find ${PACKAGE_HASH_PATHS.join(' ')} -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum`,
    commit: gitCommit(root),
  };
}

let cached: PackageIdentity | null = null;
/** Hashed once per process (a report run prints one; the benchmark prints many). */
export function cachedPackageIdentity(): PackageIdentity {
  cached ??= packageIdentity();
  return cached;
}

/** HEAD of a checkout from .git files (a worktree's .git is a file naming its git dir). */
export function gitCommit(root: string): string | null {
  try {
    let gitDir = join(root, '.git');
    if (!existsSync(gitDir)) return null;
    if (lstatSync(gitDir).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
      if (!m) return null;
      gitDir = resolve(root, m[1].trim());
    }
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
    if (!ref) return null;
    const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = join(dir, ref);
      if (existsSync(loose)) return readFileSync(loose, 'utf8').trim().slice(0, 40);
    }
    const packed = join(common, 'packed-refs');
    if (existsSync(packed)) {
      const line = readFileSync(packed, 'utf8').split('\n').find((l) => l.endsWith(` ${ref}`));
      if (line) return line.slice(0, 40);
    }
    return null;
  } catch {
    return null;
  }
}
