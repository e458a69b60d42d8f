import { describe, expect, it } from 'vitest'
import { errorXml, escapeXml, formatExpiration, successXml } from '../src/xml.js'

describe('escapeXml', () => {
  it("escapes as Go's xml.EscapeText does", () => {
    expect(escapeXml(`a&b<c>d"e'f\tg\nh\ri`)).toBe('a&amp;b&lt;c&gt;d&#34;e&#39;f&#x9;g&#xA;h&#xD;i')
  })

  it('replaces characters XML 1.0 cannot carry with U+FFFD and keeps the rest', () => {
    expect(escapeXml('\u0000\u0008\u000b\u001f\ufffe\uffff')).toBe('\ufffd'.repeat(6))
    expect(escapeXml('lone \ud800 and \udc00')).toBe('lone \ufffd and \ufffd')
    expect(escapeXml('émoji 😀 \u2028 ok')).toBe('émoji 😀 \u2028 ok')
  })
})

describe('the answers', () => {
  it("match MinIO's success bytes exactly", () => {
    const xml = successXml(
      {
        accessKeyId: '24Y5H9VHE14H47GEOKCX',
        secretAccessKey: 'H+aBfQ9B1AeWWb++84hvp4tlFBo9aP+hUTdLFIeg',
        sessionToken: 'eyJ.x.y',
        expiration: new Date('2022-05-25T19:56:34.999Z'),
      },
      'custom:Alice',
      '16F26E081E36DE63',
    )
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<AssumeRoleWithCustomTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithCustomTokenResult><Credentials><AccessKeyId>24Y5H9VHE14H47GEOKCX</AccessKeyId><SecretAccessKey>H+aBfQ9B1AeWWb++84hvp4tlFBo9aP+hUTdLFIeg</SecretAccessKey><SessionToken>eyJ.x.y</SessionToken><Expiration>2022-05-25T19:56:34Z</Expiration></Credentials><AssumedUser>custom:Alice</AssumedUser></AssumeRoleWithCustomTokenResult><ResponseMetadata><RequestId>16F26E081E36DE63</RequestId></ResponseMetadata></AssumeRoleWithCustomTokenResponse>',
    )
  })

  it('escape the assumed user and error messages', () => {
    expect(successXml({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiration: new Date(0) }, 'custom:<b>&', 'R')).toContain(
      '<AssumedUser>custom:&lt;b&gt;&amp;</AssumedUser>',
    )
    expect(errorXml('AccessDenied', 'no "way" <here>', 'R1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type></Type><Code>AccessDenied</Code><Message>no &#34;way&#34; &lt;here&gt;</Message></Error><RequestId>R1</RequestId></ErrorResponse>',
    )
  })

  it('write Expiration in whole seconds with upper-case T and Z', () => {
    expect(formatExpiration(new Date('2026-12-04T16:09:50.123Z'))).toBe('2026-12-04T16:09:50Z')
  })

  it('format each expiration as its own, however they alternate (the last one is remembered)', () => {
    const dates = ['2026-12-04T16:09:50Z', '2027-01-01T00:00:00Z', '2026-12-04T16:09:50Z', '1970-01-01T00:00:00Z']
    for (const text of [...dates, ...dates.reverse()]) expect(formatExpiration(new Date(text))).toBe(text)
    expect(() => formatExpiration(new Date(NaN))).toThrow(RangeError)
  })
})
