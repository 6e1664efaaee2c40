// Jest on Node 20 cannot require ES modules, and @fastify/static (serving the Swagger UI) requires the
// ESM-only content-disposition 3. Its 1.x release is the same library in CommonJS; v3 renamed the
// default export to `create`.
const contentDisposition = require('content-disposition-cjs');
module.exports = { create: contentDisposition, parse: contentDisposition.parse };
