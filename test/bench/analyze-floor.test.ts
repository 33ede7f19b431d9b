// The bench's floor program (src/bench/analyze-floor.ts) stands for "the least any analyze must do"
// beside the 3× jc target: it must write the same socket values analyze writes, or the floor would be
// a straw man. Compared row by row with parsed/connections.json of a real analyze (timings are only
// printed by `npm run bench`, never asserted).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { generateLinuxNetstat } from '../../src/parse/linux-netstat-gen.js';
import { importCapture, REPO, runCli } from '../helpers/cli.js';

const FLOOR = join(REPO, 'dist/bench/analyze-floor.js');

describe('analyze floor program', () => {
  it("writes every inet socket of a netstat -anp capture with analyze's values in the 14 columns", async () => {
    const { work, file, dir } = await importCapture(generateLinuxNetstat(3000), { os: 'linux', command: 'netstat -anp', caseId: 'FLOOR-1' });
    const an = await runCli(['analyze', dir, '--quiet', '--examiner', 'T']);
    expect(an.exitCode, an.stderr).toBe(0);
    const out = join(work, 'floor.json');
    const r = await execa(process.execPath, [FLOOR, file, out]);
    const printed = JSON.parse(r.stdout) as { rows: number; sha256: string };

    const [header, ...rows] = JSON.parse(readFileSync(join(dir, 'parsed/connections.json'), 'utf8')) as [{ $columns: string[] }, ...unknown[][]];
    expect(header.$columns).toEqual(['protocol', 'ipVersion', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'stateRaw', 'pid', 'process', 'source', 'protoRaw', 'recvQ', 'sendQ']);
    const floor = JSON.parse(readFileSync(out, 'utf8')) as unknown[][];
    expect(printed.rows).toBe(floor.length);
    expect(floor.length).toBe(rows.length);
    expect(floor.length).toBeGreaterThan(2000);
    // analyze may add an object of rarer fields ({"processTruncated":true}) after the 14 values.
    expect(floor).toEqual(rows.map((row) => row.slice(0, 14)));
  });
});
