import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { startServer, type TestAccount, type TestServer, uniqueCloudName } from '../support/harness.js';

// The console in Debian's Chromium, against a real Castellan serving the built console at /console: a security
// team's first session, from sign-in to the audit log. Each page is also checked with axe-core, and screenshots
// of the main pages go to test/console/screenshots/ for a reviewer.

const CHROMIUM = '/usr/bin/chromium';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const screenshots = join(root, 'test', 'console', 'screenshots');
// CI installs Chromium and sets this, so that the suite cannot skip there.
const required = process.env.CONSOLE_BROWSER_REQUIRED === '1';
const suite = existsSync(CHROMIUM) || required ? describe : describe.skip;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

suite('console in a browser', () => {
  let server: TestServer;
  let account: TestAccount;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // The console the server serves is the one in dist/, built now if any source is newer.
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-needed.mjs')], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
    server = await startServer({ CONSOLE_DIR: join(root, 'dist', 'console') });
    await server.app.listen(0, '127.0.0.1');
    url = (await server.app.getUrl()).replace('[::1]', '127.0.0.1');
    account = await server.newAccount('Console test account');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    // axe-core is injected as an inline script, which the console's CSP would refuse.
    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    mkdirSync(screenshots, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The API itself, with the account's root key: what the browser did must show there. */
  const api = async (path: string) =>
    (
      await server
        .http()
        .get(`${account.base}${path}`)
        .auth(...account.auth)
    ).body;
  const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  /** No serious or critical accessibility violation on the page as it is. */
  const expectAccessible = async () => {
    await page.addScriptTag({ content: axeSource });
    // Strings run in the page: this suite is compiled without the DOM's types.
    const violations = await page.evaluate<string[]>(`axe.run().then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
    expect(violations).toEqual([]);
  };

  const cloudName = uniqueCloudName('console');
  let apiKey = '';
  let secret = '';

  it('says so in the form when the secret is wrong: the browser does not take the 401 over with its own sign-in', async () => {
    await page.goto(`${url}/console/`);
    // People sign in with their email first; a key is the secondary way in.
    await page.getByRole('link', { name: 'Use an API key instead' }).click();
    await page.getByLabel('Access key').fill(account.api_key);
    await page.getByLabel('Secret').fill(`${account.api_secret}x`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Before the console left out the Basic challenge, headless Chromium never finished this request.
    await page.getByRole('alert').getByText('Wrong access key or secret').waitFor({ timeout: 5000 });
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
    await expectAccessible();
    await shoot('sign-in');
  });

  it('signs in with the root key, which sessionStorage alone keeps', async () => {
    await page.getByLabel('Secret').fill(account.api_secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Product environments' }).waitFor();
    const stored = await page.evaluate(
      `({ session: Object.keys(sessionStorage), local: Object.keys(localStorage), cookies: document.cookie })`,
    );
    expect(stored).toEqual({ session: ['castellan.console.credentials'], local: [], cookies: '' });
    // The header names the account, and gives its id.
    await page.getByRole('banner').getByText('Console test account').waitFor();
    expect(await page.getByRole('banner').innerText()).toContain(account.account_id);
  });

  it('creates a product environment', async () => {
    await page.getByRole('button', { name: 'New environment' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Browser env');
    await page.getByLabel('Cloud name').fill(cloudName);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    // The environment's first key comes with it, and its secret is shown once.
    const first = page.getByRole('dialog', { name: 'Save your secret' });
    await first.getByText('This secret will not be shown again.').waitFor();
    // Neither shown nor copied: Done asks first.
    await first.getByRole('button', { name: 'Done' }).click();
    await first.getByRole('button', { name: 'Close without saving' }).click();
    await first.waitFor({ state: 'detached' });
    await envLink().waitFor();
    await expectAccessible();
    await shoot('environments');
    const { sub_accounts } = await api('/sub_accounts');
    expect(sub_accounts.map((e: { cloud_name: string }) => e.cloud_name)).toContain(cloudName);
  });

  it('generates a key whose secret shows once, behind the reveal toggle, and copies it and its CLOUDINARY_URL', async () => {
    await envLink().click();
    await page.getByRole('button', { name: 'Generate key' }).click();
    await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Browser key');
    await page.getByRole('button', { name: 'Generate', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Save your secret' });
    await dialog.waitFor();
    await dialog.getByText('This secret will not be shown again.').waitFor();
    expect(await dialog.getByTestId('secret-value').count()).toBe(0);

    // Every way out asks first while the secret is neither shown nor copied. Escape three times running: Chromium
    // closes a dialog on a repeated Escape, whatever the page does with the `cancel` event, unless the key press
    // itself is cancelled.
    const question = dialog.getByText('Close without saving the secret?');
    const keepOpen = dialog.getByRole('button', { name: 'Keep the dialog open' });
    for (const closing of [
      () =>
        page.keyboard
          .press('Escape')
          .then(() => page.keyboard.press('Escape'))
          .then(() => page.keyboard.press('Escape')),
      () => dialog.getByRole('button', { name: 'Close', exact: true }).click(),
      () => page.mouse.click(5, 5),
    ]) {
      await closing();
      await question.waitFor();
      expect(await dialog.isVisible()).toBe(true);
      await expectAccessible();
      await keepOpen.click();
      await question.waitFor({ state: 'detached' });
    }

    await dialog.getByRole('button', { name: 'Show secret' }).click();
    secret = (await dialog.getByTestId('secret-value').textContent())!.trim();
    await shoot('secret-dialog');
    await dialog.getByRole('button', { name: 'Copy secret' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await dialog.getByRole('button', { name: 'Copy CLOUDINARY_URL' }).click();
    const cloudinaryUrl = `cloudinary://${await dialog.getByTestId('secret-api-key').textContent()}:${secret}@${cloudName}`;
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(cloudinaryUrl);
    const { access_keys } = await api(`/sub_accounts/${await environmentId()}/access_keys`);
    apiKey = access_keys.find((k: { name: string }) => k.name === 'Browser key').api_key;
    // The secret the dialog showed is the key's: it authenticates.
    expect((await server.http().get('/v1_1/keys/self').auth(apiKey, secret)).status).toBe(200);
    // Shown and copied, the secret is safe: Escape closes at once.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`tr[data-api-key="${apiKey}"]`).waitFor();
    expect(await page.content()).not.toContain(secret);
    await expectAccessible();
    await shoot('environment-keys');
  });

  it("denies upload:destroy in the key's permission editor, and the try-it panel confirms it", async () => {
    const row = page.locator(`tr[data-api-key="${apiKey}"]`);
    await row.getByRole('button', { name: 'Actions for key Browser key' }).click();
    await row.getByRole('link', { name: 'Permissions' }).click();
    const destroy = page.getByRole('group', { name: 'upload:destroy', exact: true });
    await destroy.getByRole('radio', { name: 'Deny' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('dialog', { name: 'Review changes' }).getByText('upload:destroy').first().waitFor();
    await shoot('permissions-review');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('Saved').first().waitFor();
    const { rules } = await api(`/sub_accounts/${await environmentId()}/access_keys/${apiKey}/permissions`);
    expect(rules).toEqual(expect.arrayContaining([expect.objectContaining({ effect: 'deny', actions: ['upload:destroy'] })]));

    const tryIt = page.getByRole('region', { name: 'Try it' });
    await tryIt.getByLabel('Action').selectOption('upload:destroy');
    await tryIt.getByRole('button', { name: 'Try it' }).click();
    await tryIt.getByText('Denied').first().waitFor();
    await expectAccessible();
    await shoot('permissions');
    // A resource that is not JSON takes the last decision off the screen: it was for another request.
    await tryIt.getByLabel('Resource (JSON)').fill('{"folder": ');
    await tryIt.getByRole('button', { name: 'Try it' }).click();
    await tryIt.getByText('Not valid JSON').waitFor();
    expect(await tryIt.getByText('Denied').count()).toBe(0);
  });

  it("disables the key from its row's menu, and its name leads to its page", async () => {
    await page.goBack();
    await page.goto(`${url}/console/#/environments/${await environmentId()}`);
    const row = page.locator(`tr[data-api-key="${apiKey}"]`);
    await row.getByRole('button', { name: 'Actions for key Browser key' }).click();
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('Disabled').waitFor();
    expect((await server.http().get('/v1_1/keys/self').auth(apiKey, secret)).status).toBe(401);

    await row.getByRole('link', { name: 'Browser key' }).click();
    await page.getByRole('heading', { name: 'Key Browser key', level: 1 }).waitFor();
    await page.getByText(/^Requests per hour, last 7 days/).waitFor();
    // The chart's figures for screen readers are hidden without leaving blank space to scroll to.
    expect(await layoutProblems()).toEqual([]);
    await expectAccessible();
    await shoot('key');
  });

  it('shows each step in the audit log, newest first', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByRole('table');
    for (const action of [
      'provisioning:sub_accounts.create',
      'provisioning:access_keys.create',
      'provisioning:access_keys.permissions.update',
      'provisioning:access_keys.update',
    ]) {
      await table.getByText(action).first().waitFor();
    }
    const text = await table.innerText();
    expect(text.indexOf('provisioning:access_keys.update')).toBeLessThan(text.indexOf('provisioning:sub_accounts.create'));
    // The wrong secret at sign-in and the disabled key's call: failures, in the danger colour as the badges of
    // successes are in green.
    const failure = 'tr[data-action="authentication"] .badge.fail';
    expect(await table.locator(failure).first().innerText()).toBe('Failure');
    expect(await page.evaluate(`getComputedStyle(document.querySelector('${failure}')).backgroundColor`)).toBe('rgb(179, 38, 30)');
    await expectAccessible();
    await shoot('audit-log');
  });

  it('passes axe on the other pages, and signing out forgets the key', async () => {
    for (const [link, name] of [
      ['Account API keys', 'account-keys'],
      ['Users', 'users'],
      ['Groups', 'groups'],
      ['Roles', 'roles'],
      ['Security', 'security'],
    ]) {
      await page.getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      await expectAccessible();
      await shoot(name!);
    }
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate('Object.keys(sessionStorage)')).toEqual([]);
  });

  it('a user limited to one environment sees that one, with its keys, and no other', async () => {
    const post = async (path: string, body: object) =>
      (
        await server
          .http()
          .post(`${account.base}${path}`)
          .auth(...account.auth)
          .send(body)
      ).body;
    await post('/sub_accounts', { name: 'Elsewhere', cloud_name: uniqueCloudName('console') });
    const user = await post('/users', {
      name: 'Limited',
      email: 'limited@console.example',
      role: 'technical_admin',
      sub_account_ids: [await environmentId()],
    });
    const key = await post(`/users/${user.id}/api_keys`, { name: 'console' });
    await page.getByLabel('Access key').fill(key.api_key);
    await page.getByLabel('Secret').fill(key.api_secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Product environments' }).click();
    await envLink().waitFor();
    expect(await page.getByRole('table').getByRole('link', { name: 'Elsewhere' }).count()).toBe(0);
    await envLink().click();
    await page.locator(`tr[data-api-key="${apiKey}"]`).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('fits a window 800 px wide: the header whole, every table, and codes wrapped only between their parts', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    await page.getByLabel('Access key').fill(account.api_key);
    await page.getByLabel('Secret').fill(account.api_secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in before the first page is opened by its address: else the sign-in could land after it, elsewhere.
    await page.getByRole('link', { name: 'Product environments' }).waitFor();
    const env = `#/environments/${await environmentId()}`;
    const pages = [
      ['environments', '#/environments'],
      ['environment', env],
      ['key', `${env}/keys/${apiKey}`],
      ['permissions', `${env}/keys/${apiKey}/permissions`],
      ['account-keys', '#/account-keys'],
      ['users', '#/users'],
      ['groups', '#/groups'],
      ['roles', '#/roles'],
      ['security', '#/security'],
      ['audit-log', '#/audit'],
    ];
    for (const [name, hash] of pages) {
      await page.goto(`${url}/console/${hash}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect({ name, problems: await layoutProblems() }).toEqual({ name, problems: [] });
      await shoot(`narrow-${name}`);
    }
    const banner = page.getByRole('banner');
    for (const part of ['Console test account', account.account_id, 'Sign out']) {
      expect(await banner.getByText(part).isVisible()).toBe(true);
    }

    // `provisioning:access_keys.permissions.update` may wrap after a dot, never inside `permissions`; an id not at all.
    const brokenWords = await page.evaluate<string[]>(`[...document.querySelectorAll('table code')].flatMap((code) =>
      [...code.childNodes].filter((node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return node.nodeType === Node.TEXT_NODE && range.getClientRects().length > 1;
      }).map((node) => node.textContent))`);
    expect(brokenWords).toEqual([]);

    // A row's actions open under its button, inside the window.
    await page.goto(`${url}/console/${env}`);
    await page.getByRole('button', { name: 'Actions for key Browser key' }).click();
    const rename = page.getByRole('button', { name: 'Rename' });
    const box = (await rename.boundingBox())!;
    expect(box.x >= 0 && box.x + box.width <= 800).toBe(true);
    await expectAccessible();
    await shoot('narrow-row-menu');
    await page.keyboard.press('Escape');

    // A user's name leads to the user's page.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('table').getByRole('link', { name: 'Limited' }).click();
    await page.getByRole('heading', { name: 'Limited', level: 1 }).waitFor();
    await page.getByText('limited@console.example').waitFor();
    expect(await layoutProblems()).toEqual([]);
    await expectAccessible();
    await shoot('narrow-user');
  });

  /**
   * What sticks out of the window: the page wider than it, the header or a table past its edge, or blank space
   * below the layout (something invisible stretching the page).
   */
  function layoutProblems(): Promise<string[]> {
    return page.evaluate<string[]>(`(() => {
      const root = document.documentElement;
      const problems = [];
      if (root.scrollWidth > root.clientWidth) problems.push('the page is ' + root.scrollWidth + ' px wide');
      for (const element of document.querySelectorAll('header, header *, table')) {
        const box = element.getBoundingClientRect();
        if (box.width && (box.left < 0 || box.right > root.clientWidth + 0.5)) {
          problems.push(element.tagName + ' "' + element.textContent.slice(0, 40) + '" ends at ' + Math.round(box.right));
        }
      }
      const bottom = document.querySelector('.layout').getBoundingClientRect().bottom + window.scrollY;
      if (root.scrollHeight > Math.ceil(bottom) + 1) problems.push((root.scrollHeight - bottom) + ' px of blank space below the page');
      return problems;
    })()`);
  }

  const envLink = () => page.getByRole('table').getByRole('link', { name: 'Browser env' });

  async function environmentId(): Promise<string> {
    const { sub_accounts } = await api('/sub_accounts');
    return sub_accounts.find((e: { cloud_name: string }) => e.cloud_name === cloudName).id;
  }
});
