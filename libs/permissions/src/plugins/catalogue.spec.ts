import { videoPlugin } from '../../../../examples/video-permissions-plugin/video.plugin.js';
import type { PermissionPlugin } from '../permission-plugin.js';
import { ADMIN_FUNCTIONS, adminPlugin } from './admin.plugin.js';
import { UPLOAD_FUNCTIONS, uploadPlugin } from './upload.plugin.js';

const ACTION_NAME = /^[a-z_]+(\.[a-z_]+)*$/;
const ATTRIBUTE_NAME = /^[a-z_]+$/;

/** Admin API functions of section 7 of cloudinary-provisioning.md (combined cells split into real names). */
const REFERENCE_ADMIN_FUNCTIONS = [
  'ping',
  'usage',
  'resource_types',
  'config',
  'resources',
  'resources_by_tag',
  'resources_by_context',
  'resources_by_moderation',
  'resource',
  'resource_by_asset_id',
  'resources_by_ids',
  'resources_by_asset_ids',
  'resources_by_asset_folder',
  'update',
  'restore',
  'restore_by_asset_ids',
  'delete_resources',
  'delete_resources_by_prefix',
  'delete_all_resources',
  'delete_derived_by_transformation',
  'delete_resources_by_asset_ids',
  'delete_resources_by_tag',
  'delete_derived_resources',
  'delete_backed_up_assets',
  'add_related_assets',
  'add_related_assets_by_asset_id',
  'delete_related_assets',
  'delete_related_assets_by_asset_id',
  'tags',
  'transformations',
  'transformation',
  'create_transformation',
  'update_transformation',
  'delete_transformation',
  'upload_presets',
  'upload_preset',
  'create_upload_preset',
  'update_upload_preset',
  'delete_upload_preset',
  'root_folders',
  'sub_folders',
  'create_folder',
  'delete_folder',
  'rename_folder',
  'search_folders',
  'upload_mappings',
  'upload_mapping',
  'create_upload_mapping',
  'update_upload_mapping',
  'delete_upload_mapping',
  'publish_by_ids',
  'publish_by_tag',
  'publish_by_prefix',
  'update_resources_access_mode_by_ids',
  'update_resources_access_mode_by_tag',
  'update_resources_access_mode_by_prefix',
  'list_streaming_profiles',
  'get_streaming_profile',
  'create_streaming_profile',
  'update_streaming_profile',
  'delete_streaming_profile',
  'search',
  'visual_search',
  'list_metadata_fields',
  'add_metadata_field',
  'update_metadata_field',
  'delete_metadata_field',
  'metadata_field_by_field_id',
  'update_metadata_field_datasource',
  'delete_datasource_entries',
  'restore_metadata_field_datasource',
  'order_metadata_field_datasource',
  'reorder_metadata_fields',
  'list_metadata_rules',
  'add_metadata_rule',
  'update_metadata_rule',
  'delete_metadata_rule',
];

/** Upload API functions (and URL-only helpers) of section 7 of cloudinary-provisioning.md. */
const REFERENCE_UPLOAD_FUNCTIONS = [
  'upload',
  'upload_stream',
  'unsigned_upload',
  'upload_large',
  'upload_chunked',
  'explicit',
  'destroy',
  'rename',
  'text',
  'generate_sprite',
  'multi',
  'explode',
  'add_tag',
  'remove_tag',
  'remove_all_tags',
  'replace_tag',
  'add_context',
  'remove_all_context',
  'update_metadata',
  'create_archive',
  'create_zip',
  'download_multi',
  'download_generated_sprite',
  'private_download_url',
  'download_backedup_asset',
];

const PLUGINS: PermissionPlugin[] = [uploadPlugin, adminPlugin];
const MAPS: [PermissionPlugin, Record<string, string>][] = [
  [uploadPlugin, UPLOAD_FUNCTIONS],
  [adminPlugin, ADMIN_FUNCTIONS],
];

const duplicates = (names: string[]): string[] => names.filter((name, i) => names.indexOf(name) !== i);
const qualified = (plugin: PermissionPlugin): string[] => plugin.actions.map((a) => `${plugin.name}:${a.name}`);

describe('built-in permission catalogues', () => {
  test.each(PLUGINS.map((p) => [p.name, p] as const))('%s: action names are unique and well formed', (_, plugin) => {
    const names = plugin.actions.map((a) => a.name);
    expect(duplicates(names)).toEqual([]);
    expect(names.filter((n) => !ACTION_NAME.test(n))).toEqual([]);
    expect(plugin.name).toMatch(/^[a-z0-9_]+$/);
  });

  test('upload and admin action names are unique across both plugins', () => {
    expect(duplicates(PLUGINS.flatMap(qualified))).toEqual([]);
  });

  test.each(PLUGINS.map((p) => [p.name, p] as const))('%s: attribute names are well formed and unique per action', (_, plugin) => {
    for (const action of plugin.actions) {
      const names = action.attributes.map((a) => a.name);
      expect({ action: action.name, bad: names.filter((n) => !ATTRIBUTE_NAME.test(n)) }).toEqual({
        action: action.name,
        bad: [],
      });
      expect({ action: action.name, duplicates: duplicates(names) }).toEqual({ action: action.name, duplicates: [] });
      expect(action.description.length).toBeGreaterThan(0);
    }
  });

  test('every upload action has a resource_type attribute', () => {
    const missing = uploadPlugin.actions.filter((a) => !a.attributes.some((attr) => attr.name === 'resource_type'));
    expect(missing.map((a) => a.name)).toEqual([]);
  });

  test('every SDK function of the reference maps to an action', () => {
    expect(REFERENCE_ADMIN_FUNCTIONS.filter((f) => !(f in ADMIN_FUNCTIONS))).toEqual([]);
    expect(REFERENCE_UPLOAD_FUNCTIONS.filter((f) => !(f in UPLOAD_FUNCTIONS))).toEqual([]);
    expect(duplicates(REFERENCE_ADMIN_FUNCTIONS)).toEqual([]);
    expect(duplicates(REFERENCE_UPLOAD_FUNCTIONS)).toEqual([]);
  });

  test.each(MAPS.map(([p, map]) => [p.name, p, map] as const))(
    '%s: every function maps to an existing action of that plugin',
    (_, plugin, map) => {
      const actions = new Set(qualified(plugin));
      const unknown = Object.entries(map).filter(([, action]) => !actions.has(action));
      expect(unknown).toEqual([]);
    },
  );

  test.each(MAPS.map(([p, map]) => [p.name, p, map] as const))('%s: every action is reached by at least one function', (_, plugin, map) => {
    const reached = new Set(Object.values(map));
    expect(qualified(plugin).filter((a) => !reached.has(a))).toEqual([]);
  });
});

describe('example video plugin', () => {
  test('follows the same naming rules', () => {
    expect(videoPlugin.name).toMatch(/^[a-z0-9_]+$/);
    const names = videoPlugin.actions.map((a) => a.name);
    expect(names.length).toBeGreaterThan(0);
    expect(duplicates(names)).toEqual([]);
    expect(names.filter((n) => !ACTION_NAME.test(n))).toEqual([]);
    for (const action of videoPlugin.actions) {
      const attrs = action.attributes.map((a) => a.name);
      expect(attrs.filter((n) => !ATTRIBUTE_NAME.test(n))).toEqual([]);
      expect(duplicates(attrs)).toEqual([]);
    }
  });
});
