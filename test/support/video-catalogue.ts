import { videoPlugin } from '../../examples/video-permissions-plugin/video.plugin.js';

/**
 * What `GET /v1_1/permissions/catalog` answers when the example video plugin is loaded, however it was loaded
 * (passed to createApp, or named in PERMISSION_PLUGINS): listed after the built-in plugins, as the example declares it.
 */
export function expectVideoCatalogue(res: { status: number; body: { plugins: { name: string }[] } }): void {
  expect(res.status).toBe(200);
  expect(res.body.plugins.map((p) => p.name)).toEqual(['provisioning', 'upload', 'admin', 'video']);
  expect(res.body.plugins[3]).toEqual({
    name: 'video',
    title: videoPlugin.title,
    description: videoPlugin.description,
    actions: videoPlugin.actions.map(({ name, description, attributes }) => ({
      name: `video:${name}`,
      description,
      attributes,
      scope: 'environment',
    })),
  });
}
