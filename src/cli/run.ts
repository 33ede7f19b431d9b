import { Command, Option } from 'commander';
import type { PipelineResult } from '../pipeline/run.js';
import { makeProgress } from '../pipeline/progress.js';
import { caseOptions, defaultCaseId, intOption, printJson, runAction, terminalSafe, withCommonOptions } from './common.js';
import { examinerOptions, requireExaminerName, resolveExaminer, statementOptions, statementTexts } from './examiner.js';
import { withInterrupts } from './collect.js';
import { findingsTable } from './findings-table.js';
import { binariesOf, binariesOptions } from './binaries-options.js';
import { hashSetOptions, hashSetsOf } from './analyze.js';
import { reportOptions, signingOptions } from './report.js';
import { SSH_HELP, sshOptions, sshRequest } from './ssh-options.js';
import { runFleet } from './run-fleet.js';
import { stampLine, tsaOptions, tsaSettings } from './tsa-options.js';

export function runCommand(): Command {
  const cmd = new Command('run')
    .description('collect this host (or SSH targets), analyze, render the signed report and seal the bundle — the whole job in one command')
    .addOption(new Option('--profile <name>', 'collection profile').choices(['auto', 'linux', 'macos', 'windows']).default('auto'))
    .addOption(intOption('--timeout <seconds>', 'timeout per collection command', 30))
    .option('--baseline <dir|zip>', 'earlier capture of this host to compare with')
    .option('--allow <file>', 'allow-list of known-good entries (JSON)')
    .addHelpText(
      'after',
      `
Examples:
  sudo netcustody run --case 2026-041 --examiner "J. Doe" --organisation "Lab 3" --role "Forensic examiner"
  sudo netcustody run --case-file case.json --scope "Is WS-042 talking to 203.0.113.66?" --conclusions concl.txt
  sudo netcustody run --p12 examiner.p12 --baseline output/2026-041/host_20261101T090000Z.zip
  sudo netcustody run --json > result.json

Without --examiner (or $NETCUSTODY_EXAMINER, or a case file) run asks for the examiner's name on a
terminal and refuses to start without one.

Prints where the bundle is, its SHA-256 and a findings summary. Check it later with:
  netcustody verify <bundle.zip>
${SSH_HELP}
With SSH targets, each collected host is analysed, reported and bundled here, one bundle per host.`,
    );
  sshOptions(cmd);
  caseOptions(cmd);
  examinerOptions(cmd);
  statementOptions(cmd);
  reportOptions(cmd);
  signingOptions(cmd);
  binariesOptions(cmd);
  hashSetOptions(cmd);
  tsaOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (opts) => runAction(opts, async () => {
    const tsa = await tsaSettings(opts);
    const progress = makeProgress({ quiet: opts.quiet, verbose: opts.verbose, sanitize: terminalSafe });
    const who = resolveExaminer(opts);
    // Files named by the statement options are read before the host is touched: a typo stops here.
    const statements = statementTexts(opts, who);
    const hashSets = hashSetsOf(opts);
    if (hashSets.length) {
      const { loadHashSet } = await import('../analyze/hashsets.js');
      for (const h of hashSets) loadHashSet(h.path, h.kind);
    }
    const ssh = await sshRequest(opts);
    const examiner = await requireExaminerName(who);
    if (ssh) {
      return runFleet(ssh, opts, progress, {
        collect: { out: opts.out, caseId: who.caseId ?? defaultCaseId(), examiner, organisation: who.organisation, role: who.role, timeoutMs: opts.timeout * 1000, profile: opts.profile, ...binariesOf(opts) },
        pipeline: { examiner, organisation: who.organisation, role: who.role, statements, baseline: opts.baseline, allow: opts.allow, hashSets, template: opts.template, paper: opts.paper, p12: opts.p12, passphraseEnv: opts.p12PassEnv, tsa },
      });
    }
    // The clock probes (timedatectl, chronyc) answer while the collector's modules load.
    const clock = import('../collect/host.js').then((host) => host.clockInfoAsync());
    const { runPipeline } = await import('../pipeline/run.js');
    const result = await withInterrupts((signal) =>
      runPipeline(
        { out: opts.out, caseId: who.caseId ?? defaultCaseId(), examiner, organisation: who.organisation, role: who.role, timeoutMs: opts.timeout * 1000, profile: opts.profile, ...binariesOf(opts), signal, clock },
        { examiner, organisation: who.organisation, role: who.role, statements, baseline: opts.baseline, allow: opts.allow, hashSets, template: opts.template, paper: opts.paper, p12: opts.p12, passphraseEnv: opts.p12PassEnv, tsa },
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
    leads: r.analysis.leads,
    signer: r.report.signer,
    timestamps: { pdf: r.report.timestamp, bundle: r.bundle.timestamp },
    durations: r.durations,
  };
}

export function summary(r: PipelineResult, verbose = false): string {
  const sev = r.severities;
  const leads = r.analysis.leads;
  const lines = [
    '',
    `Evidence folder: ${terminalSafe(r.evidenceDir)}`,
    `Report:          ${terminalSafe(r.report.pdf)} (${r.report.pages} pages)`,
    `Bundle:          ${terminalSafe(r.bundle.zipPath)}`,
    `SHA-256:         ${r.bundle.sha256}`,
    `Parsed:          ${r.counts.connections} connections, ${r.counts.routes} routes, ${r.counts.unparsedLines} unparsed lines`,
    `Leads:           ${leads.critical} critical, ${leads.high} high, ${leads.medium} medium, ${leads.low} low, ${leads.info} info (one per process, route or peer)`,
    `Findings:        ${sev.critical} critical, ${sev.high} high, ${sev.medium} medium, ${sev.low} low, ${sev.info} info`,
  ];
  for (const line of [stampLine('the PDF signature', r.report.timestamp), stampLine('manifest.tsr (SHA256SUMS)', r.bundle.timestamp)]) if (line) lines.push(`Trusted time:    ${terminalSafe(line)}`);
  if (r.report.signer.selfSigned) lines.push(`Signature:       SELF-SIGNED examiner certificate (${terminalSafe(r.report.signer.subject)}) — use --p12 for an issued certificate`);
  lines.push('', findingsTable(r.findings, { limit: verbose ? 200 : 10, connections: r.analysis.parsed.connections, routes: r.analysis.parsed.routes }), `Verify with:     netcustody verify ${terminalSafe(r.bundle.zipPath)}`, '');
  return lines.join('\n');
}
