import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = fileURLToPath(new URL('.', import.meta.url));

// Built into dist/console, which the API process serves at /console; hashed asset names let it cache them for a year.
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // One bundle (about 730 kB, 135 kB gzipped), fetched once and cached for a year: splitting it would gain a
    // console nothing, and Vite's 500 kB warning would greet every newcomer's first `npm start`.
    chunkSizeWarningLimit: 1024,
  },
  // `npm run console:dev` proxies the API, so the console can be worked on with hot reload against `npm start`.
  server: { proxy: { '/v1_1': 'http://127.0.0.1:3000' } },
  test: { root: here, environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
