/** The key and certificate the examiner signs with (PEM; the key never leaves this process). */
export interface SigningIdentity {
  /** PKCS#8 PEM private key. */
  keyPem: string;
  /** The signer's certificate (PEM). */
  certPem: string;
  /** Further certificates of the chain from a PKCS#12 (PEM each), leaf excluded. */
  chainPem: string[];
  /** Readable subject, e.g. "CN=Jane Doe, O=Forensic Lab". */
  subject: string;
  /** True for the per-user certificate netcustody made itself: nobody vouches for it. */
  selfSigned: boolean;
  /** Where it came from: "pkcs12:/path/file.p12" or "self-signed:/home/u/.config/netcustody/...". */
  source: string;
  /** Path of the certificate file on disk (self-signed identity), to hand to `openssl -CAfile`. */
  certPath?: string;
  /** Set when an expired certificate was accepted with --allow-expired-cert: what to record in custody. */
  expiredAllowed?: string;
}

export interface LoadIdentityOptions {
  /** PKCS#12 file (.p12/.pfx) with the examiner's key and certificate. */
  p12?: string;
  /** Environment variable holding the PKCS#12 passphrase; default NETCUSTODY_P12_PASSPHRASE. */
  passphraseEnv?: string;
  examiner: string;
  organisation?: string | null;
  /** Where the self-signed identity lives; default $NETCUSTODY_HOME, $XDG_CONFIG_HOME/netcustody or ~/.config/netcustody. */
  configDir?: string;
  /** Sign with an expired certificate (re-signing old evidence only; recorded in custody). */
  allowExpiredCert?: boolean;
  /** The signing time the certificate must be valid at; default now. */
  now?: Date;
}
