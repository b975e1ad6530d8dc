// openssl as the reference peer of the CMS and signature tests: every call writes its inputs to a
// temporary folder of its own and removes it, so tests share no files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `openssl <args>` with `files` (name → content) written to a fresh folder; `{name}` in an argument is that file's path. */
export function openssl(args: string[], files: Record<string, string | Buffer> = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'openssl-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    const path = (arg: string) => arg.replace(/\{([\w.-]+)\}/g, (_all, name: string) => join(dir, name));
    return execFileSync('openssl', args.map(path));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `openssl cms -sign` over `data`: a detached signature in DER, with the signed attributes
 * OpenSSL adds by default; `extra` adds options (`-md sha384`, `-noattr`, `-nodetach`, ...).
 */
export function opensslCmsSign(
  data: Buffer,
  certificatePem: string,
  keyPem: string,
  extra: string[] = [],
): Buffer {
  return openssl(
    [
      'cms',
      '-sign',
      '-binary',
      '-outform',
      'DER',
      '-in',
      '{body}',
      '-signer',
      '{cert.pem}',
      '-inkey',
      '{key.pem}',
      ...extra,
    ],
    { body: data, 'cert.pem': certificatePem, 'key.pem': keyPem },
  );
}

/** A self-signed certificate for `keyPem`, made by `openssl req -x509` (`CN=<commonName>`, valid `days` days). */
export function opensslSelfSigned(commonName: string, keyPem: string, days = 2): string {
  return openssl(
    ['req', '-x509', '-new', '-key', '{key.pem}', '-subj', `/CN=${commonName}`, '-days', String(days)],
    {
      'key.pem': keyPem,
    },
  ).toString();
}
