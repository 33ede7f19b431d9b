// Loading real samples and project fixtures the way `analyze` does: bytes → decodeBytes → parseText.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection, ParseResult } from '../../src/model.js';
import { parseText } from '../../src/parse/registry.js';
import { accountedLines } from '../../src/parse/result.js';
import { decodeBytes, splitLines } from '../../src/parse/text.js';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const samplesDir = path.resolve(repoRoot, '../shared/samples');

export function parseFile(file: string, artifact = `raw/${path.basename(file)}`): ParseResult {
  const decoded = decodeBytes(readFileSync(file));
  return parseText(decoded.text, artifact, decoded.encoding);
}

export const sample = (rel: string): ParseResult => parseFile(path.join(samplesDir, rel));
export const fixture = (rel: string): ParseResult => parseFile(path.join(repoRoot, 'fixtures', rel));

/** Every line counted once, and the total is the number of lines of the text. */
export function expectAccounted(result: ParseResult, text?: string): boolean {
  const totalOk = text === undefined || result.lines.total === splitLines(text).length;
  return totalOk && accountedLines(result) === result.lines.total && result.unparsed.length === result.lines.unparsed;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export const atLine = (connections: Connection[], line: number): Connection | undefined => connections.find((c) => c.source.line === line);
