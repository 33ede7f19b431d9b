import type { ParseResult, ProcessFacts } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';

// Output of the POSIX-sh process-facts reader (src/collect/sh/procfacts-reader.ts), run on a host
// without Node (over SSH, or by the field kit). One line per socket-owning process:
//   proc pid=N sockets=I,I exe=… comm=… cmdline=… stat=… user=… uid=N size=N sha256=HEX
// Values are percent-encoded bytes; "key!=reason" says why a value could not be read. The header line
// names the format and the hash tool; "btime N" gives the boot time that dates process starts.

const ID = 'netcustody-procfacts-sh';
const HEADER = /^netcustody-procfacts-sh (\d+)(?: (.*))?$/;
/** USER_HZ: 100 on every Linux architecture that exposes it to userland (as the Node collector). */
const TICKS = 100;

export const processFactsShParser: Parser = {
  info: {
    id: ID,
    description: 'netcustody process facts read by its POSIX-sh /proc reader (SSH transport, field kit)',
    commands: ['netcustody process-facts reader (sh)'],
    os: ['linux'],
  },
  detect(head) {
    const first = head.find((l) => l.trim() !== '') ?? '';
    return HEADER.test(first) ? 1 : 0;
  },
  parse(input: ParserInput): ParseResult {
    const result = emptyResult(ID, input.artifact, input.encoding);
    const lines = splitLines(input.text);
    result.lines.total = lines.length;
    let bootTime: number | null = null;
    let headerSeen = false;
    let ended = false;
    lines.forEach((text, i) => {
      const line = i + 1;
      if (text.trim() === '') {
        result.lines.blank++;
        return;
      }
      if (!headerSeen && HEADER.test(text)) {
        headerSeen = true;
        result.lines.headers++;
        return;
      }
      const btime = /^btime (\d+)$/.exec(text);
      if (btime) {
        bootTime = Number(btime[1]);
        result.lines.headers++;
        return;
      }
      if (text === 'end') {
        ended = true;
        result.lines.headers++;
        return;
      }
      const facts = text.startsWith('proc ') ? procLine(text, bootTime) : null;
      if (!facts) {
        addUnparsed(result, line, text, 'not a line of the process-facts reader');
        return;
      }
      facts.source = { artifact: input.artifact, line };
      result.processes.push(facts);
      result.lines.records++;
    });
    if (!ended) result.warnings.push(`${input.artifact}: the reader's output has no "end" line: it was cut short (connection lost or timeout); the processes listed are those read before`);
    if (result.unparsed.length > 0) result.warnings.push(`${input.artifact}: ${result.unparsed.length} line(s) are not process facts, first at line ${result.unparsed[0].line}`);
    return result;
  },
};

/** Percent-decoding to bytes, then UTF-8 (as the Node collector reads /proc files). */
function decode(value: string): Buffer | null {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x25) {
      const h = value.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/i.test(h)) return null;
      bytes.push(parseInt(h, 16));
      i += 2;
    } else if (c > 0x20 && c < 0x7f) bytes.push(c);
    else return null;
  }
  return Buffer.from(bytes);
}

function procLine(text: string, bootTime: number | null): ProcessFacts | null {
  const values = new Map<string, Buffer>();
  const failed = new Map<string, string>();
  for (const field of text.split(' ').slice(1)) {
    const m = /^([a-z0-9]+)(!?)=(.*)$/.exec(field);
    if (!m) return null;
    if (m[2]) {
      failed.set(m[1], m[3]);
      continue;
    }
    const bytes = decode(m[3]);
    if (!bytes) return null;
    values.set(m[1], bytes);
  }
  const str = (k: string): string | null => values.get(k)?.toString('utf8') ?? null;
  const pid = Number(str('pid'));
  const sockets = str('sockets');
  if (!Number.isInteger(pid) || pid <= 0 || sockets === null || !/^\d+(,\d+)*$/.test(sockets)) return null;
  const errors = ['exe', 'comm', 'cmdline', 'stat'].filter((k) => failed.has(k)).map((k) => `${k}: ${failed.get(k)}`);
  const exe = str('exe');
  const stat = str('stat');
  const parsedStat = stat === null ? null : parseStat(stat);
  if (stat !== null && !parsedStat) errors.push('stat: not in the /proc/PID/stat layout');
  const uidText = str('uid');
  const uid = uidText !== null && /^\d+$/.test(uidText) ? Number(uidText) : null;
  const sizeText = str('size');
  const sha = str('sha256');
  const hashError = failed.get('sha256') ?? null;
  return {
    pid,
    comm: str('comm'),
    exe,
    exeDeleted: exe !== null && (exe.endsWith(' (deleted)') || exe.startsWith('/memfd:')),
    cmdline: values.has('cmdline') ? splitNul(values.get('cmdline')!) : null,
    ppid: parsedStat?.ppid ?? null,
    uid,
    user: uid === null ? null : str('user') || null,
    startTime: parsedStat && bootTime !== null ? new Date((bootTime + parsedStat.startTicks / TICKS) * 1000).toISOString() : null,
    socketInodes: [...new Set(sockets.split(',').map(Number))].sort((a, b) => a - b),
    exeSha256: sha !== null && /^[0-9a-f]{64}$/.test(sha) ? sha : null,
    exeSize: sizeText !== null && /^\d+$/.test(sizeText) ? Number(sizeText) : null,
    exeHashError: hashError ? HASH_ERRORS[hashError] ?? hashError : sha === null ? 'not hashed' : null,
    errors,
  };
}

const HASH_ERRORS: Record<string, string> = {
  unreadable: 'the executable could not be read (permission, or the process ended)',
  'over-cap': 'larger than the reader\'s size cap: not read',
  'no-hash-tool': 'the host has none of sha256sum, shasum, openssl',
};

function splitNul(buf: Buffer): string[] {
  const parts = buf.toString('utf8').split('\0');
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** /proc/PID/stat: the comm field may contain spaces and parentheses; fields resume after the last ')'. */
function parseStat(text: string): { ppid: number; startTicks: number } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).split(' ');
  const ppid = Number(rest[4 - 3]);
  const startTicks = Number(rest[22 - 3]);
  return Number.isInteger(ppid) && Number.isFinite(startTicks) ? { ppid, startTicks } : null;
}
