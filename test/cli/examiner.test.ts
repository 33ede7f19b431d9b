// Who the examiner is: `run` without a name refuses off a terminal (exit 2, nothing collected) and
// asks on one (a real pty from script(1)); options beat the case file, which beats the environment.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireExaminerName, resolveExaminer, type Terminal } from '../../src/cli/examiner.js';
import { EvidenceError } from '../../src/evidence/folder.js';
import type { Acquisition } from '../../src/model.js';
import { CLI, runCli, tempDir } from '../helpers/cli.js';

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('run names its examiner', () => {
  it('refuses without a terminal and without --examiner: exit 2, one line, nothing collected', async () => {
    const out = tempDir();
    const env = { NETCUSTODY_EXAMINER: '', NETCUSTODY_HOME: tempDir('nc-home-') };
    const r = await runCli(['run', '--out', out, '--case', 'NOEX'], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('netcustody: error: no examiner named: the report would be signed in the name of the Unix account; give --examiner NAME');
    expect(r.stderr).toContain('NETCUSTODY_EXAMINER');
    expect(readdirSync(out)).toEqual([]);
  });

  it.runIf(hasScript)('asks for the name on a terminal and signs with the answer', { timeout: 240_000 }, () => {
    const out = tempDir();
    const home = tempDir('nc-home-');
    const cmd = `${process.execPath} ${CLI} run --out ${out} --case TTY-1 --json > ${join(out, 'result.json')}`;
    // script(1) gives the command a real pty; the answer is typed into it from our stdin.
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { input: 'Jane Q. Examiner\n', encoding: 'utf8', env: { ...process.env, NETCUSTODY_EXAMINER: '', NETCUSTODY_HOME: home }, timeout: 230_000 });
    expect(r.stdout).toContain('Examiner name (as it will appear on the signed report):');
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    const acq: Acquisition = JSON.parse(readFileSync(join(result.evidenceDir, 'acquisition.json'), 'utf8'));
    expect(acq.examiner).toBe('Jane Q. Examiner');
    expect(result.signer.subject).toContain('CN=Jane Q. Examiner');
    const text = execFileSync('pdftotext', ['-layout', result.report, '-'], { encoding: 'utf8' });
    expect(text).toContain('I, Jane Q. Examiner, declare that:');
    expect(text).toMatch(/Kernel release\s+Linux \S+/);
    expect(text).toMatch(/Uptime\s+(\d+ d )?(\d+ h )?\d+ min at the start of the capture/);
    expect(existsSync(result.bundle)).toBe(true);
  });

  it('asks again on an empty answer and refuses after three', async () => {
    const answers = ['', '  ', 'A. Person'];
    const terminal: Terminal = { interactive: true, ask: async () => answers.shift()! };
    await expect(requireExaminerName({ name: null, organisation: null, role: null, caseId: null, scope: null }, terminal)).resolves.toBe('A. Person');
    const silent: Terminal = { interactive: true, ask: async () => '' };
    await expect(requireExaminerName({ name: null, organisation: null, role: null, caseId: null, scope: null }, silent)).rejects.toMatchObject({ exitCode: 2 });
    const none: Terminal = { interactive: false, ask: async () => 'never asked' };
    await expect(requireExaminerName({ name: null, organisation: null, role: null, caseId: null, scope: null }, none)).rejects.toBeInstanceOf(EvidenceError);
  });

  it('takes options over the case file over the environment, and refuses control characters', () => {
    const dir = tempDir();
    const file = join(dir, 'case.json');
    writeFileSync(file, JSON.stringify({ examiner: 'File Name', organisation: 'File Org', role: 'File Role', case: 'CASE-F', scope: 'What happened?' }));
    const env = { NETCUSTODY_EXAMINER: 'Env Name', NETCUSTODY_ORGANISATION: 'Env Org', NETCUSTODY_ROLE: 'Env Role' };
    expect(resolveExaminer({ caseFile: file, role: 'Option Role' }, env)).toMatchObject({ name: 'File Name', organisation: 'File Org', role: 'Option Role', caseId: 'CASE-F' });
    expect(resolveExaminer({}, env)).toMatchObject({ name: 'Env Name', organisation: 'Env Org', role: 'Env Role', scope: null });
    expect(resolveExaminer({ caseFile: file }, env).scope?.bytes.toString()).toBe('What happened?');
    expect(() => resolveExaminer({ examiner: 'Eve\nMallory' }, {})).toThrow(/control character/);
    writeFileSync(file, '{"__proto__": {"examiner": "x"}}');
    expect(() => resolveExaminer({ caseFile: file }, {})).toThrow(/unknown key "__proto__"/);
  });
});
