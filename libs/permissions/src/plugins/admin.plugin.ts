import type { AttributeDefinition, PermissionPlugin } from '../permission-plugin.js';
import { ATTR } from './attributes.js';

/**
 * The Admin API catalogue: actions are `<family>.<read|write|delete>`, and each description lists the SDK 2.11.0
 * functions (`cloudinary.v2.api.*`) it covers with their HTTP calls. Paths are under `/v1_1/{cloud_name}`;
 * rt is the resource type (default image), t the delivery type (default upload).
 */

/** Attributes only Admin API actions use. */
const ADMIN_ATTR = {
  transformation: {
    name: 'transformation',
    type: 'string',
    description: 'The named transformation or transformation string',
  },
  preset_name: { name: 'name', type: 'string', description: 'The upload preset name' },
  mapping_folder: { ...ATTR.folder, description: 'The folder of the upload mapping' },
  path: { name: 'path', type: 'string', description: 'The full folder path' },
  profile_name: { name: 'name', type: 'string', description: 'The streaming profile name' },
  field_external_id: { name: 'external_id', type: 'string', description: 'The metadata field external id' },
  rule_external_id: { name: 'external_id', type: 'string', description: 'The metadata rule external id' },
  expression: {
    name: 'expression',
    type: 'string',
    description: 'The search expression (empty for visual_search)',
  },
} satisfies Record<string, AttributeDefinition>;

const RESOURCE = [ATTR.resource_type, ATTR.type, ATTR.public_id, ATTR.folder, ATTR.tags, ATTR.asset_id];

export const adminPlugin: PermissionPlugin = {
  name: 'admin',
  title: 'Admin API',
  description:
    'Admin API methods (/v1_1/{cloud_name}/…, HTTP Basic api_key:api_secret): listing, updating and deleting ' +
    'assets, and managing transformations, presets, folders, mappings, streaming profiles and metadata.',
  actions: [
    {
      name: 'ping.read',
      description: 'Check that the API answers: ping (GET /ping).',
      attributes: [],
    },
    {
      name: 'usage.read',
      description: 'Read the usage report: usage (GET /usage[/{date}]).',
      attributes: [],
    },
    {
      name: 'config.read',
      description: 'Read the product environment configuration: config (GET /config).',
      attributes: [],
    },
    {
      name: 'resource_types.read',
      description: 'List the resource types in use: resource_types (GET /resources).',
      attributes: [],
    },
    {
      name: 'resources.read',
      description:
        'List and read assets: resources (GET /resources/rt[/t]), resources_by_tag (GET /resources/rt/tags/{tag}), ' +
        'resources_by_context (GET /resources/rt/context?key&value), resources_by_moderation ' +
        '(GET /resources/rt/moderations/{kind}/{status}), resource (GET /resources/rt/t/{public_id}), ' +
        'resource_by_asset_id (GET /resources/{asset_id}), resources_by_ids (GET /resources/rt/t?public_ids[]=), ' +
        'resources_by_asset_ids (GET /resources/by_asset_ids), resources_by_asset_folder ' +
        '(GET /resources/by_asset_folder).',
      attributes: [...RESOURCE],
    },
    {
      name: 'resources.write',
      description:
        'Change assets: update (POST /resources/rt/t/{public_id}), restore (POST /resources/rt/t/restore), ' +
        'restore_by_asset_ids (POST /resources/restore), publish_by_ids, publish_by_tag, publish_by_prefix ' +
        '(POST /resources/rt/publish_resources), update_resources_access_mode_by_ids, ' +
        'update_resources_access_mode_by_tag, update_resources_access_mode_by_prefix ' +
        '(POST /resources/rt/t/update_access_mode), add_related_assets ' +
        '(POST /resources/related_assets/rt/t/{public_id}), add_related_assets_by_asset_id ' +
        '(POST /resources/related_assets/{asset_id}).',
      attributes: [...RESOURCE],
    },
    {
      name: 'resources.delete',
      description:
        'Delete assets: delete_resources, delete_resources_by_prefix, delete_all_resources ' +
        '(DELETE /resources/rt/t), delete_resources_by_tag (DELETE /resources/rt/tags/{tag}), ' +
        'delete_resources_by_asset_ids (DELETE /resources), delete_backed_up_assets ' +
        '(DELETE /resources/backup/{asset_id}), delete_related_assets ' +
        '(DELETE /resources/related_assets/rt/t/{public_id}), delete_related_assets_by_asset_id ' +
        '(DELETE /resources/related_assets/{asset_id}).',
      attributes: [...RESOURCE],
    },
    {
      name: 'derived.delete',
      description:
        'Delete derived assets: delete_derived_resources (DELETE /derived_resources), ' +
        'delete_derived_by_transformation (DELETE /resources/rt/t with keep_original and transformations).',
      attributes: [ATTR.resource_type, ATTR.type, ATTR.public_id],
    },
    {
      name: 'tags.read',
      description: 'List the tags in use: tags (GET /tags/rt).',
      attributes: [ATTR.resource_type],
    },
    {
      name: 'transformations.read',
      description:
        'List and read transformations: transformations (GET /transformations), transformation ' +
        '(GET /transformations?transformation=).',
      attributes: [ADMIN_ATTR.transformation],
    },
    {
      name: 'transformations.write',
      description:
        'Create and change named transformations: create_transformation (POST /transformations), ' +
        'update_transformation (PUT /transformations).',
      attributes: [ADMIN_ATTR.transformation],
    },
    {
      name: 'transformations.delete',
      description: 'Delete transformations: delete_transformation (DELETE /transformations).',
      attributes: [ADMIN_ATTR.transformation],
    },
    {
      name: 'upload_presets.read',
      description: 'List and read upload presets: upload_presets (GET /upload_presets), upload_preset (GET /upload_presets/{name}).',
      attributes: [ADMIN_ATTR.preset_name],
    },
    {
      name: 'upload_presets.write',
      description:
        'Create and change upload presets: create_upload_preset (POST /upload_presets), update_upload_preset ' +
        '(PUT /upload_presets/{name}).',
      attributes: [ADMIN_ATTR.preset_name],
    },
    {
      name: 'upload_presets.delete',
      description: 'Delete upload presets: delete_upload_preset (DELETE /upload_presets/{name}).',
      attributes: [ADMIN_ATTR.preset_name],
    },
    {
      name: 'upload_mappings.read',
      description:
        'List and read upload mappings: upload_mappings (GET /upload_mappings), upload_mapping ' + '(GET /upload_mappings?folder=).',
      attributes: [ADMIN_ATTR.mapping_folder],
    },
    {
      name: 'upload_mappings.write',
      description:
        'Create and change upload mappings: create_upload_mapping (POST /upload_mappings), update_upload_mapping ' +
        '(PUT /upload_mappings).',
      attributes: [ADMIN_ATTR.mapping_folder],
    },
    {
      name: 'upload_mappings.delete',
      description: 'Delete upload mappings: delete_upload_mapping (DELETE /upload_mappings?folder=).',
      attributes: [ADMIN_ATTR.mapping_folder],
    },
    {
      name: 'folders.read',
      description: 'List folders: root_folders (GET /folders), sub_folders (GET /folders/{path}).',
      attributes: [ADMIN_ATTR.path],
    },
    {
      name: 'folders.write',
      description: 'Create and rename folders: create_folder (POST /folders/{path}), rename_folder (PUT /folders/{path}).',
      attributes: [ADMIN_ATTR.path],
    },
    {
      name: 'folders.delete',
      description: 'Delete empty folders: delete_folder (DELETE /folders/{path}).',
      attributes: [ADMIN_ATTR.path],
    },
    {
      name: 'streaming_profiles.read',
      description:
        'List and read streaming profiles: list_streaming_profiles (GET /streaming_profiles), get_streaming_profile ' +
        '(GET /streaming_profiles/{name}).',
      attributes: [ADMIN_ATTR.profile_name],
    },
    {
      name: 'streaming_profiles.write',
      description:
        'Create and change streaming profiles: create_streaming_profile (POST /streaming_profiles), ' +
        'update_streaming_profile (PUT /streaming_profiles/{name}).',
      attributes: [ADMIN_ATTR.profile_name],
    },
    {
      name: 'streaming_profiles.delete',
      description: 'Delete streaming profiles: delete_streaming_profile (DELETE /streaming_profiles/{name}).',
      attributes: [ADMIN_ATTR.profile_name],
    },
    {
      name: 'metadata_fields.read',
      description:
        'List and read structured metadata fields: list_metadata_fields (GET /metadata_fields), ' +
        'metadata_field_by_field_id (GET /metadata_fields/{external_id}).',
      attributes: [ADMIN_ATTR.field_external_id],
    },
    {
      name: 'metadata_fields.write',
      description:
        'Create and change structured metadata fields: add_metadata_field (POST /metadata_fields), ' +
        'update_metadata_field (PUT /metadata_fields/{external_id}), update_metadata_field_datasource ' +
        '(PUT /metadata_fields/{external_id}/datasource), restore_metadata_field_datasource ' +
        '(POST /metadata_fields/{external_id}/datasource_restore), order_metadata_field_datasource ' +
        '(POST /metadata_fields/{external_id}/datasource/order), reorder_metadata_fields (PUT /metadata_fields/order).',
      attributes: [ADMIN_ATTR.field_external_id],
    },
    {
      name: 'metadata_fields.delete',
      description:
        'Delete structured metadata fields and datasource entries: delete_metadata_field ' +
        '(DELETE /metadata_fields/{external_id}), delete_datasource_entries ' +
        '(DELETE /metadata_fields/{external_id}/datasource).',
      attributes: [ADMIN_ATTR.field_external_id],
    },
    {
      name: 'metadata_rules.read',
      description: 'List structured metadata rules: list_metadata_rules (GET /metadata_rules).',
      attributes: [ADMIN_ATTR.rule_external_id],
    },
    {
      name: 'metadata_rules.write',
      description:
        'Create and change structured metadata rules: add_metadata_rule (POST /metadata_rules), ' +
        'update_metadata_rule (PUT /metadata_rules/{external_id}).',
      attributes: [ADMIN_ATTR.rule_external_id],
    },
    {
      name: 'metadata_rules.delete',
      description: 'Delete structured metadata rules: delete_metadata_rule (DELETE /metadata_rules/{external_id}).',
      attributes: [ADMIN_ATTR.rule_external_id],
    },
    {
      name: 'search.read',
      description:
        'Search assets and folders: search (POST /resources/search), visual_search (POST /resources/visual_search), ' +
        'search_folders (POST /folders/search).',
      attributes: [ADMIN_ATTR.expression],
    },
  ],
};

/** Every Admin API function of SDK 2.11.0 (`cloudinary.v2.api.*`) and its action. */
export const ADMIN_FUNCTIONS: Record<string, string> = {
  ping: 'admin:ping.read',
  usage: 'admin:usage.read',
  config: 'admin:config.read',
  resource_types: 'admin:resource_types.read',

  resources: 'admin:resources.read',
  resources_by_tag: 'admin:resources.read',
  resources_by_context: 'admin:resources.read',
  resources_by_moderation: 'admin:resources.read',
  resource: 'admin:resources.read',
  resource_by_asset_id: 'admin:resources.read',
  resources_by_ids: 'admin:resources.read',
  resources_by_asset_ids: 'admin:resources.read',
  resources_by_asset_folder: 'admin:resources.read',

  update: 'admin:resources.write',
  restore: 'admin:resources.write',
  restore_by_asset_ids: 'admin:resources.write',
  publish_by_ids: 'admin:resources.write',
  publish_by_tag: 'admin:resources.write',
  publish_by_prefix: 'admin:resources.write',
  update_resources_access_mode_by_ids: 'admin:resources.write',
  update_resources_access_mode_by_tag: 'admin:resources.write',
  update_resources_access_mode_by_prefix: 'admin:resources.write',
  add_related_assets: 'admin:resources.write',
  add_related_assets_by_asset_id: 'admin:resources.write',

  delete_resources: 'admin:resources.delete',
  delete_resources_by_prefix: 'admin:resources.delete',
  delete_all_resources: 'admin:resources.delete',
  delete_resources_by_tag: 'admin:resources.delete',
  delete_resources_by_asset_ids: 'admin:resources.delete',
  delete_backed_up_assets: 'admin:resources.delete',
  delete_related_assets: 'admin:resources.delete',
  delete_related_assets_by_asset_id: 'admin:resources.delete',

  delete_derived_resources: 'admin:derived.delete',
  delete_derived_by_transformation: 'admin:derived.delete',

  tags: 'admin:tags.read',

  transformations: 'admin:transformations.read',
  transformation: 'admin:transformations.read',
  create_transformation: 'admin:transformations.write',
  update_transformation: 'admin:transformations.write',
  delete_transformation: 'admin:transformations.delete',

  upload_presets: 'admin:upload_presets.read',
  upload_preset: 'admin:upload_presets.read',
  create_upload_preset: 'admin:upload_presets.write',
  update_upload_preset: 'admin:upload_presets.write',
  delete_upload_preset: 'admin:upload_presets.delete',

  upload_mappings: 'admin:upload_mappings.read',
  upload_mapping: 'admin:upload_mappings.read',
  create_upload_mapping: 'admin:upload_mappings.write',
  update_upload_mapping: 'admin:upload_mappings.write',
  delete_upload_mapping: 'admin:upload_mappings.delete',

  root_folders: 'admin:folders.read',
  sub_folders: 'admin:folders.read',
  create_folder: 'admin:folders.write',
  rename_folder: 'admin:folders.write',
  delete_folder: 'admin:folders.delete',

  list_streaming_profiles: 'admin:streaming_profiles.read',
  get_streaming_profile: 'admin:streaming_profiles.read',
  create_streaming_profile: 'admin:streaming_profiles.write',
  update_streaming_profile: 'admin:streaming_profiles.write',
  delete_streaming_profile: 'admin:streaming_profiles.delete',

  list_metadata_fields: 'admin:metadata_fields.read',
  metadata_field_by_field_id: 'admin:metadata_fields.read',
  add_metadata_field: 'admin:metadata_fields.write',
  update_metadata_field: 'admin:metadata_fields.write',
  update_metadata_field_datasource: 'admin:metadata_fields.write',
  restore_metadata_field_datasource: 'admin:metadata_fields.write',
  order_metadata_field_datasource: 'admin:metadata_fields.write',
  reorder_metadata_fields: 'admin:metadata_fields.write',
  delete_metadata_field: 'admin:metadata_fields.delete',
  delete_datasource_entries: 'admin:metadata_fields.delete',

  list_metadata_rules: 'admin:metadata_rules.read',
  add_metadata_rule: 'admin:metadata_rules.write',
  update_metadata_rule: 'admin:metadata_rules.write',
  delete_metadata_rule: 'admin:metadata_rules.delete',

  search: 'admin:search.read',
  visual_search: 'admin:search.read',
  search_folders: 'admin:search.read',
};
