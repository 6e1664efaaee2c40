import { StringField } from '@castellan/core';

/** Real responses are a few kilobytes; a quarter of a mebibyte leaves room for large certificates and attribute sets. */
export const MAX_SAML_RESPONSE_LENGTH = 256 * 1024;

/** What an identity provider's auto-submitting form posts to the ACS (HTTP-POST binding), form-urlencoded. */
export class SamlResponseFormDto {
  @StringField({
    required: true,
    maxLength: MAX_SAML_RESPONSE_LENGTH,
    // IdPs may wrap the base64 in lines.
    pattern: /^[A-Za-z0-9+/=\s]+$/,
    patternMessage: 'SAMLResponse must be base64',
    description: 'The signed SAML response, base64',
    example: 'PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wiIC4uLg==',
  })
  SAMLResponse!: string;

  @StringField({
    maxLength: 1024,
    description: 'Where to go afterwards: followed only when it is a path under /console/',
    example: '/console/',
  })
  RelayState?: string;
}
