import { describe, expect, it } from 'vitest';
import { languageOptions } from './languages';

describe('the languages offered', () => {
  it("are the console's, with the person's own kept when it is none of them", () => {
    expect(languageOptions('en')).toEqual([{ tag: 'en', label: 'English' }]);
    expect(languageOptions('fr-CA').map((l) => l.tag)).toEqual(['en', 'fr-CA']);
  });
});
