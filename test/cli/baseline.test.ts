// --baseline with a bundle zip (read through verify's safe extractor) and --allow, through the CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.js';
import { SCENARIO_ROOT } from '../../src/pipeline/demo.js';
import { runCli, tempDir } from '../helpers/cli.js';

const seed = join(SCENARIO_ROOT, 'windows-srss-backdoor');

async function importAndAnalyze(file: string, extra: string[] = []): Promise<{ dir: string; findings: Finding[] }> {
  const imp = await runCli(['import', file, '--command', 'netstat -anob', '--host', 'WS-ACCT-07', '--out', tempDir(), '--json']);
  expect(imp.exitCode, imp.stderr).toBe(0);
  const dir = JSON.parse(imp.stdout).evidenceDir;
  const a = await runCli(['analyze', dir, '--json', ...extra]);
  expect(a.exitCode, a.stderr).toBe(0);
  return { dir, findings: JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')) };
}

describe('baseline and allow-list from the command line', () => {
  it('reports the new listener against an earlier capture given as a bundle zip', async () => {
    const home = tempDir();
    // The earlier capture: the same host before the backdoor (its two socket rows and owner lines removed).
    const before = readFileSync(join(seed, 'netstat-anob.txt'), 'latin1').split('\r\n');
    const clean = before.filter((_, i) => ![9, 10, 33, 34].includes(i)).join('\r\n');
    expect(clean).not.toContain('1337');
    const earlierFile = join(tempDir(), 'netstat-before.txt');
    writeFileSync(earlierFile, clean, 'latin1');
    const earlier = await importAndAnalyze(earlierFile);
    for (const step of ['report', 'bundle']) expect((await runCli([step, earlier.dir], { env: { NETCUSTODY_HOME: home } })).exitCode).toBe(0);
    const zip = readFileSync(join(earlier.dir, 'custody.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.action === 'bundle created')?.object;
    expect(zip).toMatch(/\.zip$/);

    const now = await importAndAnalyze(join(seed, 'netstat-anob.txt'), ['--baseline', join(dirname(earlier.dir), zip)]);
    const added = now.findings.filter((f) => f.rule === 'BASE-NEW-LISTENER');
    expect(added.map((f) => f.process)).toContain('srss.exe');
    expect(added.every((f) => f.refs.length > 0)).toBe(true);
  });

  it('suppresses a named rule for a known-good entry and keeps the record of it', async () => {
    const allow = join(tempDir(), 'allow.json');
    writeFileSync(allow, JSON.stringify({ entries: [{ rule: 'NET-REMOTE-ADMIN-EXPOSED', process: 'svchost.exe', port: 3389, action: 'suppress', reason: 'RDP is managed by the helpdesk' }] }));
    const { findings } = await importAndAnalyze(join(seed, 'netstat-anob.txt'), ['--allow', allow]);
    const rdp = findings.find((f) => f.rule === 'NET-REMOTE-ADMIN-EXPOSED');
    expect(rdp?.suppressed?.reason).toBe('RDP is managed by the helpdesk');
  });
});
