// Types of the analyzer: the enriched context rules read, the rule contract (ESLint style: meta +
// check), and the outputs the report renders.
import type {
  Acquisition,
  Connection,
  Finding,
  NetInterface,
  ProcessFacts,
  Route,
  Severity,
  SocketView,
  SourceRef,
} from '../model.js';
import type { AddressInfo, Cidr, AddressClass } from './address.js';
import type { HashSet } from './hashsets.js';

/** OS family the rules reason about ('bsd' covers macOS and FreeBSD). */
export type OsFamily = 'linux' | 'windows' | 'bsd' | 'unknown';

/** A process known by PID: socket owners and /proc facts joined together. */
export interface ProcessInfo {
  pid: number;
  /** Name to show: the socket tool's name, else comm, else exe basename (raw, unescaped). */
  name: string | null;
  /** procKey() of every name seen for this PID (tool names, comm, exe basename, argv[0]). */
  keys: string[];
  /** Raw names as printed (for masquerade checks). */
  rawNames: string[];
  /** How many of rawNames, from the first, the socket listings printed (the rest are comm, exe, argv[0]). */
  listedNames: number;
  facts: ProcessFacts | null;
  exe: string | null;
  sockets: SocketInfo[];
}

/** One socket after merging the views (netstat, ss, lsof, /proc) that printed it. */
export interface SocketInfo {
  /** Stable id: protocol|local|lport|remote|rport, plus #n for further owners of the same tuple. */
  id: string;
  /** The record from the preferred view (netstat > ss > lsof > proc). */
  primary: Connection;
  records: Connection[];
  views: SocketView[];
  refs: SourceRef[];
  protocol: Connection['protocol'];
  ipVersion: 4 | 6;
  local: AddressInfo;
  remote: AddressInfo;
  localPort: number | null;
  remotePort: number | null;
  state: string | null;
  pid: number | null;
  /** Raw process name from the records, else from the joined process. */
  processName: string | null;
  proc: ProcessInfo | null;
  /** TCP LISTEN, or UDP bound without a peer. */
  listening: boolean;
  /** Connected (ESTABLISHED, SYN_SENT, connected UDP ...) and not accepted on one of our listeners. */
  outbound: boolean;
  /** Connected and accepted on a local listener (the remote port is the peer's ephemeral port). */
  inbound: boolean;
}

export interface RouteInfo {
  index: number;
  /** The preferred record when several commands printed the route (ip route over netstat -rn). */
  route: Route;
  /** Every line that printed this route. */
  refs: SourceRef[];
  dest: Cidr | null;
  destClass: AddressClass | null;
  gateway: AddressInfo | null;
  /** Gateway printed as on-link / link#N / MAC / unspecified: no next hop. */
  onLink: boolean;
  isDefault: boolean;
  isHost: boolean;
  /** blackhole, unreachable, prohibit, reject (type or flags). */
  isReject: boolean;
  /** Reject routes every Linux kernel installs for IPv6 (sit/6to4 ranges, ::/0 metric -1). */
  isKernelReject: boolean;
  iface: string | null;
  ifaceIsTunnel: boolean;
  ifaceIsLoopback: boolean;
  /** In the main table (policy-routing tables such as wg-quick's hold their own defaults). */
  mainTable: boolean;
}

export interface AnalysisContext {
  acquisition: Acquisition;
  os: OsFamily;
  /** Collection ran as root/Administrator; null when unknown. */
  privileged: boolean | null;
  /** All records as parsed (cross-source rules compare views). */
  connections: Connection[];
  sockets: SocketInfo[];
  listeners: SocketInfo[];
  /** Listening (protocol|port) pairs, to tell inbound from outbound connections. */
  listenPorts: Set<string>;
  processes: Map<number, ProcessInfo>;
  /** Sorted by PID. */
  processList: ProcessInfo[];
  routes: RouteInfo[];
  /** Every route record as parsed, each with its own source line (one route can be printed by several tools). */
  routeRecords: Route[];
  interfaces: NetInterface[];
  /** Views present in the capture. */
  views: Set<SocketView>;
  /** Remote addresses of all connections (VPN endpoint recognition). */
  remoteAddresses: Set<string>;
  baseline: AnalysisContext | null;
  baselineLabel: string;
  /** The examiner's hash sets (analyze --hashset); absent when none were given. */
  hashSets?: HashSet[];
}

export interface RuleMeta {
  id: string;
  title: string;
  /** Default severity; a hit may set another one (documented in the description). */
  severity: Severity;
  description: string;
  rationale: string;
  falsePositives: string;
  attack: string[];
  /** Primary sources that hold whatever the host's OS. */
  references: string[];
  /** Primary sources for findings on one OS family only (a Windows finding cites Windows sources). */
  referencesByOs?: Partial<Record<Exclude<OsFamily, 'unknown'>, string[]>>;
  /** What a hit means in words a non-specialist understands (the report's first page). */
  plain?: string;
  /** Hits about listeners the knowledge base expects on a normal host are lowered to info. */
  expectedListeners?: boolean;
  subject: Finding['subject'];
  /** OS families the rule applies to; absent = all. 'unknown' hosts run every rule. */
  os?: OsFamily[];
  /** Runs only when a baseline capture is given. */
  needsBaseline?: boolean;
  /**
   * The rule judges a process by its name (look-alike, tool or shell names): a known-good hash of
   * its executable lowers such findings to info, because the hash, not the name, decides.
   */
  nameBased?: boolean;
}

/** What an allow-list entry may match on. */
export interface HitFacts {
  process?: string | null;
  pid?: number | null;
  ports?: number[];
  addresses?: string[];
  destination?: string | null;
  gateway?: string | null;
  interface?: string | null;
}

export interface RuleHit {
  /** The facts observed (addresses, ports, process) — becomes Finding.detail. */
  detail: string;
  refs: SourceRef[];
  severity?: Severity;
  subject?: Finding['subject'];
  pid?: number | null;
  /** Raw process name (escaped when written into the finding). */
  process?: string | null;
  /** Extra interpretation appended to the rule's rationale. */
  note?: string;
  /** ATT&CK ids that only this hit shows (a right-to-left override in the name: T1036.002). */
  attack?: string[];
  facts?: HitFacts;
  /** Sockets and routes the hit is about (annotations). */
  socketIds?: string[];
  routeIndexes?: number[];
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: AnalysisContext): RuleHit[];
}

export type AllowAction = 'suppress' | 'lower';

export interface AllowEntry {
  /** 1-based position in the file ("allow-list entry N"). */
  index: number;
  /** Line of the file where the entry starts. */
  line: number;
  rule: string;
  process?: string;
  pid?: number;
  port?: number;
  address?: string;
  destination?: string;
  gateway?: string;
  interface?: string;
  action: AllowAction;
  severity?: Severity;
  reason: string;
}

export interface AllowList {
  source: string;
  entries: AllowEntry[];
}


export interface ProcessView {
  pid: number;
  /** Escaped for display. */
  process: string | null;
  names: string[];
  exe: string | null;
  exeDeleted: boolean;
  user: string | null;
  uid: number | null;
  ppid: number | null;
  cmdline: string[] | null;
  startTime: string | null;
  socketCount: number;
  /**
   * The process's sockets (the same objects as connectionAnnotations), capped at 500; socketCount tells
   * the total. Left out when analyze() runs with `annotate: 'marked'` (analyze's files: every socket
   * is in parsed/connections.json already).
   */
  sockets?: ConnectionAnnotation[];
  listeningPorts: number[];
  remotePeers: string[];
  findingIds: string[];
  rules: string[];
  maxSeverity: Severity | null;
}

export interface ConnectionAnnotation {
  id: string;
  source: SourceRef;
  refs: SourceRef[];
  views: SocketView[];
  protocol: Connection['protocol'];
  local: string;
  remote: string | null;
  state: string | null;
  pid: number | null;
  process: string | null;
  localClass: AddressClass;
  remoteClass: AddressClass;
  mapped: boolean;
  localService: string | null;
  remoteService: string | null;
  direction: 'listen' | 'inbound' | 'outbound' | 'other';
  findingIds: string[];
  maxSeverity: Severity | null;
}

export interface RouteAnnotation {
  source: SourceRef;
  refs: SourceRef[];
  destination: string;
  gateway: string | null;
  interface: string | null;
  kind: 'default' | 'host' | 'network' | 'unknown';
  destinationClass: AddressClass | null;
  gatewayClass: AddressClass | null;
  reject: boolean;
  findingIds: string[];
  maxSeverity: Severity | null;
}
