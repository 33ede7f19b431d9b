import { execa, type Options } from 'execa';
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const CLI = join(REPO, 'dist/cli/main.js');
export const SAMPLES = resolve(REPO, '../shared/samples');

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would (the test command builds dist/ first). */
export async function runCli(args: string[], options: Options & { netns?: string } = {}): Promise<CliResult> {
  const { netns, ...rest } = options;
  const argv = netns ? ['ip', ['netns', 'exec', netns, process.execPath, CLI, ...args]] as const : [process.execPath, [CLI, ...args]] as const;
  const r = await execa(argv[0], [...argv[1]], { reject: false, stdin: 'ignore', ...rest, env: { NO_COLOR: '1', ...rest.env } });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const created: string[] = [];
// Evidence folders made by a test file are removed after it (each file imports this module afresh).
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'nc-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
