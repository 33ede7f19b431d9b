// What `ss` leaves implicit: the protocol of a listing printed without the Netid column (ss drops
// it when only one socket table was asked for, e.g. `ss -t`, `ss -ul`), decided from the rows
// themselves first and only then from the artifact's file name.
import { isDigits } from './ss-fields.js';
import { protocolNumber, servicePort } from './ss-services.js';

/** States only TCP (and SCTP/MPTCP) sockets show; UDP and raw rows are UNCONN or ESTAB. */
const TCP_ONLY_STATES = new Set([
  'LISTEN', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSING',
]);

export interface InferredNetid {
  netid: string;
  reason: string;
}

function tokensOf(line: string): string[] {
  return line.trim().split(/\s+/, 6);
}

/** Port text of `addr:port` (no validation; only used as a hint). */
function portText(endpoint: string): string {
  return endpoint.slice(endpoint.lastIndexOf(':') + 1);
}

/** `ss -t`, `ss -uan`, `03-ss-tn.stdout`: the table letters of the command line in a file name. */
export function netidFromName(artifact: string): string | null {
  const base = artifact.slice(artifact.lastIndexOf('/') + 1).toLowerCase();
  const match = /(?:^|[^a-z])ss[-_ ]+-?([a-z]+)/.exec(base);
  if (!match) return null;
  const flags = match[1];
  const picked = [['t', 'tcp'], ['u', 'udp'], ['w', 'raw'], ['x', 'unix']].filter(([f]) => flags.includes(f));
  return picked.length === 1 ? picked[0][1] : null;
}

/**
 * rows: the lines that start with a state (no Netid column). A `path inode` local column decides
 * unix; TCP-only states decide tcp; protocol names as ports decide raw; then the file name;
 * then UNCONN-only listings are udp and anything else tcp (`ss -t` prints ESTAB rows only).
 */
export function inferNetid(rows: string[], artifact: string, states: Set<string>): InferredNetid {
  let allUnconn = rows.length > 0;
  let rawPorts = false;
  for (const row of rows) {
    const t = tokensOf(row);
    if (!states.has(t[0])) continue;
    if (t.length >= 5 && !t[3].includes(':') && isDigits(t[4])) return { netid: 'unix', reason: 'UNIX path and inode columns' };
    if (TCP_ONLY_STATES.has(t[0])) return { netid: 'tcp', reason: `state ${t[0]} is TCP-only` };
    if (t[0] !== 'UNCONN') allUnconn = false;
    const port = t.length >= 4 ? portText(t[3]) : '';
    if (port && !isDigits(port) && port !== '*' && protocolNumber(port) !== null && servicePort(port) === null) rawPorts = true;
  }
  if (rawPorts) return { netid: 'raw', reason: 'ports printed as IP protocol names' };
  const named = netidFromName(artifact);
  if (named) return { netid: named, reason: `file name ${artifact}` };
  if (allUnconn) return { netid: 'udp', reason: 'only UNCONN rows' };
  return { netid: 'tcp', reason: 'no TCP-only state, assumed ss -t' };
}
