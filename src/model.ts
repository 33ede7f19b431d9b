// The shared types of the pipeline. Field names of Connection, Route and Finding are a contract
// (../shared/ARCHITECTURE.md): other tools read the JSON files built from them.

export type OsName = 'linux' | 'macos' | 'freebsd' | 'windows' | 'unknown';
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** Where a record came from: path inside the evidence folder and 1-based line number. */
export interface SourceRef {
  artifact: string;
  line: number;
}

/** Which tool's view of the sockets a record belongs to (cross-source checks compare views). */
export type SocketView = 'netstat' | 'ss' | 'proc' | 'lsof';

export interface SocketOwner {
  process: string;
  pid: number;
  fd?: number | null;
}

/** One internet socket (tcp/udp/raw, IPv4/IPv6) as some tool printed it. */
export interface Connection {
  protocol: 'tcp' | 'udp' | 'raw';
  ipVersion: 4 | 6;
  localAddress: string;
  localPort: number | null;
  remoteAddress: string;
  remotePort: number | null;
  /** Normalised to Linux netstat names (LISTEN, ESTABLISHED, TIME_WAIT, ...); null where none. */
  state: string | null;
  /** The state text exactly as printed (localised, abbreviated, numeric code). */
  stateRaw: string | null;
  pid: number | null;
  process: string | null;
  source: SourceRef;
  /** Protocol column as printed: tcp6, TCP, tcp46, udp4 ... */
  protoRaw: string;
  view: SocketView;
  /**
   * Set by the parse stage: true for records of the evidence folder's primary socket listing
   * (netstat before ss before lsof before /proc/net); the other views are kept for cross-checks.
   */
  primary?: boolean;
  /** Parser id that produced the record. */
  format: string;
  /** True when the tool cut the process name (net-tools: 15 chars, macOS -v: 16/32). */
  processTruncated?: boolean;
  /** True when an address was printed cut (macOS without -W). */
  addressTruncated?: boolean;
  /** ss lists every process holding the socket; the first is also in pid/process. */
  owners?: SocketOwner[];
  /** Windows -b: the service/component line above the [image.exe] line. */
  component?: string | null;
  /** Windows -b: "Can not obtain ownership information" and similar. */
  ownerNote?: string | null;
  /** Windows -b: the lines below the row that name its owner (component, note, [image.exe]), 1-based. */
  ownerLines?: number[];
  user?: string | null;
  uid?: number | null;
  inode?: number | null;
  interfaceScope?: string | null;
  recvQ?: number | null;
  sendQ?: number | null;
  /** Port as printed when it was not numeric (BSD/lsof service names like `https`, possibly cut). */
  localPortRaw?: string | null;
  remotePortRaw?: string | null;
}

/** A UNIX domain socket (kept apart: not counted as a connection). */
export interface UnixSocket {
  protoRaw: string;
  refCnt: number | null;
  flags: string | null;
  type: string | null;
  state: string | null;
  inode: number | null;
  pid: number | null;
  process: string | null;
  path: string | null;
  source: SourceRef;
  format: string;
}

/** Other socket families printed by ss -a (netlink, packet, ...), kept for completeness. */
export interface OtherSocket {
  family: string;
  state: string | null;
  local: string;
  peer: string;
  pid: number | null;
  process: string | null;
  source: SourceRef;
  format: string;
}

export type RouteType = 'unicast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw' | 'local' | 'broadcast' | 'multicast' | 'anycast' | 'nat' | 'reject' | 'other';

export interface Route {
  /** CIDR, e.g. "0.0.0.0/0", "fe80::/64". */
  destination: string;
  /** null when on-link / directly connected. */
  gateway: string | null;
  interface: string | null;
  metric: number | null;
  flags: string | null;
  ipVersion: 4 | 6;
  source: SourceRef;
  format: string;
  type?: RouteType;
  table?: string | null;
  proto?: string | null;
  scope?: string | null;
  src?: string | null;
  /** Windows "Persistent Routes" section. */
  persistent?: boolean;
  /** Gateway printed as a link-layer address or link#N (BSD). */
  gatewayKind?: 'ip' | 'link' | 'mac' | 'onlink' | 'other';
  /** IPv6 zone printed inside the destination (BSD `fe80::%lo0/64`), removed from `destination`. */
  zone?: string | null;
}

/** A network interface as a route table lists it (Windows Interface List, ip route dev). */
export interface NetInterface {
  index: string;
  name: string;
  mac: string | null;
  source: SourceRef;
}

/** A line the parser could not turn into a record. Nothing is dropped silently. */
export interface UnparsedLine {
  line: number;
  text: string;
  reason: string;
}

export interface LineAccounting {
  total: number;
  records: number;
  headers: number;
  blank: number;
  unparsed: number;
}

export interface ParseResult {
  format: string;
  artifact: string;
  /** Text encoding the bytes were decoded from: utf-8, utf-8-bom, utf-16le-bom, latin1 ... */
  encoding: string;
  connections: Connection[];
  routes: Route[];
  unixSockets: UnixSocket[];
  otherSockets: OtherSocket[];
  interfaces: NetInterface[];
  /** Process lists some formats carry (Windows tasklist /v /fo csv). */
  processes: ProcessFacts[];
  /** The first unparsed lines (MAX_LISTED_UNPARSED per artifact), each with its line number and an excerpt. */
  unparsed: UnparsedLine[];
  /** Unparsed lines counted but not listed (beyond the cap); lines.unparsed counts them all. */
  unparsedNotListed: number;
  /** Every unparsed line counted by reason, listed or not. */
  unparsedReasons: Record<string, number>;
  lines: LineAccounting;
  warnings: string[];
}

/** Facts about a socket-owning process captured before it can vanish (Linux /proc). */
export interface ProcessFacts {
  pid: number;
  comm: string | null;
  exe: string | null;
  exeDeleted: boolean;
  cmdline: string[] | null;
  ppid: number | null;
  uid: number | null;
  user: string | null;
  /** Process start time, UTC ISO-8601 (from /proc/PID/stat starttime and boot time). */
  startTime: string | null;
  socketInodes: number[];
  /** SHA-256 of the running image read through /proc/PID/exe (also when deleted); absent in older folders. */
  exeSha256?: string | null;
  /** Size in bytes of that image. */
  exeSize?: number | null;
  /** Why it was not hashed (permission, over the size cap, no hash tool on the host, vanished). */
  exeHashError?: string | null;
  errors: string[];
  /** Set by the parser: the line that cites this process (its JSON line; in the older array format the line of "pid"). */
  source?: SourceRef;
  /** Older array format only: the line of each fact's key, when not on the `source` line. */
  fieldLines?: Partial<Record<ProcessFactField, number>>;
}

export type ProcessFactField = 'comm' | 'exe' | 'exeDeleted' | 'cmdline' | 'ppid' | 'uid' | 'user' | 'startTime';

export interface ArtifactFile {
  /** Path relative to the evidence folder, e.g. raw/01-netstat-anp.stdout */
  path: string;
  bytes: number;
  sha256: string;
  /** Set when writing stopped early (a full disk): the file holds only `bytes`, the hash is theirs. */
  writeError?: { error: string; bytesNotWritten: number };
}

export interface CommandRecord {
  id: string;
  order: number;
  /** 'command' runs argv; 'file' copies a file (/proc/net/tcp); 'procfacts' gathers ProcessFacts. */
  kind: 'command' | 'file' | 'procfacts';
  description: string;
  argv: string[];
  /** UTC ISO-8601 with milliseconds. */
  start: string;
  end: string;
  /** process.hrtime.bigint() readings in nanoseconds, as decimal strings. */
  startNs: string;
  endNs: string;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  timeoutMs: number;
  /** The command is not installed / file absent: recorded, alternatives still run. */
  unavailable: boolean;
  error: string | null;
  /** Signals sent to the command's process group when it was stopped (timeout, Ctrl-C), in order. */
  groupSignals?: string[];
  /** Output files that could not even be created (full disk, no free inode): "path (error)", comma-separated. */
  outputNotCreated?: string;
  stdout: ArtifactFile | null;
  stderr: ArtifactFile | null;
  /** 'procfacts' step (issue 18): copies of socket owners' executables taken in the same read as their hash. */
  binaries?: BinariesRecord;
  /** Over SSH (issue 13): what ran on the target and the remote hashes of the outputs. */
  remote?: RemoteRecord;
  /** Whose clock the times are (field kit: "recorded by the kit on the host's clock"); absent = this tool's. */
  timeSource?: string;
}

export interface ImportRecord {
  id: string;
  order: number;
  originalPath: string;
  originalSize: number;
  originalMtime: string;
  statedCommand: string | null;
  statedOs: string | null;
  /** When, by whom and on which host the file was captured, as the examiner states (not observed). */
  statedCapturedAt?: string | null;
  statedCapturedBy?: string | null;
  statedHost?: string | null;
  /** SHA-256 taken at the scene, as stated: the import is refused unless the file matches it. */
  statedSourceSha256?: string | null;
  intakeTime: string;
  artifact: ArtifactFile;
}

export interface HostInfo {
  hostname: string;
  os: OsName;
  platform: string;
  release: string;
  kernel: string;
  arch: string;
  uptimeSeconds: number;
  timeZone: string;
  utcOffsetMinutes: number;
}

export interface ClockInfo {
  systemUtc: string;
  ntpSynchronized: boolean | null;
  source: string;
  /** Offset of the system clock from its time source, as the host's tool printed it, where it tells. */
  offset?: string | null;
  offsetSource?: string | null;
}

export interface Privileges {
  user: string;
  uid: number | null;
  euid: number | null;
  privileged: boolean;
  limitations: string[];
}

export interface Acquisition {
  tool: { name: string; version: string };
  caseId: string;
  evidenceId: string;
  examiner: string;
  organisation: string | null;
  /** The examiner's role or qualification, as they stated it (absent in older folders). */
  examinerRole?: string | null;
  /** 'collect' on this host, or 'import' of files captured elsewhere. */
  mode: 'collect' | 'import';
  profile: string;
  host: HostInfo | null;
  /** Import: the host and OS the files come from, as the examiner stated them (not observed). */
  statedHost?: string | null;
  statedOs?: string | null;
  clock: ClockInfo;
  privileges: Privileges | null;
  captureWindow: { start: string; end: string; durationMs: number } | null;
  commands: CommandRecord[];
  imports: ImportRecord[];
  warnings: string[];
  status: 'complete' | 'interrupted' | 'failed' | 'in-progress';
  /** How the evidence reached the workstation (issue 13); absent in older folders = local. */
  transport?: TransportInfo;
}

export interface CustodyEvent {
  seq: number;
  time: string;
  actor: string;
  action: string;
  object: string | null;
  sha256: string | null;
  details?: Record<string, unknown>;
  prev: string;
}

export interface FindingRef extends SourceRef {}

export interface Finding {
  /** Stable id within one findings.json, e.g. F-0001. */
  id: string;
  rule: string;
  severity: Severity;
  title: string;
  /** The facts: what was observed, with addresses, ports, process. */
  detail: string;
  /** Interpretation: why an examiner should care. */
  rationale: string;
  /** Possible innocent explanations. */
  falsePositives: string;
  subject: 'connection' | 'route' | 'process' | 'host';
  refs: FindingRef[];
  attack: string[];
  references: string[];
  pid?: number | null;
  process?: string | null;
  /** When an allow-list entry or the knowledge base changed the rule's severity. */
  originalSeverity?: Severity;
  suppressed?: { by: string; reason: string } | null;
  /** Why the knowledge base lowered it to info (a listener a normal host of this OS opens). */
  expected?: string | null;
  /** Why a known-good hash set lowered it to info (name-based rules only). */
  knownGood?: string | null;
  /** Older folders only: the engine no longer raises findings of a PID hit by several rules. */
  escalated?: string | null;
}

// ---- Issue 18: the executables behind socket owners (hash, preserved copies) ----

/** Which socket owners' executables are copied into the evidence: 'auto' = the suspicious ones. */
export type PreservePolicy = 'auto' | 'all' | 'none';

/** A copy of a running executable, read once through /proc/PID/exe: hashed and copied in that one read. */
export interface PreservedBinary extends ArtifactFile {
  pid: number;
  /** The exe link as the kernel printed it (host text: may end in " (deleted)"). */
  exe: string | null;
  /** Why it was preserved: "deleted", "in a world-writable temporary directory", "name imitates ...", "--preserve-binaries all". */
  reasons: string[];
  /** Set when the copy is not the whole image (interrupted, a full disk): why. */
  incomplete?: string;
  /** Another PID runs the same file (same device and inode; over SSH: the same SHA-256): its copy is this path, written once. */
  sharedWith?: number;
  /** Over SSH: the copy came from `cat /proc/PID/exe` on the target, beside the hashes it is checked against. */
  remote?: RemoteCopy;
}

export interface RemoteCopy {
  /** SHA-256 of the executable taken by the process-facts reader on the target (null: not taken). */
  readerSha256: string | null;
  /** SHA-256 the target computed of the bytes it sent for this copy (null: no hash tool). */
  targetSha256: string | null;
  /** Received bytes against the target's hash (as for every SSH output). */
  transit: 'match' | 'mismatch' | 'not taken';
  /** SHA-256 of the wrapper script sent to the target's `sh -s` for this copy (its text: transport.footprint). */
  scriptSha256: string;
  /** How long the copy's session took, on the workstation's clock. */
  durationMs: number;
}

/** An executable that should have been preserved but was not, and why (over the cap, unreadable). */
export interface SkippedBinary {
  pid: number;
  exe: string | null;
  reasons: string[];
  /** Size of the image when known (fstat of /proc/PID/exe). */
  size: number | null;
  why: string;
}

export interface BinariesRecord {
  policy: PreservePolicy;
  /** --max-binary-size in bytes: larger executables are neither hashed nor copied. */
  maxBytes: number;
  preserved: PreservedBinary[];
  skipped: SkippedBinary[];
}

// ---- Issue 13: transports (local | ssh | kit) and their provenance ----

/** One reading of the target's clock between two workstation readings (ms since the epoch). */
export interface ClockReading {
  /** 'before <group>' / 'after <group>'. */
  when: string;
  localSendMs: number;
  localReceiveMs: number;
  /** The target's `date -u` answer as printed (host text), and as ms; null when unreadable. */
  remoteText: string;
  remoteMs: number | null;
  /** Whole seconds only (no %N on the target): the offset is then known to ±1 s. */
  secondsOnly: boolean;
  /** remote − midpoint of the two local readings; round trip = receive − send. */
  offsetMs: number | null;
  rttMs: number;
}

/** A command line that ran on the target (the examiner's footprint), with the script fed to it. */
export interface FootprintEntry {
  purpose: string;
  /** The remote command line sshd ran (through the account's login shell). */
  command: string;
  /** The POSIX-sh script sent on its stdin, if any, exactly as sent. */
  script?: string;
  scriptSha256?: string;
}

export interface TransportInfo {
  kind: 'local' | 'ssh' | 'kit';
  /** The target as the examiner gave it ([user@]host[:port] or a ~/.ssh/config alias). */
  target?: string;
  /** As `ssh -G` resolved it with the examiner's ssh_config. */
  resolved?: { hostname: string; port: number; user: string; proxyJump: string | null; proxyCommand: string | null; hostKeyAlias: string | null; configFile: string | null };
  /** The key the connection used, as `ssh -v` printed it (the examined system's identity). */
  hostKey?: { type: string; fingerprint: string; knownHosts: string | null };
  client?: string;
  /** The server's SSH version string (host text). */
  serverSoftware?: string | null;
  options?: string[];
  /** `uname -s` (profile detection), `uname -n`, `id` and SSH_CONNECTION as the target printed them (host text). */
  remote?: { unameS: string | null; unameN: string | null; unameR: string | null; unameM: string | null; id: string | null; user: string | null; sshConnection: string | null; hashTool: string | null; timeout: boolean };
  profileDetection?: { asked: string; answer: string; profile: string; overriddenBy: string | null };
  clock?: { readings: ClockReading[]; offsetMs: number | null; maxRttMs: number | null };
  footprint?: { commands: FootprintEntry[]; readerSha256: string | null; note: string };
  /** Test hooks that altered this capture on purpose (never set in real use): the report flags them. */
  testHooks?: string[];
  /** Why the connection ended early, when it did. */
  lost?: string | null;
  /** Field kit: what ran on the host and how its results were received. */
  kit?: KitProvenance;
}

export interface RemoteRecord {
  /** The remote command line (sshd runs it through the login shell) and the script on its stdin. */
  command: string;
  scriptSha256: string;
  /** Exit status of the ssh client (255: the connection failed). */
  sshExit: number | null;
  /** SHA-256 the target computed of the output before sending it; null when it could not. */
  stdoutSha256: string | null;
  stderrSha256: string | null;
  /** 'match' | 'mismatch' (a transit error) | 'not taken' (no hash tool, output cut off). */
  transit: 'match' | 'mismatch' | 'not taken';
  /** Why no remote hash / no trailer, when so. */
  note: string | null;
}

// ---- Issue 14: the field kit (transport kind "kit") ----

export interface KitProvenance {
  /** The kit's version and OS as its manifest states them. */
  version: string;
  os: 'linux' | 'macos' | 'windows';
  script: string;
  /** SHA-256 of the script as the kit computed it on the host (null when the host had no tool). */
  scriptSha256: string | null;
  /** SHA-256 of the script this netcustody version generates for that OS, and whether they are equal. */
  expectedScriptSha256: string;
  scriptMatches: boolean;
  /** Which SHA-256 tool the host had (sha256sum, shasum, openssl, Get-FileHash, certutil, none). */
  hashTool: string;
  /** Time resolution the host's date offered: ns, ticks (100 ns) or s. */
  timePrecision: string;
  /** The shell that ran it, as the host reported it (host text). */
  shell: string | null;
  /** The results as received: folder or tar, path, tar SHA-256, and the kit's manifest kept in the folder. */
  results: { kind: 'folder' | 'tar'; path: string; name: string; sha256: string | null; manifest: string; manifestSha256: string };
  runStart: string | null;
  runEnd: string | null;
  runComplete: boolean;
  /** Steps the kit left no complete record of (interrupted), recorded as failed commands. */
  missingSteps: string[];
  /** Output files found without a complete record: not imported (named here). */
  unrecordedFiles: string[];
  timeSource: string;
}
