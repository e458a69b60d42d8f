// @ts-check
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'

/**
 * @typedef {{ key: string, size: number, etag: string, lastModified: string, contentType: string }} ObjectInfo
 */

/**
 * Buckets are folders under `root`; an object is two files named after the SHA-256 of its key (S3 keys may hold
 * `/` and up to 1024 bytes, file names may not): the bytes, and a JSON sidecar with the key and its metadata.
 * Uploads are written to a temporary file and renamed into place only once the whole body verified, so a refused
 * upload never replaces an object, and no body is ever held in memory.
 */
export class FolderStorage {
  /** @param {string} root @param {readonly string[]} buckets */
  constructor(root, buckets) {
    this.root = root
    this.buckets = [...buckets].sort()
  }

  async init() {
    for (const bucket of this.buckets) await mkdir(join(this.root, bucket), { recursive: true })
    return this
  }

  /** @param {string} bucket */
  hasBucket(bucket) {
    return this.buckets.includes(bucket)
  }

  /** @param {string} bucket @param {string} key */
  #paths(bucket, key) {
    const name = createHash('sha256').update(key).digest('hex')
    return { data: join(this.root, bucket, `${name}.data`), meta: join(this.root, bucket, `${name}.json`) }
  }

  /**
   * Streams `payload` (verified bytes, from `auth.verifyBody`) into the bucket; if it throws, nothing is stored.
   * @param {string} bucket @param {string} key @param {AsyncIterable<Uint8Array>} payload @param {string} contentType
   * @returns {Promise<ObjectInfo>}
   */
  async put(bucket, key, payload, contentType) {
    const { data, meta } = this.#paths(bucket, key)
    const temporary = join(this.root, bucket, `.upload-${randomBytes(8).toString('hex')}`)
    const md5 = createHash('md5')
    let size = 0
    try {
      await pipeline(
        payload,
        async function* (/** @type {AsyncIterable<Uint8Array>} */ source) {
          for await (const chunk of source) {
            md5.update(chunk)
            size += chunk.length
            yield chunk
          }
        },
        createWriteStream(temporary),
      )
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
    /** @type {ObjectInfo} */
    const info = { key, size, etag: `"${md5.digest('hex')}"`, lastModified: new Date().toISOString(), contentType }
    await rename(temporary, data)
    await writeFile(meta, JSON.stringify(info))
    return info
  }

  /** @param {string} bucket @param {string} key @returns {Promise<ObjectInfo | undefined>} */
  async head(bucket, key) {
    try {
      return JSON.parse(await readFile(this.#paths(bucket, key).meta, 'utf8'))
    } catch {
      return undefined
    }
  }

  /** @param {string} bucket @param {string} key @param {{ start: number, end: number }} [range] inclusive */
  read(bucket, key, range) {
    return createReadStream(this.#paths(bucket, key).data, range)
  }

  /** @param {string} bucket @param {string} key */
  async delete(bucket, key) {
    const { data, meta } = this.#paths(bucket, key)
    await rm(meta, { force: true })
    await rm(data, { force: true })
  }

  /** Every object of the bucket, sorted by key as S3 lists them (by UTF-8 bytes). @param {string} bucket */
  async list(bucket) {
    const dir = join(this.root, bucket)
    /** @type {ObjectInfo[]} */
    const objects = []
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue
      try {
        objects.push(JSON.parse(await readFile(join(dir, name), 'utf8')))
      } catch {
        // Deleted between readdir and readFile.
      }
    }
    return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)))
  }

  /** @param {string} bucket */
  async bucketCreated(bucket) {
    return (await stat(join(this.root, bucket))).birthtime
  }
}
