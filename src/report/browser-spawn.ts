// Chromium started by netcustody itself, before Puppeteer is loaded: loading Puppeteer takes ~0.4 s of
// CPU, and the browser starts up meanwhile instead of after it. Puppeteer then connects over the same
// CDP pipe (fds 3 and 4) that puppeteer.launch() would use, with the same arguments: CHROMIUM_ARGS is
// Puppeteer's defaultArgs(), checked against the installed Puppeteer by test/report/browser-spawn.test.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { ConnectionTransport } from 'puppeteer';

/** puppeteer.defaultArgs() of Puppeteer 24 for Chrome, up to the user data folder. */
const PUPPETEER_DEFAULT_ARGS = [
  '--allow-pre-commit-input',
  '--disable-background-networking',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-breakpad',
  '--disable-client-side-phishing-detection',
  '--disable-component-extensions-with-background-pages',
  '--disable-crash-reporter',
  '--disable-default-apps',
  '--disable-dev-shm-usage',
  '--disable-hang-monitor',
  '--disable-infobars',
  '--disable-ipc-flooding-protection',
  '--disable-popup-blocking',
  '--disable-prompt-on-repost',
  '--disable-renderer-backgrounding',
  '--disable-search-engine-choice-screen',
  '--disable-sync',
  '--enable-automation',
  '--export-tagged-pdf',
  '--force-color-profile=srgb',
  '--generate-pdf-document-outline',
  '--metrics-recording-only',
  '--no-first-run',
  '--password-store=basic',
  '--use-mock-keychain',
  '--disable-features=Translate,AcceptCHFrame,MediaRouter,OptimizationHints,WebUIReloadButton,ProcessPerSiteUpToMainFrameThreshold,IsolateSandboxedIframes',
  '--enable-features=PdfOopif',
];

/** The command line puppeteer.launch({ headless, userDataDir, args, pipe: true }) gives Chromium. */
export function chromiumArgs(o: { headlessShell: boolean; userDataDir: string; args: string[] }): string[] {
  return [...PUPPETEER_DEFAULT_ARGS, `--user-data-dir=${o.userDataDir}`, o.headlessShell ? '--headless' : '--headless=new', '--hide-scrollbars', '--mute-audio', '--disable-extensions', 'about:blank', ...o.args, '--remote-debugging-pipe'];
}

/** CDP over Chromium's pipe: messages end with a NUL byte (what Puppeteer's own pipe transport does). */
class ChildPipeTransport implements ConnectionTransport {
  onmessage?: (message: string) => void;
  onclose?: () => void;
  #pending: Buffer[] = [];
  #closed = false;

  constructor(
    private readonly out: Writable,
    private readonly input: Readable,
    /** Called once, when the first print request is sent (Puppeteer writes the method first). */
    private onPrint: (() => void) | null,
  ) {
    input.on('data', (chunk: Buffer) => this.#receive(chunk));
    input.on('close', () => this.onclose?.());
    // A dead browser shows as a closed pipe (above); the errors themselves say nothing more.
    input.on('error', () => undefined);
    out.on('error', () => undefined);
  }

  send(message: string): void {
    if (this.#closed) return;
    if (this.onPrint && message.startsWith('{"method":"Page.printToPDF"')) {
      this.onPrint();
      this.onPrint = null;
    }
    this.out.write(message);
    this.out.write('\0');
  }

  #receive(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(0); end !== -1; end = chunk.indexOf(0, start)) {
      const piece = chunk.subarray(start, end);
      const message = (this.#pending.length ? Buffer.concat([...this.#pending, piece]) : piece).toString('utf8');
      this.#pending = [];
      // Delivered in order, each in a task of its own, as Puppeteer's transports do.
      setImmediate(() => this.onmessage?.(message));
      start = end + 1;
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
  }

  close(): void {
    this.#closed = true;
    this.input.removeAllListeners('data');
    this.input.destroy();
    this.out.destroy();
  }
}

export interface SpawnedChromium {
  child: ChildProcess;
  transport: ConnectionTransport;
  /** Rejects when the process cannot be started or ends before `connected()` is called. */
  failed: Promise<never>;
  /** Puppeteer is connected: the process ending is now the connection's business. */
  connected(): void;
  /**
   * Resolves when the first page is sent to print (Page.printToPDF), or when the pipe closes: Chromium
   * then lays out and prints for a while and Node waits, a moment to load what comes after the report.
   */
  printStarted: Promise<void>;
}

/** Its own process group (detached), as Puppeteer does: the helpers end with it. stderr keeps its last 2 KB for errors. */
export function spawnChromium(executablePath: string, args: string[], env: Record<string, string>): SpawnedChromium {
  const child = spawn(executablePath, args, { detached: true, env, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (b: Buffer) => {
    tail = (tail + b.toString('utf8')).slice(-2048);
  });
  let settled = false;
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(err));
    child.once('exit', (code, signal) => {
      if (!settled) reject(new Error(`the browser exited at start (${signal ?? `code ${code}`}): ${tail.trim().split('\n').pop() ?? ''}`));
    });
  });
  failed.catch(() => undefined);
  let printing: () => void = () => undefined;
  const printStarted = new Promise<void>((resolve) => (printing = resolve));
  const input = child.stdio[4] as Readable;
  input.once('close', () => printing());
  const transport = new ChildPipeTransport(child.stdio[3] as Writable, input, () => printing());
  return { child, transport, failed, connected: () => (settled = true), printStarted };
}
