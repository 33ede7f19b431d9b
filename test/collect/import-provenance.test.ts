// What the examiner states about imported files: recorded per import and in custody; the hash taken
// at the scene is checked against the file before anything is copied.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chronyOffset, timesyncOffset } from '../../src/collect/host.js';
import { parseCapturedAt } from '../../src/collect/import-provenance.js';
import { readCustody } from '../../src/evidence/custody.js';
import { sha256Hex } from '../../src/evidence/files.js';
import type { Acquisition } from '../../src/model.js';
import { REPO, runCli, tempDir } from '../helpers/cli.js';

const NETSTAT = join(REPO, 'fixtures/scenarios/windows-srss-backdoor/netstat-anob.txt');
const ROUTE = join(REPO, 'fixtures/scenarios/windows-srss-backdoor/route-print.txt');
const sha = (p: string) => sha256Hex(readFileSync(p));

describe('import provenance as stated', () => {
  it('records capture time (in UTC), who captured, host, command and the matching scene hash, per import and in custody', async () => {
    const out = tempDir();
    const r = await runCli(['import', NETSTAT, '--command', 'netstat -anob', '--host', 'WS-ACCT-07', '--captured-at', '2026-11-28T11:15:00+01:00', '--captured-by', 'PC Jones', '--source-hash', sha(NETSTAT).toUpperCase(), '--out', out, '--examiner', 'E. X', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const dir = JSON.parse(r.stdout).evidenceDir;
    const acq: Acquisition = JSON.parse(readFileSync(join(dir, 'acquisition.json'), 'utf8'));
    expect(acq.imports[0]).toMatchObject({ statedCapturedAt: '2026-11-28T10:15:00.000Z', statedCapturedBy: 'PC Jones', statedHost: 'WS-ACCT-07', statedCommand: 'netstat -anob', statedSourceSha256: sha(NETSTAT) });
    const ev = readCustody(dir).find((e) => e.action === 'artifact imported')!;
    expect(ev.details).toMatchObject({ statedCapturedAt: '2026-11-28T10:15:00.000Z', statedCapturedBy: 'PC Jones', statedSourceSha256: sha(NETSTAT), sourceHashMatches: true });
  });

  it('refuses a file that does not match the hash taken at the scene: exit 1, no folder, nothing in raw/', async () => {
    const out = tempDir();
    const wrong = sha(ROUTE);
    const r = await runCli(['import', NETSTAT, '--source-hash', wrong, '--out', out]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(`netcustody: error: ${NETSTAT}: SHA-256 ${sha(NETSTAT)} does not match the hash taken at the scene (--source-hash ${wrong}); nothing was imported`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a mismatching file added --into an existing folder without touching raw/ or custody', async () => {
    const out = tempDir();
    const first = await runCli(['import', NETSTAT, '--out', out, '--json']);
    const dir = JSON.parse(first.stdout).evidenceDir;
    const raw = readdirSync(join(dir, 'raw'));
    const custody = readFileSync(join(dir, 'custody.jsonl'));
    const r = await runCli(['import', ROUTE, '--into', dir, '--source-hash', sha(NETSTAT)]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('does not match the hash taken at the scene');
    expect(readdirSync(join(dir, 'raw'))).toEqual(raw);
    expect(readFileSync(join(dir, 'custody.jsonl')).equals(custody)).toBe(true);
  });

  it('answers bad statements with exit 2 and one line', async () => {
    const out = tempDir();
    const cases: [string[], RegExp][] = [
      [['--captured-at', '28/11/2026 10:15'], /--captured-at "28\/11\/2026 10:15": not a time with its zone/],
      [['--captured-at', '2026-11-28T10:15:00'], /not a time with its zone/],
      [['--captured-at', '2999-01-01T00:00:00Z'], /is later than this machine's clock/],
      [['--source-hash', 'abc'], /not a SHA-256/],
      [['--source-hash', sha(NETSTAT), '--source-hash', sha(ROUTE), '--source-hash', sha(ROUTE)], /3 --source-hash value\(s\) for 1 file\(s\)/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['import', NETSTAT, ...args, '--out', out]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('normalises stated times to UTC', () => {
    expect(parseCapturedAt('2026-11-28 10:15Z')).toBe('2026-11-28T10:15:00.000Z');
    expect(parseCapturedAt('2026-11-28T05:15:00.123-0500')).toBe('2026-11-28T10:15:00.123Z');
  });

  it('reads the clock offset as chrony and timesyncd print it, and nothing from other text', () => {
    const chrony = 'Reference ID    : C0A80001 (192.168.0.1)\nStratum         : 3\nSystem time     : 0.000012345 seconds fast of NTP time\nLast offset     : +0.000003 seconds\nLeap status     : Normal\n';
    expect(chronyOffset(chrony)).toBe('0.000012345 seconds fast of NTP time');
    expect(timesyncOffset('       Server: 192.168.0.1 (ntp.example)\nPoll interval: 34min 8s (min: 32s; max 34min 8s)\n         Leap: normal\n       Offset: -1.234ms\n        Delay: 2.1ms\n')).toBe('-1.234ms');
    expect(chronyOffset('506 Cannot talk to daemon')).toBeNull();
    expect(timesyncOffset('')).toBeNull();
  });
});

describe('the case file names the same examiner for every command', () => {
  it('puts examiner, organisation, role and case from --case-file into acquisition.json', async () => {
    const out = tempDir();
    const file = join(out, 'case.json');
    writeFileSync(file, JSON.stringify({ examiner: 'Case File Examiner', organisation: 'Lab 9', role: 'Examiner, CFCE', case: 'CF-7' }));
    const r = await runCli(['import', NETSTAT, '--case-file', file, '--out', join(out, 'o'), '--json'], { env: { NETCUSTODY_EXAMINER: 'Env Person' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const acq: Acquisition = JSON.parse(readFileSync(join(JSON.parse(r.stdout).evidenceDir, 'acquisition.json'), 'utf8'));
    expect(acq).toMatchObject({ examiner: 'Case File Examiner', organisation: 'Lab 9', examinerRole: 'Examiner, CFCE', caseId: 'CF-7' });
  });
});
