export { fromCustomToken } from './provider.js'
export type { CustomTokenProviderOptions, CustomTokenCredentialProvider } from './provider.js'
export { assumeRoleWithCustomToken } from './assume-role.js'
export type { AssumeRoleOptions, TokenSource, FetchLike } from './options.js'
export type { AssumeRoleResult, TemporaryCredentials } from './parse-response.js'
export {
  StsClientError,
  StsServiceError,
  StsInvalidResponseError,
  StsNetworkError,
  StsTimeoutError,
  StsClientConfigurationError,
} from './errors.js'
export type { StsClientErrorCode } from './errors.js'
export { ACTION, VERSION } from './request.js'
