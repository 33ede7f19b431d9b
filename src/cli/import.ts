import { Command } from 'commander';
import { caseOptions, defaultCaseId, defaultExaminer, makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { examinerOptions, resolveExaminer } from './examiner.js';

export function importCommand(): Command {
  const cmd = new Command('import')
    .description('take text captured elsewhere (netstat, route print, ss ...) into a new evidence folder, verbatim and hashed')
    .argument('<file...>', 'files to import (opened read-only, never modified)')
    .option('--command <text>', 'the command that produced the files, as stated by the examiner (e.g. "netstat -anob")')
    .option('--os <name>', 'the OS the files come from, as stated (e.g. "Windows 10 22H2")')
    .option('--host <name>', 'the host the files were captured on, as stated')
    .option('--captured-at <utc>', 'when the files were captured, as stated (e.g. 2026-11-28T10:15:00Z)')
    .option('--captured-by <name>', 'who captured the files, as stated')
    .option('--source-hash <sha256>', 'SHA-256 taken at the scene, one per file in file order; a file that does not match is refused', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--into <dir>', 'add the files to an evidence folder made by an earlier import')
    .option('--kit', 'the arguments are field kit results (netcustody-kit_<host>_<UTC>/ folders or tars of them): each becomes an evidence folder')
    .addHelpText(
      'after',
      `
Examples:
  netcustody import n.txt --command "netstat -anob" --os "Windows 10" --host WS-042 --case 2026-041 \
      --captured-at 2026-11-28T10:15:00Z --captured-by "P. Officer" --source-hash 9f86d0…
  netcustody import route.txt --command "route print" --into output/2026-041/WS-042_20261128T101500Z
  netcustody analyze output/2026-041/WS-042_20261128T101500Z
  netcustody import --kit /media/usb/netcustody-kit_web01_20261128T101500Z fetched/*.tar --case 2026-041

The format of each file is recognised from its content; UTF-16 files saved by PowerShell are read as such.
What you state (--command, --os, --host, --captured-at, --captured-by) is logged and shown as "(as stated)".`,
    );
  caseOptions(cmd);
  examinerOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (files: string[], opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const who = resolveExaminer(opts);
    if (opts.kit) return (await import('./import-kit.js')).importKitAction(files, opts, who, log);
    const { importFiles } = await import('../collect/import.js');
    const { pairSourceHashes, parseCapturedAt } = await import('../collect/import-provenance.js');
    const result = await importFiles(files, {
      out: opts.out,
      caseId: who.caseId ?? defaultCaseId(),
      examiner: who.name ?? defaultExaminer(),
      organisation: who.organisation,
      role: who.role,
      capturedAt: opts.capturedAt === undefined ? null : parseCapturedAt(opts.capturedAt),
      capturedBy: opts.capturedBy ?? null,
      sourceHashes: pairSourceHashes(files, opts.sourceHash),
      command: opts.command ?? null,
      os: opts.os ?? null,
      host: opts.host ?? null,
      into: opts.into ?? null,
    });
    for (const r of result.imports) log(`  imported  ${r.originalPath} → ${r.artifact.path}  sha256 ${r.artifact.sha256}`);
    log(`evidence folder: ${result.dir}`);
    if (opts.json) printJson({ evidenceDir: result.dir, evidenceId: result.evidenceId, imports: result.imports.map((r) => ({ original: r.originalPath, artifact: r.artifact.path, sha256: r.artifact.sha256, bytes: r.artifact.bytes })) });
  }));
}
