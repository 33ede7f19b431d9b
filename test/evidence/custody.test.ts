import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendCustody, GENESIS_PREV, verifyCustodyChain, verifyCustodyFile } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import { tempDir } from '../helpers/cli.js';

function fiveEvents(): { dir: string; lines: string[] } {
  const dir = tempDir();
  for (let i = 0; i < 5; i++) appendCustody(dir, { actor: 'tester', action: `step ${i}`, object: `obj-${i}` });
  const lines = readFileSync(join(dir, 'custody.jsonl'), 'utf8').trimEnd().split('\n');
  return { dir, lines };
}

const check = (lines: string[]) => verifyCustodyChain(Buffer.from(`${lines.join('\n')}\n`));

describe('custody chain', () => {
  it('links each line to the SHA-256 of the previous line bytes', () => {
    const { dir, lines } = fiveEvents();
    expect(JSON.parse(lines[0]).prev).toBe(GENESIS_PREV);
    for (let i = 1; i < lines.length; i++) expect(JSON.parse(lines[i]).prev).toBe(sha256Hex(lines[i - 1]));
    expect(verifyCustodyFile(dir)).toEqual({ ok: true, events: 5, firstBrokenLine: null, reason: null });
  });

  it('names the first broken line when a line is changed', () => {
    const { lines } = fiveEvents();
    lines[2] = lines[2].replace('step 2', 'step X');
    expect(check(lines)).toMatchObject({ ok: false, firstBrokenLine: 4 });
  });

  it('detects a removed line', () => {
    const { lines } = fiveEvents();
    lines.splice(1, 1);
    expect(check(lines)).toMatchObject({ ok: false, firstBrokenLine: 2 });
  });

  it('detects an inserted line', () => {
    const { lines } = fiveEvents();
    const forged = { ...JSON.parse(lines[2]), action: 'forged' };
    lines.splice(3, 0, JSON.stringify(forged));
    expect(check(lines)).toMatchObject({ ok: false, firstBrokenLine: 4 });
  });

  it('detects reordered lines', () => {
    const { lines } = fiveEvents();
    [lines[1], lines[2]] = [lines[2], lines[1]];
    expect(check(lines)).toMatchObject({ ok: false, firstBrokenLine: 2 });
  });

  it('detects a truncated last line and invalid JSON', () => {
    const { dir, lines } = fiveEvents();
    const path = join(dir, 'custody.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`.slice(0, -5));
    expect(verifyCustodyFile(dir).ok).toBe(false);
    expect(check([lines[0], '{not json'])).toMatchObject({ ok: false, firstBrokenLine: 2, reason: 'not valid JSON' });
    expect(check([lines[0], 'null'])).toMatchObject({ ok: false, firstBrokenLine: 2, reason: 'not a custody event object' });
  });
});
