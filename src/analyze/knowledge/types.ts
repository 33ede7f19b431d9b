// The knowledge base's entry types: what a normal host of each OS listens on, and which programs
// legitimately run under a name other than their executable's.

export interface ExpectedListener {
  /** Process names (lower case, without ".exe") that hold this listener. */
  names: string[];
  /** Windows netstat -b service (component) names that hold it; any service matches when absent. */
  services?: string[];
  protocol: 'tcp' | 'udp';
  /** Inclusive port range; one port is [p, p]. */
  ports: [number, number];
  /**
   * Executable paths the real program runs from (exact, or a prefix ending in "/"). When the
   * evidence shows an executable elsewhere, the entry does not match (an impostor under the name).
   */
  paths?: string[];
  /** Windows cannot show the owner of protected processes (wininit.exe, some svchost services). */
  ownerMayBeHidden?: boolean;
  /** Bound to loopback only (a listener of the same program on the network is not expected). */
  loopbackOnly?: boolean;
  /** Plain description for the finding: what the listener is. */
  what: string;
  /** Primary source that documents it. */
  source: string;
}

export interface OsKnowledge {
  listeners: ExpectedListener[];
}
