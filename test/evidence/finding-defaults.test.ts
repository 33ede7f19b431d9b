// Issue 16: values many findings or leads share are written once (finding-defaults.json). A small
// host's files read exactly as before; a busy host's are smaller, and every reader (the report's and
// the case's loader) gets the full records back; a damaged defaults file is a one-line error.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { PATHS } from '../../src/evidence/folder.js';
import { inputOf } from '../../src/pipeline/analyze.js';
import { parseEvidence } from '../../src/parse/evidence.js';
import { generateWindowsNetstat } from '../../src/parse/windows-netstat-gen.js';
import { loadReportInput } from '../../src/report/input.js';
import { importAnalysed, runCli, tempDir } from '../helpers/cli.js';

async function analysed(sockets: number): Promise<string> {
  const work = tempDir('nc-finding-defaults-');
  const file = join(work, 'netstat.txt');
  writeFileSync(file, generateWindowsNetstat(sockets));
  return importAnalysed([file], ['--command', 'netstat -anob', '--os', 'windows'], 'FD', work);
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('finding-defaults.json', () => {
  it('a small host: nothing repeats often enough, findings.json and leads.json hold every field', async () => {
    const dir = await analysed(1000);
    expect(JSON.parse(readFileSync(join(dir, PATHS.findingDefaults), 'utf8'))).toEqual({ findings: {}, leads: {} });
    const full = analyze(inputOf(parseEvidence(dir)), { annotate: 'all' });
    expect(full.findings.length).toBeGreaterThan(10);
    expect(JSON.parse(readFileSync(join(dir, PATHS.findings), 'utf8'))).toEqual(plain(full.findings));
    expect(JSON.parse(readFileSync(join(dir, PATHS.leads), 'utf8'))).toEqual(plain(full.leads));
  }, 120_000);

  it('a busy host: shared text written once, the report loader gets the full records, a damaged file is a one-line error', async () => {
    const dir = await analysed(6000);
    const full = analyze(inputOf(parseEvidence(dir)), { annotate: 'all' });
    const shared = JSON.parse(readFileSync(join(dir, PATHS.findingDefaults), 'utf8')) as { leads: Record<string, { sentences?: string[] }> };
    const group = shared.leads['NET-LISTEN-ALL-UNEXPECTED']!;
    expect(group.sentences!.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, PATHS.findings), 'utf8').length).toBeLessThan(JSON.stringify(full.findings).length * 0.8);

    const input = loadReportInput(dir);
    expect(input.findings).toEqual(plain(full.findings));
    expect(input.leads).toEqual(plain(full.leads));

    // A sentence number the defaults file does not hold: the report names the file, no stack trace.
    group.sentences = [];
    writeFileSync(join(dir, PATHS.findingDefaults), JSON.stringify(shared));
    const r = await runCli(['report', dir, '--quiet']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`${PATHS.leads}: a lead of "NET-LISTEN-ALL-UNEXPECTED" refers to sentence 0, which finding-defaults.json does not hold`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);
});
