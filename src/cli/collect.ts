import { Command, Option } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import { caseOptions, defaultCaseId, defaultExaminer, EXIT, intOption, makeLog, printJson, runAction, withCommonOptions } from './common.js';
import { examinerOptions, resolveExaminer } from './examiner.js';
import { binariesOf, binariesOptions } from './binaries-options.js';
import { SSH_HELP, sshOptions, sshRequest } from './ssh-options.js';
import { fleetJson, hostJson, reportFleet } from './fleet-output.js';

export function collectCommand(): Command {
  const cmd = new Command('collect')
    .description('capture the network state of this host, or of SSH targets, (sockets, owners, routes) into new evidence folders')
    .addOption(new Option('--profile <name>', 'collection profile').choices(['auto', 'linux', 'macos', 'windows']).default('auto'))
    .addOption(intOption('--timeout <seconds>', 'timeout per command', 30))
    .addHelpText(
      'after',
      `
Examples:
  sudo netcustody collect --case 2026-041 --examiner "J. Doe"
  netcustody collect --out /media/evidence --timeout 60 --json

Run as root (Administrator on Windows): without it, the owners of other users' sockets are hidden.
The evidence folder is output/<case>/<host>_<UTC time>/ with raw/, acquisition.json and custody.jsonl.
${SSH_HELP}`,
    );
  sshOptions(cmd);
  caseOptions(cmd);
  examinerOptions(cmd);
  binariesOptions(cmd);
  withCommonOptions(cmd);
  return cmd.action(async (opts) => runAction(opts, async () => {
    const log = makeLog(opts);
    const who = resolveExaminer(opts);
    const ssh = await sshRequest(opts);
    if (ssh) {
      const { collectFleet } = await import('../collect/ssh/fleet.js');
      const fleet = await withInterrupts((signal) =>
        collectFleet({ ...ssh, out: opts.out, caseId: who.caseId ?? defaultCaseId(), examiner: who.name ?? defaultExaminer(), organisation: who.organisation, role: who.role, timeoutMs: opts.timeout * 1000, profile: opts.profile, ...binariesOf(opts), signal, log }),
      );
      reportFleet(fleet, log);
      if (opts.json) printJson(fleet.hosts.length === 1 ? hostJson(fleet.hosts[0], fleet) : fleetJson(fleet));
      if (fleet.hosts.some((h) => h.status === 'interrupted')) return EXIT.interrupted;
      return fleet.hosts.every((h) => h.status === 'ok') ? EXIT.ok : EXIT.error;
    }
    // The clock probes (timedatectl, chronyc) answer while the collector's modules load.
    const clock = import('../collect/host.js').then((host) => host.clockInfoAsync());
    const { collect } = await import('../collect/index.js');
    const result = await withInterrupts((signal) =>
      collect({
        clock,
        out: opts.out,
        caseId: who.caseId ?? defaultCaseId(),
        examiner: who.name ?? defaultExaminer(),
        organisation: who.organisation,
        role: who.role,
        timeoutMs: opts.timeout * 1000,
        profile: opts.profile,
        ...binariesOf(opts),
        signal,
        log,
      }),
    );
    const w = result.acquisition.captureWindow;
    log(`evidence folder: ${result.dir}`);
    if (w) log(`capture window: ${w.start} → ${w.end} (${w.durationMs.toFixed(1)} ms)`);
    if (result.interrupted) log('collection INTERRUPTED: what was captured is kept and logged');
    if (opts.json) printJson({ evidenceDir: result.dir, evidenceId: result.evidenceId, captureWindow: w, interrupted: result.interrupted, failure: result.failure, commands: result.acquisition.commands.length });
    if (result.failure) throw new EvidenceError(`${result.failure}; what was written is kept and recorded in acquisition.json and custody.jsonl`, 'free some space and collect again into a new folder');
    return result.interrupted ? EXIT.interrupted : EXIT.ok;
  }));
}

/** Ctrl-C / SIGTERM abort the running commands; the collector records the interruption. */
export async function withInterrupts<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
