// SGR sequences only: those are all this CLI (and renderPlanText) ever writes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the ESC of ANSI sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g

/** The width of `text` on a terminal, escape sequences left out. */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length
}

/**
 * Cuts `text` to `width` visible characters, keeping escape sequences intact and ending with
 * a reset, so a live display never wraps (a wrapped line would break the cursor arithmetic).
 */
export function truncate(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text
  let out = ''
  let shown = 0
  let index = 0
  while (index < text.length && shown < width - 1) {
    ANSI.lastIndex = index
    const match = ANSI.exec(text)
    if (match && match.index === index) {
      out += match[0]
      index += match[0].length
      continue
    }
    const char = String.fromCodePoint(text.codePointAt(index) ?? 32)
    out += char
    index += char.length
    shown++
  }
  return `${out}…${text.includes('\u001b[') ? '\u001b[0m' : ''}`
}

/** Pads `text` on the right to `width` visible characters. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)))
}
