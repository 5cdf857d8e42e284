/**
 * Runs the platform API on http://127.0.0.1:8080 (or $PORT) over the simulated cloud:
 *
 *   curl -N -X PUT 'http://127.0.0.1:8080/environments/pr-42?servers=3'
 *   curl http://127.0.0.1:8080/environments/pr-42
 *   curl -N -X DELETE http://127.0.0.1:8080/environments/pr-42
 */
import { createEngine, fileState } from '@skyloom/core'
import { createSim } from '@skyloom/sim'
import { createPlatformServer } from './server.js'

const cloud = createSim({ latency: { scale: 0.05 } })
const engine = createEngine({ state: fileState({ dir: '.skyloom/service-state' }), clock: cloud.clock })
const port = Number(process.env.PORT ?? 8080)
createPlatformServer(engine, cloud).listen(port, '127.0.0.1', () => {
  console.log(`Platform API on http://127.0.0.1:${port} (PUT, GET, DELETE /environments/<name>)`)
})
