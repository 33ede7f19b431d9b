import { Command } from 'commander';
import { caseOptions, defaultCaseId, defaultExaminer, makeLog, printJson, runAction, withCommonOptions } from './common.js';

export function importCommand(): Command {
  const cmd = new Command('import')
    .description('take text captured elsewhere (netstat, route print, ss ...) into a new evidence folder, verbatim and hashed')
    .argument('<file...>', 'files to import (opened read-only, never modified)')
    .option('--command <text>', 'the command that produced the files, as stated by the examiner (e.g. "netstat -anob")')
    .option('--os <name>', 'the OS the files come from, as stated (e.g. "Windows 10 22H2")')
    .option('--host <name>', 'the host the files were captured on, as stated')
    .option('--into <dir>', 'add the files to an evidence folder made by an earlier import')
    .addHelpText(
      'after',
      `
Examples:
  netcustody import n.txt --command "netstat -anob" --os "Windows 10" --host WS-042 --case 2026-041
  netcustody import route.txt --command "route print" --into output/2026-041/WS-042_20261128T101500Z
  netcustody analyze output/2026-041/WS-042_20261128T101500Z

The format of each file is recognised from its content; UTF-16 files saved by PowerShell are read as such.`,
    );
  caseOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (files: string[], opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const { importFiles } = await import('../collect/import.js');
    const result = await importFiles(files, {
      out: opts.out,
      caseId: opts.case ?? defaultCaseId(),
      examiner: opts.examiner ?? defaultExaminer(),
      organisation: opts.organisation ?? null,
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
