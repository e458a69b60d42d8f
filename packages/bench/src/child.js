// @ts-check
/** Spawning the bench's child processes, pinned to a core with taskset when it is there. */
import { spawn, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'

/** Whether children can be pinned to distinct cores: taskset works and there are at least two cores. */
export const canPin = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0

/**
 * @param {string} script  a file beside this one
 * @param {string[]} args
 * @param {{ cpu?: number, nodeArgs?: string[] }} [options]
 */
export function spawnChild(script, args, options = {}) {
  const node = [...(options.nodeArgs ?? []), fileURLToPath(new URL(script, import.meta.url)), ...args]
  const pinned = canPin && options.cpu !== undefined
  const child = spawn(pinned ? 'taskset' : process.execPath, pinned ? ['-c', String(options.cpu), process.execPath, ...node] : node, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return child
}

/**
 * The next IPC message of `child`; rejects if it exits first.
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<any>}
 */
export function nextMessage(child) {
  return new Promise((resolve, reject) => {
    const onExit = (/** @type {number | null} */ code) => reject(new Error(`child exited with ${code} before answering`))
    child.once('exit', onExit)
    child.once('message', (message) => {
      child.off('exit', onExit)
      resolve(message)
    })
  })
}

/**
 * Runs a child to completion and returns the one message it sends.
 * @param {string} script
 * @param {string[]} args
 * @param {{ cpu?: number, nodeArgs?: string[] }} [options]
 */
export async function runChild(script, args, options) {
  const child = spawnChild(script, args, options)
  const message = await nextMessage(child)
  child.disconnect()
  return message
}
