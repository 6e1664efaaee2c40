/** Where the console lives; a SAML sign-in ends there. */
export const CONSOLE_HOME = '/console/';

const BASE = 'https://castellan.invalid';

/**
 * Where the browser goes after a SAML sign-in: the RelayState when it is a path of the console, else the console's home.
 * RelayState comes from whoever started the sign-in, an IdP portal or an attacker's link alike, so nothing else is
 * followed (no open redirect): the path is resolved as a browser would resolve it (`..`, `%2e%2e`, backslashes), and
 * only a result on this origin and under /console/ is kept.
 */
export function consoleLocation(relayState: string | undefined): string {
  if (!relayState?.startsWith(CONSOLE_HOME)) return CONSOLE_HOME;
  let url: URL;
  try {
    url = new URL(relayState, BASE);
  } catch {
    return CONSOLE_HOME;
  }
  if (url.origin !== BASE || !url.pathname.startsWith(CONSOLE_HOME)) return CONSOLE_HOME;
  return `${url.pathname}${url.search}${url.hash}`;
}
