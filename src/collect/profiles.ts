// What to collect, per OS, as data (UAC style): the runner knows no command by name.
// Groups run one after another in order of volatility (RFC 3227: sockets change in milliseconds,
// processes in seconds, routes in minutes); steps inside a group start together so the views of
// the same sockets (netstat, ss, /proc/net) are taken within the shortest possible window.
// Every command is numeric: name resolution hangs on isolated hosts and reveals the examiner.

export type StepKind = 'command' | 'file' | 'procfacts';

export interface ProfileStep {
  /** Short id, also the artifact file name: raw/NN-<id>.stdout */
  id: string;
  kind: StepKind;
  description: string;
  /** For 'command': the argv; for 'file': [path]. */
  argv: string[];
  /** Which evidence this step is an alternative source of (a missing netstat still leaves ss). */
  alternativeOf?: string;
  /**
   * For a process-facts step: the executable of every socket owner is read once, as the kernel maps
   * it, and hashed; the same read copies it into raw/binaries/ when the preservation policy
   * (--preserve-binaries, --max-binary-size) asks. Every transport that runs this step does both.
   */
  executables?: ExecutablesSpec;
}

export interface ExecutablesSpec {
  /** Where the running image is read: never the path the host prints. */
  read: string;
  hash: 'sha256';
  /** Copies are written beside the other raw artifacts, one file per PID. */
  preserveInto: string;
}

export interface ProfileGroup {
  name: string;
  /** RFC 3227 order of volatility, 1 = most volatile. */
  volatility: number;
  steps: ProfileStep[];
}

export interface Profile {
  name: 'linux' | 'macos' | 'windows';
  description: string;
  groups: ProfileGroup[];
  /** What a non-privileged run cannot see on this OS. */
  unprivilegedLimitations: string[];
}

const procNet = (name: string): ProfileStep => ({
  id: `proc-net-${name}`,
  kind: 'file',
  description: `kernel socket table /proc/net/${name} (the kernel's own view, for cross-checking)`,
  argv: [`/proc/net/${name}`],
  alternativeOf: 'netstat-anp',
});

export const PROFILES: Record<Profile['name'], Profile> = {
  linux: {
    name: 'linux',
    description: 'Linux: net-tools netstat, iproute2 ss/ip, /proc/net and per-process facts',
    unprivilegedLimitations: [
      'netstat -p and ss -p show owners only for processes of the collecting user',
      '/proc/PID/exe and /proc/PID/fd of other users are unreadable: their process facts are missing',
    ],
    groups: [
      {
        name: 'sockets',
        volatility: 1,
        steps: [
          { id: 'netstat-anp', kind: 'command', description: 'all sockets, numeric, with PID/program', argv: ['netstat', '-anp'] },
          { id: 'ss-tunap', kind: 'command', description: 'TCP/UDP sockets with owners (iproute2)', argv: ['ss', '-tunap'], alternativeOf: 'netstat-anp' },
          procNet('tcp'),
          procNet('tcp6'),
          procNet('udp'),
          procNet('udp6'),
          procNet('raw'),
          procNet('raw6'),
        ],
      },
      {
        name: 'processes',
        volatility: 2,
        steps: [
          {
            id: 'process-facts',
            kind: 'procfacts',
            description: 'for every PID owning a socket: exe target (incl. deleted), cmdline, ppid, uid/user, start time; SHA-256 and size of the running executable, copies of suspicious ones',
            argv: ['/proc/*/fd', '/proc/*/exe', '/proc/*/cmdline', '/proc/*/stat', '/proc/*/status'],
            executables: { read: '/proc/PID/exe', hash: 'sha256', preserveInto: 'raw/binaries/<pid>-<name>.bin' },
          },
        ],
      },
      {
        name: 'routes',
        volatility: 3,
        steps: [
          { id: 'netstat-rn', kind: 'command', description: 'IPv4 routing table', argv: ['netstat', '-rn'] },
          { id: 'netstat-rn-inet6', kind: 'command', description: 'IPv6 routing table', argv: ['netstat', '-rn', '-A', 'inet6'] },
          { id: 'ip-route-all', kind: 'command', description: 'all IPv4 routing tables (policy routing, blackholes)', argv: ['ip', 'route', 'show', 'table', 'all'], alternativeOf: 'netstat-rn' },
          { id: 'ip6-route-all', kind: 'command', description: 'all IPv6 routing tables', argv: ['ip', '-6', 'route', 'show', 'table', 'all'], alternativeOf: 'netstat-rn-inet6' },
        ],
      },
    ],
  },
  macos: {
    name: 'macos',
    description: 'macOS: netstat -anv per protocol, routes, lsof',
    unprivilegedLimitations: ['lsof -i lists only the collecting user\'s processes without root'],
    groups: [
      {
        name: 'sockets',
        volatility: 1,
        steps: [
          { id: 'netstat-anv-tcp', kind: 'command', description: 'TCP sockets with pid (-v)', argv: ['netstat', '-anv', '-p', 'tcp'] },
          { id: 'netstat-anv-udp', kind: 'command', description: 'UDP sockets with pid (-v)', argv: ['netstat', '-anv', '-p', 'udp'] },
          { id: 'lsof-nPi', kind: 'command', description: 'internet sockets with owning process', argv: ['lsof', '-nPi'], alternativeOf: 'netstat-anv-tcp' },
        ],
      },
      {
        name: 'routes',
        volatility: 3,
        steps: [{ id: 'netstat-rn', kind: 'command', description: 'routing tables (Internet, Internet6)', argv: ['netstat', '-rn'] }],
      },
    ],
  },
  windows: {
    name: 'windows',
    description: 'Windows: netstat -anob / -ano, route print, tasklist',
    unprivilegedLimitations: ['netstat -b requires an elevated prompt; without it the owning executables are missing'],
    groups: [
      {
        name: 'sockets',
        volatility: 1,
        steps: [
          { id: 'netstat-anob', kind: 'command', description: 'all sockets with PID and owning executable', argv: ['netstat', '-anob'] },
          { id: 'netstat-ano', kind: 'command', description: 'all sockets with PID (works unelevated)', argv: ['netstat', '-ano'], alternativeOf: 'netstat-anob' },
        ],
      },
      {
        name: 'processes',
        volatility: 2,
        steps: [{ id: 'tasklist-v', kind: 'command', description: 'processes with user and status', argv: ['tasklist', '/v', '/fo', 'csv'] }],
      },
      {
        name: 'routes',
        volatility: 3,
        steps: [{ id: 'route-print', kind: 'command', description: 'interface list, IPv4/IPv6 and persistent routes', argv: ['route', 'print'] }],
      },
    ],
  },
};

export function profileForPlatform(platform: NodeJS.Platform): Profile | null {
  if (platform === 'linux') return PROFILES.linux;
  if (platform === 'darwin' || platform === 'freebsd' || platform === 'openbsd') return PROFILES.macos;
  if (platform === 'win32') return PROFILES.windows;
  return null;
}
