import { type Schemas, unionMembers } from '../../api';

/** Wire shapes of the Provisioning API's product environments and their access keys (libs/environments, libs/access-keys). */
export type Environment = Schemas['EnvironmentDto'];
export type EnvironmentKeyRef = Schemas['EnvironmentKeyDto'];
export type UsageLimits = Schemas['UsageLimitsDto'];
export type EnvironmentList = Schemas['EnvironmentListDto'];
export type AccessKeyList = Schemas['AccessKeyListDto'];
export type FolderMode = Environment['folder_mode'];
export type RecordLocation = Environment['asset_record_location'];

export const FOLDER_MODES = unionMembers<FolderMode>()(['dynamic', 'fixed']);
export const RECORD_LOCATIONS = unionMembers<RecordLocation>()(['us', 'eu', 'ap']);

export const USAGE_LIMIT_FIELDS: { key: keyof UsageLimits; label: string }[] = [
  { key: 'credits', label: 'Monthly credits' },
  { key: 'storage_gb', label: 'Storage (GB)' },
  { key: 'bandwidth_gb', label: 'Monthly bandwidth (GB)' },
  { key: 'transformations', label: 'Monthly transformations' },
];

export const environmentPath = (accountPath: string, envId: string) => `${accountPath}/sub_accounts/${encodeURIComponent(envId)}`;
export const keysPath = (accountPath: string, envId: string) => `${environmentPath(accountPath, envId)}/access_keys`;
export const keyPath = (accountPath: string, envId: string, apiKey: string) =>
  `${keysPath(accountPath, envId)}/${encodeURIComponent(apiKey)}`;
