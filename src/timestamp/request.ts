// The RFC 3161 TimeStampReq: version 1, a SHA-256 message imprint, a random 64-bit nonce (some TSAs take no more than 112 bits), certReq
// TRUE (the TSA puts its certificate in the token, so the token verifies on its own).
import { createHash, randomBytes } from 'node:crypto';
import * as der from '../signing/der.js';

export const SHA256_OID = '2.16.840.1.101.3.4.2.1';

export interface TimeStampRequest {
  der: Buffer;
  /** The nonce as unsigned big-endian bytes (no leading zero). */
  nonce: Buffer;
  /** SHA-256 of the data the token is to cover. */
  imprint: Buffer;
}

export function buildRequest(data: Buffer): TimeStampRequest {
  const imprint = createHash('sha256').update(data).digest();
  const nonce = randomBytes(8);
  nonce[0] |= 0x01; // never a leading zero byte: the INTEGER keeps all 8 bytes
  const body = der.seq(
    der.integer(1),
    der.seq(der.seq(der.oid(SHA256_OID), der.nullValue()), der.octetString(imprint)),
    der.integer(nonce),
    der.boolean(true),
  );
  return { der: body, nonce: stripZeros(nonce), imprint };
}

/** An INTEGER's content bytes without leading zeros (compare nonces by value). */
export function stripZeros(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}
