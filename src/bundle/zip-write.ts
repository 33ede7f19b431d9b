// Deterministic zip writing with archiver: entries in the given (sorted) order, one fixed timestamp,
// mode 0644, no directory entries, UTC DOS times. Members are streamed, so memory stays flat for any
// size; archiver switches a member to ZIP64 records once it passes 4 GiB.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';

export interface ZipMember {
  name: string;
  /** A file on disk (streamed) or bytes already in memory. */
  source: { path: string } | { bytes: Buffer };
  /** When given, the streamed bytes must hash to this (a file changed while bundling aborts). */
  sha256?: string;
}

export interface WrittenZip {
  sha256: string;
  bytes: number;
}

export const MEMBER_MODE = 0o644;

/**
 * Write the zip to a new file (never overwriting); on failure the partial file is removed — only
 * when this call created it: an existing file (EEXIST) belongs to someone else and stays.
 */
export async function writeDeterministicZip(zipPath: string, members: ZipMember[], date: Date): Promise<WrittenZip> {
  const archive = new ZipArchive({ zlib: { level: 6 }, forceLocalTime: false });
  // Private like the evidence folder; never overwriting an existing file; on disk (fsync) before the
  // stream reports it closed, so custody never names a zip a crash could still take away.
  const output = createWriteStream(zipPath, { flags: 'wx', mode: 0o600, flush: true });
  let created = false;
  output.once('open', () => (created = true));
  const zipHash = createHash('sha256');
  let bytes = 0;
  const hashOut = new Transform({
    transform(chunk: Buffer, _enc, done) {
      zipHash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(archive, hashOut, output);
  // A failing member (unreadable, changed while read) does not always reach archiver's own promise:
  // every member stream reports here too, so the write fails instead of hanging.
  let failMember: (err: Error) => void = () => undefined;
  const memberFailed = new Promise<never>((_, reject) => (failMember = reject));
  try {
    for (const member of members) {
      const stream = memberStream(member);
      stream.on('error', failMember);
      archive.append(stream, { name: member.name, date, mode: MEMBER_MODE });
    }
    await Promise.race([Promise.all([archive.finalize(), written]), memberFailed]);
  } catch (err) {
    archive.abort();
    output.destroy();
    await written.catch(() => undefined);
    if (created) rmSync(zipPath, { force: true });
    throw err;
  }
  return { sha256: zipHash.digest('hex'), bytes };
}

/**
 * The member's bytes, hashed on their way into the archive. The file is opened only when archiver
 * starts reading it, so one member at a time holds a descriptor and a buffer.
 */
function memberStream(member: ZipMember): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    const source: Iterable<Buffer> | AsyncIterable<Buffer> = 'bytes' in member.source ? [member.source.bytes] : createReadStream(member.source.path, { highWaterMark: 1 << 20 });
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
    const actual = hash.digest('hex');
    if (member.sha256 && actual !== member.sha256) {
      throw new Error(`${member.name} changed while it was being bundled (SHA-256 ${actual}, sealed ${member.sha256})`);
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
