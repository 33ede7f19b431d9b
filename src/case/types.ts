// Types of the case stage: several examined hosts read together (never changed), the TCP flows
// between them, and the case leads built from those flows. case.json is CaseFile.
import type { Acquisition, Connection, ProcessFacts, Route, Severity, SourceRef } from '../model.js';
import type { LeadRecord } from '../report/view-leads.js';

/** One examined host as read from its evidence folder or bundle. */
export interface CaseHostInput {
  /** H1, H2 … in the order the sources were given. */
  key: string;
  /** The SOURCE as given on the command line. */
  source: string;
  sourceKind: 'folder' | 'bundle';
  /** Where the evidence was read (the folder, or the verified bundle extracted to a temporary folder). */
  dir: string;
  /** The host bundle that goes into the case bundle unchanged (null: a folder that was never bundled). */
  bundlePath: string | null;
  bundleSha256: string | null;
  acquisition: Acquisition;
  acquisitionSha256: string;
  /** The custody log's last line hash, as the host's evidence stood when the case read it. */
  custodySha256: string;
  /** Sockets of the primary listing only (the other views are cross-checks of the same sockets). */
  connections: Connection[];
  processes: ProcessFacts[];
  routes: Route[];
  leads: LeadRecord[];
  /** How the evidence was checked before it was read ("verify: 8 checks passed", …). */
  checked: string;
}

export interface HostAddress {
  address: string;
  /** Where the address was seen: socket lines or local routes of this host. */
  refs: SourceRef[];
}

export interface CaseHost {
  key: string;
  name: string;
  evidenceId: string;
  source: string;
  sourceKind: 'folder' | 'bundle';
  bundle: { file: string; sha256: string } | null;
  acquisitionSha256: string;
  custodySha256: string;
  captureWindow: Acquisition['captureWindow'];
  clock: { systemUtc: string; ntpSynchronized: boolean | null; offset: string | null; source: string };
  addresses: HostAddress[];
  checked: string;
  /** Leads of the host's own analysis at medium or above (id, severity, summary). */
  hostLeads: { id: string; severity: Severity; summary: string; pid: number | null }[];
}

/** One end of a flow: on an examined host the socket line that shows it (the listener's line for an end
 * seen only from the other side); host null for an address no examined host (or several) holds. */
export interface FlowEnd {
  host: string | null;
  address: string;
  port: number | null;
  pid: number | null;
  process: string | null;
  state: string | null;
  ref: SourceRef | null;
  /** Lead of this host's own analysis holding this socket's process, if any. */
  lead: { id: string; severity: Severity } | null;
}

export interface CaseFlow {
  id: string;
  /** both: each host printed its end; one-client / one-server: only that side's line exists. */
  seen: 'both' | 'client-only' | 'server-only';
  client: FlowEnd;
  server: FlowEnd;
  /** How client and server were told apart (a listener on the server's port, or port numbers). */
  direction: string;
  /** Plain words: "seen from both ends", "seen only from web (may have closed before db was captured)". */
  note: string;
  /** Set when the peer address belongs to more than one examined host: not joined, never guessed. */
  ambiguous: string | null;
  /** Highest severity of the case leads citing this flow (null: none). */
  severity: Severity | null;
}

export interface CaseLead {
  id: string;
  rule: string;
  severity: Severity;
  title: string;
  /** One plain sentence built from the flows' fields. */
  summary: string;
  hosts: string[];
  flows: string[];
  refs: { host: string; evidenceId: string; artifact: string; line: number }[];
}

export interface Ambiguity {
  kind: 'host-given-twice' | 'same-host-name' | 'shared-address';
  detail: string;
  hosts: string[];
}

export interface CaseFile {
  format: 'netcustody-case/1';
  caseId: string;
  generated: string;
  tool: { name: string; version: string };
  hosts: CaseHost[];
  flows: CaseFlow[];
  leads: CaseLead[];
  ambiguities: Ambiguity[];
}
