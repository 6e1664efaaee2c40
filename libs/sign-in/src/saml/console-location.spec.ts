import { CONSOLE_HOME, consoleLocation } from './console-location.js';

describe('consoleLocation', () => {
  test.each([
    ['/console/', '/console/'],
    ['/console/#/people/u1', '/console/#/people/u1'],
    ['/console/keys?page=2#top', '/console/keys?page=2#top'],
    ['/console//evil.example', '/console//evil.example'],
  ])('follows a path under the console: %s', (relayState, location) => {
    expect(consoleLocation(relayState)).toBe(location);
  });

  test.each([
    [undefined],
    [''],
    ['/console'],
    ['console/'],
    ['https://evil.example/console/'],
    ['//evil.example/console/'],
    ['/\\evil.example/console/'],
    ['/v1_1/me'],
    ['/console/../v1_1/me'],
    ['/console/%2e%2e/docs'],
    ['/console/%2E%2E/docs'],
    ['/console/./../docs'],
    ['javascript:alert(1)'],
  ])('anything else leads to the console home: %s', (relayState) => {
    expect(consoleLocation(relayState)).toBe(CONSOLE_HOME);
  });

  test('what it answers is one path, characters a header may carry', () => {
    expect(consoleLocation('/console/<script>\n"x"')).toBe('/console/%3Cscript%3E%22x%22');
  });
});
