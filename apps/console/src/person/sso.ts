/** The last account signed in to with SSO: its id only, which is no secret (it is in every URL of the account). */
const LAST_ACCOUNT = 'castellan.console.sso-account';

const samlPath = (accountId: string, route: 'login' | 'metadata'): string => `/v1_1/sso/${encodeURIComponent(accountId)}/saml/${route}`;

/** Where SSO starts for the account: Castellan answers with a redirect to the account's identity provider. */
export const ssoLoginPath = (accountId: string): string => samlPath(accountId, 'login');

/** The account's SAML metadata: a 404 says the account has no SSO (or is no account). */
export const ssoMetadataPath = (accountId: string): string => samlPath(accountId, 'metadata');

/** The account to offer: `?account=` of the link followed, else the last one used in this browser. */
export function ssoAccount(search: string, storage: Pick<Storage, 'getItem'> = localStorage): string {
  return new URLSearchParams(search).get('account')?.trim() || storage.getItem(LAST_ACCOUNT) || '';
}

export function rememberSsoAccount(accountId: string, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(LAST_ACCOUNT, accountId);
}
