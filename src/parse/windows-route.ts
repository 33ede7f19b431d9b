// Windows `route print` / `netstat -r` (Vista and later, and the older XP layout): Interface List,
// IPv4 Active and Persistent Routes, IPv6 route table whose long rows wrap the gateway onto the next line.
import type { ParseResult, Route } from '../model.js';
import type { Parser, ParserInput } from './types.js';
import { addUnparsed, emptyResult } from './result.js';
import { splitLines } from './text.js';
import { routeSectionWord } from './windows-locale.js';
import { firstNonBlank, splitFields } from './windows-text.js';
import { applyGateway, parseInterfaceLine, parseIpv4RouteRow, parseIpv6RouteRow, WINDOWS_ROUTE_FORMAT as FORMAT } from './windows-route-lines.js';

interface RouteState {
  section: 'start' | 'interfaces' | 'routes' | 'between';
  ipVersion: 4 | 6;
  persistent: boolean;
  /** The column header line of the current table was seen. */
  columnHeader: boolean;
  /** An IPv6 row whose gateway is expected alone on the next line. */
  wrapped: { route: Route; line: number; text: string } | null;
  unknownGatewayWords: Set<string>;
}

function isSeparator(text: string): boolean {
  if (text.length < 3) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== 61) return false; // '='
  return true;
}

/** A section line ("IPv4 Route Table", "Active Routes:", "None" ...) moves the state; true if it was one. */
function applySectionLine(text: string, state: RouteState): boolean {
  const word = routeSectionWord(text);
  switch (word) {
    case 'interfaces':
      state.section = 'interfaces';
      return true;
    case 'ipv4':
    case 'ipv6':
      state.ipVersion = word === 'ipv4' ? 4 : 6;
      state.section = 'between';
      return true;
    case 'active':
    case 'persistent':
      state.section = 'routes';
      state.persistent = word === 'persistent';
      state.columnHeader = false;
      return true;
    case 'none':
      return state.section === 'routes' && state.persistent;
    case 'default-gateway':
      return true; // XP repeats the default route's gateway below the table
    default:
      return false;
  }
}

/** The pending wrapped IPv6 row was not completed: its first line is reported, not guessed. */
function dropWrapped(state: RouteState, result: ParseResult): void {
  if (!state.wrapped) return;
  addUnparsed(result, state.wrapped.line, state.wrapped.text, 'IPv6 route without its gateway line');
  state.wrapped = null;
}

function noteGatewayWord(word: string | null, state: RouteState): void {
  if (word !== null && state.unknownGatewayWords.size < 10) state.unknownGatewayWords.add(word);
}

/** A line inside an Active/Persistent table; returns false when it is not a row. */
function readRouteLine(line: string, lineNo: number, state: RouteState, result: ParseResult): boolean {
  const opts = { persistent: state.persistent, artifact: result.artifact };
  if (state.wrapped) {
    const words = splitFields(line);
    const wrapped = state.wrapped;
    if (firstNonBlank(line) > 0 && words.length <= 3) {
      const word = applyGateway(wrapped.route, words);
      if (word !== undefined) {
        noteGatewayWord(word, state);
        result.routes.push(wrapped.route);
        result.lines.records += 2;
        state.wrapped = null;
        return true;
      }
    }
    dropWrapped(state, result);
  }
  if (state.ipVersion === 6) {
    const row = parseIpv6RouteRow(line, lineNo, opts);
    if (!row) return false;
    if (row.needsGateway) {
      state.wrapped = { route: row.route, line: lineNo, text: line };
      return true;
    }
    noteGatewayWord(row.gatewayWord, state);
    result.routes.push(row.route);
    result.lines.records++;
    return true;
  }
  const row = parseIpv4RouteRow(line, lineNo, opts);
  if (!row) return false;
  noteGatewayWord(row.gatewayWord, state);
  result.routes.push(row.route);
  result.lines.records++;
  return true;
}

export function parseWindowsRoute(input: ParserInput): ParseResult {
  const result = emptyResult(FORMAT, input.artifact, input.encoding);
  const lines = splitLines(input.text);
  result.lines.total = lines.length;
  const state: RouteState = { section: 'start', ipVersion: 4, persistent: false, columnHeader: false, wrapped: null, unknownGatewayWords: new Set() };
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const text = line.trim();
    if (text === '') {
      dropWrapped(state, result);
      result.lines.blank++;
      return;
    }
    if (state.section === 'routes' && readRouteLine(line, lineNo, state, result)) return;
    dropWrapped(state, result);
    if (isSeparator(text) || applySectionLine(text, state)) {
      result.lines.headers++;
      return;
    }
    if (state.section === 'interfaces') {
      const iface = parseInterfaceLine(line, lineNo, input.artifact);
      if (iface) {
        result.interfaces.push(iface);
        result.lines.records++;
      } else addUnparsed(result, lineNo, line, 'not an Interface List entry');
      return;
    }
    // The first non-row line of a table is its column header ("Network Destination  Netmask ...").
    if (state.section === 'routes' && !state.columnHeader && !/^[0-9]/.test(text)) {
      state.columnHeader = true;
      result.lines.headers++;
      return;
    }
    addUnparsed(result, lineNo, line, state.section === 'routes' ? 'not a route row' : 'not a route print line');
  });
  dropWrapped(state, result);
  if (state.unknownGatewayWords.size > 0) {
    result.warnings.push(`${input.artifact}: gateway words read as on-link: ${[...state.unknownGatewayWords].join(', ')}`);
  }
  return result;
}

/** Separator lines and the section titles of route print, in any supported language. */
export function detectWindowsRoute(head: string[]): number {
  let separators = 0;
  const words = new Set<string>();
  for (const line of head) {
    const text = line.trim();
    if (text === '') continue;
    if (isSeparator(text)) separators++;
    const word = routeSectionWord(text);
    if (word && word !== 'none') words.add(word);
  }
  if (words.size === 0) return 0;
  const score = 0.3 * Math.min(words.size, 3) + (separators > 0 ? 0.15 : 0);
  return Math.min(1, score);
}

export const windowsRouteParser: Parser = {
  info: {
    id: FORMAT,
    description: 'Windows route print / netstat -r (Interface List, IPv4 and IPv6 route tables)',
    commands: ['route print', 'netstat -r', 'netstat -rn'],
    os: ['windows'],
  },
  detect: detectWindowsRoute,
  parse: parseWindowsRoute,
};
