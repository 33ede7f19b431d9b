// How Puppeteer attaches to the Chromium netcustody spawned (browser-spawn.ts): puppeteer-core's CDP
// connector alone, Puppeteer's API as the fallback, and a browser that dies at start named by its exit.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { Browser, ConnectionTransport, PuppeteerNode } from 'puppeteer';
import { EvidenceError } from '../evidence/folder.js';
import type { SpawnedChromium } from './browser-spawn.js';

// Puppeteer is loaded only when a PDF is printed: importing it reads its per-user configuration,
// which `collect` and `verify` must never depend on.
export async function loadPuppeteer(): Promise<PuppeteerNode> {
  try {
    return (await import('puppeteer')).default as unknown as PuppeteerNode;
  } catch (err) {
    throw new EvidenceError(`cannot load Puppeteer: ${(err as Error).message.split('\n')[0]}`, 'check that HOME points at a folder this user can read (Puppeteer reads its configuration there)');
  }
}

/** How Puppeteer attaches to the Chromium we spawned: its CDP connector alone, or its whole API. */
export type BrowserConnect = (transport: ConnectionTransport) => Promise<Browser>;

/** puppeteer-core's CDP connector module, in the puppeteer-core of the Puppeteer package.json names. */
export function cdpConnectorFile(): string {
  const fromPuppeteer = createRequire(createRequire(import.meta.url).resolve('puppeteer'));
  return join(dirname(fromPuppeteer.resolve('puppeteer-core/package.json')), 'lib', 'esm', 'puppeteer', 'cdp', 'BrowserConnector.js');
}

/**
 * `puppeteer.connect({ transport })` for a CDP pipe is puppeteer-core's `_connectToCdpBrowser(transport,
 * '', {})`. Importing that module alone costs about half the CPU of importing Puppeteer (~0.2 s here),
 * in the window where Chromium starts and Node renders the report. It is an internal entry: when a
 * Puppeteer release moves or changes it, the whole API is loaded and used as before.
 */
export async function loadConnector(file?: string): Promise<{ connect: BrowserConnect; via: 'cdp-connector' | 'puppeteer' }> {
  try {
    const m = (await import(pathToFileURL(file ?? cdpConnectorFile()).href)) as { _connectToCdpBrowser?: unknown };
    const connectCdp = m._connectToCdpBrowser;
    if (typeof connectCdp === 'function' && connectCdp.length === 3) {
      return { connect: (transport) => (connectCdp as (t: ConnectionTransport, url: string, o: object) => Promise<Browser>)(transport, '', {}), via: 'cdp-connector' };
    }
  } catch {
    // Not where Puppeteer 24 keeps it: the public API below.
  }
  const puppeteer = await loadPuppeteer();
  return { connect: (transport) => puppeteer.connect({ transport }), via: 'puppeteer' };
}

/** Connected, or the reason the browser gave for dying at start (its exit code and last stderr line). */
export async function connectOrExit(spawned: SpawnedChromium): Promise<Browser> {
  try {
    const { connect } = await Promise.race([loadConnector(), spawned.failed]);
    return await Promise.race([connect(spawned.transport), spawned.failed]);
  } catch (err) {
    // A browser that dies at start closes its pipe a moment before its exit is seen: "Target closed"
    // says less than the exit, so wait for it a little (an unref'd timer: no wait on the way out).
    const exit = await Promise.race([spawned.failed.catch((e: unknown) => e), sleep(2000, null, { ref: false })]);
    throw exit ?? err;
  }
}
