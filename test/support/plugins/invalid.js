// A plugin whose attribute has a type the engine does not know: a condition on it could not be checked.
export default {
  name: 'video',
  title: 'Video processing',
  description: 'A plugin with a mistake in it',
  actions: [
    {
      name: 'transcode',
      description: 'Transcode a video',
      attributes: [{ name: 'duration_seconds', type: 'int', description: 'The duration of the video, in seconds' }],
    },
  ],
};
