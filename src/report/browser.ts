// Finding and starting Chromium for printing: root-in-container flags, a throw-away profile,
// and nothing that talks to the network on its own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, PuppeteerNode } from 'puppeteer';
import { EvidenceError } from '../evidence/folder.js';

export const CHROME_INSTALL_HINT = 'install Chromium (Debian/Ubuntu: apt-get install chromium) or set NETCUSTODY_CHROME=/path/to/chrome';

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

// Puppeteer is loaded only when a PDF is printed: importing it reads its per-user configuration,
// which `collect` and `verify` must never depend on.
async function loadPuppeteer(): Promise<PuppeteerNode> {
  try {
    return (await import('puppeteer')).default as unknown as PuppeteerNode;
  } catch (err) {
    throw new EvidenceError(`cannot load Puppeteer: ${(err as Error).message.split('\n')[0]}`, 'check that HOME points at a folder this user can read (Puppeteer reads its configuration there)');
  }
}

/** PUPPETEER_EXECUTABLE_PATH or NETCUSTODY_CHROME, Puppeteer's own download, then the system's. */
export async function resolveBrowser(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const key of ['PUPPETEER_EXECUTABLE_PATH', 'NETCUSTODY_CHROME'] as const) {
    const path = env[key];
    if (path) {
      if (!existsSync(path)) throw new EvidenceError(`${key}=${path}: no browser at that path`, CHROME_INSTALL_HINT);
      return path;
    }
  }
  try {
    const downloaded = (await loadPuppeteer()).executablePath();
    if (downloaded && existsSync(downloaded)) return downloaded;
  } catch {
    // No browser downloaded by Puppeteer: fall through to the system's.
  }
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return system;
  throw new EvidenceError('no Chrome or Chromium found to print the PDF', CHROME_INSTALL_HINT);
}

export interface PrintBrowser {
  browser: Browser;
  executablePath: string;
  version: string;
  close(): Promise<void>;
}

/** Start a headless browser with a fresh profile in a temp dir, removed on close. */
export async function launchPrintBrowser(chosenPath?: string): Promise<PrintBrowser> {
  const executablePath = chosenPath ?? (await resolveBrowser());
  const puppeteer = await loadPuppeteer();
  const profile = mkdtempSync(join(tmpdir(), 'netcustody-chrome-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({ executablePath, headless: true, userDataDir: profile, args: LAUNCH_FLAGS, pipe: true });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw new EvidenceError(`cannot start the browser ${executablePath}: ${(err as Error).message.split('\n')[0]}`, CHROME_INSTALL_HINT);
  }
  const version = await browser.version();
  return {
    browser,
    executablePath,
    version,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
