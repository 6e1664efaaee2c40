import type { AttributeDefinition, PermissionPlugin } from '../permission-plugin.js';
import { ATTR } from './attributes.js';

/**
 * The Upload API catalogue: one action per Upload API endpoint (`POST /v1_1/{cloud}/{resource_type}/{action}`,
 * multipart, signed in the body), plus `download` for the signed download URLs the SDK builds without a request.
 * Source: SDK 2.11.0 `uploader.js` and `utils`, as listed in the reference's section 7.
 */

/** Attributes only Upload API actions use. */
const UPLOAD_ATTR = {
  upload_preset: { name: 'upload_preset', type: 'string', description: 'The upload preset named in the request' },
  overwrite: {
    name: 'overwrite',
    type: 'boolean',
    description: 'Whether the request may replace an existing asset with the same public id',
  },
  to_public_id: { name: 'to_public_id', type: 'string', description: 'The new public id of a renamed asset' },
  to_type: { name: 'to_type', type: 'string', description: 'The new delivery type of a renamed asset' },
  tags_command: {
    name: 'command',
    type: 'string',
    description: 'The tag operation: add, remove, replace, set_exclusive or remove_all',
  },
  context_command: { name: 'command', type: 'string', description: 'The context operation: add or remove_all' },
  tag: {
    name: 'tag',
    type: 'string',
    description: 'The tag the request names (the tag to add, remove or replace with, or the tag selecting the images)',
  },
  metadata_fields: {
    name: 'metadata_fields',
    type: 'string[]',
    description: 'External ids of the structured metadata fields the request sets',
  },
  format: { name: 'format', type: 'string', description: 'The output format requested (e.g. png, gif, mp4, pdf)' },
  font_family: { name: 'font_family', type: 'string', description: 'The font family of the generated text image' },
  target_format: { name: 'target_format', type: 'string', description: 'The archive format: zip or tgz' },
} satisfies Record<string, AttributeDefinition>;

/** The attributes that identify an existing asset. */
const ASSET = [ATTR.resource_type, ATTR.type, ATTR.public_id, ATTR.folder, ATTR.tags];

export const uploadPlugin: PermissionPlugin = {
  name: 'upload',
  title: 'Upload API',
  description:
    'Upload API methods (POST /v1_1/{cloud}/{resource_type}/{action}, signed in the body): uploading, ' +
    'changing, deleting and deriving assets, and the signed download URLs the SDK builds.',
  actions: [
    {
      name: 'upload',
      description:
        'Upload an asset: upload, upload_stream, unsigned_upload, unsigned_upload_stream, upload_large, ' +
        'upload_large_part, upload_chunked and their _stream variants (POST /:resource_type/upload, chunked with ' +
        'Content-Range and X-Unique-Upload-Id), and the signed browser-upload helpers direct_upload, upload_url, ' +
        'upload_tag_params, image_upload_tag, unsigned_image_upload_tag.',
      attributes: [...ASSET, UPLOAD_ATTR.upload_preset, UPLOAD_ATTR.overwrite],
    },
    {
      name: 'explicit',
      description: 'Apply upload actions to an existing asset: explicit (POST /:resource_type/explicit).',
      attributes: [...ASSET, UPLOAD_ATTR.upload_preset, UPLOAD_ATTR.overwrite],
    },
    {
      name: 'destroy',
      description: 'Delete an asset: destroy (POST /:resource_type/destroy).',
      attributes: [...ASSET],
    },
    {
      name: 'rename',
      description: 'Rename an asset or change its delivery type: rename (POST /:resource_type/rename).',
      attributes: [...ASSET, UPLOAD_ATTR.to_public_id, UPLOAD_ATTR.to_type, UPLOAD_ATTR.overwrite],
    },
    {
      name: 'tags',
      description:
        'Change the tags of assets: add_tag (command add, or set_exclusive with exclusive), remove_tag, ' +
        'remove_all_tags, replace_tag (POST /:resource_type/tags).',
      attributes: [...ASSET, UPLOAD_ATTR.tags_command, UPLOAD_ATTR.tag],
    },
    {
      name: 'context',
      description: 'Change the contextual metadata of assets: add_context, remove_all_context (POST /:resource_type/context).',
      attributes: [...ASSET, UPLOAD_ATTR.context_command],
    },
    {
      name: 'metadata',
      description: 'Set structured metadata values on assets: update_metadata (POST /:resource_type/metadata).',
      attributes: [...ASSET, UPLOAD_ATTR.metadata_fields],
    },
    {
      name: 'text',
      description: 'Generate an image of a text: text (POST /image/text).',
      attributes: [ATTR.resource_type, ATTR.public_id, ATTR.folder, ATTR.tags, UPLOAD_ATTR.font_family],
    },
    {
      name: 'sprite',
      description: 'Generate a sprite from the images with a tag or from URLs: generate_sprite (POST /image/sprite).',
      attributes: [ATTR.resource_type, UPLOAD_ATTR.tag, UPLOAD_ATTR.format],
    },
    {
      name: 'multi',
      description: 'Combine the images with a tag or from URLs into one animated image, video or PDF: multi ' + '(POST /image/multi).',
      attributes: [ATTR.resource_type, UPLOAD_ATTR.tag, UPLOAD_ATTR.format],
    },
    {
      name: 'explode',
      description: 'Derive one image per page of a multi-page asset (PDF, animated image): explode (POST /image/explode).',
      attributes: [...ASSET, UPLOAD_ATTR.format],
    },
    {
      name: 'generate_archive',
      description:
        'Create a ZIP or TGZ archive of assets and store it: create_archive, create_zip ' + '(POST /:resource_type/generate_archive).',
      attributes: [...ASSET, UPLOAD_ATTR.target_format],
    },
    {
      name: 'download',
      description:
        'Download through a signed URL the SDK builds without a request: private_download_url ' +
        '(GET /:resource_type/download), download_backedup_asset (GET /download_backup), download_multi and ' +
        'download_generated_sprite (GET /image/multi|sprite with mode=download), download_archive_url, ' +
        'download_zip_url and download_folder (GET /:resource_type/generate_archive with mode=download).',
      attributes: [...ASSET, ATTR.asset_id, UPLOAD_ATTR.format],
    },
  ],
};

/**
 * Every Upload API function of SDK 2.11.0 and its action: `cloudinary.v2.uploader.*`, the download helpers of
 * `cloudinary.v2.utils.*`, and `upload_large_stream` (v1 `cloudinary.uploader` only).
 */
export const UPLOAD_FUNCTIONS: Record<string, string> = {
  upload: 'upload:upload',
  upload_stream: 'upload:upload',
  unsigned_upload: 'upload:upload',
  unsigned_upload_stream: 'upload:upload',
  upload_large: 'upload:upload',
  upload_large_stream: 'upload:upload',
  upload_chunked: 'upload:upload',
  upload_chunked_stream: 'upload:upload',
  upload_large_part: 'upload:upload',
  // Browser uploads: these sign upload parameters (or build a form) that the browser posts to /upload.
  direct_upload: 'upload:upload',
  upload_url: 'upload:upload',
  upload_tag_params: 'upload:upload',
  image_upload_tag: 'upload:upload',
  unsigned_image_upload_tag: 'upload:upload',
  explicit: 'upload:explicit',
  destroy: 'upload:destroy',
  rename: 'upload:rename',
  text: 'upload:text',
  generate_sprite: 'upload:sprite',
  multi: 'upload:multi',
  explode: 'upload:explode',
  add_tag: 'upload:tags',
  remove_tag: 'upload:tags',
  remove_all_tags: 'upload:tags',
  replace_tag: 'upload:tags',
  add_context: 'upload:context',
  remove_all_context: 'upload:context',
  update_metadata: 'upload:metadata',
  create_archive: 'upload:generate_archive',
  create_zip: 'upload:generate_archive',
  // URL-only helpers: they sign a URL and make no request; the URL's holder downloads with it.
  private_download_url: 'upload:download',
  download_backedup_asset: 'upload:download',
  download_multi: 'upload:download',
  download_generated_sprite: 'upload:download',
  download_archive_url: 'upload:download',
  download_zip_url: 'upload:download',
  download_folder: 'upload:download',
};
