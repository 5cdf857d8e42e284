import { stat } from 'node:fs/promises'
import { extname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type EngineOptions, Stack } from '@skyloom/core'
import { tsImport } from 'tsx/esm/api'
import { describeValue, looksLikeEngine } from './describe-export.js'
import { importErrorText } from './import-error-text.js'
import { StackModuleError } from './module-error.js'
import type { LoadedStackModule, StackModuleContext } from './types.js'

/** File types a stack module may have. TypeScript is compiled on the fly by tsx. */
export const STACK_MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'] as const

const STACK_EXPORTS = ['default', 'stack'] as const
const ENGINE_EXPORTS = ['engine', 'engineOptions'] as const

const EXAMPLE = [
  'Export the stack in one of these ways:',
  "  export default stack                        // const stack = createStack('web', { provider })",
  "  export const stack = createStack('web', { provider })",
  '  export default async function () { …; return stack }',
].join('\n')

/**
 * Loads a stack module: resolves the path against `cwd`, imports it through tsx (so `.ts`
 * works without a build), finds the stack in its `default` or `stack` export (calling it when
 * it is a function) and its engine options in `engine` or `engineOptions`.
 *
 * Every import gets its own tsx namespace, so loading the same file twice evaluates it twice:
 * each command sees a fresh stack.
 *
 * @throws StackModuleError with a message naming the resolved path and what to do.
 */
export async function loadStackModule(
  path: string,
  context: Omit<StackModuleContext, 'file'>,
): Promise<LoadedStackModule> {
  const file = resolve(context.cwd, path)
  await checkFile(path, file, context.cwd)
  let namespace: Record<string, unknown>
  try {
    // The module's own URL as parent: the specifier is absolute, and import.meta.url is not
    // available in the CommonJS build of this package.
    const url = pathToFileURL(file).href
    namespace = (await tsImport(url, { parentURL: url })) as Record<string, unknown>
  } catch (error) {
    throw new StackModuleError(
      'import-failed',
      file,
      `Loading the stack module ${file} failed; it threw:\n${importErrorText(error)}`,
      { cause: error },
    )
  }
  const moduleContext: StackModuleContext = { ...context, file }
  const { stack, exportName } = await findStack(namespace, file, moduleContext)
  const engineOptions = await findEngineOptions(namespace, file, { ...moduleContext, stack })
  return { file, stack, exportName, engineOptions }
}

async function checkFile(path: string, file: string, cwd: string): Promise<void> {
  let stats: Awaited<ReturnType<typeof stat>>
  try {
    stats = await stat(file)
  } catch {
    const shown = path === file ? file : `${file} (given as "${path}")`
    throw new StackModuleError(
      'missing-file',
      file,
      `No stack module at ${shown}. Check the path; it is resolved against ${cwd}.`,
    )
  }
  if (!stats.isFile()) {
    throw new StackModuleError(
      'not-a-file',
      file,
      `${file} is a directory; pass the stack module file inside it, e.g. ${resolve(file, 'stack.ts')}.`,
    )
  }
  const extension = extname(file)
  if (!(STACK_MODULE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new StackModuleError(
      'unsupported-extension',
      file,
      `${file} is not a stack module: use a ${STACK_MODULE_EXTENSIONS.join(', ')} file that exports a stack.`,
    )
  }
}

async function findStack(
  namespace: Record<string, unknown>,
  file: string,
  context: StackModuleContext,
): Promise<{ stack: Stack; exportName: string }> {
  const present = STACK_EXPORTS.filter((name) => namespace[name] !== undefined)
  const [first, second] = present
  if (first === undefined) {
    const exported = Object.keys(namespace).filter((name) => name !== 'module.exports')
    const listing =
      exported.length === 0
        ? 'It exports nothing.'
        : `It exports: ${exported.map((name) => `${name} (${describeValue(namespace[name])})`).join(', ')}.`
    throw new StackModuleError('no-stack', file, `${file} exports no stack. ${listing}\n${EXAMPLE}`)
  }
  if (second !== undefined && namespace[first] !== namespace[second]) {
    throw new StackModuleError(
      'ambiguous-stack',
      file,
      `${file} exports both a default export and \`stack\`, and they differ. Keep one of them (or make them the same stack).`,
    )
  }
  const value = namespace[first]
  const shownName = first === 'default' ? 'default export' : '`stack` export'
  if (Stack.isInstance(value)) return { stack: value, exportName: first }
  if (typeof value !== 'function') {
    throw new StackModuleError(
      'no-stack',
      file,
      `The ${shownName} of ${file} is ${describeValue(value)}, not a Stack made with createStack().\n${EXAMPLE}`,
    )
  }
  let made: unknown
  try {
    made = await (value as (context: StackModuleContext) => unknown)(context)
  } catch (error) {
    throw new StackModuleError(
      'factory-failed',
      file,
      `The ${shownName} of ${file} is a function, and calling it threw:\n${importErrorText(error)}`,
      { cause: error },
    )
  }
  if (!Stack.isInstance(made)) {
    throw new StackModuleError(
      'no-stack',
      file,
      `The ${shownName} of ${file} is a function, but it returned ${describeValue(made)} instead of a Stack.\n${EXAMPLE}`,
    )
  }
  return { stack: made, exportName: first }
}

async function findEngineOptions(
  namespace: Record<string, unknown>,
  file: string,
  context: StackModuleContext & { readonly stack: Stack },
): Promise<EngineOptions> {
  const present = ENGINE_EXPORTS.filter((name) => namespace[name] !== undefined)
  const [name, other] = present
  if (name === undefined) return {}
  if (other !== undefined) {
    throw new StackModuleError(
      'bad-engine-options',
      file,
      `${file} exports both \`engine\` and \`engineOptions\`; keep one of them.`,
    )
  }
  let value = namespace[name]
  if (typeof value === 'function') {
    try {
      value = await (value as (context: unknown) => unknown)(context)
    } catch (error) {
      throw new StackModuleError(
        'bad-engine-options',
        file,
        `The \`${name}\` export of ${file} is a function, and calling it threw:\n${importErrorText(error)}`,
        { cause: error },
      )
    }
  }
  if (looksLikeEngine(value)) {
    throw new StackModuleError(
      'bad-engine-options',
      file,
      `The \`${name}\` export of ${file} is an engine; export engine options instead, e.g. \`export const ${name} = { clock: provider.clock }\`. The CLI makes the engine itself so that it can choose the state store and show progress.`,
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StackModuleError(
      'bad-engine-options',
      file,
      `The \`${name}\` export of ${file} is ${describeValue(value)}; it must be engine options such as \`{ clock: provider.clock }\`, or a function returning them.`,
    )
  }
  return value as EngineOptions
}
