// A throwaway self-signed certificate for 127.0.0.1, made with the openssl command; its subject
// alternative name lets a client that verifies it (NODE_EXTRA_CA_CERTS) accept the address.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function selfSigned(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
      { stdio: 'ignore' },
    );
  } catch (error) {
    throw new Error('these tests make a certificate with the openssl command (Debian: apt-get install openssl)', { cause: error });
  }
  return { key, cert };
}
