import { execa, type Options } from 'execa';
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeReadableCopy } from './readable-copy.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'dist/cli/main.js');
export const SAMPLES = resolve(REPO, '../shared/samples');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the built CLI as a user would (the test command builds dist/ first). With another `uid`, it
 * runs a copy that user can read: the checkout may sit in a folder only its owner can enter.
 */
export async function runCli(args: string[], options: Options & { netns?: string } = {}): Promise<CliResult> {
  const { netns, ...rest } = options;
  const cli = rest.uid !== undefined && rest.uid !== process.getuid?.() ? readableCli() : CLI;
  const argv = netns ? ['ip', ['netns', 'exec', netns, process.execPath, cli, ...args]] as const : [process.execPath, [cli, ...args]] as const;
  const r = await execa(argv[0], [...argv[1]], { reject: false, stdin: 'ignore', ...rest, env: { NO_COLOR: '1', ...rest.env } });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const created: string[] = [];
// Evidence folders made by a test file are removed after it (each file imports this module afresh).
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let readable: string | null = null;

/** dist/cli/main.js of a copy every user can read (made once per test file, removed after it). */
export function readableCli(): string {
  if (!readable) {
    const copy = makeReadableCopy(REPO);
    created.push(copy.dir);
    readable = copy.cli;
  }
  return readable;
}

export function tempDir(prefix = 'nc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A generated capture written to a temp folder and brought in with `netcustody import`: its folder, file and evidence folder. */
export async function importCapture(text: string, capture: { os: string; command: string; caseId: string; env?: NodeJS.ProcessEnv }): Promise<{ work: string; file: string; dir: string }> {
  const work = tempDir(`nc-${capture.caseId.toLowerCase()}-`);
  const file = join(work, `${capture.os}.txt`);
  writeFileSync(file, text);
  const imp = await runCli(['import', file, '--command', capture.command, '--os', capture.os, '--out', work, '--case', capture.caseId, '--examiner', 'T', '--json', '--quiet'], { env: capture.env });
  if (imp.exitCode !== 0) throw new Error(`import of ${file} failed (${imp.exitCode}): ${imp.stderr}`);
  return { work, file, dir: (JSON.parse(imp.stdout) as { evidenceDir: string }).evidenceDir };
}

/** Files brought in with `netcustody import` (one evidence folder, `args` say how) and analysed: the folder. */
export async function importAnalysed(files: string[], args: string[], caseId: string, work: string): Promise<string> {
  const imp = await runCli(['import', ...files, ...args, '--out', work, '--case', caseId, '--examiner', 'T', '--json', '--quiet']);
  if (imp.exitCode !== 0) throw new Error(`import of ${files.join(', ')} failed (${imp.exitCode}): ${imp.stderr}`);
  const dir = (JSON.parse(imp.stdout) as { evidenceDir: string }).evidenceDir;
  const r = await runCli(['analyze', dir, '--examiner', 'T', '--quiet']);
  if (r.exitCode !== 0) throw new Error(`analyze of ${dir} failed (${r.exitCode}): ${r.stderr}`);
  return dir;
}
