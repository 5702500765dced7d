// Fleet signing keys: ed25519 (node:crypto). Operators keep the private key (PKCS#8 PEM); gateways
// trust public keys listed in their config as base64 of the raw 32-byte key, each identified by a
// key id = the first 16 hex digits of sha256(raw key). Several keys can be trusted at once (rotation)
// and a revoked list overrides the trusted one.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** DER prefix of an ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class FleetKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FleetKeyError';
  }
}

export function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ format: 'der', type: 'spki' });
  if (der.length !== 44 || !der.subarray(0, 12).equals(SPKI_ED25519_PREFIX)) throw new FleetKeyError('not an ed25519 public key');
  return der.subarray(12);
}

export function keyIdOf(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

export function publicKeyFromBase64(text: string): { key: KeyObject; keyId: string } {
  const raw = Buffer.from(text.trim(), 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== text.trim()) throw new FleetKeyError(`'${text.slice(0, 12)}…' is not a base64 raw ed25519 public key (32 bytes)`);
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
  return { key, keyId: keyIdOf(raw) };
}

export interface FleetKeyPair {
  keyId: string;
  /** base64 of the raw public key: what a gateway's config lists under `fleet.trustedKeys`. */
  publicKey: string;
  /** PKCS#8 PEM; keep it off the gateways. */
  privateKeyPem: string;
}

export function generateFleetKey(): FleetKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { keyId: keyIdOf(raw), publicKey: raw.toString('base64'), privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

export interface SigningKey {
  keyId: string;
  sign(message: Uint8Array): Buffer;
}

export function signingKeyFromPem(pem: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw new FleetKeyError(`cannot read the private key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new FleetKeyError(`the private key is ${key.asymmetricKeyType}, not ed25519`);
  const keyId = keyIdOf(rawPublicKey(createPublicKey(key)));
  return { keyId, sign: (message) => sign(null, message, key) };
}

/** The keys a gateway trusts, minus the revoked ones. */
export class TrustStore {
  private readonly keys = new Map<string, KeyObject>();
  private readonly revoked: Set<string>;

  constructor(trusted: readonly string[], revokedKeyIds: readonly string[] = []) {
    this.revoked = new Set(revokedKeyIds);
    for (const text of trusted) {
      const { key, keyId } = publicKeyFromBase64(text);
      this.keys.set(keyId, key);
    }
  }

  get keyIds(): string[] {
    return [...this.keys.keys()].filter((id) => !this.revoked.has(id));
  }

  /** Whether `keyId` is trusted, revoked (whatever the trusted list says) or unknown here. */
  keyState(keyId: string): 'trusted' | 'revoked' | 'unknown' {
    if (this.revoked.has(keyId)) return 'revoked';
    return this.keys.has(keyId) ? 'trusted' : 'unknown';
  }

  /** Throws a FleetKeyError naming the problem (unknown key, revoked key, bad signature). */
  verify(keyId: string, message: Uint8Array, signature: Uint8Array): void {
    if (this.revoked.has(keyId)) throw new FleetKeyError(`key ${keyId} is revoked`);
    const key = this.keys.get(keyId);
    if (!key) throw new FleetKeyError(`key ${keyId} is not trusted by this gateway`);
    if (signature.length !== 64 || !verify(null, message, key, signature)) throw new FleetKeyError(`bad signature for key ${keyId}`);
  }
}
