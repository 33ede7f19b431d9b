// Finding and starting Chromium for printing: root-in-container flags, a throw-away profile,
// and nothing that talks to the network on its own.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'puppeteer';
import { EvidenceError } from '../evidence/folder.js';
import { chromiumArgs, spawnChromium } from './browser-spawn.js';
import { connectOrExit, loadPuppeteer } from './browser-connect.js';

export const CHROME_INSTALL_HINT = 'install Chromium (Debian/Ubuntu: apt-get install chromium) or set NETCUSTODY_CHROME=/path/to/chrome';

// Chromium's headless shell prints the same PDF as the full browser (same Blink, same Skia) and starts
// in about half the time (0.46–0.66 s against 0.83–1.3 s here), its first page prints ~0.5 s sooner.
const SYSTEM_SHELLS = ['/usr/bin/chromium-headless-shell'];
const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export const LAUNCH_FLAGS = [
  '--no-sandbox', // root in a container has no user namespace sandbox
  '--disable-gpu',
  '--disable-dev-shm-usage', // small /dev/shm in containers
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
];

/** PUPPETEER_EXECUTABLE_PATH or NETCUSTODY_CHROME, a headless shell (the system's, Puppeteer's), then a full browser. */
export async function resolveBrowser(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const key of ['PUPPETEER_EXECUTABLE_PATH', 'NETCUSTODY_CHROME'] as const) {
    const path = env[key];
    if (path) {
      if (!existsSync(path)) throw new EvidenceError(`${key}=${path}: no browser at that path`, CHROME_INSTALL_HINT);
      return path;
    }
  }
  const shell = SYSTEM_SHELLS.find((p) => existsSync(p));
  if (shell) return shell;
  try {
    const puppeteer = await loadPuppeteer();
    for (const downloaded of [puppeteer.executablePath({ headless: 'shell' }), puppeteer.executablePath()]) if (downloaded && existsSync(downloaded)) return downloaded;
  } catch {
    // No browser downloaded by Puppeteer: fall through to the system's.
  }
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return system;
  throw new EvidenceError('no Chrome or Chromium found to print the PDF', CHROME_INSTALL_HINT);
}

/**
 * Launch, resolving once Chromium's process has been spawned (or the launch failed) with the launch
 * still going on: the caller's synchronous work (reading the folder, analyze, rendering the HTML) then
 * overlaps Chromium's start-up. A launch merely called and not awaited waits for that work instead:
 * Puppeteer's module loading and the spawn need the event loop.
 */
export async function spawnPrintBrowser(chosenPath?: string): Promise<{ launching: Promise<PrintBrowser> }> {
  let spawned: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    spawned = resolve;
  });
  const launching = launchPrintBrowser(chosenPath, () => spawned());
  launching.catch(() => undefined); // the caller awaits it and reports the failure
  await Promise.race([started, launching.then(() => undefined, () => undefined)]);
  return { launching };
}

/** Debian's chromium-headless-shell, Puppeteer's chrome-headless-shell: started in their own headless mode. */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell/.test(basename(executablePath));
}

export interface PrintBrowser {
  browser: Browser;
  executablePath: string;
  version: string;
  /** When the browser process was started: the custody log records it (after the capture, for `run`). */
  startedAt: Date;
  /** The temporary folder that holds the browser's profile and home, removed by close(). */
  profile: string;
  /** Resolves when the first page is sent to print, or the browser is gone (browser-spawn.ts). */
  printStarted: Promise<void>;
  close(): Promise<void>;
}

// Profiles of browsers still running, removed however the process ends: close(), a normal exit, or
// SIGINT/SIGTERM/SIGHUP when nothing else handles them (then the signal is raised again).
interface LiveBrowser {
  /** Ends the browser's process group; false while the launch has not given us its process yet. */
  kill(): boolean;
}
const live = new Map<string, LiveBrowser>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How long a signal waits for a browser still being launched (its process is not known before). */
const LAUNCH_WAIT_MS = 15_000;
let ending: NodeJS.Signals | null = null;

function removeProfile(profile: string): void {
  // Chromium's helper processes may still be writing for a moment after the browser is killed (longer
  // on a loaded machine): remove again until the folder stays gone, for at most 10 s. Synchronous,
  // because this also runs in the 'exit' and signal handlers.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 100) {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    } catch {
      // ENOTEMPTY while a helper still writes: tried again below.
    }
    if (!existsSync(profile) || waited >= 10_000) return;
    Atomics.wait(pause, 0, 0, 100);
  }
}

/** removeProfile without blocking: close() runs while the caller signs and publishes. */
async function removeProfileAsync(profile: string): Promise<void> {
  for (let waited = 0; ; waited += 100) {
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }).catch(() => undefined);
    if (!existsSync(profile) || waited >= 10_000) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cleanupAll(): void {
  for (const [profile, b] of live) {
    b.kill();
    removeProfile(profile);
  }
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  const alone = process.listenerCount(signal) === 1;
  if (!alone) return; // a command that handles interrupts itself closes the browser on its way out
  if (ending) return;
  ending = signal;
  // A signal between the profile's creation and the spawn: no process to end yet. Wait for the launch
  // to settle (it is known right after spawn()), else the browser could outlive us with its profile.
  const since = Date.now();
  const finish = (): void => {
    const starting = [...live.values()].some((b) => !b.kill());
    if (starting && Date.now() - since < LAUNCH_WAIT_MS) {
      setTimeout(finish, 50);
      return;
    }
    cleanupAll();
    unwatch();
    process.kill(process.pid, signal);
  };
  finish();
}

function watch(): void {
  if (live.size !== 1) return;
  process.on('exit', cleanupAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function unwatch(): void {
  process.off('exit', cleanupAll);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * A fresh profile in a temp dir, and HOME/XDG folders inside it: Chromium keeps its crash database
 * under the default profile (~/.config/chromium/Crash Reports) and dconf under ~/.cache whatever
 * --user-data-dir says, and the examiner's own browser profile is none of the report's business.
 */
export function browserEnvironment(profile: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  // TMPDIR too: Chromium's own temp folder (org.chromium.Chromium.*) goes with the profile when the
  // browser is killed rather than shut down.
  return { ...out, HOME: profile, TMPDIR: join(profile, 'tmp'), XDG_CONFIG_HOME: join(profile, '.config'), XDG_CACHE_HOME: join(profile, '.cache'), XDG_DATA_HOME: join(profile, '.local', 'share') };
}

/**
 * Start a headless browser with a fresh profile in a temp dir, removed on close (and on exit/signals).
 * Chromium is spawned first and Puppeteer's connector loaded while it starts (browser-spawn.ts).
 */
export async function launchPrintBrowser(chosenPath?: string, onSpawned?: () => void): Promise<PrintBrowser> {
  const executablePath = chosenPath ?? (await resolveBrowser());
  const profile = mkdtempSync(join(tmpdir(), 'netcustody-chrome-'));
  mkdirSync(join(profile, 'tmp'), { mode: 0o700 });
  let child: ChildProcess | null = null;
  let printStarted: Promise<void> = Promise.resolve();
  live.set(profile, {
    kill: () => {
      // Chromium runs in its own process group: end the helpers (zygote, renderers) with it.
      if (!child?.pid) return false;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      return true;
    },
  });
  watch();
  const forget = (): void => {
    live.delete(profile);
    removeProfile(profile);
    if (live.size === 0) unwatch();
  };
  const startedAt = new Date();
  let browser: Browser;
  try {
    if (!existsSync(executablePath)) throw new Error(`no browser at ${executablePath}`);
    const args = chromiumArgs({ headlessShell: isHeadlessShell(executablePath), userDataDir: join(profile, 'profile'), args: [...LAUNCH_FLAGS, `--crash-dumps-dir=${join(profile, 'crash')}`] });
    const spawned = spawnChromium(executablePath, args, browserEnvironment(profile));
    child = spawned.child;
    printStarted = spawned.printStarted;
    onSpawned?.();
    browser = await connectOrExit(spawned);
    spawned.connected();
  } catch (err) {
    live.get(profile)?.kill();
    forget();
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError(`cannot start the browser ${executablePath}: ${(err as Error).message.split('\n')[0]}`, CHROME_INSTALL_HINT);
  }
  const started = browser;
  const kill = live.get(profile)?.kill ?? (() => false);
  let version: string;
  try {
    version = await started.version();
  } catch (err) {
    kill();
    await started.disconnect().catch(() => undefined);
    forget();
    throw new EvidenceError(`the browser ${executablePath} stopped at start: ${(err as Error).message.split('\n')[0]}`, CHROME_INSTALL_HINT);
  }
  return {
    browser: started,
    executablePath,
    version,
    startedAt,
    profile,
    printStarted,
    async close() {
      // Nothing is left to save in a throw-away profile: end the process group at once rather than wait
      // for Chromium's orderly shutdown (0.2-0.7 s), then drop the connection and remove the profile.
      kill();
      await started.disconnect().catch(() => undefined);
      // Still listed in `live` while removed: an exit or signal meanwhile removes it synchronously.
      await removeProfileAsync(profile);
      forget();
    },
  };
}
