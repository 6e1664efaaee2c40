import type { ApiKey } from '../../keys/keys';

/** Wire shapes of the Provisioning API's product environments and their access keys (libs/environments, libs/access-keys). */

export const FOLDER_MODES = ['dynamic', 'fixed'] as const;
export type FolderMode = (typeof FOLDER_MODES)[number];
export const RECORD_LOCATIONS = ['us', 'eu', 'ap'] as const;
export type RecordLocation = (typeof RECORD_LOCATIONS)[number];

export interface UsageLimits {
  credits?: number;
  storage_gb?: number;
  bandwidth_gb?: number;
  transformations?: number;
}

export interface EnvironmentKeyRef {
  key: string;
  enabled: boolean;
  /** Only in the response that created the environment. */
  secret?: string;
  api_environment_variable?: string;
}

export interface Environment {
  id: string;
  cloud_name: string;
  name: string;
  enabled: boolean;
  description: string | null;
  folder_mode: FolderMode;
  asset_record_location: RecordLocation;
  usage_limits: UsageLimits | null;
  custom_attributes: Record<string, unknown> | null;
  api_access_keys: EnvironmentKeyRef[];
  created_at: string;
  updated_at: string;
}

export interface AccessKeyList {
  access_keys: ApiKey[];
  total: number;
}

export const USAGE_LIMIT_FIELDS: { key: keyof UsageLimits; label: string }[] = [
  { key: 'credits', label: 'Monthly credits' },
  { key: 'storage_gb', label: 'Storage (GB)' },
  { key: 'bandwidth_gb', label: 'Monthly bandwidth (GB)' },
  { key: 'transformations', label: 'Monthly transformations' },
];

export const environmentPath = (accountPath: string, envId: string) => `${accountPath}/sub_accounts/${encodeURIComponent(envId)}`;
export const keysPath = (accountPath: string, envId: string) => `${environmentPath(accountPath, envId)}/access_keys`;
export const keyPath = (accountPath: string, envId: string, apiKey: string) => `${keysPath(accountPath, envId)}/${encodeURIComponent(apiKey)}`;
