// PROC-HASH-KNOWN-BAD and the known-good lowering (issue 18): fire / must-not cases on records as the
// parsers produce them, and the hash-set reader's formats and errors.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHashSet, type HashSet } from '../../src/analyze/hashsets.js';
import { findingsOf, listen, proc, run } from './helpers.js';

const BAD = 'b'.repeat(64);
const GOOD = 'c'.repeat(64);
const dir = mkdtempSync(join(tmpdir(), 'nc-hashsets-'));
function set(name: string, text: string, kind: 'known-bad' | 'known-good'): HashSet {
  const path = join(dir, name);
  writeFileSync(path, text);
  return loadHashSet(path, kind);
}

const host = (sha: string | null, comm = 'updater') => ({
  connections: [listen('0.0.0.0:4444', 900, comm, { inode: 77 })],
  processes: [proc(900, comm, { socketInodes: [77], exeSha256: sha, exeSize: 1000, exeHashError: null, source: { artifact: 'raw/09-process-facts.jsonl', line: 2 } })],
});

describe('PROC-HASH-KNOWN-BAD', () => {
  const bad = set('bad.txt', `${BAD}  implant\n`, 'known-bad');

  it('fires critical on the process whose executable hash is in a known-bad set, citing its facts line', () => {
    const [f] = findingsOf(host(BAD), 'PROC-HASH-KNOWN-BAD', { hashSets: [bad] });
    expect(f).toMatchObject({ severity: 'critical', pid: 900 });
    expect(f!.detail).toContain(`executable SHA-256 ${BAD}`);
    expect(f!.refs).toContainEqual({ artifact: 'raw/09-process-facts.jsonl', line: 2 });
    expect(f!.rationale).toMatch(/bad\.txt .* at line 1 \(entry "implant"\)/);
  });

  it('does not fire without a set, with another hash, with no hash, or when the set is known-good', () => {
    expect(findingsOf(host(BAD), 'PROC-HASH-KNOWN-BAD')).toHaveLength(0);
    expect(findingsOf(host(GOOD), 'PROC-HASH-KNOWN-BAD', { hashSets: [bad] })).toHaveLength(0);
    expect(findingsOf(host(null), 'PROC-HASH-KNOWN-BAD', { hashSets: [bad] })).toHaveLength(0);
    const good = set('good-as-bad.txt', `${BAD}\n`, 'known-good');
    expect(findingsOf(host(BAD), 'PROC-HASH-KNOWN-BAD', { hashSets: [good] })).toHaveLength(0);
  });
});

describe('known-good hash sets', () => {
  const good = set('good.txt', `${GOOD} vendor build\n`, 'known-good');

  it('lower a name-based finding (PROC-NAME-MASQ) to info with the reason, and the lead says so', () => {
    const out = run(host(GOOD, 'svch0st.exe'), { hashSets: [good] });
    const masq = out.findings.find((f) => f.rule === 'PROC-NAME-MASQ')!;
    expect(masq).toMatchObject({ severity: 'info', originalSeverity: 'critical' });
    expect(masq.knownGood).toMatch(/good\.txt \(line 1 as "vendor build"\)/);
    const lead = out.leads.find((l) => l.pid === 900)!;
    expect(lead.severityReason).toMatch(/known-good hash set/);
    expect(out.summary.hashSets).toEqual([expect.objectContaining({ file: 'good.txt', kind: 'known-good', entries: 1 })]);
  });

  it('leave behaviour-based findings as they are (a deleted executable stays critical)', () => {
    const h = host(GOOD);
    h.processes[0]!.exe = '/usr/bin/updater (deleted)';
    h.processes[0]!.exeDeleted = true;
    const [f] = findingsOf(h, 'NET-DELETED-EXE', { hashSets: [good] });
    expect(f!.severity).toBe('critical');
  });

  it('do not lower when the hash differs (the name alone never clears a process)', () => {
    const [f] = findingsOf(host(BAD, 'svch0st.exe'), 'PROC-NAME-MASQ', { hashSets: [good] });
    expect(f!.severity).toBe('critical');
  });
});

describe('hash set files', () => {
  it('read sha256sum output, comments, upper case and NSRL-style CSV with a SHA-256 column', () => {
    const lines = set('sums.txt', `# list\n\n${BAD.toUpperCase()} *bin/implant\n${BAD}  dup\n`, 'known-bad');
    expect(lines).toMatchObject({ entries: 1, format: 'lines', file: 'sums.txt' });
    expect(lines.hashes.get(BAD)).toEqual({ name: 'bin/implant', line: 3 });
    const csv = set('rds.csv', `"sha256","sha1","file_name"\r\n"${GOOD}","${'1'.repeat(40)}","a, b.exe"\r\n`, 'known-good');
    expect(csv).toMatchObject({ entries: 1, format: 'csv' });
    expect(csv.hashes.get(GOOD)).toEqual({ name: 'a, b.exe', line: 2 });
    expect(csv.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuse bad input with the file and line named', () => {
    expect(() => set('short.txt', `${BAD}\nabc123 x\n`, 'known-bad')).toThrow(/short\.txt line 2: expected a SHA-256/);
    expect(() => set('csvbad.csv', `"SHA-256","name"\n"zz","x"\n`, 'known-bad')).toThrow(/csvbad\.csv line 2: column 1 is not a SHA-256/);
    expect(() => set('empty.txt', '# nothing\n', 'known-bad')).toThrow(/empty\.txt: hash set holds no entries/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => loadHashSet(fifo, 'known-bad')).toThrow(/fifo: hash set is not a regular file/);
  });
});
