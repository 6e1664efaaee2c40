import { type DependencyList, type RefObject, useCallback, useEffect, useState } from 'react';
import { errorMessage } from './api';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload(): void;
}

/** Loads on mount and whenever `deps` change; `reload()` loads again after a change. */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error: errorMessage(error), loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

/** Runs one action at a time and keeps its error for display: `run(() => api.put(...))`. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  run<T>(action: () => Promise<T>): Promise<T | undefined>;
  clear(): void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(errorMessage(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run, clear: useCallback(() => setError(null), []) };
}

/** What a dialog takes from its page's `useDialog`: the state of its call, and the way out. */
export interface DialogStatus {
  busy: boolean;
  error: string | null;
  close: () => void;
}

/**
 * The dialog a page has open (what it acts on) and the one call that dialog makes. `submit` closes the dialog once
 * the call succeeds; on failure the dialog stays, showing `error`.
 */
export function useDialog<D>() {
  const [open, setOpen] = useState<D | null>(null);
  const { busy, error, run, clear } = useAction();
  const close = useCallback(() => {
    setOpen(null);
    clear();
  }, [clear]);
  const submit = useCallback(
    async <T>(call: () => Promise<T>): Promise<T | undefined> => {
      const result = await run(call);
      if (result !== undefined) close();
      return result;
    },
    [run, close],
  );
  return { open, show: setOpen, close, submit, busy, error };
}

/** After a refused submit, moves focus to the first field marked invalid, so the keyboard lands on the problem. */
export function useFocusFirstInvalid(form: RefObject<HTMLFormElement | null>, errors: object) {
  useEffect(() => {
    if (!Object.keys(errors).length) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors, form]);
}
