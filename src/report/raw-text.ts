// Reading raw artifacts for quotation: the evidence line of a finding (artifact:line) and the
// appendix excerpts. Decoded the same way the parsers decoded them; files outside the folder refused.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { decodeBytes, splitLines } from '../parse/text.js';

export interface RawFile {
  lines: string[];
  encoding: string;
  bytes: number;
}

export type RawCache = Map<string, RawFile | null>;

/** Artifact paths come from JSON files; never follow one out of the evidence folder. */
export function insideFolder(dir: string, artifact: string): string | null {
  if (isAbsolute(artifact) || artifact.includes('\0')) return null;
  const full = resolve(dir, artifact);
  const rel = relative(resolve(dir), full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return full;
}

export function readRaw(dir: string, artifact: string, cache: RawCache): RawFile | null {
  if (cache.has(artifact)) return cache.get(artifact) ?? null;
  const full = insideFolder(dir, artifact);
  let file: RawFile | null = null;
  if (full && existsSync(full)) {
    const bytes = readFileSync(full);
    const decoded = decodeBytes(bytes);
    file = { lines: splitLines(decoded.text), encoding: decoded.encoding, bytes: bytes.length };
  }
  cache.set(artifact, file);
  return file;
}

export interface QuotedLine {
  artifact: string;
  line: number;
  /** The line exactly as decoded (null when it cannot be found). */
  text: string | null;
  problem: string | null;
}

export function quoteLine(dir: string, artifact: string, line: number, cache: RawCache): QuotedLine {
  const file = readRaw(dir, artifact, cache);
  if (!file) return { artifact, line, text: null, problem: 'artifact not found in the evidence folder' };
  if (!Number.isInteger(line) || line < 1 || line > file.lines.length) return { artifact, line, text: null, problem: `the file has ${file.lines.length} lines` };
  return { artifact, line, text: file.lines[line - 1], problem: null };
}

export interface Excerpt {
  lines: { n: number; text: string }[];
  totalLines: number;
  shownBytes: number;
  truncated: boolean;
  encoding: string;
}

/** The first lines of a raw file up to `limitBytes` (UTF-8 size of the shown text), cut at a line end. */
export function excerpt(dir: string, artifact: string, limitBytes: number, cache: RawCache): Excerpt | null {
  const file = readRaw(dir, artifact, cache);
  if (!file) return null;
  const out: { n: number; text: string }[] = [];
  let used = 0;
  for (let i = 0; i < file.lines.length; i++) {
    const size = Buffer.byteLength(file.lines[i], 'utf8') + 1;
    if (used + size > limitBytes && out.length > 0) break;
    used += size;
    out.push({ n: i + 1, text: file.lines[i] });
    if (used > limitBytes) break;
  }
  return { lines: out, totalLines: file.lines.length, shownBytes: used, truncated: out.length < file.lines.length, encoding: file.encoding };
}
