/**
 * Where issued credentials live until they expire. `verify` (and request authentication built on it) looks them up
 * by access key. Implement this over Redis or a database to share credentials between processes.
 */

export interface StoredCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  /** Milliseconds since the epoch. */
  expiresAt: number
  /** As the identity callback returned it (without `custom:`). */
  user: string
  roleArn: string
  /**
   * Milliseconds since the epoch. Compared with a user's revocation time (`revokeUser`); an entry without it
   * counts as issued before any revocation.
   */
  issuedAt?: number
}

// A revocation outlives every credential it can cover after this long: MAX_VALIDITY_SECONDS of identity.ts.
const MAX_VALIDITY_MS = 31536000 * 1000

type MaybePromise<T> = T | Promise<T>

export interface CredentialStore {
  get(accessKeyId: string): MaybePromise<StoredCredentials | undefined>
  /** Must keep the entry at least until `expiresAt`, unless the store is full or it is deleted. */
  put(credentials: StoredCredentials): MaybePromise<void>
  delete(accessKeyId: string): MaybePromise<void>
  /**
   * Optional, both or neither: revoke-all-for-user. `revokeUser` records that every credential of `user` issued at or
   * before `before` (ms) is revoked; `userRevokedBefore` returns the latest such time, or undefined. A record may
   * be dropped once every credential it covers has expired (a year, the longest validity). A store without them
   * gets an in-process record kept by `createSts`, which other processes do not see.
   */
  revokeUser?(user: string, before: number): MaybePromise<void>
  userRevokedBefore?(user: string): MaybePromise<number | undefined>
}

export interface MemoryCredentialStoreOptions {
  /** At most this many entries; when full, the oldest issued is dropped first. Default 100,000. */
  maxEntries?: number
  /** How often expired entries are swept, in ms. Default 60,000. The timer never keeps the process alive. */
  sweepIntervalMs?: number
  /** For tests: the current time in ms. */
  now?: () => number
}

export class MemoryCredentialStore implements CredentialStore {
  // A Map iterates in insertion order, which is issue order: the first entry is always the oldest.
  readonly #entries = new Map<string, StoredCredentials>()
  // Where eviction left off, kept between puts. Every entry before it has been deleted, so its next live entry is the
  // oldest; a fresh keys() would step over each deleted slot from the start of the table on every put (35 µs a put
  // once 100,000 entries are full, against under 2 µs this way).
  #oldest: Iterator<string> = this.#entries.keys()
  readonly #revokedUsers = new Map<string, number>()
  readonly #maxEntries: number
  readonly #now: () => number
  readonly #sweeper: NodeJS.Timeout

  constructor(options: MemoryCredentialStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000
    this.#now = options.now ?? Date.now
    if (!Number.isInteger(this.#maxEntries) || this.#maxEntries < 1) throw new RangeError('maxEntries must be a positive integer')
    this.#sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 60_000)
    this.#sweeper.unref()
  }

  get size(): number {
    return this.#entries.size
  }

  get(accessKeyId: string): StoredCredentials | undefined {
    const entry = this.#entries.get(accessKeyId)
    if (entry && entry.expiresAt <= this.#now()) {
      this.#entries.delete(accessKeyId)
      return undefined
    }
    return entry
  }

  put(credentials: StoredCredentials): void {
    this.#entries.delete(credentials.accessKeyId)
    while (this.#entries.size >= this.#maxEntries) {
      let oldest = this.#oldest.next()
      if (oldest.done) {
        // A finished Map iterator stays finished; start again from the current first entry.
        this.#oldest = this.#entries.keys()
        oldest = this.#oldest.next()
      }
      this.#entries.delete(oldest.value as string)
    }
    this.#entries.set(credentials.accessKeyId, credentials)
  }

  delete(accessKeyId: string): void {
    this.#entries.delete(accessKeyId)
    this.#restartEviction()
  }

  revokeUser(user: string, before: number): void {
    // Never evicted for room (that would silently un-revoke a user); `sweep` drops records once they cover nothing.
    this.#revokedUsers.set(user, Math.max(before, this.#revokedUsers.get(user) ?? -Infinity))
  }

  userRevokedBefore(user: string): number | undefined {
    return this.#revokedUsers.get(user)
  }

  /** Drops every expired entry, and revocations older than the longest validity. Runs on its own timer. */
  sweep(): void {
    const now = this.#now()
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key)
    this.#restartEviction()
    for (const [user, before] of this.#revokedUsers) if (before + MAX_VALIDITY_MS < now) this.#revokedUsers.delete(user)
  }

  // A live Map iterator keeps the table it walks alive, and V8 leaves the entries of a table it has outgrown or
  // shrunk in it: after deletions, a fresh cursor lets those be collected (the next put would otherwise do it).
  #restartEviction(): void {
    this.#oldest = this.#entries.keys()
  }

  /** Stops the sweep timer. */
  close(): void {
    clearInterval(this.#sweeper)
  }
}
