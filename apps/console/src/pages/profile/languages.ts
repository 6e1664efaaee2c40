/** The console's languages, by BCP 47 tag. It is in English only for now; the API keeps any tag. */
const LANGUAGES = [{ tag: 'en', label: 'English' }];

/** The languages to offer: the console's, and the person's own when it is none of them (set through the API), kept. */
export function languageOptions(current: string): { tag: string; label: string }[] {
  return LANGUAGES.some((l) => l.tag === current) ? LANGUAGES : [...LANGUAGES, { tag: current, label: `${current} (shown in English)` }];
}
