import { describe, expect, it } from 'vitest'
import { actionInBody, actionInQuery } from '../src/claim.js'

const ACTION = 'AssumeRoleWithCustomToken'

describe('actionInQuery', () => {
  it('claims the action however the query spells it, as URLSearchParams reads it', () => {
    const claimed = [
      `/?Action=${ACTION}`,
      `/?Version=2011-06-15&Action=${ACTION}&Token=t`,
      `/sts?Token=t&Action=${ACTION}`,
      `http://127.0.0.1:9000/?Action=${ACTION}`,
      `/?%41ction=${ACTION}`,
      `/?Action=AssumeRoleWith%43ustomToken`,
      `/?Action=Other&Action=${ACTION}`,
    ]
    for (const url of claimed) expect(actionInQuery(url), url).toBe(true)
  })

  it('leaves everything else to the host', () => {
    const left = [
      '/',
      `/${ACTION}`,
      `/?x=?Action=${ACTION}`,
      `/?xAction=${ACTION}`,
      `/?Action=${ACTION}x`,
      `/?Action=${ACTION}%20`,
      `/?Action=+${ACTION}`,
      `/?Token=Action%3D${ACTION}`,
      `/?Action=AssumeRole&Token=${ACTION}`,
    ]
    for (const url of left) expect(actionInQuery(url), url).toBe(false)
  })

  it('agrees with URLSearchParams on generated queries', () => {
    const parts = ['Action', `=${ACTION}`, '&', '?', '=', '%41', 'x', ACTION, '+', '%26', '=AssumeRoleWith%43ustomToken']
    let seed = 11
    for (let i = 0; i < 5000; i++) {
      let query = ''
      for (let n = 0; n < 8; n++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        query += parts[seed % parts.length]
      }
      const expected = new URLSearchParams(query).getAll('Action').includes(ACTION)
      expect(actionInQuery(`/?${query}`), query).toBe(expected)
    }
  })
})

describe('actionInBody', () => {
  const form = 'application/x-www-form-urlencoded; charset=utf-8'

  it('claims a form naming the action, spelt plainly or percent-encoded, as text, bytes or a parsed object', () => {
    expect(actionInBody(form, `Version=2011-06-15&Action=${ACTION}`)).toBe(true)
    expect(actionInBody(form, Buffer.from('%41ction=AssumeRoleWith%43ustomToken'))).toBe(true)
    expect(actionInBody(form, { Action: ['Other', ACTION] })).toBe(true)
  })

  it('leaves other forms and other content types to the host', () => {
    expect(actionInBody(form, `Token=${ACTION}`)).toBe(false)
    expect(actionInBody(form, 'a=%41')).toBe(false)
    expect(actionInBody('application/json', `Action=${ACTION}`)).toBe(false)
    expect(actionInBody(undefined, `Action=${ACTION}`)).toBe(false)
  })
})
