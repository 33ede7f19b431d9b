// One session over the master connection: `ssh -S ctl … -- sh -s` with a script on stdin. stdout
// and stderr arrive as two separate byte streams, written to their artifacts as they come (hashed
// while written); the last TRAILER_MAX bytes of stderr are held back until the end so the wrapper's
// trailer line can be stripped exactly.
import { execa } from 'execa';
import type { ArtifactSink } from '../sink.js';
import { TRAILER_MAX } from './wrapper.js';

export interface ChannelOptions {
  ctlPath: string;
  /** The destination as given to the master (only for ssh's own messages: the socket decides). */
  destination: string;
  command: string;
  stdin: string;
  /** Stop the session after this long (the target's own `timeout` should have ended it first). */
  guardMs: number;
  signal: AbortSignal;
  /** Test hook: flip one byte of stdout as it arrives (documented; recorded in acquisition.json). */
  corruptStdout?: boolean;
}

export interface ChannelResult {
  sshExit: number | null;
  signal: string | null;
  /** Held-back tail of stderr (holds the trailer when the wrapper finished). */
  stderrTail: Buffer;
  guardFired: boolean;
  interrupted: boolean;
  error: string | null;
}

/**
 * Mux client arguments: no config file and ProxyCommand=false, so that when the master is gone the
 * client fails at once instead of quietly opening a second, unrecorded connection.
 */
export function muxArgs(ctlPath: string, destination: string): string[] {
  return ['-F', 'none', '-S', ctlPath, '-o', 'ControlMaster=no', '-o', 'ProxyCommand=false', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-T', '-x', '-a', '--', destination];
}

export async function runChannel(o: ChannelOptions, out: ArtifactSink, err: ArtifactSink | null): Promise<ChannelResult> {
  const sub = execa('ssh', [...muxArgs(o.ctlPath, o.destination), o.command], { input: o.stdin, buffer: false, reject: false, stripFinalNewline: false, env: { LC_ALL: 'C' } });
  let held = Buffer.alloc(0);
  let corrupt = o.corruptStdout === true;
  sub.stdout?.on('data', (chunk: Buffer) => {
    if (corrupt && chunk.length > 0) {
      chunk = Buffer.from(chunk);
      chunk[0] ^= 0x01;
      corrupt = false;
    }
    out.write(chunk);
  });
  sub.stderr?.on('data', (chunk: Buffer) => {
    held = Buffer.concat([held, chunk]);
    if (held.length > TRAILER_MAX) {
      if (err) err.write(held.subarray(0, held.length - TRAILER_MAX));
      held = Buffer.from(held.subarray(held.length - TRAILER_MAX));
    }
  });
  let guardFired = false;
  let interrupted = false;
  const stop = (): void => {
    sub.kill('SIGTERM');
    setTimeout(() => sub.kill('SIGKILL'), 2000).unref();
  };
  const guard = setTimeout(() => {
    guardFired = true;
    stop();
  }, o.guardMs);
  const onAbort = (): void => {
    interrupted = true;
    stop();
  };
  if (o.signal.aborted) onAbort();
  else o.signal.addEventListener('abort', onAbort, { once: true });
  const r = await sub;
  clearTimeout(guard);
  o.signal.removeEventListener('abort', onAbort);
  const error = r.failed && r.exitCode === undefined && !r.signal ? (r.shortMessage ?? 'ssh did not start') : null;
  return { sshExit: typeof r.exitCode === 'number' ? r.exitCode : null, signal: r.signal ?? null, stderrTail: held, guardFired, interrupted, error };
}

/** A short session whose whole output is wanted (probe, clock): stdout and stderr as text. */
export async function runSmall(ctlPath: string, destination: string, command: string, stdin: string, timeoutMs: number): Promise<{ exit: number | null; stdout: string; stderr: string }> {
  const r = await execa('ssh', [...muxArgs(ctlPath, destination), command], { input: stdin, reject: false, timeout: timeoutMs, stripFinalNewline: false, maxBuffer: 1 << 20, env: { LC_ALL: 'C' } });
  return { exit: typeof r.exitCode === 'number' ? r.exitCode : null, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}
