// Run by provider.test.ts in a child process: records which @aws-sdk modules get resolved
// while the package is imported, and then while a provider creates its clients.
import { registerHooks } from 'node:module'

const seen = []
registerHooks({
  resolve(specifier, context, next) {
    if (specifier.startsWith('@aws-sdk/')) seen.push(specifier)
    return next(specifier, context)
  },
})
const { aws, createAws } = await import(process.argv[2])
void aws.key
console.log(JSON.stringify(seen))
await createAws({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).clients()
console.log(JSON.stringify(seen))
