// Who signs: the examiner's PKCS#12, or a per-user self-signed certificate created on first use.
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { EvidenceError, safeName } from '../evidence/folder.js';
import { mkdirPrivate, writeFileDurableSync } from '../evidence/files.js';
import { promptHidden } from './passphrase.js';
import type { LoadIdentityOptions, SigningIdentity } from './types.js';
import { defaultConfigDir } from './config-dir.js';
import { buildChain, chainProblems, signingUseProblems } from './cert-check.js';
import { createSelfSignedCertificate, isSelfSigned, pemBlocks, readableSubject } from './x509.js';

export { defaultConfigDir };

export const DEFAULT_PASSPHRASE_ENV = 'NETCUSTODY_P12_PASSPHRASE';
const SELF_SIGNED_YEARS = 10;

export async function loadIdentity(opts: LoadIdentityOptions): Promise<SigningIdentity> {
  const id = opts.p12
    ? loadPkcs12(opts.p12, await readPassphrase(opts.passphraseEnv ?? DEFAULT_PASSPHRASE_ENV))
    : loadOrCreateSelfSigned(opts.examiner, opts.organisation ?? null, opts.configDir ?? defaultConfigDir());
  return checkFitToSign(id, opts.now ?? new Date(), opts.allowExpiredCert === true);
}

/**
 * Refuse a certificate that `verify` and `openssl cms -verify` would reject: not valid now, a key
 * usage without digitalSignature/nonRepudiation, an issuer in the chain that is not a CA. Only an
 * expired certificate may be used, with --allow-expired-cert, to re-sign old evidence; the identity
 * then carries the reason, which the stages record in custody.
 */
export function checkFitToSign(id: SigningIdentity, now: Date, allowExpired: boolean): SigningIdentity {
  const where = id.source.replace(/^pkcs12:|^self-signed:/, '');
  const leaf = new X509Certificate(id.certPem);
  const pool = id.chainPem.flatMap((pem) => pemBlocks(pem)).map((der) => new X509Certificate(der));
  const { chain } = buildChain(leaf, pool);
  const problems = [...chainProblems(chain, now, 'the signing time'), ...signingUseProblems(chain[0])];
  if (problems.length === 0) return id;
  const expiredOnly = problems.length === 1 && now > chain[0].notAfter;
  if (expiredOnly && allowExpired) {
    return { ...id, expiredAllowed: `signed with an expired certificate (--allow-expired-cert): ${problems[0]}` };
  }
  throw new EvidenceError(
    `${where}: cannot sign with this certificate: ${problems.join('; ')}`,
    expiredOnly ? 'use a valid certificate; --allow-expired-cert only to re-sign old evidence (recorded in custody, and verify will report the expiry)' : 'use a certificate issued for signing (key usage digitalSignature or nonRepudiation) by a CA',
  );
}

async function readPassphrase(envName: string): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined) return fromEnv;
  if (process.stdin.isTTY) return promptHidden('PKCS#12 passphrase: ');
  throw new EvidenceError(
    `no passphrase for the PKCS#12 file: environment variable ${envName} is not set and there is no terminal to ask`,
    `export ${envName}=... (or run interactively)`,
  );
}

/** Key + certificate from a .p12/.pfx; the leaf is the certificate matching the key, the rest is the chain. */
export function loadPkcs12(path: string, passphrase: string): SigningIdentity {
  if (!existsSync(path)) throw new EvidenceError(`${path}: PKCS#12 file not found`);
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(readFileSync(path).toString('binary'), false);
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch {
    // The library's message may quote internals; never the passphrase, but keep ours plain anyway.
    throw new EvidenceError(`${path}: cannot open the PKCS#12 file (wrong passphrase or not a PKCS#12 file)`);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  if (keyBags.length === 0) throw new EvidenceError(`${path}: the PKCS#12 file holds no private key`);
  const keyDer = bagKeyDer(keyBags[0]);
  const key = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' });
  const certs = certBags.map((bag) => new X509Certificate(bagCertDer(bag)));
  const leaf = certs.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw new EvidenceError(`${path}: no certificate in the PKCS#12 file matches its private key`);
  return {
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certPem: leaf.toString(),
    chainPem: certs.filter((c) => c !== leaf).map((c) => c.toString()),
    subject: readableSubject(leaf),
    selfSigned: isSelfSigned(leaf),
    source: `pkcs12:${path}`,
  };
}

/** DER bytes as forge keeps them (binary strings) to a Buffer. */
function bytesOf(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function bagKeyDer(bag: forge.pkcs12.Bag): Buffer {
  // forge decodes RSA keys; other key types (EC) stay as their PrivateKeyInfo ASN.1.
  if (bag.key) return bytesOf(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key as forge.pki.rsa.PrivateKey)));
  if (bag.asn1) return bytesOf(bag.asn1);
  throw new EvidenceError('PKCS#12 key bag is empty');
}

function bagCertDer(bag: forge.pkcs12.Bag): Buffer {
  if (bag.cert) return bytesOf(forge.pki.certificateToAsn1(bag.cert));
  if (bag.asn1) return bytesOf(bag.asn1);
  throw new EvidenceError('PKCS#12 certificate bag is empty');
}

/** Files of one examiner's self-signed identity; the hash keeps names that sanitise alike apart. */
export function selfSignedPaths(configDir: string, examiner: string): { dir: string; key: string; cert: string } {
  const dir = join(configDir, 'examiner-keys');
  const base = `${safeName(examiner, 'examiner')}-${createHash('sha256').update(examiner).digest('hex').slice(0, 8)}`;
  return { dir, key: join(dir, `${base}.key.pem`), cert: join(dir, `${base}.cert.pem`) };
}

/** Reuse the examiner's self-signed certificate if present, valid and matching its key; else make one. */
export function loadOrCreateSelfSigned(examiner: string, organisation: string | null, configDir: string, now = new Date()): SigningIdentity {
  const paths = selfSignedPaths(configDir, examiner);
  const existing = readSelfSigned(paths, now);
  if (existing) return existing;
  mkdirPrivate(configDir);
  mkdirPrivate(paths.dir);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + SELF_SIGNED_YEARS);
  const certPem = createSelfSignedCertificate({
    commonName: examiner,
    organisation,
    organisationalUnit: 'netcustody self-signed examiner certificate',
    publicKey,
    privateKey,
    notBefore,
    notAfter,
  });
  if (existsSync(paths.cert)) renameSync(paths.cert, `${paths.cert}.replaced-${now.getTime()}`);
  writeFileDurableSync(paths.key, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writeFileDurableSync(paths.cert, certPem);
  const created = readSelfSigned(paths, now);
  if (!created) throw new EvidenceError(`cannot read back the self-signed certificate written to ${paths.cert}`);
  return created;
}

function readSelfSigned(paths: { key: string; cert: string }, now: Date): SigningIdentity | null {
  if (!existsSync(paths.key) || !existsSync(paths.cert)) return null;
  try {
    const keyPem = readFileSync(paths.key, 'utf8');
    const cert = new X509Certificate(readFileSync(paths.cert));
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return null;
    if (new Date(cert.validTo).getTime() <= now.getTime()) return null;
    return {
      keyPem,
      certPem: cert.toString(),
      chainPem: [],
      subject: readableSubject(cert),
      selfSigned: true,
      source: `self-signed:${paths.cert}`,
      certPath: paths.cert,
    };
  } catch {
    return null;
  }
}
