import { type RefObject, useEffect } from 'react';

/** After a refused submit, moves focus to the first field marked invalid, so the keyboard lands on the problem. */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: object) {
  useEffect(() => {
    if (!Object.keys(errors).length) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors, form]);
}
