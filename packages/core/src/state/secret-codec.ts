import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto'
import { promisify } from 'node:util'
import { StateError } from '../errors/state-error.js'
import { isOutputRef } from '../model/reference.js'
import { isPlainObject, isSecret, Secret } from '../model/secret.js'
import { fingerprintSecret } from '../model/values.js'

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>

/** Where the key that encrypts secrets at rest comes from. */
export interface StateKeyOptions {
  /** Derives the key with scrypt; the salt is stored with the state. */
  readonly passphrase?: string
  /** Returns a 32-byte key (from a KMS, a vault, an env var). */
  readonly keyProvider?: () => Uint8Array | Promise<Uint8Array>
}

/** Stored with a state so the same key can be derived and checked again. */
export interface EncryptionHeader {
  readonly kdf: 'scrypt' | 'provider'
  readonly salt?: string
  /** A known text encrypted with the key: tells a wrong key from corrupt data. */
  readonly check: string
}

const CHECK_TEXT = 'skyloom-key-check'
const SCRYPT_OPTIONS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

/** A secret as written to disk: its fingerprint and, with a key, its AES-256-GCM ciphertext. */
interface SealedSecret {
  readonly $secret: { readonly fp: string; readonly ct?: string }
}

/**
 * Encodes secrets for storage (AES-256-GCM with a random IV per value) and decodes them back.
 * Without a key only a fingerprint is written; ciphertext read without the key is carried
 * through untouched so it is never lost.
 */
export class SecretCodec {
  readonly header: EncryptionHeader | undefined
  readonly #key: Buffer | undefined
  readonly #salt: string

  private constructor(key: Buffer | undefined, header: EncryptionHeader | undefined, salt: string) {
    this.#key = key
    this.header = header
    this.#salt = salt
  }

  /** Whether values can be encrypted and decrypted. */
  get hasKey(): boolean {
    return this.#key !== undefined
  }

  /**
   * Opens a codec for one stack. With a header and a key source, derives the key and checks it;
   * with a key source but no header, makes a new header.
   */
  static async open(
    source: StateKeyOptions | undefined,
    header: EncryptionHeader | undefined,
    stackSalt: string,
    location: string,
  ): Promise<SecretCodec> {
    if (!source?.passphrase && !source?.keyProvider) return new SecretCodec(undefined, header, stackSalt)
    const kdf: EncryptionHeader['kdf'] = source.keyProvider ? 'provider' : 'scrypt'
    const salt = header?.salt ?? (kdf === 'scrypt' ? randomBytes(16).toString('base64') : undefined)
    const key = await deriveKey(source, salt, location)
    if (header) {
      if (header.kdf !== kdf) {
        throw new StateError(
          `The state at ${location} was encrypted with a ${header.kdf === 'scrypt' ? 'passphrase' : 'key provider'}; configure the same kind of key.`,
          { location },
        )
      }
      let text: string | undefined
      try {
        text = decrypt(key, header.check)
      } catch {
        text = undefined
      }
      if (text !== CHECK_TEXT) {
        throw new StateError(
          `The state key does not match the one the state at ${location} was written with (wrong passphrase or key). Use the original key; the state was left untouched.`,
          { location },
        )
      }
      return new SecretCodec(key, header, stackSalt)
    }
    return new SecretCodec(
      key,
      { kdf, ...(salt ? { salt } : {}), check: encrypt(key, CHECK_TEXT) },
      stackSalt,
    )
  }

  /**
   * `value` as JSON with secrets sealed, in one pass: the replacer sees each original value
   * through its holder (before `toJSON` hides a secret), so nothing is copied first.
   */
  stringify(value: unknown): string {
    // Fast path: most entries hold no secret, and V8's stringify is fastest without a replacer.
    // A secret shows as the key "$secret" (a string value cannot contain it unescaped).
    const plain = JSON.stringify(value)
    if (!plain.includes('"$secret":true')) return plain
    const codec = this
    return JSON.stringify(value, function (this: Record<string, unknown>, key: string, converted: unknown) {
      const original = this[key]
      return isSecret(original) ? codec.encode(original) : converted
    })
  }

  /** A JSON-ready copy of `value` with secrets sealed. */
  encode(value: unknown): unknown {
    if (isSecret(value)) {
      const fp = fingerprintSecret(value, this.#salt)
      let ct = value.sealed
      if (this.#key && value.known) ct = encrypt(this.#key, JSON.stringify(value.reveal()))
      const sealed: SealedSecret = { $secret: ct ? { fp, ct } : { fp } }
      return sealed
    }
    if (isOutputRef(value)) return value.toJSON()
    if (Array.isArray(value)) return value.map((item) => this.encode(item))
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {}
      for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = this.encode(inner)
      return out
    }
    return value
  }

  /**
   * {@link decode} for `value` just parsed from `text`. The walk (a copy of every object) is
   * skipped when the text cannot hold a sealed secret: a key reads "$secret" only if the text
   * spells it so or escapes a character of it with `\u`.
   */
  decodeParsed(text: string, value: unknown): unknown {
    return text.includes('$secret') || text.includes('\\u') ? this.decode(value) : value
  }

  /** The inverse of {@link encode}: sealed secrets become `Secret` objects. */
  decode(value: unknown): unknown {
    if (isPlainObject(value)) {
      const sealed = value.$secret
      if (isPlainObject(sealed) && typeof sealed.fp === 'string' && Object.keys(value).length === 1) {
        const ct = typeof sealed.ct === 'string' ? sealed.ct : undefined
        if (ct && this.#key) {
          return new Secret(JSON.parse(decrypt(this.#key, ct)) as unknown, true, sealed.fp, ct)
        }
        return new Secret(undefined, false, sealed.fp, ct)
      }
      const out: Record<string, unknown> = {}
      for (const [key, inner] of Object.entries(value)) out[key] = this.decode(inner)
      return out
    }
    if (Array.isArray(value)) return value.map((item) => this.decode(item))
    return value
  }
}

async function deriveKey(
  source: StateKeyOptions,
  salt: string | undefined,
  location: string,
): Promise<Buffer> {
  if (source.keyProvider) {
    const key = Buffer.from(await source.keyProvider())
    if (key.length !== 32) {
      throw new StateError(
        `The state key provider returned ${key.length} bytes; AES-256-GCM needs a 32-byte key.`,
        {
          location,
        },
      )
    }
    return key
  }
  return scrypt(source.passphrase!, Buffer.from(salt!, 'base64'), 32, SCRYPT_OPTIONS)
}

function encrypt(key: Buffer, text: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`
}

function decrypt(key: Buffer, sealed: string): string {
  if (!sealed.startsWith('v1:')) throw new Error('unknown ciphertext format')
  const raw = Buffer.from(sealed.slice(3), 'base64')
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
}
