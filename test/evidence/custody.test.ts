import { readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendCustody, appendCustodyEvents, custodyDurable, GENESIS_PREV, verifyCustodyChain, verifyCustodyFile } from '../../src/evidence/custody.js';
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

// Fleets: "command started" lines are written at once and flushed on the thread pool; the collector
// awaits custodyDurable before a step's result. The lines and chain are those of a flushed append.
describe('custody lines flushed later (SSH fleets)', () => {
  const events = (n: number) => Array.from({ length: n }, (_, i) => ({ actor: 'tester', action: `step ${i}`, object: `o-${i}`, time: `2026-01-01T00:00:0${i}.000Z` }));

  it('writes the same bytes and chain as flushed appends, in order, and custodyDurable waits for the flush', async () => {
    const now = tempDir();
    const later = tempDir();
    for (const e of events(8)) appendCustodyEvents(now, [e]);
    // Appends while a flush runs: the next flush covers all of them.
    const pending = events(8).map((e) => appendCustodyEvents(later, [e], 'later'));
    expect(pending.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Written at once: readable (and chained) before the flush finished.
    expect(readFileSync(join(later, 'custody.jsonl'))).toEqual(readFileSync(join(now, 'custody.jsonl')));
    await custodyDurable(later);
    await custodyDurable(later);
    expect(verifyCustodyFile(later)).toEqual({ ok: true, events: 8, firstBrokenLine: null, reason: null });
  });

  it('a flush that fails is reported by custodyDurable in one line naming custody.jsonl', async () => {
    const dir = tempDir();
    appendCustodyEvents(dir, events(1), 'later');
    appendCustodyEvents(dir, events(2).slice(1), 'later');
    // The queued flush finds a link in the file's place: it is refused, and that is not lost.
    renameSync(join(dir, 'custody.jsonl'), join(dir, 'moved.jsonl'));
    symlinkSync(join(dir, 'moved.jsonl'), join(dir, 'custody.jsonl'));
    await expect(custodyDurable(dir)).rejects.toThrow(/^custody\.jsonl could not be flushed to disk: .*custody\.jsonl/);
    // Reported once; the flushes after it are clean again.
    await expect(custodyDurable(dir)).resolves.toBeUndefined();
  });
});
