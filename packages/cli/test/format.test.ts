import { secret } from '@skyloom/core'
import { describe, expect, it } from 'vitest'
import { ExitCode } from '../src/index.js'
import { formatDuration, formatOffset } from '../src/output/format-duration.js'
import { formatValue } from '../src/output/format-value.js'
import { colorEnabled } from '../src/output/style.js'
import { closest } from '../src/suggest.js'

describe('formatting', () => {
  it('durations read naturally at every scale', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(4_230)).toBe('4.2s')
    expect(formatDuration(36_000)).toBe('36s')
    expect(formatDuration(64_000)).toBe('1m 04s')
    expect(formatDuration(2 * 3_600_000 + 3 * 60_000)).toBe('2h 03m')
    expect(formatOffset(4_200)).toBe('0:04.2')
    expect(formatOffset(750_000)).toBe('12:30.0')
  })

  it('values never show secrets, live or serialized', () => {
    expect(formatValue(secret('pw'))).toBe('(secret)')
    expect(formatValue({ $secret: { fp: 'abc' } })).toBe('(secret)')
    expect(formatValue({ user: 'admin', password: secret('pw') })).toBe(
      '{ user: "admin", password: (secret) }',
    )
    expect(formatValue(['a', 1, null])).toBe('["a", 1, null]')
  })

  it('colour follows NO_COLOR, FORCE_COLOR, the flag and the terminal', () => {
    const tty = { write: () => true, isTTY: true }
    const pipe = { write: () => true, isTTY: false }
    expect(colorEnabled(tty, {}, false)).toBe(true)
    expect(colorEnabled(pipe, {}, false)).toBe(false)
    expect(colorEnabled(tty, { NO_COLOR: '1' }, false)).toBe(false)
    expect(colorEnabled(tty, { NO_COLOR: '' }, false)).toBe(true)
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' }, false)).toBe(true)
    expect(colorEnabled(tty, { FORCE_COLOR: '0' }, false)).toBe(false)
    expect(colorEnabled(tty, {}, true)).toBe(false)
  })

  it('suggests the closest command within two edits', () => {
    expect(closest('aply', ['plan', 'apply'])).toBe('apply')
    expect(closest('state shwo', ['state show', 'state list'])).toBe('state show')
    expect(closest('deploy', ['plan', 'apply'])).toBeUndefined()
  })

  it('exit codes are the documented ones', () => {
    expect(ExitCode).toEqual({ Success: 0, Failed: 1, BadInput: 2, ChangesPresent: 3, Interrupted: 130 })
  })
})
