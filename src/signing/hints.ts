/**
 * How a third party checks a detached signature made here. The examiner's self-signed certificate is
 * its own trust anchor (-CAfile); `-purpose any` makes the same command work for PKCS#12 certificates
 * whose extended key usage lacks emailProtection (OpenSSL's default S/MIME purpose check).
 */
export const OPENSSL_VERIFY_HINT =
  'openssl cms -verify -binary -inform DER -in manifest.sig -content SHA256SUMS -CAfile examiner-cert.pem -purpose any -out /dev/null';
