// Test certificates made by the real `openssl` at test time: THROWAWAY keys in a temporary folder,
// never used for anything but these tests. `openssl ca` is used (not `x509 -req`) because OpenSSL 3.0
// can only set past or future validity dates (-startdate/-enddate) there.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONFIG = `# THROWAWAY test CA configuration (netcustody tests)
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[ any_name ]
commonName = supplied
[ root ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ intermediate ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ intermediate_pathlen0 ]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
[ ca_no_keycertsign ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature
[ ca_no_keyusage ]
basicConstraints = critical,CA:TRUE
[ signer ]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = emailProtection
[ nonrepudiation_only ]
basicConstraints = CA:FALSE
keyUsage = critical,nonRepudiation
[ keyencipherment_only ]
basicConstraints = CA:FALSE
keyUsage = critical,keyEncipherment
[ no_extensions ]
`;

export type Profile = 'root' | 'intermediate' | 'intermediate_pathlen0' | 'ca_no_keycertsign' | 'ca_no_keyusage' | 'signer' | 'nonrepudiation_only' | 'keyencipherment_only' | 'no_extensions';

export interface TestCa {
  dir: string;
  path(name: string): string;
  read(name: string): Buffer;
  text(name: string): string;
  openssl(...args: string[]): string;
  /**
   * A key NAME.key and certificate NAME.pem. `issuer` null = self-signed. Dates as YYYYMMDDHHMMSSZ;
   * default valid from an hour ago for 30 days.
   */
  cert(name: string, opts: { issuer: string | null; profile: Profile; start?: string; end?: string; subject?: string }): void;
  cleanup(): void;
}

function stamp(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}

export function openTestCa(prefix = 'nc-testca-'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'issued'));
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), CONFIG);
  const openssl = (...args: string[]): string => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  return {
    dir,
    path: (name) => join(dir, name),
    read: (name) => readFileSync(join(dir, name)),
    text: (name) => readFileSync(join(dir, name), 'utf8'),
    openssl,
    cert(name, opts) {
      const subject = opts.subject ?? `/CN=${name} (THROWAWAY test certificate)`;
      openssl('req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      const start = opts.start ?? stamp(new Date(Date.now() - 3600_000));
      const end = opts.end ?? stamp(new Date(Date.now() + 30 * 86400_000));
      const signWith = opts.issuer === null ? ['-selfsign', '-keyfile', `${name}.key`] : ['-keyfile', `${opts.issuer}.key`, '-cert', `${opts.issuer}.pem`];
      openssl('ca', '-batch', '-config', 'ca.cnf', ...signWith, '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext', '-startdate', start, '-enddate', end, '-extensions', opts.profile);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `openssl cms -verify` with the given trust file (no -purpose any: key usage is checked). */
export function opensslVerifies(ca: TestCa, sig: string, content: string, caFile: string, extra: string[] = []): { ok: boolean; stderr: string } {
  const r = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', content, '-CAfile', caFile, '-out', '/dev/null', ...extra], { cwd: ca.dir, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}
