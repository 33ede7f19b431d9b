// fixtures/linux/ground-truth.json (written by test/lab/make-linux-fixtures.mjs): what the namespace
// lab created, for the Linux parser tests to check the parsed records against.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LINUX_FIXTURES = resolve(import.meta.dirname, '../../fixtures/linux');

export interface TruthSocket {
  proto: 'tcp' | 'udp' | 'raw';
  ipVersion: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number | null;
  state: string | null;
  process: string | null;
  pid: number | null;
}

export interface TruthRoute {
  ipVersion: 4 | 6;
  type: string;
  destination: string;
  gateways: string[];
  dev: string | null;
  metric: number | null;
  table: string;
  proto: string | null;
}

export interface GroundTruth {
  sockets: TruthSocket[];
  unixSockets: Array<{ type: string; path: string | null; state: string | null; process: string; pid: number; count?: number }>;
  routes: TruthRoute[];
}

export const truth = JSON.parse(readFileSync(join(LINUX_FIXTURES, 'ground-truth.json'), 'utf8')) as GroundTruth;
