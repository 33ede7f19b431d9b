import { Command } from 'commander';
import { makeProgress } from '../pipeline/progress.js';
import { EvidenceError } from '../evidence/folder.js';
import { defaultExaminer, EXIT, printJson, runAction, terminalSafe, withCommonOptions } from './common.js';
import { jsonResult, summary } from './run.js';
import { reportOptions, signingOptions } from './report.js';

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('run a shipped class scenario end to end (import → analyze → report → bundle), no root and no network needed')
    .option('--list', 'list the scenarios')
    .option('--scenario <name>', 'scenario to run')
    .option('--exercise', 'students\' version: no findings in the report or findings.json, plus a separate instructor key')
    .option('--examiner <name>', 'name on the report', undefined)
    .option('--out <dir>', 'output root', 'output')
    .addHelpText(
      'after',
      `
Examples:
  netcustody demo --list
  netcustody demo --scenario windows-srss-backdoor
  netcustody demo --scenario linux-reverse-shell --exercise --examiner "Student 12"`,
    );
  reportOptions(cmd);
  signingOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (opts) => runAction(opts, async () => {
    const { listScenarios, runDemo } = await import('../pipeline/demo.js');
    if (opts.list || !opts.scenario) {
      const all = listScenarios();
      if (opts.json) printJson({ scenarios: all.map((s) => ({ name: s.name, title: s.title, os: s.os, origin: s.origin })) });
      else for (const s of all) process.stdout.write(`${s.name.padEnd(28)} ${s.title}\n`);
      if (!opts.list && !opts.scenario) throw new EvidenceError('choose a scenario with --scenario NAME', undefined, EXIT.usage);
      return;
    }
    const progress = makeProgress({ quiet: opts.quiet, verbose: opts.verbose, sanitize: terminalSafe });
    const examiner = opts.examiner ?? defaultExaminer();
    const r = await runDemo(opts.scenario, { out: opts.out, exercise: opts.exercise, examiner, template: opts.template, paper: opts.paper, p12: opts.p12, passphraseEnv: opts.p12PassEnv }, progress);
    if (opts.json) printJson({ ...jsonResult(r), scenario: r.scenario.name, instructorKey: r.instructorKey });
    else if (!opts.quiet) {
      process.stderr.write(`\n${r.scenario.title}\n${r.scenario.story}\n`);
      process.stderr.write(opts.exercise ? `\nBundle: ${terminalSafe(r.bundle.zipPath)}\nInstructor key (keep it away from students): ${terminalSafe(r.instructorKey ?? "")}\n` : summary(r, opts.verbose));
    }
  }));
}
