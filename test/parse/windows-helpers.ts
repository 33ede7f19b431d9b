// Shared by the Windows parser tests: where the real samples and the synthetic fixtures live, and
// decoding files exactly as the pipeline does (decodeBytes), never by assuming UTF-8.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseResult } from '../../src/model.js';
import type { Parser } from '../../src/parse/types.js';
import { accountedLines } from '../../src/parse/result.js';
import { decodeBytes, splitLines } from '../../src/parse/text.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samplesDir = path.resolve(repoRoot, '../shared/samples');

export function fixtureBytes(name: string): Buffer {
  return readFileSync(path.join(repoRoot, 'fixtures/windows', name));
}

export function sampleBytes(relative: string): Buffer {
  return readFileSync(path.join(samplesDir, relative));
}

/** Decode like the pipeline and parse with the given parser. */
export function parseBytes(parser: Parser, bytes: Uint8Array, artifact = 'raw/01-test.stdout'): ParseResult {
  const decoded = decodeBytes(bytes);
  return parser.parse({ text: decoded.text, artifact, encoding: decoded.encoding });
}

/** Every line is a record, header, blank or unparsed line, and the total is the real line count. */
export function expectFullyAccounted(result: ParseResult, text: string): boolean {
  return result.lines.total === splitLines(text).length && accountedLines(result) === result.lines.total;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** cp850 bytes of a string (Windows OEM console code page) for the few letters the tests use. */
const CP850: Record<string, number> = { Ä: 0x8e, Ö: 0x99, Ü: 0x9a, ä: 0x84, ö: 0x94, ü: 0x81, É: 0x90, é: 0x82 };
export function toCp850(text: string): Buffer {
  const bytes: number[] = [];
  for (const ch of text) {
    const mapped = CP850[ch];
    if (mapped !== undefined) bytes.push(mapped);
    else if (ch.charCodeAt(0) < 0x80) bytes.push(ch.charCodeAt(0));
    else throw new Error(`no cp850 byte for ${ch} in this test helper`);
  }
  return Buffer.from(bytes);
}
