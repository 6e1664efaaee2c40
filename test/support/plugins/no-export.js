// A common mistake: the example's module as it is, whose plugin is exported as `videoPlugin`, neither as the default
// export nor as `plugin`. PERMISSION_PLUGINS refuses it, saying what it does export.
export * from '../../../dist/examples/video-permissions-plugin/video.plugin.js';
