import { Command, Option } from 'commander';
import type { PipelineResult } from '../pipeline/run.js';
import { makeProgress } from '../pipeline/progress.js';
import { caseOptions, defaultCaseId, defaultExaminer, intOption, printJson, runAction, terminalSafe, withCommonOptions } from './common.js';
import { withInterrupts } from './collect.js';
import { findingsTable } from './findings-table.js';
import { reportOptions, signingOptions } from './report.js';

export function runCommand(): Command {
  const cmd = new Command('run')
    .description('collect this host, analyze, render the signed report and seal the bundle — the whole job in one command')
    .addOption(new Option('--profile <name>', 'collection profile').choices(['auto', 'linux', 'macos', 'windows']).default('auto'))
    .addOption(intOption('--timeout <seconds>', 'timeout per collection command', 30))
    .option('--baseline <dir|zip>', 'earlier capture of this host to compare with')
    .option('--allow <file>', 'allow-list of known-good entries (JSON)')
    .addHelpText(
      'after',
      `
Examples:
  sudo netcustody run --case 2026-041 --examiner "J. Doe" --organisation "Lab 3"
  sudo netcustody run --p12 examiner.p12 --baseline output/2026-041/host_20261101T090000Z.zip
  sudo netcustody run --json > result.json

Prints where the bundle is, its SHA-256 and a findings summary. Check it later with:
  netcustody verify <bundle.zip>`,
    );
  caseOptions(cmd);
  reportOptions(cmd);
  signingOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (opts) => runAction(opts, async () => {
    const progress = makeProgress({ quiet: opts.quiet, verbose: opts.verbose, sanitize: terminalSafe });
    const examiner = opts.examiner ?? defaultExaminer();
    const { runPipeline } = await import('../pipeline/run.js');
    const result = await withInterrupts((signal) =>
      runPipeline(
        { out: opts.out, caseId: opts.case ?? defaultCaseId(), examiner, organisation: opts.organisation, timeoutMs: opts.timeout * 1000, profile: opts.profile, signal },
        { examiner, organisation: opts.organisation, baseline: opts.baseline, allow: opts.allow, template: opts.template, paper: opts.paper, p12: opts.p12, passphraseEnv: opts.p12PassEnv },
        progress,
      ),
    );
    if (opts.json) printJson(jsonResult(result));
    else if (!opts.quiet) process.stderr.write(summary(result, opts.verbose));
  }));
}

export function jsonResult(r: PipelineResult): Record<string, unknown> {
  return {
    evidenceDir: r.evidenceDir,
    bundle: r.bundle.zipPath,
    bundleSha256: r.bundle.sha256,
    report: r.report.pdf,
    counts: r.counts,
    findings: r.severities,
    signer: r.report.signer,
    durations: r.durations,
  };
}

export function summary(r: PipelineResult, verbose = false): string {
  const sev = r.severities;
  const lines = [
    '',
    `Evidence folder: ${terminalSafe(r.evidenceDir)}`,
    `Report:          ${terminalSafe(r.report.pdf)} (${r.report.pages} pages)`,
    `Bundle:          ${terminalSafe(r.bundle.zipPath)}`,
    `SHA-256:         ${r.bundle.sha256}`,
    `Parsed:          ${r.counts.connections} connections, ${r.counts.routes} routes, ${r.counts.unparsedLines} unparsed lines`,
    `Findings:        ${sev.critical} critical, ${sev.high} high, ${sev.medium} medium, ${sev.low} low, ${sev.info} info`,
  ];
  if (r.report.signer.selfSigned) lines.push(`Signature:       SELF-SIGNED examiner certificate (${terminalSafe(r.report.signer.subject)}) — use --p12 for an issued certificate`);
  lines.push('', findingsTable(r.findings, { limit: verbose ? 200 : 10, connections: r.analysis.parsed.connections, routes: r.analysis.parsed.routes }), `Verify with:     netcustody verify ${terminalSafe(r.bundle.zipPath)}`, '');
  return lines.join('\n');
}
