import { type ErrorTarget, targetKey } from './save-errors';

/** The element id of a row, a rule with conditions, an advanced rule or a plugin section. */
export const elementId = (target: ErrorTarget): string =>
  `perm-${targetKey(target).replace(/[^a-zA-Z0-9_-]/g, (c) => (c === '*' ? 'all' : '-'))}`;

/** Brings the part of the editor an error names into view, and moves focus there. */
export function showTarget(target: ErrorTarget): void {
  const element = document.getElementById(elementId(target));
  if (!element) return;
  element.scrollIntoView?.({ block: 'center' });
  const focusable =
    element.querySelector<HTMLElement>('h3[tabindex], input:checked:not([disabled])') ??
    element.querySelector<HTMLElement>('input:not([disabled]), select, textarea, button');
  (focusable ?? element).focus?.();
}

/** The API's message next to what it names. */
export function InPlaceError({ message }: { message: string | null }) {
  return message ? <p className="field-error perm-inline-error">{message}</p> : null;
}
