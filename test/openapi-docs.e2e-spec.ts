import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startServer, type TestAccount, type TestServer } from './support/harness.js';
import { type RegisteredRoute, registeredRoutes } from './support/routes.js';

// The API's documentation: /docs-json says of every operation what it does, what it needs and how it can fail, and
// /docs (Swagger UI) works in Debian's Chromium under the policy the server gives it.

interface Operation {
  summary?: string;
  description?: string;
  requestBody?: unknown;
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, unknown>;
}

let server: TestServer;
let operations: Array<{ name: string; operation: Operation }>;
let routes: RegisteredRoute[];

const nameOf = (method: string, path: string): string => `${method.toUpperCase()} ${path}`;
const documentPath = (route: RegisteredRoute): string => route.path.replace(/:(\w+)/g, '{$1}');

beforeAll(async () => {
  server = await startServer();
  const paths: Record<string, Record<string, Operation>> = (await server.http().get('/docs-json')).body.paths;
  operations = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: nameOf(method, path), operation })),
  );
  routes = registeredRoutes(server.app);
});
afterAll(() => server.close());

/** What the description must say the route needs, in the words of the route's access decorator. */
function declaredNeeds(route: RegisteredRoute): string[] {
  const access = route.access!;
  if (access.public) return ['**Public**'];
  if (access.person) return ['**Needs** a person signed in to the console'];
  if (!access.permission) return ['**Needs** any valid key'];
  return [`**Needs** \`${access.permission}\``, ...(access.owner ? [`or \`${access.owner.permission}\``] : [])];
}

describe('/docs-json', () => {
  test('documents every route, and nothing else', () => {
    expect(operations.map((o) => o.name).sort()).toEqual(routes.map((r) => nameOf(r.method, documentPath(r))).sort());
    expect(operations.length).toBeGreaterThanOrEqual(65);
  });

  test('every parameter of a path is declared, so that "Try it out" asks for it', () => {
    const undeclared = operations.flatMap(({ name, operation }) =>
      [...name.matchAll(/\{(\w+)\}/g)]
        .map((match) => match[1]!)
        .filter((param) => !operation.parameters?.some((p) => p.in === 'path' && p.name === param))
        .map((param) => `${name}: ${param}`),
    );
    expect(undeclared).toEqual([]);
  });

  test('every operation has a summary and a description', () => {
    const bare = operations.filter(({ operation }) => !operation.summary?.trim() || !operation.description?.trim());
    expect(bare.map((o) => o.name)).toEqual([]);
  });

  test('summaries are short, distinct and not sentences', () => {
    const summaries = operations.map((o) => o.operation.summary ?? '');
    expect(summaries.filter((s) => s.length > 60 || !/^[A-Z]/.test(s) || s.endsWith('.'))).toEqual([]);
    expect(summaries.filter((s, i) => summaries.indexOf(s) !== i)).toEqual([]);
  });

  test("every description names what the route's access decorator declares it needs, or says it is public", () => {
    const wrong = routes.flatMap((route) => {
      const description = operations.find((o) => o.name === nameOf(route.method, documentPath(route)))?.operation.description ?? '';
      const missing = declaredNeeds(route).filter((words) => !description.includes(words));
      return missing.length > 0 ? [`${route.name} lacks ${missing.join(', ')}`] : [];
    });
    expect(wrong).toEqual([]);
  });

  test('every description lists each error status the operation declares', () => {
    const unlisted = operations.flatMap(({ name, operation }) =>
      Object.keys(operation.responses)
        .filter((status) => Number(status) >= 400 && !operation.description?.includes(`- **${status}** `))
        .map((status) => `${name}: ${status}`),
    );
    expect(unlisted).toEqual([]);
  });

  test('every operation that reads a body declares why it answers 400, and 413 past the size limit', () => {
    const declares = (operation: Operation, ...statuses: string[]) => statuses.every((status) => status in operation.responses);
    const incomplete = operations.filter(({ operation }) => operation.requestBody && !declares(operation, '400', '413'));
    expect(incomplete.map((o) => o.name)).toEqual([]);
  });
});

const CHROMIUM = '/usr/bin/chromium';
// CI installs Chromium and sets this, so that the suite cannot skip there.
const required = process.env.CONSOLE_BROWSER_REQUIRED === '1';
const browserPresent = existsSync(CHROMIUM) || required;
if (!browserPresent) console.warn(`Skipping /docs in a browser: ${CHROMIUM} is absent (CONSOLE_BROWSER_REQUIRED=1 makes it a failure)`);

(browserPresent ? describe : describe.skip)('/docs in a browser', () => {
  let browser: Browser;
  let page: Page;
  let account: TestAccount;
  /** Policy violations, console errors and page errors, as the page reports them. */
  const problems: string[] = [];

  beforeAll(async () => {
    await server.app.listen(0, '127.0.0.1');
    account = await server.newAccount('Docs test account');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.exposeFunction('reportViolation', (violation: string) => problems.push(`CSP: ${violation}`));
    // A string, run in the page: this suite is compiled without the DOM's types.
    await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
      reportViolation(e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber))`);
    await page.goto(`${(await server.app.getUrl()).replace('[::1]', '127.0.0.1')}/docs`);
  }, 60_000);
  afterAll(() => browser?.close());

  test('shows every operation with its summary, under its Content-Security-Policy, without a violation', async () => {
    await page.locator('.opblock').first().waitFor();
    const summaries = await page.locator('.opblock-summary-description').allTextContents();
    expect(summaries).toHaveLength(operations.length);
    expect(summaries.filter((s) => s.trim() === '')).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('an operation opens on its description, and "Try it out" calls the API with the credentials given', async () => {
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.modal-ux');
    // The dialog offers both schemes: Basic for keys, and the console's session cookie.
    const basic = dialog.locator('form').filter({ hasText: 'basic (http, Basic)' });
    await basic.locator('input').nth(0).fill(account.api_key);
    await basic.locator('input').nth(1).fill(account.api_secret);
    await basic.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();

    const self = page.locator('#operations-Decisions-DecisionController_self');
    await self.locator('.opblock-summary').click();
    expect(await self.locator('.opblock-description-wrapper').first().textContent()).toContain('Needs any valid key');
    await self.getByRole('button', { name: 'Try it out' }).click();
    await self.getByRole('button', { name: 'Execute' }).click();
    const answer = self.locator('.live-responses-table tbody .response');
    await answer.waitFor();
    expect((await answer.locator('.response-col_status').textContent())?.trim()).toBe('200');
    expect(await answer.locator('.response-col_description').textContent()).toContain(account.api_key);
    expect(problems).toEqual([]);
  });
});
