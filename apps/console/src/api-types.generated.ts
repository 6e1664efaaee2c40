/**
 * The API's wire format, generated from its OpenAPI document (/docs-json) by test/console-api-types.e2e-spec.ts.
 * Do not edit: run `npm run console:types` to regenerate after changing a DTO or its OpenAPI annotations.
 */

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check that the server and its database answer
         * @description For load balancers and orchestrators: 200 `{status: "ok"}` while the database answers.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **503** The database is not answering
         */
        get: operations["HealthController_check"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/authorize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide whether the calling key may perform an action
         * @description For services that forward their callers' credentials: answers `{allowed, reason, key, environment, rule}` for `action` on the `resource` described, in the environment named by `cloud_name`. A refusal is a 200 with `allowed: false`, and counts as a denied use of the key.
         *
         *     **Needs** any valid key, and no permission.
         *
         *     **Errors**
         *
         *     - **400** A check breaks its rule: no action, an action not in the catalogue, or a resource attribute of the wrong type
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["DecisionController_authorize"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/authorize/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Decide several checks for the calling key at once
         * @description Answers `{results:[…]}`: one decision per check of `checks` (at most 100), in order, as `/v1_1/authorize` decides it.
         *
         *     **Needs** any valid key, and no permission.
         *
         *     **Errors**
         *
         *     - **400** A check breaks its rule: no action, an action not in the catalogue, or a resource attribute of the wrong type, or over 100 checks
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["DecisionController_authorizeBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/invitations/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept an invitation
         * @description Sets the password, uses the link up (it works once) and signs the person in: the session cookie is set as by POST /v1_1/sign-in, with `status` `signed_in`, or `enrollment_required` when the account requires two-factor authentication.
         *
         *     **Public**: no credentials needed; any sent are ignored. Signs in, or finishes a sign-in, so it needs the header `x-requested-with: XMLHttpRequest`, which no cross-site form can send.
         *
         *     **Errors**
         *
         *     - **400** token missing, or a link that is not valid: used, revoked, replaced by a newer one, expired, or of a user who is disabled or no longer pending (one message for all); or a password the policy refuses (too short or long, common, or holding the email or name)
         *     - **403** The account requires single sign-on, and the user is not a master admin
         *
         *       The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again
         */
        post: operations["InvitationController_accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/invitations/inspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Read an invitation
         * @description Who the invitation link is for and where, for the console to show before the person chooses a password. Changes nothing.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **400** token missing, or a link that is not valid: used, revoked, replaced by a newer one, expired, or of a user who is disabled or no longer pending (one message for all)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again
         */
        post: operations["InvitationController_inspect"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/keys/self": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Describe the calling key
         * @description Answers the api_key, name, kind, account and environment of the key that authenticated, and its effective rules.
         *
         *     **Needs** any valid key, and no permission.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["DecisionController_self"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/leaks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report leaked secrets
         * @description For anyone who finds a Castellan secret where it should not be. Every key whose current secret is reported is disabled; a replaced secret still in its grace period stops at once. `secrets` holds 1 to 100 secrets (a JSON array, or repeated or comma-joined form fields).
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **400** secrets missing, over 100 of them, or an entry that is not a well-formed secret (the message names it)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Over 60 reports a minute from one address; Retry-After says when to try again
         */
        post: operations["LeakController_report"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * My profile
         * @description Who I am in this account, my console preferences (defaults until I change them) and my two-factor state.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["ProfileController_get"];
        /**
         * Change my profile
         * @description Changes my name, the console language and theme, and which optional mails I get; fields left out stay as they are, and so do e-mail preferences left out of `email_preferences`. Security mails (invitations, password resets, verification codes) are sent whatever `security_notifications` says. My email address and role are changed by an admin. Answers my profile as it now is.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **400** No field to change, a name over 255 characters, a language that is no BCP 47 tag (`en`, `fr-CA`, `zh-Hant-TW`), an unknown theme, or an e-mail preference that is unknown or not true or false
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["ProfileController_update"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change my password
         * @description Checks the current password and sets the new one. Every other session of mine ends; this one stays.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **400** a field missing, the current password wrong (path `current_password`), or a password the policy refuses (too short or long, common, or holding the email address or name) (path `new_password`)
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many wrong passwords for this user, here or at sign-in: they count together; `Retry-After` says when to try again
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["PasswordController_change"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/recovery-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * New recovery codes
         * @description Proven by a current code of the app or a recovery code: a new set of ten, shown this once; the old set stops working.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **400** code missing or not shaped like a code, or the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in)
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** Two-factor authentication is not enabled
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["MyTwoFactorController_regenerate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List my sessions
         * @description The signed-in person's live sessions, this one marked `current`.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["SessionController_mine"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one of my sessions
         * @description Ends it at once, on every instance; ending the current one signs out.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No session of mine with this id
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["SessionController_endMine"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/two-factor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * My two-factor authentication
         * @description Whether I have it, since when, my recovery codes left, and the policy.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["MyTwoFactorController_status"];
        put?: never;
        /**
         * Begin enrolling two-factor authentication
         * @description A new TOTP secret for an authenticator app, as text and as a QR code; nothing changes for signing in until a code of it is confirmed. Starting again replaces a secret not confirmed yet.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** Two-factor authentication is already enabled: turn it off first
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["MyTwoFactorController_start"];
        /**
         * Turn two-factor authentication off
         * @description Proven by a current code of the app or a recovery code; the secret and the recovery codes are deleted.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **400** code missing or not shaped like a code, or the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in)
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The account requires two-factor authentication
         *
         *       The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** Two-factor authentication is not enabled
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["MyTwoFactorController_disable"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/two-factor/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Turn two-factor authentication on
         * @description A 6-digit code of the secret just enrolled turns it on: every later sign-in asks for a code. Answers the recovery codes, shown this once.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **400** code missing or not shaped like a code, the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in), or the enrollment was started again meanwhile
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** Two-factor authentication is already enabled, or no enrollment was started
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["MyTwoFactorController_confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/me/verification-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mail me a support verification code
         * @description Mails a 6-digit code, valid 10 minutes, to my own address, for me to read to a support agent who checks it; it replaces my earlier code. Answers `{message, expires_at}`, never the code.
         *
         *     **Needs** a person signed in to the console (a session cookie); API keys are refused.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller is an API key: only a person signed in to the console may call this route
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** More than 5 codes to me in 10 minutes, whoever asked for them; nothing is mailed. `Retry-After` says when to try again
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The mail server refused the code
         *
         *       The database is not answering
         */
        post: operations["ProfileController_sendVerificationCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/password-reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a password reset link
         * @description Mails a reset link to each enabled user with this email (in `account_id` only, when given). Answers `ok` whether or not there is one, so that nothing is learned of who has a user; a user is sent at most 5 links an hour, and further requests for them mail nothing, silently.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **400** email missing, or too long
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** More than 20 requests from this address in an hour; `Retry-After` says when to try again
         */
        post: operations["PasswordController_requestReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/password-reset/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set a new password from a reset link
         * @description Sets the password, uses the link up (it works once) and ends every session of the user. Signs nobody in.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **400** token missing, a link that is not valid (used, replaced, expired, or of a disabled user: one message for all), or a password the policy refuses (too short or long, common, or holding the email address or name)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again
         */
        post: operations["PasswordController_confirmReset"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/permissions/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the actions rules can name
         * @description Answers `{plugins:[…]}`: every permission plugin, its actions with their scope, and the attributes conditions may use.
         *
         *     **Needs** any valid key, and no permission.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["DecisionController_catalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the account
         * @description Answers the id and name of the account, its limits, and the endpoints a client needs: the Provisioning API, `/v1_1/authorize` and these docs.
         *
         *     **Needs** `provisioning:account.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccountController_get"];
        /**
         * Rename the account
         * @description Sets the name of the account, and answers the account.
         *
         *     **Needs** `provisioning:account.update`.
         *
         *     **Errors**
         *
         *     - **400** name missing, over 255 characters, or holding control characters
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["AccountController_rename"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/account_api_keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List account API keys
         * @description Answers `{account_api_keys:[…], total}`: one page of the keys, enabled or not, without secrets. `page_size` is 1–1000 (default 100), `page` counts from 1, `sort_by` is `api_key`, `created_at` (the default), `name` or `enabled`, and `sort_order` `desc` (the default) or `asc`.
         *
         *     **Needs** `provisioning:account_api_keys.read`.
         *
         *     **Errors**
         *
         *     - **400** A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account_api_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccountApiKeyController_list"];
        put?: never;
        /**
         * Generate an account API key
         * @description A new key that manages the account, holding at most what the calling key holds. This answer alone shows `api_secret` and `account_url` (a `CLOUDINARY_ACCOUNT_URL`).
         *
         *     **Needs** `provisioning:account_api_keys.create`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account_api_keys.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** Another key here has this name (names compare after Unicode normalization and case folding)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["AccountApiKeyController_generate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/account_api_keys/{api_key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update an account API key
         * @description Changes the fields given: `name`, `description`, `enabled`, `expires_at`, `allowed_ips`, `rate_limit_per_minute`. The last enabled key cannot be disabled.
         *
         *     **Needs** `provisioning:account_api_keys.update`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:account_api_keys.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No account API key with this api_key in this account
         *     - **409** Another key here has this name (names compare after Unicode normalization and case folding); or, on the calling key itself, allowed_ips that leave out the address of this request, which would lock the caller out; or disabling the last enabled account API key
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["AccountApiKeyController_update"];
        post?: never;
        /**
         * Delete an account API key (never allowed)
         * @description Account API keys are disabled, never deleted: update the key with `enabled: false` instead.
         *
         *     **Needs** `provisioning:account_api_keys.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account_api_keys.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **405** Always: account API keys can only be disabled
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["AccountApiKeyController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/account_api_keys/{api_key}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an account API key's permissions
         * @description Answers `{api_key, rules, roles, default}`: the key's own rules, the custom roles it holds, and whether its rules are its kind's default.
         *
         *     **Needs** `provisioning:account_api_keys.permissions.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account_api_keys.permissions.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No account API key with this api_key in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccountApiKeyController_getPermissions"];
        /**
         * Replace an account API key's permissions
         * @description Replaces the key's `rules` and the custom `roles` it holds, together, from the key's next request on.
         *
         *     **Needs** `provisioning:account_api_keys.permissions.update`.
         *
         *     **Errors**
         *
         *     - **400** A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:account_api_keys.permissions.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No account API key with this api_key in this account, or no custom role with an id in roles
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["AccountApiKeyController_putPermissions"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/account_api_keys/{api_key}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate an account API key
         * @description Gives the key a new secret; its api_key, name, policy and settings stay. The replaced secret works `grace_seconds` longer (default 0: it stops at once), never past the key's `expires_at`. This answer alone shows `api_secret` and `account_url`.
         *
         *     **Needs** `provisioning:account_api_keys.rotate`.
         *
         *     **Errors**
         *
         *     - **400** grace_seconds outside 0–604800
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:account_api_keys.rotate`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No account API key with this api_key in this account
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["AccountApiKeyController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/account_api_keys/{api_key}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an account API key's usage
         * @description Allowed and denied uses of the key per hour over the last 7 days, oldest first.
         *
         *     **Needs** `provisioning:account_api_keys.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:account_api_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No account API key with this api_key in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccountApiKeyUsageController_usageOf"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/audit_events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the account's audit log
         * @description Answers `{events:[…], next_cursor}`, newest first: every change, refused ones included, and every failed authentication. Filters: `from` and `to` (UTC dates or date-times), `actor` (an api_key), `action`, `target` (a record id). `page_size` is 1–200 (default 50); pass `next_cursor` as `cursor` for the next page. No body or secret is ever recorded.
         *
         *     **Needs** `provisioning:audit_events.read`.
         *
         *     **Errors**
         *
         *     - **400** A filter breaks its rule: a date that is not ISO-8601, from after to, an actor that is no api_key, a bad cursor
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:audit_events.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/permissions/simulate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Simulate a decision for a key of the account
         * @description What a real request with the key's secret would get for `action` on `resource`, from `ip` (the simulating request's own address by default), now, with a trace of each of the key's rules. Changes nothing and counts no use of the key. The caller must also be allowed to read the key's permissions (`…access_keys.permissions.read` for an environment key, and so on).
         *
         *     **Needs** `provisioning:permissions.simulate`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: no api_key or action, an action the catalogue does not hold, an ip that is no address
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The caller may not read the key's permissions, or does not reach the environment the check is in
         *
         *       The key may not perform `provisioning:permissions.simulate`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No key with this api_key in this account
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["SimulationController_simulate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/roles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List roles
         * @description Answers `{roles:[…]}`: the system roles first (`system: true`, known by their names), then the custom roles.
         *
         *     **Needs** `provisioning:roles.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:roles.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["RoleController_list"];
        put?: never;
        /**
         * Create a custom role
         * @description A named set of rules that users, groups and keys can hold. The caller must hold every action the rules allow.
         *
         *     **Needs** `provisioning:roles.create`.
         *
         *     **Errors**
         *
         *     - **400** A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or the name is missing or too long
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:roles.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** Another role of the account, or a system role, has this name
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["RoleController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/roles/{role_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a role
         * @description Answers a custom role by its id, or a system role by its name.
         *
         *     **Needs** `provisioning:roles.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:roles.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No custom role with this id, nor system role with this name, in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["RoleController_get"];
        /**
         * Update a custom role
         * @description Changes the fields given; new rules apply to every holder on its next request, so the caller must hold what each holder holds, before and after.
         *
         *     **Needs** `provisioning:roles.update`.
         *
         *     **Errors**
         *
         *     - **400** A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or the name is too long
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** System roles are read-only. The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:roles.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No custom role with this id, nor system role with this name, in this account
         *     - **409** Another role of the account, or a system role, has this name
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["RoleController_update"];
        post?: never;
        /**
         * Delete a custom role
         * @description Deletes a role that nobody holds.
         *
         *     **Needs** `provisioning:roles.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** System roles are read-only
         *
         *       The key may not perform `provisioning:roles.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No custom role with this id, nor system role with this name, in this account
         *     - **409** A user, group or key holds the role; the message names one
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["RoleController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/security": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the account's security settings
         * @description Answers the two-factor policy, SAML single sign-on (the certificate as its subject, issuer, validity and fingerprint, never the PEM), and the account's allowed_ips and key_max_lifetime_days.
         *
         *     **Needs** `provisioning:security.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:security.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["SecurityController_get"];
        /**
         * Update the account's security settings
         * @description Changes the fields given. Enabling SAML needs `idp_entity_id`, an https `sso_url` and `x509_certificate`; `sso_required` needs SAML enabled. `allowed_ips` apply to every key of the account; `key_max_lifetime_days` caps the lifetime of new keys.
         *
         *     **Needs** `provisioning:security.update`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: SAML enabled without its three fields, a broken or expired certificate, bad allowed_ips
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:security.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **409** allowed_ips that leave out the address of this request, which would lock the caller out
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["SecurityController_update"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List product environments
         * @description Answers `{sub_accounts:[…]}`, each environment with its enabled keys and no secret. The filters combine: `enabled`, `ids` and `cloud_names` (at most 100 each), `prefix` (of the name, in any case). Cloudinary SDK: `sub_accounts`.
         *
         *     **Needs** `provisioning:sub_accounts.read`. A key limited to some product environments may call it, and is answered about those only.
         *
         *     **Errors**
         *
         *     - **400** A filter breaks its rule: over 100 ids or cloud_names, or enabled not a boolean
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:sub_accounts.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["EnvironmentController_list"];
        put?: never;
        /**
         * Create a product environment
         * @description Only `name` is required. `cloud_name`, unique across accounts and kept lower-case, is generated when absent. `folder_mode` and `asset_record_location` cannot change later. `base_sub_account_id` copies the settings of another environment, never its keys. The environment comes with its first key, `Root`, whose secret this answer alone shows. Cloudinary SDK: `create_sub_account`.
         *
         *     **Needs** `provisioning:sub_accounts.create`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: name missing or over 255 characters, cloud_name with other than letters, digits, _ and -
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The account holds as many product environments as its limit allows, or the key may not read the base environment
         *
         *       The key may not perform `provisioning:sub_accounts.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No environment with the base_sub_account_id in this account
         *     - **409** The cloud_name is taken, in this account or another
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["EnvironmentController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a product environment
         * @description Answers the environment with its enabled keys, and no secret. Cloudinary SDK: `sub_account`.
         *
         *     **Needs** `provisioning:sub_accounts.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:sub_accounts.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["EnvironmentController_get"];
        /**
         * Update a product environment
         * @description Changes the fields given, and answers the environment. Cloudinary SDK: `update_sub_account`.
         *
         *     **Needs** `provisioning:sub_accounts.update`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: name missing or over 255 characters, cloud_name with other than letters, digits, _ and -, or folder_mode or asset_record_location changed
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:sub_accounts.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account
         *     - **409** The cloud_name is taken, in this account or another
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["EnvironmentController_update"];
        post?: never;
        /**
         * Delete a product environment
         * @description Deletes the environment and all its keys, which stop working at once. Cloudinary SDK: `delete_sub_account`.
         *
         *     **Needs** `provisioning:sub_accounts.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:sub_accounts.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["EnvironmentController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a product environment's access keys
         * @description Answers `{access_keys:[…], total}`: one page of the keys, enabled or not, without secrets. `page_size` is 1–1000 (default 100), `page` counts from 1, `sort_by` is `api_key`, `created_at` (the default), `name` or `enabled`, and `sort_order` `desc` (the default) or `asc`. Cloudinary SDK: `access_keys`.
         *
         *     **Needs** `provisioning:access_keys.read`.
         *
         *     **Errors**
         *
         *     - **400** A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:access_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccessKeyController_list"];
        put?: never;
        /**
         * Generate an access key
         * @description A new key for the environment, holding at most what the calling key holds there; without a name, it is called `key_<api_key>`. This answer alone shows `api_secret` and `api_environment_variable` (a `CLOUDINARY_URL`). Cloudinary SDK: `generate_access_key`.
         *
         *     **Needs** `provisioning:access_keys.create`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:access_keys.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account
         *     - **409** Another key here has this name (names compare after Unicode normalization and case folding)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["AccessKeyController_generate"];
        /**
         * Delete an access key by name
         * @description Deletes the key named `name`, given in the query string or the body (the SDK sends a form body). Cloudinary SDK: `delete_access_key_by_name`.
         *
         *     **Needs** `provisioning:access_keys.delete`.
         *
         *     **Errors**
         *
         *     - **400** name is missing, from both the query string and the body
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:access_keys.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this name in it
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["AccessKeyController_deleteByName"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys/{api_key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update an access key
         * @description Changes the fields given: `name`, `description`, `enabled`, `expires_at`, `allowed_ips`, `rate_limit_per_minute`. `dedicated_for` takes the purpose from the key of the environment that held it. Cloudinary SDK: `update_access_key`.
         *
         *     **Needs** `provisioning:access_keys.update`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:access_keys.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this api_key in it
         *     - **409** Another key here has this name (names compare after Unicode normalization and case folding); or, on the calling key itself, allowed_ips that leave out the address of this request, which would lock the caller out
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["AccessKeyController_update"];
        post?: never;
        /**
         * Delete an access key
         * @description Deletes the key, which stops working on the next request. Cloudinary SDK: `delete_access_key`.
         *
         *     **Needs** `provisioning:access_keys.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:access_keys.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this api_key in it
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["AccessKeyController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys/{api_key}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an access key's permissions
         * @description Answers `{api_key, rules, roles, default}`: the key's own rules, the custom roles it holds, and whether its rules are its kind's default.
         *
         *     **Needs** `provisioning:access_keys.permissions.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:access_keys.permissions.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this api_key in it
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccessKeyController_getPermissions"];
        /**
         * Replace an access key's permissions
         * @description Replaces the key's `rules` and the custom `roles` it holds, together, from the key's next request on.
         *
         *     **Needs** `provisioning:access_keys.permissions.update`.
         *
         *     **Errors**
         *
         *     - **400** A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:access_keys.permissions.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this api_key in it, or no custom role with an id in roles
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["AccessKeyController_putPermissions"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys/{api_key}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate an access key
         * @description Gives the key a new secret; its api_key, name, policy and settings stay. The replaced secret works `grace_seconds` longer (default 0: it stops at once), never past the key's `expires_at`. This answer alone shows `api_secret` and `api_environment_variable`.
         *
         *     **Needs** `provisioning:access_keys.rotate`.
         *
         *     **Errors**
         *
         *     - **400** grace_seconds outside 0–604800
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:access_keys.rotate`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this api_key in it
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["AccessKeyController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys/{api_key}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get an access key's usage
         * @description Allowed and denied uses of the key per hour over the last 7 days, oldest first.
         *
         *     **Needs** `provisioning:access_keys.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:access_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with this id in this account, or no key with this api_key in it
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["AccessKeyUsageController_usageOf"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/user_groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List user groups
         * @description Answers `{user_groups:[{id, name}]}`. `extended_details=true` adds the members and the timestamps. Cloudinary SDK: `user_groups`.
         *
         *     **Needs** `provisioning:user_groups.read`.
         *
         *     **Errors**
         *
         *     - **400** extended_details is not a boolean
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserGroupController_list"];
        put?: never;
        /**
         * Create a user group
         * @description Answers `{id, name}`. Cloudinary SDK: `create_user_group`.
         *
         *     **Needs** `provisioning:user_groups.create`.
         *
         *     **Errors**
         *
         *     - **400** name missing or over 255 characters
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["UserGroupController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user group
         * @description Answers `{id, name}`. `extended_details=true` adds the members and the timestamps. Cloudinary SDK: `user_group`.
         *
         *     **Needs** `provisioning:user_groups.read`.
         *
         *     **Errors**
         *
         *     - **400** extended_details is not a boolean
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserGroupController_get"];
        /**
         * Rename a user group
         * @description Cloudinary SDK: `update_user_group`, which sends a form body.
         *
         *     **Needs** `provisioning:user_groups.update`.
         *
         *     **Errors**
         *
         *     - **400** name missing or over 255 characters
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["UserGroupController_update"];
        post?: never;
        /**
         * Delete a user group
         * @description Its members lose what it granted. Answers `{ok: true}`, as Cloudinary's does. Cloudinary SDK: `delete_user_group`.
         *
         *     **Needs** `provisioning:user_groups.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_groups.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserGroupController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user group's permissions
         * @description Answers `{roles, rules}`: the custom roles and the rules the group grants each of its members.
         *
         *     **Needs** `provisioning:user_groups.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserGroupController_getPermissions"];
        /**
         * Replace a user group's permissions
         * @description Replaces the custom `roles` and the `rules` the group grants, which apply to every member on its next request.
         *
         *     **Needs** `provisioning:user_groups.update`.
         *
         *     **Errors**
         *
         *     - **400** A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or a system role in roles (system roles are for users)
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account, or no custom role with an id in roles
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["UserGroupController_putPermissions"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a user group's members
         * @description Answers `{users:[{id, name, email}]}`, in the order they were added. Cloudinary SDK: `user_group_users`.
         *
         *     **Needs** `provisioning:user_groups.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserGroupController_members"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a user to a user group
         * @description The user gets what the group grants, so the caller must hold that too. Cloudinary SDK: `add_user_to_group`.
         *
         *     **Needs** `provisioning:user_groups.update`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account, or no user with this id
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["UserGroupController_addMember"];
        /**
         * Remove a user from a user group
         * @description The user loses what the group granted. Cloudinary SDK: `remove_user_from_group`.
         *
         *     **Needs** `provisioning:user_groups.update`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user group with this id in this account, or no user with this id among its members
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserGroupController_removeMember"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List users
         * @description Answers `{users:[…], total}`. The filters combine: `ids` and `emails` (at most 100 each), `pending`, `prefix` (of the name or email), `sub_account_id`, and `last_login` with `from` and `to` (yyyy-mm-dd). `sort_by` is `name`, `role`, `status`, `activity` or `created_at` (the default); `page_size` is 1–1000. Cloudinary SDK: `users`.
         *
         *     **Needs** `provisioning:users.read`.
         *
         *     **Errors**
         *
         *     - **400** A filter breaks its rule: over 100 ids or emails, a date that is not yyyy-mm-dd, from after to, an unknown sort_by
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:users.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment with the sub_account_id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserController_list"];
        put?: never;
        /**
         * Create a user
         * @description `name` and `email` (unique in the account, in any case) are required. `role` defaults to `media_library_user`; the user reaches the environments of `sub_account_ids`, or all of them. The caller must hold everything the user will. The user is mailed an invitation to choose a password (unless created disabled); a mail that fails leaves the user created, and POST …/users/{user_id}/invitation sends another. Cloudinary SDK: `create_user`.
         *
         *     **Needs** `provisioning:users.create`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: name or email missing (on create) or too long, an unknown role, both sub_account_ids and all_sub_accounts given
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:users.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No product environment of sub_account_ids, or no role of custom_roles, in this account
         *     - **409** A user of the account has this email
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["UserController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user
         * @description Answers the user. Cloudinary SDK: `user`.
         *
         *     **Needs** `provisioning:users.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:users.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserController_get"];
        /**
         * Update a user
         * @description Changes the fields given; a new role or reach applies to the user's keys on their next request. The caller must hold everything the user holds, before and after. Cloudinary SDK: `update_user`.
         *
         *     **Needs** `provisioning:users.update`.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: name or email missing (on create) or too long, an unknown role, both sub_account_ids and all_sub_accounts given
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:users.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account, or no product environment or custom role it names
         *     - **409** Another user of the account has this email, or the change would demote or disable the account's last enabled master_admin, which an account must keep
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["UserController_update"];
        post?: never;
        /**
         * Delete a user
         * @description Deletes the user and its keys, which stop working on the next request. Cloudinary SDK: `delete_user`.
         *
         *     **Needs** `provisioning:users.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:users.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **409** The user is the account's last enabled master_admin, which an account must keep
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/api_keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a user's API keys
         * @description Answers `{api_keys:[…], total}`: one page of the keys, enabled or not, without secrets. `page_size` is 1–1000 (default 100), `page` counts from 1, `sort_by` is `api_key`, `created_at` (the default), `name` or `enabled`, and `sort_order` `desc` (the default) or `asc`.
         *
         *     **Needs** `provisioning:user_api_keys.read`, or `provisioning:own_api_keys.read` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **400** A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_api_keys.read` (`provisioning:own_api_keys.read` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserApiKeyController_list"];
        put?: never;
        /**
         * Generate a user API key
         * @description A new key that acts with exactly its user's privileges, never more. A key made by a narrowed key of the same user is narrowed alike; one for another user needs a caller that holds everything that user holds. This answer alone shows `api_secret` and `account_url`.
         *
         *     **Needs** `provisioning:user_api_keys.create`, or `provisioning:own_api_keys.create` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_api_keys.create` (`provisioning:own_api_keys.create` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **409** Another key here has this name (names compare after Unicode normalization and case folding)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["UserApiKeyController_generate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/api_keys/{api_key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update a user API key
         * @description Changes the fields given: `name`, `description`, `enabled`, `expires_at`, `allowed_ips`, `rate_limit_per_minute`.
         *
         *     **Needs** `provisioning:user_api_keys.update`, or `provisioning:own_api_keys.update` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **400** A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_api_keys.update` (`provisioning:own_api_keys.update` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account, or no key with this api_key of that user
         *     - **409** Another key here has this name (names compare after Unicode normalization and case folding); or, on the calling key itself, allowed_ips that leave out the address of this request, which would lock the caller out
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["UserApiKeyController_update"];
        post?: never;
        /**
         * Revoke a user API key
         * @description Deletes the key, which stops working on the next request.
         *
         *     **Needs** `provisioning:user_api_keys.delete`, or `provisioning:own_api_keys.delete` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_api_keys.delete` (`provisioning:own_api_keys.delete` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account, or no key with this api_key of that user
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserApiKeyController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/api_keys/{api_key}/permissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a user API key's permissions
         * @description Answers `{api_key, rules, roles, default}`: the key's own rules, the custom roles it holds, and whether its rules are its kind's default. A user key's rules only narrow its user's privileges, and `roles` is always empty.
         *
         *     **Needs** `provisioning:user_api_keys.read`, or `provisioning:own_api_keys.read` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_api_keys.read` (`provisioning:own_api_keys.read` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account, or no key with this api_key of that user
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserApiKeyController_getPermissions"];
        /**
         * Replace a user API key's permissions
         * @description Replaces the key's own `rules`, which narrow its user's privileges, from the key's next request on.
         *
         *     **Needs** `provisioning:user_api_keys.update`, or `provisioning:own_api_keys.update` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **400** A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or roles given: user keys take their roles from their user
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_api_keys.update` (`provisioning:own_api_keys.update` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account, or no key with this api_key of that user
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        put: operations["UserApiKeyController_putPermissions"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/api_keys/{api_key}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a user API key
         * @description Gives the key a new secret; its api_key, name, policy and settings stay. The replaced secret works `grace_seconds` longer (default 0: it stops at once), never past the key's `expires_at`. This answer alone shows `api_secret` and `account_url`.
         *
         *     **Needs** `provisioning:user_api_keys.rotate`, or `provisioning:own_api_keys.rotate` when `user_id` is the calling key's own user.
         *
         *     **Errors**
         *
         *     - **400** grace_seconds outside 0–604800
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:user_api_keys.rotate` (`provisioning:own_api_keys.rotate` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account, or no key with this api_key of that user
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["UserApiKeyController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/groups": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a user's groups
         * @description Answers `{groups:[{id, name}]}`: the groups the user is a member of.
         *
         *     **Needs** `provisioning:user_groups.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserGroupsOfUserController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/invitation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-send a user's invitation
         * @description Mails a new invitation link; the user's earlier link stops working.
         *
         *     **Needs** `provisioning:users.update`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:users.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **409** The user is not pending (they accepted an invitation or set a password), or is disabled
         *     - **429** Over 5 invitations to this user in 10 minutes; nothing is mailed, and `Retry-After` says when to try again
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The mail server refused the invitation
         *
         *       The database is not answering
         */
        post: operations["UserInvitationController_resend"];
        /**
         * Revoke a user's invitation
         * @description Its link stops working. The user stays, pending, until an invitation is re-sent. Answers `ok` when there was none too.
         *
         *     **Needs** `provisioning:users.update`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
         *
         *       The key may not perform `provisioning:users.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserInvitationController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a user's console sessions
         * @description Answers `{sessions:[…]}`, live sessions only.
         *
         *     **Needs** `provisioning:user_sessions.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:user_sessions.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserSessionController_list"];
        put?: never;
        post?: never;
        /**
         * End all of a user's console sessions
         * @description Their next request is refused (401) on every instance.
         *
         *     **Needs** `provisioning:user_sessions.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: the user holds more than the caller
         *
         *       The key may not perform `provisioning:user_sessions.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserSessionController_endAll"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/sessions/{session_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End one of a user's console sessions
         * @description **Needs** `provisioning:user_sessions.delete`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The grant invariant: the user holds more than the caller
         *
         *       The key may not perform `provisioning:user_sessions.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No such user, or no such session of theirs
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        delete: operations["UserSessionController_endOne"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/sub_accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List a user's product environments
         * @description Answers `{sub_accounts:[{id, name, description, cloud_name, enabled}]}`: those the user reaches, and the caller too.
         *
         *     **Needs** `provisioning:users.read`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:users.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        get: operations["UserController_environments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/verification_code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mail a support verification code to a user
         * @description Answers `{message, expires_at}`. Support staff then ask the user for the code and check it with the verify route.
         *
         *     **Needs** `provisioning:verification_codes.create`.
         *
         *     **Errors**
         *
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:verification_codes.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **429** More than 5 codes to this user, or 30 from this key, in 10 minutes; nothing is mailed
         *
         *       Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The mail server refused the code
         *
         *       The database is not answering
         */
        post: operations["VerificationCodeController_send"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/provisioning/accounts/{account_id}/verification_codes/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a user's support verification code
         * @description Answers `{valid}`. The user's latest code is the only one that counts, for 10 minutes.
         *
         *     **Needs** `provisioning:verification_codes.verify`.
         *
         *     **Errors**
         *
         *     - **400** user_id missing, or a code that is not 6 digits
         *     - **401** Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic`
         *     - **403** The key may not perform `provisioning:verification_codes.verify`: its rules do not allow it, or this goes beyond the product environments it is limited to
         *
         *       A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
         *     - **404** No user with this id in this account
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
         *     - **503** The database is not answering
         */
        post: operations["VerificationCodeController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The current session
         * @description Who the session cookie signs in, and how far the sign-in got (`stage`). For the console, which cannot read its cookie.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **401** No session cookie, or one that names no live session
         *     - **429** Too many failed sign-ins from this address or for this user; `Retry-After` says when to try again
         */
        get: operations["SessionController_current"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in as a person
         * @description Checks the email and password and sets the session cookie (`castellan_session`: HttpOnly, SameSite=Strict, Path=/v1_1, Secure over https). Depending on `status`, the session acts as the user at once or waits for a second factor or an enrollment. A wrong email or password is one and the same 401.
         *
         *     **Public**: no credentials needed; any sent are ignored. Signs in, or finishes a sign-in, so it needs the header `x-requested-with: XMLHttpRequest`, which no cross-site form can send.
         *
         *     **Errors**
         *
         *     - **400** email or password missing, or too long
         *     - **403** The account requires single sign-on, and the user is not a master admin (whose password is the break-glass path)
         *
         *       The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed sign-ins from this address or for this user; `Retry-After` says when to try again
         */
        post: operations["SessionController_signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sign-in/enrollment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Begin enrolling a second factor while signing in
         * @description For a session at stage `enrollment` (the account requires two-factor authentication and the user has none): a new TOTP secret for an authenticator app, as text and as a QR code. Starting again replaces a secret not confirmed yet.
         *
         *     **Public**: no credentials needed; any sent are ignored. Signs in, or finishes a sign-in, so it needs the header `x-requested-with: XMLHttpRequest`, which no cross-site form can send.
         *
         *     **Errors**
         *
         *     - **401** No session cookie, one that names no live session, or a session that is not at stage `enrollment` (GET /v1_1/session says where it is)
         *     - **403** The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
         *     - **409** The session is signed in already, or the user enrolled meanwhile: sign in again
         */
        post: operations["TwoFactorSignInController_startEnrollment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sign-in/enrollment/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Confirm the second factor and finish signing in
         * @description A 6-digit code of the secret the enrollment gave turns two-factor authentication on and completes the session. Answers the recovery codes, shown this once.
         *
         *     **Public**: no credentials needed; any sent are ignored. Signs in, or finishes a sign-in, so it needs the header `x-requested-with: XMLHttpRequest`, which no cross-site form can send.
         *
         *     **Errors**
         *
         *     - **400** code missing or not shaped like a code, the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in), or the enrollment was started again meanwhile
         *     - **401** No session cookie, one that names no live session, or a session that is not at stage `enrollment` (GET /v1_1/session says where it is)
         *     - **403** The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
         *     - **409** The session is signed in already, no enrollment was started, or the user enrolled meanwhile
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
         */
        post: operations["TwoFactorSignInController_confirmEnrollment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sign-in/second-factor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish signing in with a second factor
         * @description For a session at stage `second_factor` (sign-in answered `second_factor_required`): a 6-digit code of the authenticator app, or one of the recovery codes, completes it. Each code works once.
         *
         *     **Public**: no credentials needed; any sent are ignored. Signs in, or finishes a sign-in, so it needs the header `x-requested-with: XMLHttpRequest`, which no cross-site form can send.
         *
         *     **Errors**
         *
         *     - **400** code missing or not shaped like a code, or the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in)
         *     - **401** No session cookie, one that names no live session, or a session that is not at stage `second_factor` (GET /v1_1/session says where it is)
         *     - **403** The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
         *     - **409** The session is signed in already
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
         */
        post: operations["TwoFactorSignInController_secondFactor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out
         * @description Ends the session the cookie names, if it is live, and clears the cookie: signing out twice is no error.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         */
        post: operations["SessionController_signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sso/{account_id}/saml/acs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Finish a SAML sign-in (assertion consumer service)
         * @description Where the IdP's form posts the signed response (form-urlencoded `SAMLResponse`, `RelayState`). The response must be signed with the account's IdP certificate (the response or the assertion), be from its entity id, for this account (audience, destination, recipient), within its validity (a minute of clock skew), and not used before; its NameID in emailAddress format (else an `email` attribute) must be an enabled user of this account: nobody is created. The session is complete: the IdP is in charge of second factors. Sets the session cookie as POST /v1_1/sign-in does; needs no CSRF header, which no IdP form can send (the signed, single-use assertion is the proof).
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **400** SAMLResponse missing, not base64, over 256 KiB, or not a SAML response
         *     - **401** The response is not signed by the IdP certificate, is from another issuer, for another SP or address, expired or not yet valid, or used before
         *     - **403** The assertion names no email, or one that is no enabled user of this account
         *     - **404** SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist)
         *     - **413** The body is over 1 MiB
         *     - **415** The body is neither JSON nor form-urlencoded
         *     - **429** Too many refused sign-ins from this address; `Retry-After` says when to try again
         */
        post: operations["SamlController_acs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sso/{account_id}/saml/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Start a SAML sign-in
         * @description Sends the browser to the account's IdP with an AuthnRequest (HTTP-Redirect binding). The console links here.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **404** SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist)
         */
        get: operations["SamlController_login"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1_1/sso/{account_id}/saml/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * An account's SAML service provider metadata
         * @description The XML an IdP admin imports to trust Castellan for this account: the SP's entity id (this URL), its assertion consumer service (…/saml/acs, HTTP-POST) and the emailAddress NameID format it asks for.
         *
         *     **Public**: no credentials needed; any sent are ignored.
         *
         *     **Errors**
         *
         *     - **404** SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist)
         */
        get: operations["SamlController_metadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AcceptInvitationDto: {
            /**
             * Format: password
             * @description The password the user chooses: at least 12 characters, not a common one, not their email address or name
             */
            password: string;
            /**
             * @description The token of the invitation link (what follows `#/invitation/`)
             * @example q1Vb0u3GfZ0cR4x9wq0nYt8m6Lk2s7PdJ5hE1aB3cXo
             */
            token: string;
        };
        AccessKeyDto: {
            /** @description Account keys, with the secret only: CLOUDINARY_ACCOUNT_URL */
            account_url?: string;
            /** @description Where the key may be used from; null: anywhere the account allows */
            allowed_ips: string[] | null;
            /** @description Environment keys, with the secret only: CLOUDINARY_URL */
            api_environment_variable?: string;
            /** @example 814814814814814 */
            api_key: string;
            /** @description Only in the response that generated the key */
            api_secret?: string;
            /** @example 2026-11-22T08:00:16Z */
            created_at: string;
            /**
             * @example [
             *       "webhooks"
             *     ]
             */
            dedicated_for?: string[];
            description: string | null;
            enabled: boolean;
            /**
             * @description When the key stops working; null: never
             * @example 2027-01-01T00:00:00Z
             */
            expires_at: string | null;
            /** @description When the key last authenticated (recorded within seconds, off the request path) */
            last_used_at: string | null;
            /** @description The address it last authenticated from */
            last_used_ip: string | null;
            /** @example main_key */
            name: string;
            /** @description Until when the secret replaced by the last rotation still works; null: it does not */
            previous_secret_expires_at: string | null;
            /** @description Requests per minute; null: no limit of its own */
            rate_limit_per_minute: number | null;
            /** @description The key made together with its environment or account */
            root: boolean;
            /** @example 2026-11-22T08:00:16Z */
            updated_at: string;
        };
        AccessKeyListDto: {
            access_keys: components["schemas"]["AccessKeyDto"][];
            total: number;
        };
        AccountChoiceDto: {
            /** @example b7a2c0de-0000-4000-8000-000000000001 */
            id: string;
            /** @example Acme */
            name: string;
        };
        AccountDto: {
            /** @example 2026-11-22T08:00:16Z */
            created_at: string;
            endpoints: components["schemas"]["AccountEndpointsDto"];
            /** @example 16a8ff3b-736b-49a6-85c0-03b69d5a357b */
            id: string;
            limits: components["schemas"]["AccountLimitsDto"];
            name: string;
            /** @example 2026-11-22T08:00:16Z */
            updated_at: string;
        };
        AccountEndpointsDto: {
            /**
             * @description The decision API for internal services
             * @example http://127.0.0.1:3000/v1_1/authorize
             */
            authorize: string;
            /** @example http://127.0.0.1:3000/docs */
            docs: string;
            /** @example http://127.0.0.1:3000/v1_1/provisioning/accounts/16a8ff3b-736b-49a6-85c0-03b69d5a357b */
            provisioning_api: string;
        };
        AccountKeyListDto: {
            account_api_keys: components["schemas"]["AccessKeyDto"][];
            total: number;
        };
        AccountLimitsDto: {
            /** @description How many product environments the account may hold */
            product_environments: number;
        };
        AuditActorDto: {
            /**
             * @description The key that acted, or that a failed authentication presented
             * @example 814814814814814
             */
            api_key: string | null;
            /**
             * @description The key's kind, or `session` for a person signed in to the console (then api_key is null); null for an unknown key
             * @enum {string|null}
             */
            kind: "account" | "environment" | "user" | "session" | null;
            /** @description A user key's user, or the signed-in person's user */
            user_id: string | null;
        };
        AuditEventDto: {
            /**
             * @description The route's permission, or authentication for a refused login
             * @example provisioning:sub_accounts.create
             */
            action: string;
            actor: components["schemas"]["AuditActorDto"];
            /** @example 2026-11-22T08:00:16Z */
            created_at: string;
            /** @example 0193a1b2c3d4e5f60718293a4b5c6d7e */
            id: string;
            /** @example 203.0.113.7 */
            ip: string;
            /** @enum {string} */
            outcome: "success" | "failure";
            /**
             * @description Why a failure failed, where the status does not say it: for authentication one of MISSING_CREDENTIALS, MALFORMED_SECRET, UNKNOWN_KEY, WRONG_SECRET, KEY_DISABLED, KEY_EXPIRED, IP_NOT_ALLOWED, USER_UNAVAILABLE, WRONG_ACCOUNT, or THROTTLED for the failure that started a block; for leak_report LEAKED_SECRET or LEAKED_PREVIOUS_SECRET
             * @example KEY_EXPIRED
             */
            reason: string | null;
            /**
             * @description The HTTP status of the answer
             * @example 200
             */
            status: number;
            target: components["schemas"]["AuditTargetDto"] | null;
        };
        AuditEventListDto: {
            /** @description Newest first */
            events: components["schemas"]["AuditEventDto"][];
            /** @description Pass as cursor for the next page; null on the last page */
            next_cursor: string | null;
        };
        AuditTargetDto: {
            /** @example 2aab6ddd12c2221283d746e96a2e162f */
            id: string;
            /**
             * @example sub_account
             * @enum {string}
             */
            type: "sub_account" | "key" | "user" | "user_group" | "role";
        };
        BatchDecisionDto: {
            results: components["schemas"]["DecisionDto"][];
        };
        CatalogActionDto: {
            attributes: components["schemas"]["CatalogAttributeDto"][];
            description: string;
            /** @example upload:destroy */
            name: string;
            /**
             * @description environment: held only in the product environments the key or user reaches; account: on the account as a whole
             * @enum {string}
             */
            scope: "environment" | "account";
        };
        CatalogAttributeDto: {
            description: string;
            name: string;
            /** @enum {string} */
            type: "string" | "number" | "boolean" | "string[]";
        };
        CatalogDto: {
            /** @description Each kind of key, with the actions it can never hold */
            key_kinds: components["schemas"]["CatalogKeyKindDto"][];
            plugins: components["schemas"]["CatalogPluginDto"][];
        };
        CatalogKeyKindDto: {
            /**
             * @description Actions whose names start with one of these a key of this kind never holds: not even through `*`, and rules naming them are refused
             * @example [
             *       "provisioning:"
             *     ]
             */
            excluded_prefixes: string[];
            /** @enum {string} */
            kind: "environment" | "account" | "user";
        };
        CatalogPluginDto: {
            actions: components["schemas"]["CatalogActionDto"][];
            description: string;
            /** @example upload */
            name: string;
            title: string;
        };
        CertificateDetailsDto: {
            /** @example D4:B6:0D:A0:…:0D:AE */
            fingerprint_sha256: string;
            /** @example CN=idp.example.com */
            issuer: string;
            /** @example CN=idp.example.com */
            subject: string;
            /** @example 2026-01-01T00:00:00Z */
            valid_from: string;
            /** @example 2027-01-01T00:00:00Z */
            valid_to: string;
        };
        ChangePasswordDto: {
            /**
             * Format: password
             * @description The password the person signs in with now
             */
            current_password: string;
            /**
             * Format: password
             * @description The new password: at least 12 characters, not a common one, not the email address or name
             */
            new_password: string;
        };
        CreateEnvironmentDto: {
            /**
             * @description Where asset records are kept; default us; cannot change after creation
             * @enum {string}
             */
            asset_record_location?: "us" | "eu" | "ap";
            /** @description Copy usage limits, folder mode, custom attributes and record location from this environment */
            base_sub_account_id?: string;
            /**
             * @description Unique across all accounts, case-insensitive; generated when absent
             * @example product1
             */
            cloud_name?: string;
            /**
             * @example {
             *       "team": "mobile"
             *     }
             */
            custom_attributes?: {
                [key: string]: unknown;
            };
            description?: string;
            /** @description Default true */
            enabled?: boolean;
            /**
             * @description Default dynamic; cannot change after creation
             * @enum {string}
             */
            folder_mode?: "dynamic" | "fixed";
            /** @example Product1 Application */
            name: string;
            usage_limits?: components["schemas"]["UsageLimitsDto"];
        };
        CreateRoleDto: {
            description?: string;
            /**
             * @description Unique in the account, ignoring case; not the name of a system role
             * @example Uploaders
             */
            name: string;
            /** @description Validated like a key policy; the caller must hold every action the rules allow */
            rules: components["schemas"]["RuleDto"][];
        };
        CreateUserDto: {
            /** @description Every product environment, present and future (true); sub_account_ids must then be absent */
            all_sub_accounts?: boolean;
            /** @description Ids of the account's custom roles; [] for none */
            custom_roles?: string[];
            /**
             * @description Unique in the account, ignoring case
             * @example jenny_bar@example.com
             */
            email: string;
            /** @description Default true */
            enabled?: boolean;
            /** @example Jenny Bar */
            name: string;
            /**
             * @description Default media_library_user
             * @enum {string}
             */
            role?: "master_admin" | "admin" | "technical_admin" | "billing" | "reports" | "media_library_admin" | "media_library_user";
            /** @description Product environments the user reaches; all when absent; ignored for master_admin */
            sub_account_ids?: string[];
        };
        CurrentSessionDto: {
            account_id: string;
            /** @example ada@example.com */
            email: string;
            /**
             * @description When the session ends unless used again
             * @example 2026-12-08T08:40:00Z
             */
            expires_at: string;
            /** @enum {string} */
            method: "password" | "saml" | "break_glass";
            /** @example Ada Lovelace */
            name: string;
            /** @example admin */
            role: string;
            /**
             * @description How far the sign-in got; only `full` may use the API
             * @enum {string}
             */
            stage: "full" | "second_factor" | "enrollment";
            /** @description Whether the user has a second factor enrolled */
            two_factor_enabled: boolean;
            /**
             * @description The account's two-factor policy
             * @enum {string}
             */
            two_factor_policy: "optional" | "required";
            user_id: string;
        };
        DecisionDto: {
            allowed: boolean;
            environment: components["schemas"]["DecisionEnvironmentDto"] | null;
            key: components["schemas"]["DecisionKeyDto"];
            /**
             * @description KEY_DISABLED, KEY_EXPIRED, IP_NOT_ALLOWED and USER_UNAVAILABLE appear only in simulations: a real request is a 401
             * @enum {string}
             */
            reason: "ALLOWED" | "DENIED_BY_RULE" | "NO_MATCHING_RULE" | "ENVIRONMENT_DISABLED" | "WRONG_ENVIRONMENT" | "KEY_DISABLED" | "KEY_EXPIRED" | "IP_NOT_ALLOWED" | "USER_UNAVAILABLE";
            /** @description Index in the key's own rules of the rule that decided; null when no rule did, or a custom role or the user's privileges did */
            rule: number | null;
        };
        DecisionEnvironmentDto: {
            cloud_name: string;
            id: string;
        };
        DecisionKeyDto: {
            /**
             * @description The calling key; empty for a person's console session
             * @example 814814814814814
             */
            api_key: string;
            /** @enum {string} */
            kind: "account" | "environment" | "user";
            /** @description The key's name, or the signed-in person's email */
            name: string;
        };
        DeletedGroupDto: {
            /**
             * @description Cloudinary's answer to a group delete (unlike every other delete)
             * @example true
             */
            ok: boolean;
        };
        EmailPreferencesChangeDto: {
            /** @description Mails about new features and releases */
            product_updates?: boolean;
            /** @description Mails about sign-ins and changes to my security settings. Security mails (invitations, password resets, verification codes) are sent whatever this says: they are how a person gets in. */
            security_notifications?: boolean;
        };
        EmailPreferencesDto: {
            /** @description Mails about new features and releases */
            product_updates: boolean;
            /** @description Mails about sign-ins and changes to my security settings. Security mails (invitations, password resets, verification codes) are sent whatever this says: they are how a person gets in. */
            security_notifications: boolean;
        };
        EnvironmentDto: {
            /** @description Enabled access keys, oldest first */
            api_access_keys: components["schemas"]["EnvironmentKeyDto"][];
            /** @enum {string} */
            asset_record_location: "us" | "eu" | "ap";
            /** @example product1 */
            cloud_name: string;
            /** @example 2026-11-22T08:00:16Z */
            created_at: string;
            custom_attributes: {
                [key: string]: unknown;
            } | null;
            description: string | null;
            enabled: boolean;
            /** @enum {string} */
            folder_mode: "dynamic" | "fixed";
            /** @example abcde1fghij2klmno3pqrst4uvwxy5z0 */
            id: string;
            name: string;
            /** @example 2026-11-22T08:00:16Z */
            updated_at: string;
            usage_limits: components["schemas"]["UsageLimitsDto"] | null;
        };
        EnvironmentKeyDto: {
            /**
             * @description CLOUDINARY_URL; only with the secret
             * @example cloudinary://123456789012345:cstle_...@product1
             */
            api_environment_variable?: string;
            enabled: boolean;
            /** @example 123456789012345 */
            key: string;
            /** @description Only in the response that created the environment */
            secret?: string;
        };
        EnvironmentListDto: {
            sub_accounts: components["schemas"]["EnvironmentDto"][];
        };
        ErrorBodyDto: {
            error: components["schemas"]["ErrorDetailDto"];
        };
        ErrorDetailDto: {
            /**
             * @description The action a 403 of the grant invariant is about: one the caller does not hold, which the change would have given. Absent on other answers
             * @example admin:resources.delete
             */
            action?: string;
            /**
             * @description What went wrong, in words
             * @example rules[0].actions[1]: unknown action "video:*"
             */
            message: string;
            /**
             * @description Where in the request body the problem is, when a validation knows: object keys joined by dots, array indices in brackets (`rules[0].conditions.folder`, `saml.sso_url`). Absent when the problem is not in one place of the body
             * @example rules[0].actions[1]
             */
            path?: string;
        };
        GenerateKeyDto: {
            /**
             * @description Addresses and CIDR ranges the key may be used from; "any" or [] removes the list. The account's own list applies too
             * @example [
             *       "203.0.113.0/24",
             *       "2001:db8::/32"
             *     ]
             */
            allowed_ips?: string[];
            description?: string;
            /** @description Default true */
            enabled?: boolean;
            /**
             * Format: date-time
             * @description When the key stops working; "never" removes the expiry. Capped by the account's key_max_lifetime_days
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string;
            /** @description Unique among the keys it sits with; generated when absent */
            name?: string;
            /** @description Requests per minute the key may make (429 past it); 0 removes the limit */
            rate_limit_per_minute?: number;
        };
        GroupNameDto: {
            /** @example Designers */
            name: string;
        };
        GroupPermissionsDto: {
            /** @description Ids of the custom roles the group holds */
            roles: string[];
            rules: components["schemas"]["RuleDto"][];
        };
        GroupPermissionsInputDto: {
            /** @description Ids of custom roles of the account (system roles are for users); replaces the list; default none */
            roles?: string[];
            /** @description Rules every member holds besides the roles; replaces them */
            rules: components["schemas"]["RuleDto"][];
        };
        GroupUserDto: {
            /** @example jenny_bar@example.com */
            email: string;
            /** @example 7f08f1f1fc910bf1f25274aef11d27ab */
            id: string;
            /** @example jenny_bar */
            name: string;
        };
        GroupUsersDto: {
            /** @description Members, in the order they were added */
            users: components["schemas"]["GroupUserDto"][];
        };
        InvitationDto: {
            /**
             * @description The account the user is invited to
             * @example Acme
             */
            account_name: string;
            /**
             * @description The invited user: the email they will sign in with
             * @example ada@example.com
             */
            email: string;
            /**
             * @description When the link stops working
             * @example 2026-12-11T08:00:00Z
             */
            expires_at: string;
            /** @example Ada Lovelace */
            name: string;
            /** @description The account requires two-factor authentication: accepting leads to enrolling a second factor */
            two_factor_required: boolean;
        };
        InvitationSentDto: {
            /**
             * @description When the new link stops working
             * @example 2026-12-11T08:00:00Z
             */
            expires_at: string;
            /** @example ok */
            message: string;
        };
        InvitationTokenDto: {
            /**
             * @description The token of the invitation link (what follows `#/invitation/`)
             * @example q1Vb0u3GfZ0cR4x9wq0nYt8m6Lk2s7PdJ5hE1aB3cXo
             */
            token: string;
        };
        KeyNameDto: {
            /** @description The name of the key to delete (query string, form or JSON body) */
            name?: string;
        };
        KeySelfDto: {
            account_id: string;
            /**
             * @description The calling key; empty for a person's console session
             * @example 814814814814814
             */
            api_key: string;
            /** @description True while the key has its kind's default policy */
            default: boolean;
            environment: components["schemas"]["DecisionEnvironmentDto"] | null;
            /** @enum {string} */
            kind: "account" | "environment" | "user";
            /** @description The key's name, or the signed-in person's email */
            name: string;
            /** @description The effective policy */
            rules: components["schemas"]["RuleDto"][];
        };
        KeyUsageCountsDto: {
            /**
             * @description Requests the access guard let through, and allowed decisions of /v1_1/authorize and /authorize/batch
             * @example 1200
             */
            allowed: number;
            /**
             * @description Refusals of the key: 403s, its rate limit, authentications with its api_key refused for a wrong secret, a disabled or expired key, an address outside an allowlist, a disabled user or another account; and denied decisions
             * @example 3
             */
            denied: number;
        };
        KeyUsageDto: {
            /** @example 814814814814814 */
            api_key: string;
            /**
             * @description The first hour shown: 167 hours before the current one
             * @example 2026-11-26T19:00:00Z
             */
            from: string;
            /** @description 168 hours, oldest first, hours without use included with zeros */
            hours: components["schemas"]["KeyUsageHourDto"][];
            /**
             * @description The current hour
             * @example 2026-12-03T18:00:00Z
             */
            to: string;
            /** @description The sums over those hours */
            totals: components["schemas"]["KeyUsageCountsDto"];
        };
        KeyUsageHourDto: {
            /**
             * @description Requests the access guard let through, and allowed decisions of /v1_1/authorize and /authorize/batch
             * @example 1200
             */
            allowed: number;
            /**
             * @description Refusals of the key: 403s, its rate limit, authentications with its api_key refused for a wrong secret, a disabled or expired key, an address outside an allowlist, a disabled user or another account; and denied decisions
             * @example 3
             */
            denied: number;
            /**
             * @description The start of the hour, UTC
             * @example 2026-12-03T18:00:00Z
             */
            hour: string;
        };
        LeakReportDto: {
            /**
             * @description Secrets seen where they should not be: a JSON array, or repeated or comma-joined form fields
             * @example [
             *       "cstle_PUmSjS45lBtPejSS0EDVcFe2l2cz7m8T3uVMen"
             *     ]
             */
            secrets: string[];
        };
        OkMessageDto: {
            /** @example ok */
            message: string;
        };
        PasswordResetConfirmDto: {
            /**
             * Format: password
             * @description The new password: at least 12 characters, not a common one, not the email address or name
             */
            password: string;
            /**
             * @description The token of the reset link (what follows `#/reset-password/`)
             * @example q1Vb0u3GfZ0cR4x9wq0nYt8m6Lk2s7PdJ5hE1aB3cXo
             */
            token: string;
        };
        PasswordResetRequestDto: {
            /** @description Only the user of this account; without it, the users with this email in every account */
            account_id?: string;
            /**
             * @description The email address the user signs in with
             * @example ada@example.com
             */
            email: string;
        };
        PolicyDto: {
            /** @example 814814814814814 */
            api_key: string;
            /** @description True while the key has its kind's default policy (none was ever set) */
            default: boolean;
            /** @description Custom roles the key holds besides its own rules */
            roles: string[];
            rules: components["schemas"]["RuleDto"][];
        };
        PolicyInputDto: {
            /** @description Custom role ids the key also holds (not for user keys); a PUT replaces them */
            roles?: string[];
            rules: components["schemas"]["RuleDto"][];
        };
        ProfileDto: {
            /** @example b7a2c0de-0000-4000-8000-000000000001 */
            account_id: string;
            /** @example 2026-11-22T08:00:16Z */
            created_at: string;
            /**
             * @description Where my mails go; an admin changes it
             * @example ada@example.com
             */
            email: string;
            email_preferences: components["schemas"]["EmailPreferencesDto"];
            /**
             * @description My user id
             * @example abcde1fghij2klmno3pqrst4uvwxy5z0
             */
            id: string;
            /**
             * @description The console's language (BCP 47); `en` until I choose one
             * @example en
             */
            language: string;
            /**
             * @description My last sign-in
             * @example 2026-12-08T08:00:00Z
             */
            last_login: string | null;
            /** @example Ada Lovelace */
            name: string;
            /**
             * @description My role; an admin changes it
             * @example admin
             */
            role: string;
            /**
             * @description `system` until I choose one
             * @enum {string}
             */
            theme: "light" | "dark" | "system";
            /** @description Whether I have a second factor enrolled */
            two_factor_enabled: boolean;
            /**
             * @description The account's two-factor policy
             * @enum {string}
             */
            two_factor_policy: "optional" | "required";
        };
        RecoveryCodesDto: {
            /**
             * @description Ten one-time codes for signing in without the app. Shown this once (only their hashes are kept); a new set replaces this one
             * @example [
             *       "abcde-fgh23",
             *       "k4mnp-qrs56"
             *     ]
             */
            recovery_codes: string[];
        };
        RoleDto: {
            /**
             * @description Custom roles only
             * @example 2026-11-22T08:00:16Z
             */
            created_at?: string;
            description: string | null;
            /**
             * @description A system role is identified by its name
             * @example 0123456789abcdef0123456789abcdef
             */
            id: string;
            /** @example Uploaders */
            name: string;
            rules: components["schemas"]["RuleDto"][];
            /** @description True for the built-in roles, which are read-only */
            system: boolean;
            /**
             * @description Custom roles only
             * @example 2026-11-22T08:00:16Z
             */
            updated_at?: string;
        };
        RoleListDto: {
            /** @description System roles first, then custom roles, oldest first */
            roles: components["schemas"]["RoleDto"][];
        };
        RotateKeyDto: {
            /**
             * @description Seconds the replaced secret keeps working (never past the key's expires_at); 0: it stops at once
             * @default 0
             */
            grace_seconds: number;
        };
        RuleDto: {
            /**
             * @description `*`, `<plugin>:*` or `<plugin>:<action>`
             * @example [
             *       "upload:*",
             *       "admin:resources.read"
             *     ]
             */
            actions: string[];
            /**
             * @description MongoDB-style conditions over the attributes the actions declare
             * @example {
             *       "folder": {
             *         "$regex": "^public/"
             *       }
             *     }
             */
            conditions?: {
                [key: string]: unknown;
            };
            /** @enum {string} */
            effect: "allow" | "deny";
        };
        SamlResponseFormDto: {
            /**
             * @description Where to go afterwards: followed only when it is a path under /console/
             * @example /console/
             */
            RelayState?: string;
            /**
             * @description The signed SAML response, base64
             * @example PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wiIC4uLg==
             */
            SAMLResponse: string;
        };
        SamlSettingsDto: {
            /** @description The stored certificate, described; the PEM is never returned */
            certificate: components["schemas"]["CertificateDetailsDto"] | null;
            enabled: boolean;
            idp_entity_id: string | null;
            sso_url: string | null;
        };
        SamlSettingsInputDto: {
            /** @description Enabling needs idp_entity_id, sso_url and x509_certificate, given now or stored before */
            enabled?: boolean;
            /**
             * @description The identity provider's entity id
             * @example https://idp.example.com/metadata
             */
            idp_entity_id?: string;
            /**
             * @description The identity provider's single sign-on URL (https)
             * @example https://idp.example.com/sso
             */
            sso_url?: string;
            /**
             * @description The identity provider's signing certificate, PEM. Stored, never returned: reads show its details
             * @example -----BEGIN CERTIFICATE-----
             *     MIIC...
             *     -----END CERTIFICATE-----
             */
            x509_certificate?: string;
        };
        SecurityDto: {
            /** @description Where the account's keys may be used from; null: anywhere */
            allowed_ips: string[] | null;
            /** @description The longest lifetime of a new key, in days; null: no cap */
            key_max_lifetime_days: number | null;
            saml: components["schemas"]["SamlSettingsDto"];
            sso_required: boolean;
            /** @enum {string} */
            two_factor: "optional" | "required";
            /**
             * @description null until the settings are first changed
             * @example 2026-11-22T08:00:16Z
             */
            updated_at: string | null;
        };
        SessionDto: {
            /** @example 2026-12-08T08:00:00Z */
            created_at: string;
            /** @description True for the session making this request */
            current: boolean;
            /**
             * @description When it ends unless used again (the idle or the absolute lifetime, whichever comes first)
             * @example 2026-12-08T08:40:00Z
             */
            expires_at: string;
            /**
             * @description The session's id (not the cookie's token)
             * @example abcde1fghij2klmno3pqrst4uvwxy5z0
             */
            id: string;
            /**
             * @description The address it began from
             * @example 203.0.113.7
             */
            ip: string;
            /**
             * @description Its last request, to the minute
             * @example 2026-12-08T08:10:00Z
             */
            last_seen_at: string;
            /**
             * @description How it began: a password, SAML single sign-on, or a break-glass password while SSO is required
             * @enum {string}
             */
            method: "password" | "saml" | "break_glass";
            /**
             * @description The browser it began in, as it named itself
             * @example Mozilla/5.0 …
             */
            user_agent: string;
        };
        SessionListDto: {
            sessions: components["schemas"]["SessionDto"][];
        };
        SignInDto: {
            /** @description The account, when this email and password open several: without it, the answer lists them (status `choose_account`) */
            account_id?: string;
            /**
             * @description The email address of the user
             * @example ada@example.com
             */
            email: string;
            /**
             * Format: password
             * @description The password the user set when they accepted their invitation or reset it
             */
            password: string;
        };
        SignInResultDto: {
            /** @description The account signed in to; null for choose_account */
            account_id: string | null;
            /** @description Only for choose_account */
            accounts?: components["schemas"]["AccountChoiceDto"][];
            /**
             * @description `signed_in`: the cookie acts as the user. `second_factor_required`: send a code to POST /v1_1/sign-in/second-factor. `enrollment_required`: the account requires two-factor authentication and the user has none: enroll through POST /v1_1/sign-in/enrollment. `choose_account`: the email and password open several accounts; sign in again with one of `accounts` as account_id (no cookie is set)
             * @enum {string}
             */
            status: "signed_in" | "second_factor_required" | "enrollment_required" | "choose_account";
            /** @description The user signed in as; null for choose_account */
            user_id: string | null;
        };
        SimulationAssumptionsDto: {
            /**
             * @description When it is taken to be made (expiry is checked then)
             * @example 2026-11-22T08:00:16Z
             */
            at: string;
            /**
             * @description The address the request is taken to come from
             * @example 203.0.113.7
             */
            ip: string;
        };
        SimulationDto: {
            allowed: boolean;
            /** @description The facts of the request the simulation assumes */
            assumed: components["schemas"]["SimulationAssumptionsDto"];
            /**
             * @description Whose rule decided: the key's own (rule), a custom role it holds, or its user's privileges; null when no rule did
             * @enum {string|null}
             */
            decided_by: "key" | "role" | "user" | null;
            environment: components["schemas"]["DecisionEnvironmentDto"] | null;
            key: components["schemas"]["DecisionKeyDto"];
            /**
             * @description KEY_DISABLED, KEY_EXPIRED, IP_NOT_ALLOWED and USER_UNAVAILABLE appear only in simulations: a real request is a 401
             * @enum {string}
             */
            reason: "ALLOWED" | "DENIED_BY_RULE" | "NO_MATCHING_RULE" | "ENVIRONMENT_DISABLED" | "WRONG_ENVIRONMENT" | "KEY_DISABLED" | "KEY_EXPIRED" | "IP_NOT_ALLOWED" | "USER_UNAVAILABLE";
            /** @description Index in the key's own rules of the rule that decided; null when no rule did, or a custom role or the user's privileges did */
            rule: number | null;
            /** @description The key's own rules (its kind's default when it has none set) */
            rules: components["schemas"]["RuleDto"][];
            /** @description How each of the key's own rules bears on the check */
            trace: components["schemas"]["TraceEntryDto"][];
        };
        TraceEntryDto: {
            conditions_match: boolean | null;
            covers_action: boolean;
            decisive: boolean;
            /** @enum {string} */
            effect: "allow" | "deny";
            rule: number;
        };
        TwoFactorCodeDto: {
            /**
             * @description The 6-digit code the authenticator app shows, or a recovery code; spaces and dashes are ignored, and so is case
             * @example 123456
             */
            code: string;
        };
        TwoFactorEnrollmentDto: {
            /**
             * @description The key URI (SHA-1, 6 digits, 30 seconds), which the QR code holds
             * @example otpauth://totp/Castellan:ada%40example.com?issuer=Castellan&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30
             */
            otpauth_url: string;
            /**
             * @description The key URI as a QR code: a data: URL of an SVG image
             * @example data:image/svg+xml;base64,PHN2Zy…
             */
            qr_code: string;
            /**
             * @description The TOTP secret (base32), for typing into the app. Shown this once: confirm a code of it to turn two-factor on
             * @example JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
             */
            secret: string;
        };
        TwoFactorStatusDto: {
            /** @description Whether I have a second factor enrolled */
            enabled: boolean;
            /**
             * @description When I enrolled it
             * @example 2026-12-08T08:00:00Z
             */
            enabled_at: string | null;
            /**
             * @description The account's policy: while `required`, I may not turn it off
             * @enum {string}
             */
            policy: "optional" | "required";
            /**
             * @description My recovery codes not used yet (0 without a second factor)
             * @example 10
             */
            recovery_codes_left: number;
        };
        UpdateAccessKeyDto: {
            /**
             * @description Addresses and CIDR ranges the key may be used from; "any" or [] removes the list. The account's own list applies too
             * @example [
             *       "203.0.113.0/24",
             *       "2001:db8::/32"
             *     ]
             */
            allowed_ips?: string[];
            /**
             * @description Make this the environment's one key for this purpose, taking it from any other key
             * @enum {string}
             */
            dedicated_for?: "webhooks";
            description?: string;
            enabled?: boolean;
            /**
             * Format: date-time
             * @description When the key stops working; "never" removes the expiry. Capped by the account's key_max_lifetime_days
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string;
            name?: string;
            /** @description Requests per minute the key may make (429 past it); 0 removes the limit */
            rate_limit_per_minute?: number;
        };
        UpdateAccountDto: {
            /** @description The account name */
            name: string;
        };
        UpdateAccountKeyDto: {
            /**
             * @description Addresses and CIDR ranges the key may be used from; "any" or [] removes the list. The account's own list applies too
             * @example [
             *       "203.0.113.0/24",
             *       "2001:db8::/32"
             *     ]
             */
            allowed_ips?: string[];
            description?: string;
            enabled?: boolean;
            /**
             * Format: date-time
             * @description When the key stops working; "never" removes the expiry. Capped by the account's key_max_lifetime_days
             * @example 2027-01-01T00:00:00Z
             */
            expires_at?: string;
            name?: string;
            /** @description Requests per minute the key may make (429 past it); 0 removes the limit */
            rate_limit_per_minute?: number;
        };
        UpdateEnvironmentDto: {
            /**
             * @description Where asset records are kept; default us; cannot change after creation
             * @enum {string}
             */
            asset_record_location?: "us" | "eu" | "ap";
            /**
             * @description Unique across all accounts, case-insensitive; generated when absent
             * @example product1
             */
            cloud_name?: string;
            /**
             * @example {
             *       "team": "mobile"
             *     }
             */
            custom_attributes?: {
                [key: string]: unknown;
            };
            description?: string;
            /** @description Default true */
            enabled?: boolean;
            /**
             * @description Default dynamic; cannot change after creation
             * @enum {string}
             */
            folder_mode?: "dynamic" | "fixed";
            /** @example Product1 Application */
            name?: string;
            usage_limits?: components["schemas"]["UsageLimitsDto"];
        };
        UpdateProfileDto: {
            /** @description The preferences to change, by name; those left out stay as they are. Security mails (invitations, password resets, verification codes) are sent whatever this says: they are how a person gets in. */
            email_preferences?: components["schemas"]["EmailPreferencesChangeDto"];
            /**
             * @description The console's language, as a BCP 47 tag; the console shows English for a language it has no translation for
             * @example fr-CA
             */
            language?: string;
            /**
             * @description My name, as the account shows it to others
             * @example Ada Lovelace
             */
            name?: string;
            /**
             * @description The console's colours; `system` follows the browser's setting
             * @enum {string}
             */
            theme?: "light" | "dark" | "system";
        };
        UpdateRoleDto: {
            description?: string;
            /** @description Unique in the account, ignoring case */
            name?: string;
            /** @description Replaces the rules; the caller must hold every action they allow */
            rules?: components["schemas"]["RuleDto"][];
        };
        UpdateSecurityDto: {
            /**
             * @description Addresses and CIDR ranges every key of the account may be used from, on top of each key's own list; "any" or [] removes the list. Must include the address of the request that sets it (409 otherwise)
             * @example [
             *       "203.0.113.0/24",
             *       "2001:db8::/32"
             *     ]
             */
            allowed_ips?: string[];
            /** @description The longest lifetime of a new key, in days; 0 removes the cap */
            key_max_lifetime_days?: number;
            saml?: components["schemas"]["SamlSettingsInputDto"];
            /** @description Users must sign in through SAML; needs SAML enabled */
            sso_required?: boolean;
            /**
             * @description Whether users must use two-factor authentication
             * @enum {string}
             */
            two_factor?: "optional" | "required";
        };
        UpdateUserDto: {
            /** @description Every product environment, present and future (true); sub_account_ids must then be absent */
            all_sub_accounts?: boolean;
            /** @description Ids of the account's custom roles; [] for none */
            custom_roles?: string[];
            /**
             * @description Unique in the account, ignoring case
             * @example jenny_bar@example.com
             */
            email?: string;
            /** @description Default true */
            enabled?: boolean;
            /** @example Jenny Bar */
            name?: string;
            /**
             * @description Default media_library_user
             * @enum {string}
             */
            role?: "master_admin" | "admin" | "technical_admin" | "billing" | "reports" | "media_library_admin" | "media_library_user";
            /** @description Product environments the user reaches; all when absent; ignored for master_admin */
            sub_account_ids?: string[];
        };
        UsageLimitsDto: {
            /** @description Monthly bandwidth, in GB */
            bandwidth_gb?: number;
            /** @description Monthly credits */
            credits?: number;
            /** @description Storage, in GB */
            storage_gb?: number;
            /** @description Monthly transformations */
            transformations?: number;
        };
        UserDto: {
            /** @description Every environment of the account (always true for master_admin) */
            all_sub_accounts: boolean;
            /** @example 2026-11-22T08:00:16Z */
            created_at: string;
            /** @description Ids of the custom roles the user holds */
            custom_roles: string[];
            email: string;
            enabled: boolean;
            /** @example 7f08f1f1fc910bf1f25274aef11d27a1 */
            id: string;
            /** @example 2026-11-22T08:00:16Z */
            last_login: string | null;
            name: string;
            /** @description True until the user first signs in */
            pending: boolean;
            /** @enum {string} */
            role: "master_admin" | "admin" | "technical_admin" | "billing" | "reports" | "media_library_admin" | "media_library_user";
            /** @description The environments the user reaches; [] when all_sub_accounts */
            sub_account_ids: string[];
            /** @example 2026-11-22T08:00:16Z */
            updated_at: string;
        };
        UserEnvironmentDto: {
            cloud_name: string;
            description: string | null;
            enabled: boolean;
            id: string;
            name: string;
        };
        UserEnvironmentListDto: {
            sub_accounts: components["schemas"]["UserEnvironmentDto"][];
        };
        UserGroupDto: {
            /**
             * @description With extended_details=true
             * @example 2026-11-22T08:00:16Z
             */
            created_at?: string;
            /** @example 0123456789abcdef0123456789abcdef */
            id: string;
            /** @example Designers */
            name: string;
            /**
             * @description With extended_details=true
             * @example 2026-11-22T08:00:16Z
             */
            updated_at?: string;
            /** @description With extended_details=true */
            users?: components["schemas"]["GroupUserDto"][];
        };
        UserGroupListDto: {
            user_groups: components["schemas"]["UserGroupDto"][];
        };
        UserGroupRefDto: {
            id: string;
            name: string;
        };
        UserGroupsOfUserDto: {
            groups: components["schemas"]["UserGroupRefDto"][];
        };
        UserKeyListDto: {
            api_keys: components["schemas"]["AccessKeyDto"][];
            total: number;
        };
        UserListDto: {
            /** @description Users matching the filters, over all pages */
            total: number;
            users: components["schemas"]["UserDto"][];
        };
        VerificationCodeSentDto: {
            /**
             * @description When the code stops being accepted
             * @example 2026-11-22T08:10:16Z
             */
            expires_at: string;
            /** @example ok */
            message: string;
        };
        VerificationResultDto: {
            /** @description True once per code: a correct code is burnt by its verification */
            valid: boolean;
        };
        VerifyCodeDto: {
            /**
             * @description The code, as a string of 6 digits
             * @example 042917
             */
            code: string;
            /**
             * @description The user the code was sent to
             * @example abcde1fghij2klmno3pqrst4uvwxy5z0
             */
            user_id: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_check: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
        };
    };
    DecisionController_authorize: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description One action of the catalogue (no wildcards)
                     * @example upload:destroy
                     */
                    action: string;
                    /**
                     * @description The product environment the call is for
                     * @example product1
                     */
                    cloud_name?: string;
                    /**
                     * @description Attributes of the resource acted on
                     * @example {
                     *       "resource_type": "image",
                     *       "folder": "public/cats",
                     *       "tags": [
                     *         "cat"
                     *       ]
                     *     }
                     */
                    resource?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description Whether the calling key may perform the action */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DecisionDto"];
                };
            };
            /** @description A check breaks its rule: no action, an action not in the catalogue, or a resource attribute of the wrong type */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    DecisionController_authorizeBatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    checks: {
                        /**
                         * @description One action of the catalogue (no wildcards)
                         * @example upload:destroy
                         */
                        action: string;
                        /**
                         * @description The product environment the call is for
                         * @example product1
                         */
                        cloud_name?: string;
                        /**
                         * @description Attributes of the resource acted on
                         * @example {
                         *       "resource_type": "image",
                         *       "folder": "public/cats",
                         *       "tags": [
                         *         "cat"
                         *       ]
                         *     }
                         */
                        resource?: {
                            [key: string]: unknown;
                        };
                    }[];
                };
            };
        };
        responses: {
            /** @description One decision per check, in order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchDecisionDto"];
                };
            };
            /** @description A check breaks its rule: no action, an action not in the catalogue, or a resource attribute of the wrong type, or over 100 checks */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    InvitationController_accept: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AcceptInvitationDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResultDto"];
                };
            };
            /** @description token missing, or a link that is not valid: used, revoked, replaced by a newer one, expired, or of a user who is disabled or no longer pending (one message for all); or a password the policy refuses (too short or long, common, or holding the email or name) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The account requires single sign-on, and the user is not a master admin
             *
             *     The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    InvitationController_inspect: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InvitationTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationDto"];
                };
            };
            /** @description token missing, or a link that is not valid: used, revoked, replaced by a newer one, expired, or of a user who is disabled or no longer pending (one message for all) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    DecisionController_self: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The calling key's metadata and effective rules */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeySelfDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    LeakController_report: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LeakReportDto"];
            };
        };
        responses: {
            /** @description The same answer whether or not a secret matched a key: keys whose secret was reported are disabled shortly after */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description secrets missing, over 100 of them, or an entry that is not a well-formed secret (the message names it) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Over 60 reports a minute from one address; Retry-After says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ProfileController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ProfileController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProfileDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileDto"];
                };
            };
            /** @description No field to change, a name over 255 characters, a language that is no BCP 47 tag (`en`, `fr-CA`, `zh-Hant-TW`), an unknown theme, or an e-mail preference that is unknown or not true or false */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    PasswordController_change: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description a field missing, the current password wrong (path `current_password`), or a password the policy refuses (too short or long, common, or holding the email address or name) (path `new_password`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description Too many wrong passwords for this user, here or at sign-in: they count together; `Retry-After` says when to try again
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MyTwoFactorController_regenerate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TwoFactorCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesDto"];
                };
            };
            /** @description code missing or not shaped like a code, or the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Two-factor authentication is not enabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SessionController_mine: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionListDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SessionController_endMine: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                session_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session of mine with this id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MyTwoFactorController_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TwoFactorStatusDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MyTwoFactorController_start: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TwoFactorEnrollmentDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Two-factor authentication is already enabled: turn it off first */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MyTwoFactorController_disable: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TwoFactorCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description code missing or not shaped like a code, or the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The account requires two-factor authentication
             *
             *     The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Two-factor authentication is not enabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    MyTwoFactorController_confirm: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TwoFactorCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesDto"];
                };
            };
            /** @description code missing or not shaped like a code, the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in), or the enrollment was started again meanwhile */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Two-factor authentication is already enabled, or no enrollment was started */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ProfileController_sendVerificationCode: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerificationCodeSentDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller is an API key: only a person signed in to the console may call this route
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description More than 5 codes to me in 10 minutes, whoever asked for them; nothing is mailed. `Retry-After` says when to try again
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The mail server refused the code
             *
             *     The database is not answering
             */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    PasswordController_requestReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetRequestDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description email missing, or too long */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description More than 20 requests from this address in an hour; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    PasswordController_confirmReset: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordResetConfirmDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description token missing, a link that is not valid (used, replaced, expired, or of a disabled user: one message for all), or a password the policy refuses (too short or long, common, or holding the email address or name) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many links that were not valid, or failed sign-ins, from this address; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    DecisionController_catalog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every plugin with its actions and the attributes their conditions may use */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CatalogDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account, its limits and the endpoints a caller needs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountController_rename: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAccountDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountDto"];
                };
            };
            /** @description name missing, over 255 characters, or holding control characters */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_list: {
        parameters: {
            query?: {
                page?: number;
                page_size?: number;
                /** @description Default created_at */
                sort_by?: "api_key" | "created_at" | "name" | "enabled";
                /** @description Default desc */
                sort_order?: "asc" | "desc";
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccountKeyListDto"];
                };
            };
            /** @description A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account_api_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_generate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerateKeyDto"];
            };
        };
        responses: {
            /** @description The new key; api_secret and account_url are shown in this response only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account_api_keys.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another key here has this name (names compare after Unicode normalization and case folding) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAccountKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:account_api_keys.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No account API key with this api_key in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another key here has this name (names compare after Unicode normalization and case folding); or, on the calling key itself, allowed_ips that leave out the address of this request, which would lock the caller out; or disabling the last enabled account API key */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account_api_keys.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Always: account API keys can only be disabled */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_getPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account_api_keys.permissions.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No account API key with this api_key in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_putPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PolicyInputDto"];
            };
        };
        responses: {
            /** @description The stored policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyDto"];
                };
            };
            /** @description A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:account_api_keys.permissions.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No account API key with this api_key in this account, or no custom role with an id in roles */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateKeyDto"];
            };
        };
        responses: {
            /** @description The key with its new secret; api_secret and account_url are shown in this response only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description grace_seconds outside 0–604800 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:account_api_keys.rotate`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No account API key with this api_key in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccountApiKeyUsageController_usageOf: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed and denied uses of the key per hour over the last 7 days, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyUsageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:account_api_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No account API key with this api_key in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                /** @description Exact action, e.g. provisioning:sub_accounts.create, or authentication */
                action?: string;
                /** @description The api_key that acted */
                actor?: string;
                /** @description next_cursor of the previous page */
                cursor?: string;
                /** @description Events at or after this instant */
                from?: string;
                page_size?: number;
                /** @description The id of the record changed */
                target?: string;
                /** @description Events up to this instant, inclusive at the precision given: a date includes its whole day, a time without fractions its whole second */
                to?: string;
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Changes, refused changes and failed authentications of this account, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventListDto"];
                };
            };
            /** @description A filter breaks its rule: a date that is not ISO-8601, from after to, an actor that is no api_key, a bad cursor */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:audit_events.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SimulationController_simulate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description One action of the catalogue (no wildcards)
                     * @example upload:destroy
                     */
                    action: string;
                    /** @description Any key of the account; its secret is not needed */
                    api_key: string;
                    /**
                     * @description The product environment the call is for
                     * @example product1
                     */
                    cloud_name?: string;
                    /**
                     * @description The address the request would come from, for the key's and the account's allowlists; the simulating request's own when absent
                     * @example 203.0.113.7
                     */
                    ip?: string;
                    /**
                     * @description Attributes of the resource acted on
                     * @example {
                     *       "resource_type": "image",
                     *       "folder": "public/cats",
                     *       "tags": [
                     *         "cat"
                     *       ]
                     *     }
                     */
                    resource?: {
                        [key: string]: unknown;
                    };
                };
            };
        };
        responses: {
            /** @description The decision for a key of the account whose permissions the caller may read, with a trace of every rule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimulationDto"];
                };
            };
            /** @description A field breaks its rule: no api_key or action, an action the catalogue does not hold, an ip that is no address */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The caller may not read the key's permissions, or does not reach the environment the check is in
             *
             *     The key may not perform `provisioning:permissions.simulate`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No key with this api_key in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    RoleController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleListDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:roles.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    RoleController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateRoleDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleDto"];
                };
            };
            /** @description A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or the name is missing or too long */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:roles.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another role of the account, or a system role, has this name */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    RoleController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                role_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A custom role by id, or a system role by name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:roles.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No custom role with this id, nor system role with this name, in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    RoleController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                role_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateRoleDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoleDto"];
                };
            };
            /** @description A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or the name is too long */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description System roles are read-only. The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:roles.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No custom role with this id, nor system role with this name, in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another role of the account, or a system role, has this name */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    RoleController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                role_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description System roles are read-only
             *
             *     The key may not perform `provisioning:roles.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No custom role with this id, nor system role with this name, in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A user, group or key holds the role; the message names one */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SecurityController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Two-factor policy and SAML single sign-on; defaults until first changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecurityDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:security.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SecurityController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateSecurityDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SecurityDto"];
                };
            };
            /** @description A field breaks its rule: SAML enabled without its three fields, a broken or expired certificate, bad allowed_ips */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:security.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description allowed_ips that leave out the address of this request, which would lock the caller out */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    EnvironmentController_list: {
        parameters: {
            query?: {
                /** @description Cloud names, at most 100 */
                cloud_names?: string[];
                /** @description Only enabled (true) or disabled (false) environments */
                enabled?: boolean;
                /** @description Environment ids (ids=a&ids=b, ids[]=a or ids=a,b), at most 100 */
                ids?: string[];
                /** @description Case-insensitive prefix of the name */
                prefix?: string;
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product environments the caller reaches */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentListDto"];
                };
            };
            /** @description A filter breaks its rule: over 100 ids or cloud_names, or enabled not a boolean */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:sub_accounts.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    EnvironmentController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateEnvironmentDto"];
            };
        };
        responses: {
            /** @description The new environment; api_access_keys holds its first key with the secret, shown this once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentDto"];
                };
            };
            /** @description A field breaks its rule: name missing or over 255 characters, cloud_name with other than letters, digits, _ and - */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The account holds as many product environments as its limit allows, or the key may not read the base environment
             *
             *     The key may not perform `provisioning:sub_accounts.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No environment with the base_sub_account_id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The cloud_name is taken, in this account or another */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    EnvironmentController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:sub_accounts.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    EnvironmentController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateEnvironmentDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnvironmentDto"];
                };
            };
            /** @description A field breaks its rule: name missing or over 255 characters, cloud_name with other than letters, digits, _ and -, or folder_mode or asset_record_location changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:sub_accounts.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The cloud_name is taken, in this account or another */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    EnvironmentController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:sub_accounts.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_list: {
        parameters: {
            query?: {
                page?: number;
                page_size?: number;
                /** @description Default created_at */
                sort_by?: "api_key" | "created_at" | "name" | "enabled";
                /** @description Default desc */
                sort_order?: "asc" | "desc";
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyListDto"];
                };
            };
            /** @description A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:access_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_generate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerateKeyDto"];
            };
        };
        responses: {
            /** @description The new key; api_secret is shown in this response only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:access_keys.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another key here has this name (names compare after Unicode normalization and case folding) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_deleteByName: {
        parameters: {
            query?: {
                /** @description The name of the key to delete (query string, form or JSON body) */
                name?: string;
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KeyNameDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description name is missing, from both the query string and the body */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:access_keys.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this name in it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAccessKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:access_keys.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this api_key in it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another key here has this name (names compare after Unicode normalization and case folding); or, on the calling key itself, allowed_ips that leave out the address of this request, which would lock the caller out */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:access_keys.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this api_key in it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_getPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:access_keys.permissions.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this api_key in it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_putPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PolicyInputDto"];
            };
        };
        responses: {
            /** @description The stored policy */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyDto"];
                };
            };
            /** @description A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:access_keys.permissions.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this api_key in it, or no custom role with an id in roles */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateKeyDto"];
            };
        };
        responses: {
            /** @description The key with its new secret, shown in this response only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description grace_seconds outside 0–604800 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:access_keys.rotate`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this api_key in it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AccessKeyUsageController_usageOf: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                sub_account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Allowed and denied uses of the key per hour over the last 7 days, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyUsageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:access_keys.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with this id in this account, or no key with this api_key in it */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_list: {
        parameters: {
            query?: {
                /** @description Add the members and the timestamps */
                extended_details?: boolean;
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserGroupListDto"];
                };
            };
            /** @description extended_details is not a boolean */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GroupNameDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserGroupDto"];
                };
            };
            /** @description name missing or over 255 characters */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_get: {
        parameters: {
            query?: {
                /** @description Add the members and the timestamps */
                extended_details?: boolean;
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserGroupDto"];
                };
            };
            /** @description extended_details is not a boolean */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GroupNameDto"];
            };
        };
        responses: {
            /** @description The official SDK sends a form body */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserGroupDto"];
                };
            };
            /** @description name missing or over 255 characters */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletedGroupDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_groups.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_getPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupPermissionsDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_putPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GroupPermissionsInputDto"];
            };
        };
        responses: {
            /** @description What the group now grants its members */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupPermissionsDto"];
                };
            };
            /** @description A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or a system role in roles (system roles are for users) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account, or no custom role with an id in roles */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_members: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupUsersDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_addMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every member; adding a member twice changes nothing */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupUsersDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account, or no user with this id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupController_removeMember: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                group_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The remaining members */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GroupUsersDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_groups.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user group with this id in this account, or no user with this id among its members */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserController_list: {
        parameters: {
            query?: {
                /** @description Email addresses, matched ignoring case, at most 100 */
                emails?: string[];
                /** @description First day (UTC, inclusive) */
                from?: string;
                /** @description User ids (ids=a&ids=b, ids[]=a or ids=a,b), at most 100 */
                ids?: string[];
                /** @description Users who logged in (true) or did not log in (false) between from and to; from and to apply only with it */
                last_login?: boolean;
                page?: number;
                page_size?: number;
                /** @description Only pending (true) or only active (false) users */
                pending?: boolean;
                /** @description Case-insensitive prefix of the name or the email address */
                prefix?: string;
                /** @description Default created_at; status orders active, pending, disabled; activity is the last login */
                sort_by?: "name" | "role" | "status" | "activity" | "created_at";
                /** @description Default asc */
                sort_order?: "asc" | "desc";
                /** @description Only users who reach this product environment (master admins and users of all environments included) */
                sub_account_id?: string;
                /** @description Last day (UTC, inclusive) */
                to?: string;
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserListDto"];
                };
            };
            /** @description A filter breaks its rule: over 100 ids or emails, a date that is not yyyy-mm-dd, from after to, an unknown sort_by */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:users.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment with the sub_account_id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateUserDto"];
            };
        };
        responses: {
            /** @description The new user, pending until they accept their invitation or first sign in */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDto"];
                };
            };
            /** @description A field breaks its rule: name or email missing (on create) or too long, an unknown role, both sub_account_ids and all_sub_accounts given */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:users.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No product environment of sub_account_ids, or no role of custom_roles, in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description A user of the account has this email */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:users.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateUserDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserDto"];
                };
            };
            /** @description A field breaks its rule: name or email missing (on create) or too long, an unknown role, both sub_account_ids and all_sub_accounts given */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:users.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account, or no product environment or custom role it names */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another user of the account has this email, or the change would demote or disable the account's last enabled master_admin, which an account must keep */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:users.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The user is the account's last enabled master_admin, which an account must keep */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_list: {
        parameters: {
            query?: {
                page?: number;
                page_size?: number;
                /** @description Default created_at */
                sort_by?: "api_key" | "created_at" | "name" | "enabled";
                /** @description Default desc */
                sort_order?: "asc" | "desc";
            };
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserKeyListDto"];
                };
            };
            /** @description A query parameter breaks its rule: page_size outside 1–1000, page below 1, or an unknown sort_by or sort_order */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_api_keys.read` (`provisioning:own_api_keys.read` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_generate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GenerateKeyDto"];
            };
        };
        responses: {
            /** @description The new key; api_secret and account_url are shown in this response only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_api_keys.create` (`provisioning:own_api_keys.create` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another key here has this name (names compare after Unicode normalization and case folding) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAccountKeyDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description A field breaks its rule: expires_at not in the future or past the account's key_max_lifetime_days, an allowed_ips entry that is no address or CIDR range, rate_limit_per_minute out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_api_keys.update` (`provisioning:own_api_keys.update` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account, or no key with this api_key of that user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Another key here has this name (names compare after Unicode normalization and case folding); or, on the calling key itself, allowed_ips that leave out the address of this request, which would lock the caller out */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked: the key stops working on the next request */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_api_keys.delete` (`provisioning:own_api_keys.delete` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account, or no key with this api_key of that user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_getPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key's own rules, which only narrow its user's privileges */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_api_keys.read` (`provisioning:own_api_keys.read` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account, or no key with this api_key of that user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_putPermissions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PolicyInputDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyDto"];
                };
            };
            /** @description A rule breaks the policy format: an unknown action, a malformed condition or an unsafe regular expression; or roles given: user keys take their roles from their user */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_api_keys.update` (`provisioning:own_api_keys.update` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account, or no key with this api_key of that user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserApiKeyController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                api_key: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateKeyDto"];
            };
        };
        responses: {
            /** @description The key with its new secret; api_secret and account_url are shown in this response only */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessKeyDto"];
                };
            };
            /** @description grace_seconds outside 0–604800 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:user_api_keys.rotate` (`provisioning:own_api_keys.rotate` on its own user): its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account, or no key with this api_key of that user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserGroupsOfUserController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserGroupsOfUserDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_groups.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserInvitationController_resend: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationSentDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:users.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The user is not pending (they accepted an invitation or set a password), or is disabled */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description Over 5 invitations to this user in 10 minutes; nothing is mailed, and `Retry-After` says when to try again
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The mail server refused the invitation
             *
             *     The database is not answering
             */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserInvitationController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: no key may leave a user or key holding what it does not hold itself, nor change one that holds more
             *
             *     The key may not perform `provisioning:users.update`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserSessionController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionListDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:user_sessions.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserSessionController_endAll: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: the user holds more than the caller
             *
             *     The key may not perform `provisioning:user_sessions.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserSessionController_endOne: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                session_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The grant invariant: the user holds more than the caller
             *
             *     The key may not perform `provisioning:user_sessions.delete`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No such user, or no such session of theirs */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UserController_environments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product environments the user reaches, among those the caller reaches */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserEnvironmentListDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:users.read`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    VerificationCodeController_send: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A 6-digit code, valid 10 minutes, mailed to the user; it replaces the user's earlier code */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerificationCodeSentDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:verification_codes.create`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description More than 5 codes to this user, or 30 from this key, in 10 minutes; nothing is mailed
             *
             *     Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again
             */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The mail server refused the code
             *
             *     The database is not answering
             */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    VerificationCodeController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The account's id (`account_id` in the first start's banner) */
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyCodeDto"];
            };
        };
        responses: {
            /** @description A correct code is burnt; five wrong tries burn it too */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerificationResultDto"];
                };
            };
            /** @description user_id missing, or a code that is not 6 digits */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Missing or wrong credentials (a Basic key, or a session cookie that ended), a disabled or expired key or user, an address outside an IP allowlist, or a key of another account. The answer carries `WWW-Authenticate: Basic` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The key may not perform `provisioning:verification_codes.verify`: its rules do not allow it, or this goes beyond the product environments it is limited to
             *
             *     A POST, PUT or DELETE made with a session cookie without the header `x-requested-with: XMLHttpRequest`
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No user with this id in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed authentications from this address or for this api_key, or past the key's rate_limit_per_minute; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The database is not answering */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SessionController_current: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CurrentSessionDto"];
                };
            };
            /** @description No session cookie, or one that names no live session */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed sign-ins from this address or for this user; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SessionController_signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignInDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResultDto"];
                };
            };
            /** @description email or password missing, or too long */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /**
             * @description The account requires single sign-on, and the user is not a master admin (whose password is the break-glass path)
             *
             *     The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence)
             */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed sign-ins from this address or for this user; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    TwoFactorSignInController_startEnrollment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TwoFactorEnrollmentDto"];
                };
            };
            /** @description No session cookie, one that names no live session, or a session that is not at stage `enrollment` (GET /v1_1/session says where it is) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The session is signed in already, or the user enrolled meanwhile: sign in again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    TwoFactorSignInController_confirmEnrollment: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TwoFactorCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesDto"];
                };
            };
            /** @description code missing or not shaped like a code, the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in), or the enrollment was started again meanwhile */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie, one that names no live session, or a session that is not at stage `enrollment` (GET /v1_1/session says where it is) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The session is signed in already, no enrollment was started, or the user enrolled meanwhile */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    TwoFactorSignInController_secondFactor: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TwoFactorCodeDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignInResultDto"];
                };
            };
            /** @description code missing or not shaped like a code, or the code is wrong, expired, or was used already (path `code`; it counts like a failed sign-in) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description No session cookie, one that names no live session, or a session that is not at stage `second_factor` (GET /v1_1/session says where it is) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The request lacks the header `x-requested-with: XMLHttpRequest` (cross-site request forgery defence) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The session is signed in already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many failed sign-ins or wrong codes for this user, or from this address; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SessionController_signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OkMessageDto"];
                };
            };
        };
    };
    SamlController_acs: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["SamlResponseFormDto"];
            };
        };
        responses: {
            /** @description Signed in: to the console (/console/, or the RelayState when it is a path under /console/), with the cookie set */
            303: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description SAMLResponse missing, not base64, over 256 KiB, or not a SAML response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The response is not signed by the IdP certificate, is from another issuer, for another SP or address, expired or not yet valid, or used before */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The assertion names no email, or one that is no enabled user of this account */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is over 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description The body is neither JSON nor form-urlencoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Too many refused sign-ins from this address; `Retry-After` says when to try again */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SamlController_login: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description To the IdP's single sign-on URL, with `SAMLRequest` in the query */
            302: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    SamlController_metadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                account_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An md:EntityDescriptor */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/samlmetadata+xml": string;
                };
            };
            /** @description SAML single sign-on is not enabled for this account (the same answer as for an account that does not exist) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/samlmetadata+xml": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
}
