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
  /** Optional: the same parse over consecutive pieces (see ChunkReader). */
  reader?(artifact: string, encoding: string): ChunkReader;
}

/**
 * A parser that also reads a listing piece by piece (each piece ends after a \n, the last anywhere):
 * parse/evidence.ts feeds a large ASCII capture so that neither its bytes nor its text are held whole.
 * `bytes`: the piece's bytes (each character is the byte at the same offset); `lineBase`: the lines
 * of the earlier pieces; read() returns the piece's lines. finish() gives what parse() gives for the
 * whole text.
 */
export interface ChunkReader {
  read(text: string, bytes: Buffer | undefined, lineBase: number): number;
  finish(): ParseResult;
}
