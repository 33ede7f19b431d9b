// Megabytes of random bytes: every line is still accounted for, but what is stored per unparsed
// line is bounded (line number, an excerpt, counts), so memory and parse-report.json stay
// proportional to a few hundred lines instead of growing with the garbage (issue 11, item 15).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_UNPARSED, MAX_QUOTED, accountedLines } from '../../src/parse/result.js';
import { parseText } from '../../src/parse/registry.js';
import { decodeBytes } from '../../src/parse/text.js';
import type { ParseReport } from '../../src/parse/report-types.js';
import { seededRandom } from '../../src/seeded-random.js';
import { runCli, tempDir } from '../helpers/cli.js';

function randomBytes(n: number, seed: number): Buffer {
  const rand = seededRandom(seed);
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

describe('garbage input', () => {
  it('random bytes: every line counted, only the first lines listed, the rest counted by reason', () => {
    const { text, encoding } = decodeBytes(randomBytes(4 << 20, 7));
    const r = parseText(text, 'raw/01-import-random.bin', encoding);
    expect(r.format).toBe('unknown');
    expect(r.lines.total).toBeGreaterThan(10_000);
    expect(accountedLines(r)).toBe(r.lines.total);
    expect(r.unparsed).toHaveLength(MAX_LISTED_UNPARSED);
    expect(r.unparsedNotListed).toBe(r.lines.unparsed - MAX_LISTED_UNPARSED);
    expect(r.unparsedReasons).toEqual({ 'format not recognised': r.lines.unparsed });
    for (const u of r.unparsed) expect(u.text.length).toBeLessThanOrEqual(MAX_QUOTED + 20);
    expect(r.unparsed.map((u) => u.line)).toEqual([...r.unparsed.map((u) => u.line)].sort((a, b) => a - b));
    expect(r.warnings.join('\n')).toMatch(new RegExp(`${r.lines.unparsed} lines kept unparsed; only the first ${MAX_LISTED_UNPARSED} are listed, ${r.unparsedNotListed} more are counted by reason`));
  });

  it('a known format with garbage appended keeps its records and caps only the listing', () => {
    const netstat = 'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\ntcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      812/sshd\n';
    const junk = Array.from({ length: 5000 }, (_, i) => `junk line ${i} that is no socket row`).join('\n');
    const r = parseText(`${netstat}${junk}\n`, 'raw/01-netstat-anp.stdout', 'utf-8');
    expect(r.connections).toHaveLength(1);
    expect(r.lines.unparsed).toBe(5000);
    expect(accountedLines(r)).toBe(r.lines.total);
    expect(r.unparsed).toHaveLength(MAX_LISTED_UNPARSED);
    expect(r.unparsed[0]).toMatchObject({ line: 4, text: 'junk line 0 that is no socket row' });
    expect(Object.values(r.unparsedReasons).reduce((a, b) => a + b, 0)).toBe(5000);
  });

  it('analyze of 8 MB of random bytes writes a small parse-report.json that still accounts for every line', async () => {
    const work = tempDir();
    const file = join(work, 'random.bin');
    writeFileSync(file, randomBytes(8 << 20, 11));
    const out = tempDir();
    const imp = await runCli(['import', file, '--out', out, '--json']);
    expect(imp.exitCode, imp.stderr).toBe(0);
    const dir = JSON.parse(imp.stdout).evidenceDir;
    const r = await runCli(['analyze', dir, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const reportPath = join(dir, 'parsed/parse-report.json');
    // Before the cap: about 3 bytes of report per byte of garbage (24 MB here).
    expect(statSync(reportPath).size).toBeLessThan(512 * 1024);
    const report: ParseReport = JSON.parse(readFileSync(reportPath, 'utf8'));
    const a = report.artifacts[0];
    expect(a.lines.records + a.lines.headers + a.lines.blank + a.lines.unparsed).toBe(a.lines.total);
    expect(a.unparsed.length + a.unparsedNotListed!).toBe(a.lines.unparsed);
    expect(report.totals.unparsedLines).toBe(a.lines.unparsed);
    expect(JSON.parse(r.stdout).counts.unparsedLines).toBe(a.lines.unparsed);
    expect(r.stderr).toMatch(new RegExp(`… ${a.lines.unparsed - 5} more unparsed lines in raw/01-import-random\\.bin`));
  });
});
