// Development entry: runs the CLI from its TypeScript sources, with workspace packages
// resolved to their sources too:
//   node --import tsx --conditions=@skyloom/source packages/cli/src/bin.ts plan stack.ts
import './cli.js'
