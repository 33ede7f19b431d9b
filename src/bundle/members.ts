// The files of an evidence folder and the SHA256SUMS list that seals them.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PATHS } from '../evidence/folder.js';

/** Files the seal itself consists of: listed in no SHA256SUMS (they sign or describe it). */
export const SEAL_FILES: readonly string[] = [PATHS.sums, PATHS.manifest, PATHS.manifestSig, PATHS.certificate, PATHS.manifestTsr];
/** The seal files every seal has (manifest.tsr only when a TSA answered). */
export const REQUIRED_SEAL_FILES: readonly string[] = [PATHS.sums, PATHS.manifest, PATHS.manifestSig, PATHS.certificate];

export interface SumEntry {
  path: string;
  sha256: string;
}

export interface FolderListing {
  /** Regular files, relative POSIX paths, in byte order. */
  files: string[];
  /** Entries that cannot be evidence members (links, devices, unsafe names). */
  problems: { path: string; reason: string }[];
}

/** Byte order of the UTF-8 names, as `LC_ALL=C sort` orders them. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Why a member name is unsafe (in a zip, in SHA256SUMS, on a file system), or null. */
export function unsafeNameReason(name: string): string | null {
  if (name.length === 0) return 'empty name';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'control character in name';
  if (name.includes('\\')) return 'backslash in name';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absolute path';
  const parts = name.split('/');
  if (parts.some((p) => p === '..')) return '".." in path';
  if (parts.some((p) => p === '.' || p === '')) return 'empty or "." path segment';
  if (Buffer.byteLength(name, 'utf8') > 1024) return 'name longer than 1024 bytes';
  return null;
}

/** Every file under dir (recursively), never following links. */
export function listFolder(dir: string): FolderListing {
  const files: string[] = [];
  const problems: FolderListing['problems'] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(dir, path));
      const unsafe = unsafeNameReason(path);
      if (stat.isDirectory()) {
        if (unsafe) problems.push({ path, reason: unsafe });
        else walk(path);
      } else if (stat.isSymbolicLink()) problems.push({ path, reason: 'symbolic link' });
      else if (!stat.isFile()) problems.push({ path, reason: 'not a regular file' });
      else if (unsafe) problems.push({ path, reason: unsafe });
      else files.push(path);
    }
  };
  walk('');
  files.sort(compareNames);
  return { files, problems };
}

/** `sha256sum -c` format: hash, two spaces, name, newline; entries in byte order of the names. */
export function formatSums(entries: SumEntry[]): string {
  return [...entries]
    .sort((a, b) => compareNames(a.path, b.path))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join('');
}

export interface ParsedSums {
  entries: SumEntry[];
  errors: { line: number; reason: string }[];
}

/** Read SHA256SUMS strictly: only the lines formatSums writes are accepted. */
export function parseSums(text: string): ParsedSums {
  const entries: SumEntry[] = [];
  const errors: ParsedSums['errors'] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else errors.push({ line: lines.length, reason: 'last line is not terminated' });
  lines.forEach((line, i) => {
    const m = /^([0-9a-f]{64})  (.+)$/.exec(line);
    const unsafe = m ? unsafeNameReason(m[2]) : null;
    if (!m) errors.push({ line: i + 1, reason: 'not "<sha256>  <path>"' });
    else if (unsafe) errors.push({ line: i + 1, reason: `${unsafe}: ${JSON.stringify(m[2])}` });
    else if (seen.has(m[2])) errors.push({ line: i + 1, reason: `listed twice: ${m[2]}` });
    else {
      seen.add(m[2]);
      entries.push({ sha256: m[1], path: m[2] });
    }
  });
  return { entries, errors };
}
