// Decoding and line splitting shared by every parser. Raw bytes stay untouched in raw/; this only
// produces the text the parsers read, and records which encoding was assumed.

export interface DecodedText {
  text: string;
  encoding: string;
}

/** UTF-16LE/BE with BOM (PowerShell `>`), UTF-8 with or without BOM, else latin1 for invalid UTF-8. */
export function decodeBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le-bom' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be-bom' };
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (looksLikeUtf16le(bytes)) {
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Windows consoles write the OEM/ANSI code page (e.g. ABHÖREN in cp850/cp1252): keep every byte visible.
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}

/** BOM-less UTF-16LE: ASCII text with every second byte zero (first 512 bytes). */
export function looksLikeUtf16le(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 8) return false;
  let zeros = 0;
  for (let i = 1; i < n; i += 2) if (bytes[i] === 0 && bytes[i - 1] !== 0) zeros++;
  return zeros >= (n / 2) * 0.9;
}

/**
 * Split into lines without their terminators: \n with any \r run just before it (\r\n, and \r\r\n
 * from CRLF converted twice: numbered as `grep -n` and `sed -n` number them), or a lone \r. A final
 * terminator does not create an extra empty line; a truncated last line without one is kept.
 */
export function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split(/\r*\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The first n lines, cheaply, for format detection of large files. */
export function headLines(text: string, n = 60): string[] {
  const end = nthLineEnd(text, n);
  return splitLines(text.slice(0, end));
}

function nthLineEnd(text: string, n: number): number {
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const next = text.indexOf('\n', pos);
    if (next < 0) return Math.min(text.length, 1 << 16);
    pos = next + 1;
  }
  return pos;
}

/** A non-empty run of ASCII digits, short enough to be a safe integer. */
export function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
