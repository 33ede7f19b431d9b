// --preserve-binaries and --max-binary-size, shared by collect and run (issue 18).
import { Command, InvalidArgumentError, Option } from 'commander';
import type { PreservePolicy } from '../model.js';

const UNITS: Record<string, number> = { '': 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

/** "64M", "64MiB", "1048576", "0" (hash and copy nothing) → bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[(m[2] as string).toLowerCase()] : undefined;
  // Commander prints it as a usage error (exit 2) naming the option.
  if (!m || unit === undefined) throw new InvalidArgumentError('expects a size in bytes or with K, M or G (binary units), e.g. 64M');
  return Math.floor(Number(m[1]) * unit);
}

export function binariesOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--preserve-binaries <which>', "copy socket owners' executables into the evidence: auto = deleted, in temp/hidden/world-writable folders, or named like a system process; all; none")
        .choices(['auto', 'all', 'none'])
        .default('auto'),
    )
    .addOption(new Option('--max-binary-size <size>', 'executables larger than this are neither hashed nor copied (recorded as skipped)').default(64 * 1024 ** 2, '64M').argParser((v) => parseSize(v)));
}

export function binariesOf(opts: { preserveBinaries?: string; maxBinarySize?: number }): { preserveBinaries: PreservePolicy; maxBinaryBytes: number } {
  return { preserveBinaries: (opts.preserveBinaries ?? 'auto') as PreservePolicy, maxBinaryBytes: opts.maxBinarySize ?? 64 * 1024 ** 2 };
}
