import type { OsName, ParseResult } from '../model.js';

export interface ParserInfo {
  /** Stable id, recorded in every record's `format`, e.g. "linux-netstat". */
  id: string;
  description: string;
  /** Commands whose output this parser reads, as an examiner would type them. */
  commands: string[];
  os: OsName[];
}

export interface ParserInput {
  /** Decoded text (see decodeBytes); line endings untouched. */
  text: string;
  /** Path of the artifact inside the evidence folder, for SourceRef. */
  artifact: string;
  encoding: string;
  /**
   * The raw bytes when each character of `text` is the byte at the same offset (ASCII text).
   * A value sliced from a large text keeps the whole text alive; a parser may copy the values it
   * keeps from these bytes instead (see copySpan).
   */
  bytes?: Buffer;
}

/** One module per format (jc style): info, a content sniffer and one parse entry. */
export interface Parser {
  info: ParserInfo;
  /** Confidence 0..1 that the first lines of a file are this format (content only, never the file name). */
  detect(head: string[]): number;
  /** Must never throw or hang: bad lines become UnparsedLine entries. */
  parse(input: ParserInput): ParseResult;
}
