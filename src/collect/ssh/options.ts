// The ssh command lines netcustody runs. Options given on the command line win over every
// ssh_config (ssh takes the first value it obtains), so the safety options are forced there, and
// an --ssh-option that would weaken them is refused before any host is contacted.
import { EvidenceError } from '../../evidence/folder.js';

export interface SshSettings {
  /** --ssh-config FILE (ssh -F); null: the examiner's ~/.ssh/config and /etc/ssh/ssh_config. */
  configFile: string | null;
  /** --ssh-option values, as given (Key=Value). */
  options: string[];
  /** Seconds for the TCP connect and authentication. */
  connectTimeoutS: number;
}

/**
 * Forced on every ssh: no prompt (BatchMode), the host key must already be known and match
 * (StrictHostKeyChecking=yes: 'accept-new' would trust whatever key answers first — on a possibly
 * hijacked address that is exactly the key not to trust), known_hosts is never changed, no pty
 * (its line discipline would alter output bytes), nothing forwarded to a possibly compromised host
 * (the examiner's agent, X11, ports), no local commands.
 */
export const FORCED = [
  'BatchMode=yes',
  'StrictHostKeyChecking=yes',
  'UpdateHostKeys=no',
  'RequestTTY=no',
  'ForwardAgent=no',
  'ForwardX11=no',
  'ClearAllForwardings=yes',
  'PermitLocalCommand=no',
  'ServerAliveInterval=5',
  'ServerAliveCountMax=3',
];

/** Keys an --ssh-option may not set (lower-case), with why. */
const REFUSED: Record<string, string> = {
  stricthostkeychecking: 'host keys are always checked (StrictHostKeyChecking=yes is forced)',
  batchmode: 'netcustody never prompts (BatchMode=yes is forced)',
  updatehostkeys: 'known_hosts is never changed by a collection',
  requesttty: 'a terminal would alter the output bytes',
  forwardagent: 'the examiner\'s agent is never forwarded to an examined host',
  forwardx11: 'nothing is forwarded to an examined host',
  forwardx11trusted: 'nothing is forwarded to an examined host',
  localforward: 'nothing is forwarded', remoteforward: 'nothing is forwarded', dynamicforward: 'nothing is forwarded',
  clearallforwardings: 'nothing is forwarded',
  permitlocalcommand: 'no local commands run', localcommand: 'no local commands run',
  remotecommand: 'netcustody decides what runs on the target',
  controlmaster: 'netcustody manages its own connection', controlpath: 'netcustody manages its own connection', controlpersist: 'netcustody manages its own connection',
  loglevel: 'the host key used is read from ssh\'s log',
  sessiontype: 'netcustody decides what runs on the target',
  stdinnull: 'netcustody feeds the remote shell on stdin',
};

const NULL_FILES = /^(\/dev\/null|none)$/i;

/** Throws a usage error for an option that is malformed or would weaken the checks. */
export function checkSshOption(opt: string): string {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=|\s)\s*(.*?)\s*$/.exec(opt);
  if (!m || m[2] === '') throw new EvidenceError(`--ssh-option "${opt}": expected Key=Value as in ssh_config`, 'e.g. --ssh-option ProxyJump=bastion', 2);
  const key = m[1].toLowerCase();
  if (REFUSED[key]) throw new EvidenceError(`--ssh-option "${opt}" is refused: ${REFUSED[key]}`, undefined, 2);
  if ((key === 'userknownhostsfile' || key === 'globalknownhostsfile') && m[2].split(/\s+/).every((f) => NULL_FILES.test(f))) {
    throw new EvidenceError(`--ssh-option "${opt}" is refused: without a known_hosts file no host key can be checked`, 'name the file holding the examined hosts\' keys', 2);
  }
  return `${m[1]}=${m[2]}`;
}

/** Options common to every ssh call for this target: -F, forced -o, the examiner's -o. */
export function baseArgs(s: SshSettings): string[] {
  const args: string[] = [];
  if (s.configFile) args.push('-F', s.configFile);
  for (const o of FORCED) args.push('-o', o);
  for (const o of s.options) args.push('-o', o);
  // After the examiner's options: theirs wins (ssh keeps the first value).
  args.push('-o', `ConnectTimeout=${s.connectTimeoutS}`);
  return args;
}
