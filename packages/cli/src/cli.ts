// The `skyloom` binary (built to dist/cli.js with a #! line). Everything it does is runCli's;
// this file only binds it to the real process.
import { nodeIo } from './node-io.js'
import { runCli } from './run-cli.js'

// Errors thrown by a TypeScript stack module then point at its own lines, not at tsx's output.
process.setSourceMapsEnabled(true)
const code = await runCli(process.argv.slice(2), nodeIo())
// Exit explicitly: a stack module may leave timers or sockets open, and the command is done.
// Waiting for stdout to drain first keeps piped output whole.
process.stdout.write('', () => process.exit(code))
