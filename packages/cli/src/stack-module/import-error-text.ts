/**
 * The error a module threw while loading, made readable: its message and the first stack
 * frames that belong to user code (loader internals and tsx's namespace suffixes removed).
 */
export function importErrorText(error: unknown): string {
  if (!(error instanceof Error)) return `  ${String(error)}`
  const clean = (line: string) => line.replace(/\?tsx-namespace=[\w-]+/g, '')
  const [head = '', ...rest] = (error.stack ?? `${error.name}: ${error.message}`).split('\n')
  const message = error.stack?.includes(error.message) ? undefined : error.message
  const all = rest.filter((line) => /^\s+at /.test(line))
  // Frames from the CLI's own loader onwards say nothing about the user's module.
  const ours = all.findIndex((line) => /\bloadStackModule\b|\bfindStack\b|\bfindEngineOptions\b/.test(line))
  const frames = (ours === -1 ? all : all.slice(0, ours))
    .filter((line) => !/node:internal|[\\/]node_modules[\\/]|[\\/]tsx[\\/]dist[\\/]/.test(line))
    .slice(0, 6)
    .map(clean)
  const body = rest.filter((line) => !/^\s+at /.test(line)).map(clean)
  return [clean(head), ...(message ? [message] : []), ...body, ...frames]
    .filter((line) => line.trim() !== '')
    .map((line) => `  ${line.trimEnd()}`)
    .join('\n')
}
