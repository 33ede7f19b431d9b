// Decoding the kernel's hex socket addresses in /proc/net/{tcp,udp,raw}[6]. The kernel prints the
// raw 32-bit words of the address with %08X in host byte order, so on the little-endian machines
// this tool meets (x86, arm64) each word's bytes appear reversed: 0100007F is 127.0.0.1.
import { formatIpv6Groups } from './ip-text.js';

/** Value of hex digits text[from, to) (at most 8, so it fits a uint32), or -1 if any is not hex. */
export function hexValue(text: string, from: number, to: number): number {
  if (to <= from || to - from > 8) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 65 && c <= 70) d = c - 55;
    else if (c >= 97 && c <= 102) d = c - 87;
    else return -1;
    value = value * 16 + d;
  }
  return value;
}

/** One byte of a little-endian word: byte k (0 = lowest address) of the 8 hex digits at `word`. */
function wordByte(text: string, word: number, k: number): number {
  const at = word + 6 - 2 * k;
  return hexValue(text, at, at + 2);
}

/** `0100007F` at text[from..from+8) → "127.0.0.1"; null when not hex. */
export function hexIpv4(text: string, from: number): string | null {
  const b0 = wordByte(text, from, 0);
  const b1 = wordByte(text, from, 1);
  const b2 = wordByte(text, from, 2);
  const b3 = wordByte(text, from, 3);
  if (b0 < 0 || b1 < 0 || b2 < 0 || b3 < 0) return null;
  return `${b0}.${b1}.${b2}.${b3}`;
}

/** 32 hex digits = four little-endian words → canonical IPv6 text (RFC 5952); null when not hex. */
export function hexIpv6(text: string, from: number): string | null {
  const bytes = new Array<number>(16);
  for (let w = 0; w < 4; w++) {
    for (let k = 0; k < 4; k++) {
      const b = wordByte(text, from + 8 * w, k);
      if (b < 0) return null;
      bytes[4 * w + k] = b;
    }
  }
  return formatIpv6(bytes);
}

/** RFC 5952 text of 16 bytes (see formatIpv6Groups). */
export function formatIpv6(bytes: number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes[i] * 256 + bytes[i + 1]);
  return formatIpv6Groups(groups);
}

/** include/net/tcp_states.h, as netstat names them. */
const TCP_STATES: ReadonlyArray<string | null> = [
  null, 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT',
  'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
];

/** State code as printed (`0A`) → name; UDP/raw/ICMP sockets use 07 (TCP_CLOSE) for "unconnected". */
export function procState(code: number, datagram: boolean): string | null {
  if (datagram && code === 7) return null;
  return code >= 0 && code < TCP_STATES.length ? TCP_STATES[code] : null;
}
