// `lsof -nPi` (and `lsof -i`) as macOS and Linux print it:
//   COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME
//   sshd    812 root 3u IPv4  21840      0t0  TCP 192.168.1.5:22->10.0.0.9:51234 (ESTABLISHED)
// COMMAND is cut to 9 characters and escapes spaces and control bytes as \xNN.
import type { Connection, ParseResult, SourceRef } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { digitsOrNull, intern, isBlankLine, isDigits, normaliseTcpState, restOfLine, servicePort, tokenize, warnUnparsed, zoneOf } from './bsd-common.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';

const FORMAT = 'lsof';
/** lsof's default COMMAND width (+c 0 lifts it). */
const COMMAND_WIDTH = 9;

const IP_PROTOCOLS = new Map<string, Connection['protocol']>([
  ['TCP', 'tcp'], ['UDP', 'udp'], ['UDPLITE', 'udp'], ['ICMP', 'raw'], ['ICMPV6', 'raw'], ['RAW', 'raw'], ['RAW6', 'raw'],
]);

function protocolOfNode(text: string): Connection['protocol'] | undefined {
  // DEVICE (0x…, inode) and SIZE/OFF (0t0) start with a digit: skip them without a lookup.
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return undefined;
  return IP_PROTOCOLS.get(text) ?? (text.length <= 7 ? IP_PROTOCOLS.get(text.toUpperCase()) : undefined);
}

export function parseLsof(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (isBlankLine(line)) {
      result.lines.blank++;
      continue;
    }
    const tokens = tokenize(line);
    if (tokens[0] === 'COMMAND' && tokens[1] === 'PID') {
      result.lines.headers++;
      continue;
    }
    const reason = readRow(result, line, tokens, { artifact: input.artifact, line: i + 1 });
    if (reason === null) result.lines.records++;
    else addUnparsed(result, i + 1, line, reason);
  }
  // With `+c 0` (or +c N > 9) lsof prints longer names: then a 9-character name is not a cut one.
  if (result.connections.some((c) => c.process !== null && c.process.length > COMMAND_WIDTH)) {
    for (const c of result.connections) delete c.processTruncated;
  }
  warnUnparsed(result);
  return result;
}

function readRow(result: ParseResult, line: string, tokens: string[], source: SourceRef): string | null {
  if (tokens.length < 6 || !isDigits(tokens[1])) return 'not an lsof row';
  // TYPE follows COMMAND PID [TID TASKCMD] USER FD.
  let typeAt = -1;
  for (let k = 4; k <= 6 && k < tokens.length; k++) {
    const t = tokens[k];
    if (t === 'IPv4' || t === 'IPv6' || t === 'unix') {
      typeAt = k;
      break;
    }
  }
  if (typeAt < 0) return 'lsof row is not an internet or UNIX socket';
  const command = intern(decodeLsofEscapes(tokens[0]));
  const pid = Number(tokens[1]);
  const user = intern(tokens[typeAt - 2]);
  const type = tokens[typeAt];
  if (type === 'unix') {
    // DEVICE SIZE/OFF [NODE] NAME: Linux prints the inode as NODE, macOS has no NODE for sockets.
    const inode = digitsOrNull(tokens[typeAt + 3]);
    const nameAt = inode === null ? typeAt + 3 : typeAt + 4;
    const name = nameAt < tokens.length ? restOfLine(line, nameAt) : null;
    result.unixSockets.push({
      protoRaw: 'unix', refCnt: null, flags: null, type: null, state: null,
      inode, pid, process: command, path: name, source, format: FORMAT,
    });
    return null;
  }
  let nodeAt = -1;
  let protocol: Connection['protocol'] | undefined;
  for (let k = typeAt + 1; k < tokens.length && protocol === undefined; k++) {
    protocol = protocolOfNode(tokens[k]);
    nodeAt = k;
  }
  if (protocol === undefined || nodeAt + 1 >= tokens.length) return 'no protocol and address in the lsof row';
  const nodeText = intern(tokens[nodeAt]);
  const name = restOfLine(line, nodeAt + 1);
  const parsed = parseName(name, protocol);
  if (parsed === null) {
    // macOS lists sockets without a protocol control block ("no PCB, CANTSENDMORE, ...").
    if (name.startsWith('no PCB')) {
      result.otherSockets.push({ family: nodeText.toLowerCase(), state: null, local: name, peer: '', pid, process: command, source, format: FORMAT });
      return null;
    }
    return 'lsof NAME is not an address';
  }
  // On Linux, DEVICE of a socket is its inode number (the key /proc and ss use); macOS prints 0x… addresses.
  const device = typeAt + 1 < nodeAt ? tokens[typeAt + 1] : '';
  const connection: Connection = {
    protocol,
    ipVersion: type === 'IPv6' ? 6 : 4,
    localAddress: parsed.local.address,
    localPort: parsed.local.port,
    remoteAddress: parsed.remote?.address ?? '*',
    remotePort: parsed.remote?.port ?? null,
    state: parsed.stateRaw === null ? null : normaliseTcpState(firstWord(parsed.stateRaw)),
    stateRaw: parsed.stateRaw,
    pid,
    process: command,
    source,
    protoRaw: nodeText,
    view: 'lsof',
    format: FORMAT,
    user,
    inode: digitsOrNull(device),
    owners: [{ process: command, pid, fd: leadingNumber(tokens[typeAt - 1]) }],
    interfaceScope: zoneOf(parsed.local.address) ?? (parsed.remote ? zoneOf(parsed.remote.address) : null),
  };
  if (parsed.local.portRaw !== null) connection.localPortRaw = parsed.local.portRaw;
  if (parsed.remote?.portRaw != null) connection.remotePortRaw = parsed.remote.portRaw;
  if (command.length >= COMMAND_WIDTH) connection.processTruncated = true;
  result.connections.push(connection);
  return null;
}

interface Endpoint {
  address: string;
  port: number | null;
  portRaw: string | null;
}

/** "a:1->b:2 (ESTABLISHED)", "*:22 (LISTEN)", "[::1]:631", "*:*"; null when it is no address. */
function parseName(name: string, protocol: string): { local: Endpoint; remote: Endpoint | null; stateRaw: string | null } | null {
  let text = name;
  let stateRaw: string | null = null;
  const open = text.lastIndexOf(' (');
  if (open >= 0 && text.endsWith(')')) {
    stateRaw = intern(text.slice(open + 2, -1));
    text = text.slice(0, open);
  }
  if (text.includes(' ')) return null;
  const arrow = text.indexOf('->');
  const local = parseEndpoint(arrow >= 0 ? text.slice(0, arrow) : text, protocol);
  const remote = arrow >= 0 ? parseEndpoint(text.slice(arrow + 2), protocol) : null;
  if (local === null || (arrow >= 0 && remote === null)) return null;
  return { local, remote, stateRaw };
}

function parseEndpoint(text: string, protocol: string): Endpoint | null {
  let address: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text.charCodeAt(close + 1) !== 58) return null;
    address = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon <= 0) return null;
    address = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  if (portText === '' || address === '' || address.length > 255) return null;
  if (portText === '*') return { address, port: null, portRaw: null };
  if (isDigits(portText)) {
    const n = Number(portText);
    return n <= 65535 ? { address, port: n, portRaw: null } : { address, port: null, portRaw: portText };
  }
  return { address, port: servicePort(portText, protocol, false), portRaw: portText };
}

/** The descriptor number of an FD column like "3u" or "12r"; null for "cwd", "txt"... */
function leadingNumber(text: string): number | null {
  let end = 0;
  while (end < text.length && end < 10 && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  return end > 0 ? Number(text.slice(0, end)) : null;
}

function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}

/** lsof prints unprintable bytes and spaces of COMMAND as \xNN; give back the real name. */
export function decodeLsofEscapes(text: string): string {
  if (!text.includes('\\x')) return text;
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Content sniffing: the lsof column header. */
export function detectLsof(head: string[]): number {
  for (const line of head) {
    if (/^COMMAND\s+PID\s+(TID\s+(TASKCMD\s+)?)?USER\s+FD\s+TYPE\s+DEVICE\s+SIZE\/OFF\s+NODE\s+NAME/.test(line)) return 0.95;
  }
  return 0;
}

export const lsofParser: Parser = {
  info: {
    id: FORMAT,
    description: 'lsof -nPi / lsof -i internet sockets with the owning process (macOS, Linux)',
    commands: ['lsof -nPi', 'lsof -i', 'lsof -nP -iTCP -iUDP'],
    os: ['macos', 'linux', 'freebsd'],
  },
  detect: detectLsof,
  parse: parseLsof,
};
