import { describe, expect, it, vi } from 'vitest';
import { followTheme, resolveTheme } from './theme';

/** A prefers-color-scheme query whose answer the test changes. */
function fakeMedia(dark: boolean) {
  const listeners = new Set<() => void>();
  return {
    matches: dark,
    addEventListener: vi.fn((_: string, listener: () => void) => void listeners.add(listener)),
    removeEventListener: vi.fn((_: string, listener: () => void) => void listeners.delete(listener)),
    change(to: boolean) {
      this.matches = to;
      listeners.forEach((l) => l());
    },
    listeners,
  };
}

describe('the theme', () => {
  it('is the one chosen, or for "system" the one the system prefers', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
  });

  it('is set on the root element, and a chosen one ignores the system', () => {
    const root = document.createElement('html');
    const media = fakeMedia(false);
    followTheme('dark', root, media);
    expect(root.dataset['theme']).toBe('dark');
    expect(media.listeners.size).toBe(0);
  });

  it('follows the system while "system", and stops when asked', () => {
    const root = document.createElement('html');
    const media = fakeMedia(false);
    const stop = followTheme('system', root, media);
    expect(root.dataset['theme']).toBe('light');
    media.change(true);
    expect(root.dataset['theme']).toBe('dark');
    stop();
    media.change(false);
    expect(root.dataset['theme']).toBe('dark');
    expect(media.listeners.size).toBe(0);
  });

  it('is light where the browser cannot tell what the system prefers', () => {
    const root = document.createElement('html');
    followTheme('system', root, undefined);
    expect(root.dataset['theme']).toBe('light');
  });
});
