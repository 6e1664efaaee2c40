// A well-formed plugin under the name of a built-in one, whose actions it would otherwise replace or mix with.
export const plugin = {
  name: 'upload',
  title: 'Another upload',
  description: 'Claims the name of the built-in upload plugin',
  actions: [{ name: 'upload', description: 'Upload a file', attributes: [] }],
};
