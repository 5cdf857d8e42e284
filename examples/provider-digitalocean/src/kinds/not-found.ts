import { ProviderError } from '@skyloom/core/provider'

/** Resolves to undefined when the request failed with not-found (a read of something gone). */
export async function ignoreNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise
  } catch (error) {
    if (ProviderError.isInstance(error) && error.classification === 'not-found') return undefined
    throw error
  }
}
