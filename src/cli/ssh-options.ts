// --ssh / --hosts / --parallel / --ssh-config / --ssh-option, shared by collect and run.
import { existsSync } from 'node:fs';
import { Command, Option } from 'commander';
import { EvidenceError } from '../evidence/folder.js';
import type { SshSettings } from '../collect/ssh/options.js';
import type { SshTarget } from '../collect/ssh/targets.js';
import { EXIT, intOption } from './common.js';

const collectList = (v: string, prev: string[] = []) => [...prev, v];

export function sshOptions(cmd: Command): Command {
  return cmd
    .option('--ssh <[user@]host[:port]>', 'collect this target over SSH from here (repeatable; nothing is installed or written on it)', collectList)
    .option('--hosts <file>', 'SSH targets, one a line (# comments; Ansible INI host lines work too)')
    .addOption(intOption('--parallel <n>', 'SSH targets collected at the same time', 8))
    .option('--ssh-config <file>', 'ssh_config to use (ssh -F) instead of ~/.ssh/config')
    .option('--ssh-option <Key=Value>', 'extra ssh option (-o), repeatable; options that weaken host key checking are refused', collectList);
}

export const SSH_HELP = `
Over SSH (system OpenSSH client; your ~/.ssh/config, agent, ProxyJump and known_hosts apply):
  netcustody collect --ssh root@10.0.0.5 --ssh web01 --case 2026-041 --examiner "J. Doe"
  netcustody collect --hosts fleet.txt --parallel 8 --ssh-option ProxyJump=bastion
BatchMode and StrictHostKeyChecking=yes are forced: an unknown or changed host key refuses that host.
One evidence folder per host under <out>/<case>/, and fleet.json there listing every target.
Exit codes with SSH targets: 0 every host collected, 1 any host failed (each is named on stderr and in
fleet.json), 2 usage, 130 interrupted.`;

export interface SshRequest {
  targets: SshTarget[];
  settings: SshSettings;
  parallel: number;
}

/** null when neither --ssh nor --hosts was given (a local collection). */
export async function sshRequest(opts: { ssh?: string[]; hosts?: string; parallel: number; sshConfig?: string; sshOption?: string[] }): Promise<SshRequest | null> {
  const { parseTarget, readHostsFile, uniqueTargets } = await import('../collect/ssh/targets.js');
  const { checkSshOption } = await import('../collect/ssh/options.js');
  if (!opts.ssh?.length && !opts.hosts) {
    if (opts.sshConfig || opts.sshOption?.length) throw new EvidenceError('--ssh-config and --ssh-option need --ssh or --hosts', undefined, EXIT.usage);
    return null;
  }
  const options = (opts.sshOption ?? []).map(checkSshOption);
  if (opts.sshConfig && !existsSync(opts.sshConfig)) throw new EvidenceError(`--ssh-config ${opts.sshConfig}: no such file`, undefined, EXIT.usage);
  const targets = uniqueTargets([...(opts.ssh ?? []).map((t) => parseTarget(t)), ...(opts.hosts ? readHostsFile(opts.hosts) : [])]);
  return { targets, settings: { configFile: opts.sshConfig ?? null, options, connectTimeoutS: 10 }, parallel: Math.floor(opts.parallel) };
}

export { Option };
