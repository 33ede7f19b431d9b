// A local RFC 3161 time-stamping authority for tests: `openssl ts -reply` behind a small HTTP server
// on 127.0.0.1 (ephemeral port). The CA and TSA certificates are made at test time with openssl
// (THROWAWAY keys in a temporary folder, never in the repository). Modes make it misbehave as a real
// TSA can: a wrong nonce, a replayed answer, an error status, a token over other data, no answer.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TsaMode = 'ok' | 'wrong-nonce' | 'replay' | 'reject' | 'http-error' | 'hang' | 'other-data';

export interface TestPki {
  dir: string;
  caPem: string;
  /** Path of the CA certificate (for --tsa-ca and `openssl ts -verify -CAfile`). */
  caFile: string;
  tsaCertFile: string;
  tsaKeyFile: string;
  configFile: string;
  /** Set when the TSA certificate is one `openssl ts -reply` refuses (wrong EKU): tokens are re-signed with it. */
  resign: boolean;
}

export interface TestTsa {
  url: string;
  pki: TestPki;
  mode: TsaMode;
  /** Requests received. */
  requests: number;
  close(): Promise<void>;
}

function openssl(args: string[], input?: Buffer): Buffer {
  const r = spawnSync('openssl', args, { input, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}

/**
 * A test CA and a TSA certificate issued by it. `eku` is the TSA certificate's extendedKeyUsage
 * ("critical,timeStamping" as RFC 3161 demands; something else to test the refusal).
 */
export function makeTestPki(opts: { eku?: string; name?: string } = {}): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'nc-tsa-'));
  const p = (f: string): string => join(dir, f);
  const name = opts.name ?? 'Test TSA';
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '3650', '-subj', `/CN=${name} Root CA (THROWAWAY)/O=netcustody tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('tsa.key'), '-out', p('tsa.csr'), '-subj', `/CN=${name} (THROWAWAY)/O=netcustody tests`]);
  const eku = opts.eku ?? 'critical,timeStamping';
  const issue = (ext: string, out: string): void => {
    writeFileSync(p('tsa.ext'), `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=${ext}\nsubjectKeyIdentifier=hash\n`);
    openssl(['x509', '-req', '-in', p('tsa.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-days', '3650', '-extfile', p('tsa.ext'), '-out', p(out)]);
  };
  // `openssl ts -reply` refuses a certificate without a critical timeStamping EKU: a bad TSA's tokens
  // are made by openssl with a good one, then their TSTInfo is signed again with the bad certificate.
  const resign = eku !== 'critical,timeStamping';
  issue(eku, 'tsa.pem');
  if (resign) issue('critical,timeStamping', 'tsa-good.pem');
  writeFileSync(p('serial'), '01\n');
  writeFileSync(
    p('tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'crypto_device = builtin',
      `signer_cert = $dir/${resign ? 'tsa-good.pem' : 'tsa.pem'}`,
      'certs = $dir/ca.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1.1',
      'other_policies = 1.3.6.1.4.1.99999.1.2',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'clock_precision_digits = 0',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  return { dir, caPem: readFileSync(p('ca.pem'), 'utf8'), caFile: p('ca.pem'), tsaCertFile: p('tsa.pem'), tsaKeyFile: p('tsa.key'), configFile: p('tsa.cnf'), resign };
}

/** `openssl ts -reply` for one DER request. */
export function opensslReply(pki: TestPki, request: Buffer): Buffer {
  const q = join(pki.dir, `q-${process.hrtime.bigint()}.tsq`);
  writeFileSync(q, request);
  try {
    if (!pki.resign) return openssl(['ts', '-reply', '-config', pki.configFile, '-queryfile', q]);
    const token = openssl(['ts', '-reply', '-config', pki.configFile, '-queryfile', q, '-token_out']);
    writeFileSync(`${q}.tok`, token);
    const tstInfo = openssl(['cms', '-verify', '-noverify', '-inform', 'DER', '-in', `${q}.tok`]);
    writeFileSync(`${q}.tst`, tstInfo);
    const signed = openssl(['cms', '-sign', '-binary', '-nodetach', '-nosmimecap', '-md', 'sha256', '-econtent_type', '1.2.840.113549.1.9.16.1.4', '-outform', 'DER',
      '-in', `${q}.tst`, '-signer', pki.tsaCertFile, '-inkey', pki.tsaKeyFile, '-certfile', pki.caFile]);
    // TimeStampResp { status granted } followed by the token; lengths below 64 KiB fit two bytes.
    const body = Buffer.concat([Buffer.from('3003020100', 'hex'), signed]);
    return Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]);
  } finally {
    for (const f of [q, `${q}.tok`, `${q}.tst`]) rmSync(f, { force: true });
  }
}

/** The request's nonce INTEGER changed in its last byte (the TSA then signs that other nonce). */
function changeNonce(request: Buffer): Buffer {
  // TimeStampReq ends with nonce INTEGER then certReq BOOLEAN TRUE (01 01 ff).
  const out = Buffer.from(request);
  const certReqAt = out.length - 3;
  if (out[certReqAt] !== 0x01) throw new Error('test TSA: request does not end with certReq');
  out[certReqAt - 1] ^= 0x01;
  return out;
}

/** A request for the same kind of imprint over other bytes. */
function otherData(request: Buffer): Buffer {
  const out = Buffer.from(request);
  // The 32-byte SHA-256 imprint is the OCTET STRING after the AlgorithmIdentifier: flip its first byte.
  const at = out.indexOf(Buffer.from([0x04, 0x20]));
  out[at + 2] ^= 0xff;
  return out;
}

export async function startTestTsa(mode: TsaMode = 'ok', pki: TestPki = makeTestPki()): Promise<TestTsa> {
  let first: Buffer | null = null;
  const tsa: TestTsa = { url: '', pki, mode, requests: 0, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      tsa.requests++;
      if (tsa.mode === 'hang') return; // never answers; the client's timeout must end it
      if (tsa.mode === 'http-error') {
        res.writeHead(503).end('overloaded');
        return;
      }
      try {
        const body = Buffer.concat(chunks);
        if (req.headers['content-type'] !== 'application/timestamp-query') throw new Error(`content type ${req.headers['content-type']}`);
        let reply: Buffer;
        if (tsa.mode === 'reject') reply = Buffer.from('30053003020102', 'hex'); // TimeStampResp { status rejection (2) }, no token
        else if (tsa.mode === 'wrong-nonce') reply = opensslReply(pki, changeNonce(body));
        else if (tsa.mode === 'other-data') reply = opensslReply(pki, otherData(body));
        else if (tsa.mode === 'replay') reply = first ??= opensslReply(pki, body);
        else reply = opensslReply(pki, body);
        res.writeHead(200, { 'Content-Type': 'application/timestamp-reply', 'Content-Length': reply.length }).end(reply);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('test TSA: no port');
  tsa.url = `http://127.0.0.1:${address.port}/tsa`;
  tsa.close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  return tsa;
}

/** A URL on 127.0.0.1 where nothing listens (a TSA that is down). */
export async function downTsaUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return `http://127.0.0.1:${address.port}/tsa`;
}
