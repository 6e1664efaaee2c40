// The example plugin (examples/video-permissions-plugin) as an operator would install it: a plain JavaScript module
// whose default export is the plugin. `npm run build` compiles the example into dist/; this file only re-exports it,
// under the name PERMISSION_PLUGINS looks for, so that the plugin the tests load is the example itself.
export { videoPlugin as default } from '../../../../dist/examples/video-permissions-plugin/video.plugin.js';
