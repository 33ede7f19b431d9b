// Windows `netstat -an`, `-ano`, `-anob` (any flag order), English or localised, CRLF, possibly
// UTF-16 or OEM code page. -b prints an owner block of up to three lines under a socket row.
import type { Connection, ParseResult } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { endOfNonBlank, firstNonBlank, foldKeyword, forEachLineRange, splitFields } from './windows-text.js';
import { isConnectionsTitle, isKnownOwnerNote } from './windows-locale.js';
import { intern, newRowContext, parseSocketRow, WINDOWS_NETSTAT_FORMAT as FORMAT, type RowContext } from './windows-netstat-row.js';

/** XP's `-bv` lists several component DLLs before the image line; real blocks are one to three lines. */
const MAX_OWNER_LINES = 12;

/** Socket rows start with the upper-case protocol as Windows prints it ("TCP", "UDP"). */
function isSocketRowAt(line: string, start: number): boolean {
  const c = line.charCodeAt(start);
  if (c !== 84 && c !== 85) return false; // 'T' or 'U'
  if (!line.startsWith('TCP', start) && !line.startsWith('UDP', start)) return false;
  const next = line.charCodeAt(start + 3);
  return next === 32 || next === 9;
}

function isColumnHeader(fields: string[]): boolean {
  return fields.length >= 3 && foldKeyword(fields[0]) === 'PROTO' && !fields.includes('Recv-Q');
}

/**
 * The -b owner block being read under the last socket row (reused: one per parse, not per row; the
 * arrays are overwritten by index and only their first `count` entries belong to the block).
 */
interface OwnerBlock {
  conn: Connection | null;
  count: number;
  /** Lines after the row that are not the [image] line yet: component names or an owner note. */
  texts: string[];
  /** Whether each of those lines is a known owner note ("Can not obtain ownership information"). */
  notes: boolean[];
  lineNos: number[];
  /** Where each of those lines is in the text (sliced only when one is reported as unparsed). */
  froms: number[];
  tos: number[];
}

function openBlock(block: OwnerBlock, conn: Connection): void {
  block.conn = conn;
  block.count = 0;
}

/** True when the string contains a space or tab (owner notes are sentences; component names are one word). */
function hasBlankIn(text: string): boolean {
  return hasBlank(text, 0, text.length);
}

/** "[image.exe]" closes the block: lines before it are component names (or an owner note). */
function closeWithImage(block: OwnerBlock, conn: Connection, imageName: string, imageLine: number, result: ParseResult, ctx: RowContext): void {
  conn.process = intern(ctx, imageName);
  const count = block.count;
  // The owner block's lines are evidence of the process name: findings cite them with the row.
  const lineNos = block.lineNos;
  conn.ownerLines = count === 0 ? [imageLine] : count === 1 ? [lineNos[0], imageLine] : [...lineNos.slice(0, count), imageLine];
  if (count === 1 && !hasBlankIn(block.texts[0])) {
    // The usual block: one service name (a single word is never one of the owner-note sentences).
    conn.component = intern(ctx, block.texts[0]);
    conn.ownerNote = null;
  } else if (count > 0) {
    const texts = block.texts.slice(0, count);
    const notes = texts.filter((_t, k) => block.notes[k]);
    const components = texts.filter((_t, k) => !block.notes[k]);
    conn.component = components.length > 0 ? intern(ctx, components.join('; ')) : null;
    conn.ownerNote = notes.length > 0 ? intern(ctx, notes.join('; ')) : null;
  }
  result.lines.records += 2 + count;
  block.conn = null;
}

/**
 * The block ended without an image line: only a known sentence ("Can not obtain ownership
 * information") belongs to the row; anything else is reported rather than attributed to it.
 */
function closeWithoutImage(block: OwnerBlock, result: ParseResult, ctx: RowContext, src: string): void {
  const conn = block.conn;
  if (!conn) return;
  block.conn = null;
  result.lines.records++;
  for (let k = 0; k < block.count; k++) {
    if (k === 0 && block.notes[0]) {
      conn.ownerNote = intern(ctx, block.texts[0]);
      conn.ownerLines = [block.lineNos[0]];
      result.lines.records++;
    } else {
      addUnparsed(result, block.lineNos[k], src.slice(block.froms[k], block.tos[k]), 'owner line not followed by an [image] line');
    }
  }
}

function isHeaderText(text: string): boolean {
  return isConnectionsTitle(text) || isColumnHeader(splitFields(text));
}

const HEADER = 1;
const NOTE = 2;

/**
 * Whether a line with blanks is a title/column header (HEADER) or a known owner note (NOTE), asked
 * once per distinct text: in a 100k -anob capture the same sentence follows tens of thousands of
 * rows (System PID 4), and folding and splitting it each time cost about a fifth of the parse.
 */
function blankLineKind(ctx: RowContext, text: string): number {
  const known = ctx.lineKinds.get(text);
  if (known !== undefined) return known;
  const kind = (isHeaderText(text) ? HEADER : 0) | (isKnownOwnerNote(text) ? NOTE : 0);
  // Bounded like intern(): hostile input with a new sentence on every line only loses the memo.
  if (ctx.lineKinds.size < MAX_LINE_KINDS) ctx.lineKinds.set(text, kind);
  return kind;
}

const MAX_LINE_KINDS = 1 << 12;

/** True when src[from, to) is exactly `text`. */
function sameText(src: string, from: number, to: number, text: string): boolean {
  return to - from === text.length && src.startsWith(text, from);
}

/** True when src[from, to) contains a space or tab. */
function hasBlank(src: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9) return true;
  }
  return false;
}

export function parseWindowsNetstat(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const ctx = newRowContext(input.artifact);
  const block: OwnerBlock = { conn: null, count: 0, texts: [], notes: [], lineNos: [], froms: [], tos: [] };
  // The last [image] name and the last other owner line (with its kind), reused while they repeat.
  let lastImage = '';
  let lastText = '';
  let lastKind = 0;
  result.lines.total = forEachLineRange(input.text, (src, from, to, lineNo) => {
    const start = firstNonBlank(src, from, to);
    // A blank line does not end a -b block: double-spaced copies of the output put one after every
    // line. The next row or title still ends it.
    if (start < 0) {
      result.lines.blank++;
      return;
    }
    if (isSocketRowAt(src, start)) {
      closeWithoutImage(block, result, ctx, src);
      const row = parseSocketRow(src, start, to, lineNo, ctx);
      if (typeof row === 'string') {
        addUnparsed(result, lineNo, src.slice(from, to), row);
        return;
      }
      result.connections.push(row);
      openBlock(block, row);
      return;
    }
    const end = endOfNonBlank(src, start, to);
    const image = src.charCodeAt(start) === 91 && src.charCodeAt(end - 1) === 93 && end - start >= 2;
    if (block.conn && image) {
      // Rows in netstat's order come in runs of one owner: the last image's string is reused
      // (no slice, and its hash is already computed for intern's lookup).
      if (!sameText(src, start + 1, end - 1, lastImage)) lastImage = src.slice(start + 1, end - 1);
      closeWithImage(block, block.conn, lastImage, lineNo, result, ctx);
      return;
    }
    if (!sameText(src, start, end, lastText)) {
      lastText = src.slice(start, end);
      // Component names have no blanks; only lines with blanks can be a title, a column header or
      // an owner note (all of those are sentences).
      lastKind = hasBlank(src, start, end) ? blankLineKind(ctx, lastText) : 0;
    }
    const text = lastText;
    const kind = lastKind;
    const header = (kind & HEADER) !== 0;
    if (block.conn && block.count < MAX_OWNER_LINES && !header) {
      const k = block.count++;
      block.texts[k] = text;
      block.notes[k] = (kind & NOTE) !== 0;
      block.lineNos[k] = lineNo;
      block.froms[k] = from;
      block.tos[k] = to;
      return;
    }
    closeWithoutImage(block, result, ctx, src);
    if (header) result.lines.headers++;
    else addUnparsed(result, lineNo, src.slice(from, to), image ? 'owner line without a socket row' : 'not a netstat line');
  });
  closeWithoutImage(block, result, ctx, input.text);
  if (ctx.unknownStates.size > 0) {
    result.warnings.push(`${input.artifact}: state words not recognised (kept in stateRaw, state null): ${[...ctx.unknownStates].join(', ')}`);
  }
  if (ctx.namedPorts > 0) {
    result.warnings.push(`${input.artifact}: ${ctx.namedPorts} rows print service names instead of port numbers (netstat without -n); those ports are null`);
  }
  return result;
}

/** Title, column header and upper-case TCP/UDP rows with host:port columns. */
export function detectWindowsNetstat(head: string[]): number {
  let title = false;
  let header = false;
  let rows = 0;
  for (const line of head) {
    const start = firstNonBlank(line);
    if (start < 0) continue;
    if (isSocketRowAt(line, start)) {
      const fields = splitFields(line);
      if (fields.length >= 3 && fields[1].includes(':') && fields[2].includes(':')) rows++;
      continue;
    }
    const text = line.trim();
    if (isConnectionsTitle(text)) title = true;
    else if (isColumnHeader(splitFields(text))) header = true;
  }
  if (rows === 0) return title && header ? 0.6 : 0;
  return Math.min(1, 0.4 + (title ? 0.35 : 0) + (header ? 0.25 : 0));
}

export const windowsNetstatParser: Parser = {
  info: {
    id: FORMAT,
    description: 'Windows netstat socket list (-an, -ano, -anob), English or localised',
    commands: ['netstat -an', 'netstat -ano', 'netstat -anob'],
    os: ['windows'],
  },
  detect: detectWindowsNetstat,
  parse: parseWindowsNetstat,
};
