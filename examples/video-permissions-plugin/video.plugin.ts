import type { AttributeDefinition, PermissionPlugin } from '../../libs/permissions/src/permission-plugin.js';

/**
 * An example third-party plugin: the permission catalogue of a video-processing service. Castellan ships the
 * `upload` and `admin` catalogues; a plugin like this one adds actions (`video:transcode`, …) without any change
 * to the engine. See README.md for how it is registered.
 */

const VIDEO_ATTR = {
  resource_type: { name: 'resource_type', type: 'string', description: 'image, video or raw (always video here)' },
  public_id: { name: 'public_id', type: 'string', description: 'The public id of the source video' },
  folder: { name: 'folder', type: 'string', description: 'The folder of the source video' },
  duration_seconds: { name: 'duration_seconds', type: 'number', description: 'The duration of the video, in seconds' },
  profile: { name: 'profile', type: 'string', description: 'The encoding or streaming profile name, e.g. hd or 4k' },
} satisfies Record<string, AttributeDefinition>;

const SOURCE = [VIDEO_ATTR.resource_type, VIDEO_ATTR.public_id, VIDEO_ATTR.folder, VIDEO_ATTR.duration_seconds];

export const videoPlugin: PermissionPlugin = {
  name: 'video',
  title: 'Video processing',
  description: 'Transcoding, concatenation, thumbnails and live streams of an example video-processing service.',
  actions: [
    {
      name: 'transcode',
      description: 'Transcode a video to another format or bitrate ladder (POST /video/transcode).',
      attributes: [...SOURCE, VIDEO_ATTR.profile],
    },
    {
      name: 'concat',
      description: 'Concatenate several videos into one (POST /video/concat).',
      attributes: [...SOURCE],
    },
    {
      name: 'thumbnails',
      description: 'Extract thumbnail images from a video (POST /video/thumbnails).',
      attributes: [...SOURCE],
    },
    {
      name: 'live_stream.start',
      description: 'Start a live stream into a folder (POST /live_streams).',
      attributes: [VIDEO_ATTR.resource_type, VIDEO_ATTR.folder, VIDEO_ATTR.profile],
    },
    {
      name: 'live_stream.stop',
      description: 'Stop a running live stream (DELETE /live_streams/{id}).',
      attributes: [VIDEO_ATTR.resource_type, VIDEO_ATTR.public_id, VIDEO_ATTR.folder],
    },
  ],
};
