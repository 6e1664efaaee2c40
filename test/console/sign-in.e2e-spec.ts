import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Secret, TOTP } from 'otpauth';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startServer, type TestAccount, type TestServer, uniqueCloudName } from '../support/harness.js';
import { bind, ok } from '../support/http.js';
import type { Json } from '../support/http.js';
import { GOOD_PASSWORD, uniqueEmail } from '../support/people.js';
import { startSamlIdp } from '../support/saml-idp.js';
import { freePort } from '../support/services.js';
import { startSmtp, type TestSmtp } from '../support/smtp.js';

// People in the console, in Debian's Chromium against a real Castellan with a real SMTP server: an invitation read
// from its mail, a password, the two-factor enrollment the account requires (codes computed here from the key the
// page shows), the recovery codes, signing out and in again with a code, what the role allows and refuses, My
// Profile (its theme, new recovery codes, ending this session), a session ended elsewhere or sent back to
// enrollment, a password reset, the choice of an account, and single sign-on through an identity provider in this
// process. Each page is checked with axe-core.

const CHROMIUM = '/usr/bin/chromium';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const screenshots = join(root, 'test', 'console', 'screenshots');
// CI installs Chromium and sets this, so that the suite cannot skip there.
const required = process.env.CONSOLE_BROWSER_REQUIRED === '1';
const suite = existsSync(CHROMIUM) || required ? describe : describe.skip;
if (!existsSync(CHROMIUM) && !required) {
  process.stderr.write(`\nSKIPPED sign-in.e2e-spec.ts: no Chromium at ${CHROMIUM}. CONSOLE_BROWSER_REQUIRED=1 makes this a failure.\n`);
}
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const STEP_MS = 30_000;

/**
 * An authenticator app: the current code for the key. A code is accepted once (its time step is used up), so a
 * second code waits for the next step.
 */
function authenticator(base32: string) {
  const totp = new TOTP({ secret: Secret.fromBase32(base32), digits: 6, period: STEP_MS / 1000, algorithm: 'SHA1' });
  let lastStep = -1;
  return async (): Promise<string> => {
    while (Math.floor(Date.now() / STEP_MS) <= lastStep) await new Promise((r) => setTimeout(r, 250));
    lastStep = Math.floor(Date.now() / STEP_MS);
    return totp.generate({ timestamp: lastStep * STEP_MS + 1 });
  };
}

suite('people sign in to the console', () => {
  let smtp: TestSmtp;
  let server: TestServer;
  let account: TestAccount;
  let url: string;
  let browser: Browser;
  let page: Page;
  const { call } = bind(() => server);

  beforeAll(async () => {
    // The console the server serves is the one in dist/, built now if any source is newer.
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-if-needed.mjs')], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('the build failed');
    smtp = await startSmtp();
    // The server's public URL (in its mails, and SAML's addresses) is the one it listens on.
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = await startServer({ CONSOLE_DIR: join(root, 'dist', 'console'), SMTP_URL: smtp.url, PUBLIC_URL: url });
    await server.app.listen(port, '127.0.0.1');
    account = await server.newAccount('People sign in');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    // axe-core is injected as an inline script, which the console's CSP would refuse.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    mkdirSync(screenshots, { recursive: true });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await smtp?.close();
  });

  const shoot = (name: string) => page.screenshot({ path: join(screenshots, `person-${name}.png`), fullPage: true });
  /** No serious or critical accessibility violation on the page as it is. */
  const expectAccessible = async () => {
    await page.addScriptTag({ content: axeSource });
    // Strings run in the page: this suite is compiled without the DOM's types.
    const violations = await page.evaluate<string[]>(`axe.run().then((result) => result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
    expect(violations).toEqual([]);
  };
  /** The element that has the keyboard focus, by its accessible label. */
  const focusedLabel = () =>
    page.evaluate<string>(`(() => {
      const el = document.activeElement;
      return (el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('aria-label') || el.textContent).trim();
    })()`);
  const api = async (method: 'get' | 'put' | 'post' | 'delete', path: string, body?: Record<string, unknown>): Promise<Json> =>
    ok(await call(method, `${account.base}${path}`, account.auth, body));

  const email = uniqueEmail('browser');
  const name = 'Tess Technical';
  const renewed = `${GOOD_PASSWORD} renewed`;
  let code: () => Promise<string>;
  /** The recovery codes shown at enrollment. */
  let recoveryCodes: string[] = [];
  let userId = '';

  it('an invited user opens the mailed link and chooses a password, which the API refuses at the field first', async () => {
    await api('put', '/security', { two_factor: 'required' });
    userId = (await api('post', '/users', { name, email, role: 'technical_admin' })).id;
    const mail = smtp.mails.find((m) => m.to.includes(email))!;
    const link = new RegExp(`${url}/console/#/invitation/\\S+`).exec(mail.text)![0];

    await page.goto(link);
    await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    const main = page.getByRole('main');
    for (const part of [name, email, 'People sign in', 'requires two-factor authentication']) await main.getByText(part).first().waitFor();
    expect(await focusedLabel()).toBe('New password');
    await expectAccessible();
    await shoot('invitation');

    // The API's refusal of the password shows at the field it names, and the focus goes there.
    await page.getByLabel('New password', { exact: true }).fill('too short');
    await page.getByLabel('Repeat the new password').fill('too short');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    const field = page.getByLabel('New password', { exact: true });
    await page.getByText('The password must be at least 12 characters long').waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('alert').count()).toBe(0);
    // Typed differently twice, it is not sent.
    await field.fill(GOOD_PASSWORD);
    await page.getByLabel('Repeat the new password').fill(`${GOOD_PASSWORD}!`);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByText('The two passwords differ').waitFor();
    expect((await api('get', `/users/${userId}`)).pending).toBe(true);

    await page.getByLabel('Repeat the new password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    expect((await api('get', `/users/${userId}`)).pending).toBe(false);
  });

  it('enrolls the second factor the account requires, and is shown the recovery codes once before the console opens', async () => {
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    const key = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await focusedLabel()).toBe('Code from the app');
    await expectAccessible();
    await shoot('enrollment');

    code = authenticator(key);
    // A wrong code is refused at the field.
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('The code is wrong, expired, or was used already').waitFor();
    expect(await page.getByLabel('Code from the app').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Code from the app').fill(await code());
    await page.getByRole('button', { name: 'Confirm' }).click();

    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBeGreaterThanOrEqual(8);
    recoveryCodes = await codes.allInnerTexts();
    expect(await focusedLabel()).toBe('Save your recovery codes');
    await expectAccessible();
    await shoot('recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();

    const banner = page.getByRole('banner');
    await banner.getByText(name).waitFor();
    await banner.getByText(email).waitFor();
    await banner.getByRole('link', { name: 'My profile' }).waitFor();
    expect(await page.content()).not.toContain(recoveryCodes[0]!);
    // A person's console holds no secret: the cookie is HttpOnly, and nothing is stored.
    expect(
      await page.evaluate(`({ session: Object.keys(sessionStorage), local: Object.keys(localStorage), cookies: document.cookie })`),
    ).toEqual({ session: [], local: [], cookies: '' });
  });

  it('signs out, and back in with the email, the password and a code from the app', async () => {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(await focusedLabel()).toBe('Email');
    await expectAccessible();
    await shoot('sign-in');

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(`${GOOD_PASSWORD}x`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Password').fill(GOOD_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    expect(await focusedLabel()).toBe('Code');
    await expectAccessible();
    await shoot('second-factor');
    await page.getByLabel('Code').fill(await code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('banner').getByText(name).waitFor();
  }, 60_000);

  it('does what the role allows (a product environment), and is neither offered nor allowed what it does not (users)', async () => {
    const sections = page.getByRole('navigation', { name: 'Sections' });
    await sections.getByRole('link', { name: 'Product environments' }).click();
    expect(await sections.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await sections.getByRole('link', { name: 'Security' }).count()).toBe(0);

    const cloudName = uniqueCloudName('person');
    await page.getByRole('button', { name: 'New environment' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Made by a person');
    await page.getByLabel('Cloud name').fill(cloudName);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const secret = page.getByRole('dialog', { name: 'Save your secret' });
    await secret.getByRole('button', { name: 'Show secret' }).click();
    await secret.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('table').getByRole('link', { name: 'Made by a person' }).waitFor();
    const { sub_accounts } = await api('get', '/sub_accounts');
    expect(sub_accounts.map((e: Json) => e.cloud_name)).toContain(cloudName);

    // Typed in, the users page gets the API's refusal.
    await page.goto(`${url}/console/#/users`);
    await page.getByRole('alert').getByText('provisioning:users.read').waitFor();
    const events = await api('get', `/audit_events?action=provisioning:sub_accounts.create`);
    expect(events.events[0].actor).toEqual({ api_key: null, kind: 'session', user_id: userId });
  });

  it('My Profile: the dark theme shows the moment it is chosen, and again on the next load', async () => {
    await page.getByRole('link', { name: 'My profile' }).click();
    await page.getByRole('heading', { name: 'My profile', level: 1 }).waitFor();
    await page.getByRole('row').filter({ hasText: 'This session' }).waitFor();
    await expectAccessible();
    await shoot('profile');
    // 'system' until chosen, and this browser's system is light.
    expect(await page.getByRole('radio', { name: 'As my device is set' }).isChecked()).toBe(true);
    expect(await page.evaluate(`document.documentElement.dataset.theme`)).toBe('light');
    expect(await page.evaluate(`getComputedStyle(document.documentElement).backgroundColor`)).toBe('rgb(246, 247, 251)');

    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await page.evaluate(`document.documentElement.dataset.theme`)).toBe('dark');
    // The dark palette: the page and its panels.
    expect(await page.evaluate(`getComputedStyle(document.documentElement).backgroundColor`)).toBe('rgb(20, 24, 33)');
    expect(await page.evaluate(`getComputedStyle(document.querySelector('.panel')).backgroundColor`)).toBe('rgb(29, 34, 48)');
    // Saved too: the radios are disabled while it is.
    await page.getByRole('group', { name: 'Theme' }).and(page.locator(':enabled')).waitFor();
    expect(ok(await call('get', '/v1_1/me').set('cookie', await cookie())).theme).toBe('dark');
    await expectAccessible();
    await shoot('profile-dark');

    await page.reload();
    await page.getByRole('heading', { name: 'My profile', level: 1 }).waitFor();
    expect(await page.evaluate(`document.documentElement.dataset.theme`)).toBe('dark');
    expect(await page.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);
  });

  it('My Profile: new recovery codes for one of the old, shown once; no turning two-factor off while the account requires it', async () => {
    const section = page.getByRole('region', { name: 'Two-factor authentication' });
    await section.getByText('Your account requires two-factor authentication: it cannot be turned off.').waitFor();
    expect(await section.getByRole('button', { name: 'Turn off' }).count()).toBe(0);
    await section.getByRole('button', { name: 'New recovery codes' }).click();
    expect(await focusedLabel()).toBe('Code');
    await section.getByLabel('Code').fill(recoveryCodes[0]!);
    await section.getByRole('button', { name: 'Make new recovery codes' }).click();
    const codes = section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    const renewedCodes = await codes.allInnerTexts();
    expect(renewedCodes).toHaveLength(recoveryCodes.length);
    expect(renewedCodes.filter((c) => recoveryCodes.includes(c))).toEqual([]);
    await section.getByRole('button', { name: 'I have saved them' }).click();
    await section.getByText(`Recovery codes left: ${renewedCodes.length}.`).waitFor();
    expect(await page.content()).not.toContain(renewedCodes[0]!);
  });

  it('fits a window 800 px wide on My Profile', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    await page.getByRole('heading', { name: 'My API keys' }).waitFor();
    const overflow = await page.evaluate<number>(`document.documentElement.scrollWidth - document.documentElement.clientWidth`);
    expect(overflow).toBe(0);
    await shoot('narrow-profile');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('returns to the sign-in page, saying so, when the session is ended elsewhere', async () => {
    await api('delete', `/users/${userId}/sessions`);
    await page.getByRole('link', { name: 'Product environments' }).click();
    await page.getByText('Your session has ended. Sign in again.').waitFor();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  });

  it('resets a forgotten password from the mailed link, and signs in with the new one', async () => {
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    expect(await focusedLabel()).toBe('Email');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText('If an account has this email, we sent a link to it.').waitFor();
    await expectAccessible();
    // The reset is answered before its mail is sent (the answer's timing must not tell whether the email has a user).
    const resetLink = new RegExp(`${url}/console/#/reset-password/\\S+`);
    for (let i = 0; i < 100 && !smtp.mails.some((m) => m.to.includes(email) && resetLink.test(m.text)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const mail = smtp.mails.filter((m) => m.to.includes(email) && resetLink.test(m.text)).at(-1)!;
    const link = resetLink.exec(mail.text)![0];

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    expect(await focusedLabel()).toBe('New password');
    await expectAccessible();
    await page.getByLabel('New password', { exact: true }).fill(renewed);
    await page.getByLabel('Repeat the new password').fill(renewed);
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.getByText('Your password is changed. Sign in with it.').waitFor();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(renewed);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByLabel('Code').fill(await code());
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('banner').getByText(name).waitFor();
  }, 60_000);

  let second: TestAccount;
  it('chooses the account, when the email and password open two', async () => {
    second = await server.newAccount('Second account');
    await call('post', `${second.base}/users`, second.auth, { name: 'Tess Elsewhere', email, role: 'billing' }).expect(200);
    const token = /#\/invitation\/(\S+)/.exec(smtp.mails.filter((m) => m.to.includes(email)).at(-1)!.text)![1];
    await server
      .http()
      .post('/v1_1/invitations/accept')
      .set('x-requested-with', 'XMLHttpRequest')
      .send({ token, password: renewed })
      .expect(200);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(renewed);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Choose an account' }).waitFor();
    const choices = page.getByRole('listitem').getByRole('button');
    expect((await choices.allInnerTexts()).map((t) => t.split(/\s/)[0]).sort()).toEqual(['People', 'Second']);
    expect(await focusedLabel()).toMatch(/^(People sign in|Second account)/);
    await expectAccessible();
    await choices.filter({ hasText: 'Second account' }).click();
    // That account asks for no second factor: the console opens, in it.
    const banner = page.getByRole('banner');
    await banner.getByText('Tess Elsewhere').waitFor();
    expect(await banner.innerText()).toContain(second.account_id);

    // Ending this session in My Profile signs out.
    await banner.getByRole('link', { name: 'My profile' }).click();
    await page.getByRole('button', { name: 'End this session (signs you out here)' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    expect(
      (
        await server
          .http()
          .get('/v1_1/session')
          .set('cookie', await cookie())
      ).status,
    ).toBe(401);
  });

  it('follows its session to the enrollment page when the account comes to require two-factor', async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(renewed);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('listitem').getByRole('button').filter({ hasText: 'Second account' }).click();
    await page.getByRole('banner').getByText('Tess Elsewhere').waitFor();

    await call('put', `${second.base}/security`, second.auth, { two_factor: 'required' }).expect(200);
    // The next call of the open console (no reload) is refused; the console asks the session where it stands.
    await page.evaluate(`location.hash = '#/profile'`);
    await page.getByRole('heading', { name: 'Set up two-factor authentication' }).waitFor();
    await page.getByRole('button', { name: 'Cancel and sign in again' }).click();
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  });

  it("signs in with SSO through the account's identity provider, the account's id filled in from the link", async () => {
    const sso = await server.newAccount('Single sign-on');
    const ssoCall = async (method: 'get' | 'put' | 'post', path: string, body?: Record<string, unknown>) =>
      ok(await call(method, `${sso.base}${path}`, sso.auth, body));
    const idp = await startSamlIdp();
    try {
      const person = uniqueEmail('sso');
      await ssoCall('post', '/users', { name: 'Sam Single', email: person, role: 'admin' });
      await ssoCall('put', '/security', { saml: idp.settings() });
      idp.trust((await server.http().get(`/v1_1/sso/${sso.account_id}/saml/metadata`).expect(200)).text);
      idp.signInAs(person);

      // The IdP's endpoint is https with a certificate of its own making: this browser is told to accept it.
      const context = await browser.newContext({ bypassCSP: true, ignoreHTTPSErrors: true });
      const tab = await context.newPage();
      tab.setDefaultTimeout(10_000);
      await tab.goto(`${url}/console/#/sign-in?account=${sso.account_id}`);
      await tab.getByRole('link', { name: 'Sign in with SSO' }).click();
      await tab.getByRole('heading', { name: 'Sign in with SSO' }).waitFor();
      expect(await tab.getByLabel('Account ID').inputValue()).toBe(sso.account_id);
      // An account without SSO is said so in the form, not on an error page of the API.
      await tab.getByLabel('Account ID').fill(account.account_id);
      await tab.getByRole('button', { name: 'Continue to single sign-on' }).click();
      await tab.getByRole('alert').getByText('SAML single sign-on is not enabled for this account').waitFor();
      expect(idp.requests).toHaveLength(0);
      await tab.getByLabel('Account ID').fill(sso.account_id);
      await tab.getByRole('button', { name: 'Continue to single sign-on' }).click();

      // Castellan's login redirect, the IdP's form posting itself to the ACS, and the console, signed in.
      await tab.getByRole('banner').getByText('Sam Single').waitFor();
      expect(idp.requests).toHaveLength(1);
      // Only the account's id is kept, for the next time.
      expect(await tab.evaluate(`({ ...localStorage })`)).toEqual({ 'castellan.console.sso-account': sso.account_id });
      await tab.getByRole('link', { name: 'My profile' }).click();
      await tab.getByRole('row').filter({ hasText: 'This session' }).getByText('Single sign-on').waitFor();
      await context.close();
    } finally {
      await idp.close();
    }
  });

  /** The browser's session cookie, as a Cookie header for the API. */
  async function cookie(): Promise<string> {
    const cookies = await page.context().cookies(`${url}/v1_1/`);
    return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  }
});
