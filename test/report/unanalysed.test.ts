// A capture that was never analysed: `report` must not print "0 sockets, no lead" about a host whose
// raw output shows a backdoor listener. It refuses in one line, before writing anything.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture, runCli } from '../helpers/cli.js';

const NETSTAT = [
  'Active Internet connections (servers and established)',
  'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
  'tcp        0      0 0.0.0.0:1337            0.0.0.0:*               LISTEN      4242/nc',
  '',
].join('\n');

describe('report of a capture that was not analysed', () => {
  it('is refused in one line naming the folder and the command to run; nothing is written, custody unchanged', async () => {
    const { dir } = await importCapture(NETSTAT, { os: 'linux', command: 'netstat -anp', caseId: 'UNANALYSED' });
    const custody = readFileSync(join(dir, 'custody.jsonl'));
    const r = await runCli(['report', dir]);
    expect(r.exitCode).toBe(2); // as `case` refuses an unanalysed folder
    expect(r.stderr).toContain(`${dir}: not analysed yet`);
    expect(r.stderr).toContain(`netcustody analyze ${dir}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'report'))).toBe(false);
    expect(readFileSync(join(dir, 'custody.jsonl')).equals(custody)).toBe(true);
    // Once analysed, the same folder reports, and the listener is in it.
    expect((await runCli(['analyze', dir, '--quiet'])).exitCode).toBe(0);
    const ok = await runCli(['report', dir]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'report/report.html'), 'utf8')).toContain('1337');
  }, 120_000);
});
