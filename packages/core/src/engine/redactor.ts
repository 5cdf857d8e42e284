import { isPlainObject, isSecret, SECRET_PLACEHOLDER } from '../model/secret.js'

/**
 * Scrubs known secret values from text (error messages from clouds sometimes echo what they
 * were sent). It learns the plaintexts of the secrets an operation handles.
 */
export class Redactor {
  readonly #values = new Set<string>()

  /** Remembers every secret inside `value`. Short values are skipped: they would redact noise. */
  learn(value: unknown): void {
    if (isSecret(value)) {
      if (!value.known) return
      const plain = value.reveal()
      const text = typeof plain === 'string' ? plain : JSON.stringify(plain)
      if (text && text.length >= 4) this.#values.add(text)
    } else if (Array.isArray(value)) {
      for (const item of value) this.learn(item)
    } else if (isPlainObject(value)) {
      for (const inner of Object.values(value)) this.learn(inner)
    }
  }

  redact(text: string): string {
    let out = text
    for (const value of this.#values) if (out.includes(value)) out = out.split(value).join(SECRET_PLACEHOLDER)
    return out
  }
}
