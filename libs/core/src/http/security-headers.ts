import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
type Directives = Record<string, string[]>;

/**
 * The headers a helmet middleware sets. Helmet is used for its values only, applied as a fixed set: Fastify
 * runs no hooks for some answers (a URL it cannot decode, a malformed request), and those carry the same set.
 */
function headersOf(middleware: Middleware): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  middleware({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

const policy = (directives: Directives): string =>
  headersOf(helmet.contentSecurityPolicy({ useDefaults: false, directives }))['content-security-policy']!;

// Every answer but the docs page is JSON: it loads nothing and is never framed.
const API_CSP: Directives = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

const API_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: API_CSP },
  // frame-ancestors for browsers that predate it.
  frameguard: { action: 'deny' },
  // helmet's default, stated because it is a decision: links from the docs page leak no URL.
  referrerPolicy: { policy: 'no-referrer' },
  // Also helmet's defaults: HSTS max-age=31536000; includeSubDomains (browsers ignore it over plain HTTP, so
  // a development server is unaffected), X-Content-Type-Options nosniff, Cross-Origin-Opener-Policy and
  // Cross-Origin-Resource-Policy same-origin, X-XSS-Protection 0 (the old filter did harm), and the rest.
};

/**
 * On every answer. `Cache-Control: no-store` because answers carry secrets once and account data always;
 * Swagger UI's static files replace it with @fastify/static's revalidating cache header.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = { ...headersOf(helmet(API_HEADERS)), 'cache-control': 'no-store' };

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The swagger-ui-dist scripts the docs page loads, which render `<style>` elements of their own. */
const SWAGGER_UI_SCRIPTS = ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'];
// React's createElement("style", null, "<css>") as minified in those bundles: the logo (an SVG) carries one.
const RENDERED_STYLE = /createElement\("style",null,("(?:[^"\\]|\\.)*")\)/g;
let renderedStyles: string[] | undefined;

/**
 * The styles Swagger UI renders at run time, which the page's HTML does not show. Read from the copy of
 * swagger-ui-dist that @nestjs/swagger serves, once, on the first docs page: the CLI never pays for it.
 */
function swaggerUiRenderedStyles(): string[] {
  if (!renderedStyles) {
    const fromSwagger = createRequire(createRequire(import.meta.url).resolve('@nestjs/swagger'));
    const assets = (fromSwagger('swagger-ui-dist/absolute-path.js') as () => string)();
    renderedStyles = SWAGGER_UI_SCRIPTS.flatMap((file) =>
      [...readFileSync(join(assets, file), 'utf8').matchAll(RENDERED_STYLE)].map((m) => sha256(JSON.parse(m[1]!) as string)),
    );
  }
  return renderedStyles;
}

/**
 * Swagger UI's page loads its scripts, its stylesheet and its images from our origin, carries two inline
 * `<style>` blocks and one `style` attribute, renders one more `<style>` from its scripts, uses data: images
 * from its CSS and calls the API ("try it out"). It has no inline script and needs no eval. The inline styles
 * are allowed by hash, computed from the page and the scripts as served, so that nothing else inline is.
 */
function docsPolicy(html: string): string {
  const pageStyles = [...html.matchAll(/<style>([\s\S]*?)<\/style>|\sstyle="([^"]*)"/g)].map((m) => sha256(m[1] ?? m[2]!));
  const inlineStyles = [...pageStyles, ...swaggerUiRenderedStyles()];
  return policy({
    'default-src': ["'none'"],
    'script-src': ["'self'"],
    // 'unsafe-hashes' lets the hashes cover the style attribute too, and nothing else.
    'style-src': ["'self'", "'unsafe-hashes'", ...inlineStyles],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  });
}

/**
 * The console (a Vite build): its scripts and stylesheet from our origin, nothing inline (React sets styles
 * through the CSSOM, which CSP does not govern), calls to the API on the same origin, and never framed.
 */
export const CONSOLE_CSP = policy({
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
});

/** Security headers on every routed answer; the docs page (HTML under `docsPath`) gets a policy it can work with. */
export function registerSecurityHeaders(fastify: FastifyInstance, docsPath: string): void {
  const underDocs = (url = '') => url === docsPath || url.startsWith(`${docsPath}/`);
  const isDocsPage = (request: FastifyRequest, type: unknown) =>
    underDocs(request.routeOptions.url) && String(type).startsWith('text/html');

  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (typeof payload === 'string' && isDocsPage(request, reply.getHeader('content-type'))) {
      void reply.header('content-security-policy', docsPolicy(payload));
    }
    done(null, payload);
  });
}
