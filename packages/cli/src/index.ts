/**
 * `@skyloom/cli`: the `skyloom` command, and its runner for embedding and tests.
 * @packageDocumentation
 */

export {
  type ApplyReportInput,
  type ApplyReportRenderer,
  findApplyReportRenderer,
} from './apply-report.js'
export { ExitCode, type ExitCodeValue } from './exit-codes.js'
export type { CliInput, CliIo, CliOutput } from './io.js'
export { nodeIo } from './node-io.js'
export { runCli } from './run-cli.js'
export { loadStackModule, STACK_MODULE_EXTENSIONS } from './stack-module/load-stack.js'
export { type ModuleErrorReason, StackModuleError } from './stack-module/module-error.js'
export type {
  EngineOptionsExport,
  LoadedStackModule,
  StackFactory,
  StackModuleContext,
} from './stack-module/types.js'
export { CLI_VERSION } from './version.js'
