import { act, useState } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type IssuedSecret, SecretDialog } from './SecretDialog';

// The dialog in jsdom: every way out asks first until the secret has been shown or copied. The browser test
// (test/console) presses the real Escape key and clicks the real backdrop.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const issued: IssuedSecret = {
  apiKey: '814',
  secret: 'cstls_abc',
  connection: { label: 'CLOUDINARY_URL', value: 'cloudinary://814:cstls_abc@product1' },
};

let container: HTMLDivElement;
let root: Root;
let writeText: ReturnType<typeof vi.fn>;

beforeAll(() => {
  // jsdom has no modal dialogs.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true;
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false;
  };
});

beforeEach(async () => {
  writeText = vi.fn(() => Promise.resolve());
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  function Page() {
    const [secret, setSecret] = useState<IssuedSecret | null>(issued);
    return <SecretDialog issued={secret} onDone={() => setSecret(null)} />;
  }
  await act(async () => root.render(<Page />));
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

const dialog = () => container.querySelector('dialog');
const button = (name: string) => {
  const found = [...container.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent?.trim()) === name);
  if (!found) throw new Error(`no button ${name} in: ${container.textContent}`);
  return found;
};
const click = (element: HTMLElement) => act(async () => element.click());
/** Escape where the focus is, or on the dialog's first button (jsdom's dialogs take no focus). */
const escape = () => {
  const target = dialog()!.contains(document.activeElement) ? document.activeElement! : dialog()!.querySelector('button')!;
  return act(async () => void target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
};
const asking = () => container.textContent!.includes('Close without saving the secret?');

describe('SecretDialog', () => {
  it('asks before Escape, the close button or Done close it on a secret neither shown nor copied', async () => {
    await escape();
    expect(dialog()?.open).toBe(true);
    expect(asking()).toBe(true);
    expect(document.activeElement).toBe(button('Keep the dialog open'));
    await click(button('Keep the dialog open'));
    expect(asking()).toBe(false);
    expect(document.activeElement).toBe(button('Show secret'));
    for (const way of ['Close', 'Done']) {
      await click(button(way));
      expect(asking()).toBe(true);
      await click(button('Keep the dialog open'));
    }
    expect(dialog()?.open).toBe(true);
    await escape();
    await click(button('Close without saving'));
    expect(dialog()).toBeNull();
  });

  it('closes at once once the secret has been shown', async () => {
    expect(container.textContent).not.toContain('cstls_abc');
    await click(button('Show secret'));
    expect(container.querySelector('[data-testid="secret-value"]')?.textContent).toBe('cstls_abc');
    expect(container.textContent).toContain('cloudinary://814:cstls_abc@product1');
    await escape();
    expect(dialog()).toBeNull();
  });

  it('copies the secret and the CLOUDINARY_URL with a button each; either copy secures it', async () => {
    await click(button('Copy CLOUDINARY_URL'));
    expect(writeText).toHaveBeenCalledWith('cloudinary://814:cstls_abc@product1');
    expect(container.querySelector('[role="status"]')?.textContent).toBe('CLOUDINARY_URL copied');
    await click(button('Copy secret'));
    expect(writeText).toHaveBeenLastCalledWith('cstls_abc');
    expect(container.querySelector('[role="status"]')?.textContent).toBe('Secret copied');
    await click(button('Done'));
    expect(dialog()).toBeNull();
  });

  it('says so when the clipboard refuses, and still asks before closing', async () => {
    writeText.mockImplementation(() => Promise.reject(new Error('denied')));
    await click(button('Copy secret'));
    expect(container.querySelector('[role="status"]')?.textContent).toMatch(/^Copying failed/);
    await escape();
    expect(asking()).toBe(true);
  });
});
