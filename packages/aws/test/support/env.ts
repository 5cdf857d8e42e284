import { afterAll, beforeAll, describe } from 'vitest'
import { type AwsProvider, type AwsSettings, createAws } from '../../src/index.js'
import { writeImageFixture } from './images.js'
import { type MotoServer, motoAvailability, startMoto } from './moto.js'
import { type MotoProxy, startProxy } from './proxy.js'

/** A moto_server with the test proxy in front, shared by one test file. */
export interface MotoEnv {
  readonly moto: MotoServer
  readonly proxy: MotoProxy
  /** A fresh provider talking to moto through the proxy (us-east-1, test credentials, fast polling). */
  provider(settings?: AwsSettings): AwsProvider
  /** Clears moto and the proxy's rules. */
  reset(): Promise<void>
}

export const TEST_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' }

/** moto options every suite uses: the alias image fixture, and AMI and instance-type validation on. */
export function motoEnvironment(): Record<string, string> {
  return {
    MOTO_AMIS_PATH: writeImageFixture(),
    MOTO_ENABLE_AMI_VALIDATION: 'true',
    MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
  }
}

/**
 * Declares a suite that needs moto_server. It starts one moto (plus the proxy) for the suite,
 * resets it at the start, and stops it at the end. Without moto_server the suite is skipped
 * with a loud message, or fails when CI=true.
 */
export function describeMoto(
  name: string,
  body: (env: MotoEnv) => void,
  options: {
    /** Start moto with its own bundled AMIs instead of the alias fixture. */ bundledImages?: boolean
  } = {},
): void {
  const availability = motoAvailability()
  describe.skipIf(!availability.run)(name, () => {
    let moto: MotoServer | undefined
    let proxy: MotoProxy | undefined
    const env: MotoEnv = {
      get moto() {
        if (!moto) throw new Error('moto is not started yet (use env inside tests or hooks)')
        return moto
      },
      get proxy() {
        if (!proxy) throw new Error('the proxy is not started yet')
        return proxy
      },
      provider(settings = {}) {
        return createAws({
          region: 'us-east-1',
          endpoint: env.proxy.endpoint,
          credentials: TEST_CREDENTIALS,
          pollIntervalMs: 10,
          // moto is strongly consistent: no miss right after a create needs a second look.
          consistencyWindowMs: 0,
          ...settings,
        })
      },
      async reset() {
        env.proxy.clear()
        await env.moto.reset()
      },
    }
    beforeAll(async () => {
      const environment = motoEnvironment()
      if (options.bundledImages) delete environment.MOTO_AMIS_PATH
      moto = await startMoto({ env: environment })
      proxy = await startProxy(moto.endpoint)
      await moto.reset()
    })
    afterAll(async () => {
      await proxy?.close()
      await moto?.stop()
    })
    body(env)
  })
}
