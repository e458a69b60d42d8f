import { createHash } from 'node:crypto'

/**
 * Role ARNs as MinIO writes them: `arn:minio:iam:<region>::role/idmp-<id>`. When a role has no id, MinIO derives
 * one from the identity plugin's URL; we derive it the same way from the role's `name`, so a role named after a
 * MinIO plugin URL keeps the ARN MinIO gave it.
 */

const ROLE_ID = /^[A-Za-z0-9_-]+$/

export const isValidRoleId = (id: string) => ROLE_ID.test(id)

/** base64url, no padding, of SHA-1 of the string exactly as given. */
export const roleIdFromName = (name: string) => createHash('sha1').update(name).digest('base64url')

export const formatRoleArn = (region: string, roleId: string) => `arn:minio:iam:${region}::role/idmp-${roleId}`

/** Whether `value` has the shape of an ARN at all (MinIO's arn.Parse); the role itself is looked up afterwards. */
export function isWellFormedRoleArn(value: string): boolean {
  const parts = value.split(':')
  return parts.length === 6 && parts[0] === 'arn' && parts[1] === 'minio' && parts[2] === 'iam' && parts[4] === '' &&
    (parts[5] ?? '').startsWith('role/') && (parts[5] ?? '').length > 'role/'.length
}
