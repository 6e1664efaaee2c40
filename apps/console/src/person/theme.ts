import type { ThemePreference } from './wire';

export type Theme = 'light' | 'dark';

/** The theme a preference shows: 'system' follows the operating system's (prefers-color-scheme). */
export const resolveTheme = (preference: ThemePreference, systemPrefersDark: boolean): Theme =>
  preference === 'system' ? (systemPrefersDark ? 'dark' : 'light') : preference;

type Media = Pick<MediaQueryList, 'matches' | 'addEventListener' | 'removeEventListener'>;

const systemMedia = (): Media | undefined => window.matchMedia?.('(prefers-color-scheme: dark)');

/**
 * Shows the preference's theme (`data-theme` on <html>, which styles.css reads), and keeps following the system's
 * while the preference is 'system'. Answers what stops following it.
 */
export function followTheme(preference: ThemePreference, root: HTMLElement = document.documentElement, media = systemMedia()): () => void {
  const apply = () => {
    root.dataset['theme'] = resolveTheme(preference, media?.matches ?? false);
  };
  apply();
  if (preference !== 'system' || !media) return () => undefined;
  media.addEventListener('change', apply);
  return () => media.removeEventListener('change', apply);
}
