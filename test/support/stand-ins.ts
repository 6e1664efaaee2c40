import type { ErrorCode } from '@castellan/core';

// What the unit specs of the libs' services share: a service built on stand-ins for its dependencies, the stand-ins
// for the account's transactions, and how a refusal is told (its AppError's code and message).

/**
 * One object standing in for every dependency of a service, whatever their order: a member comes from the first of
 * `owners` that has it (a method bound to that owner), any other member is undefined.
 */
export function standIns(...owners: object[]): object {
  return new Proxy(
    {},
    {
      get: (_, name) => {
        const owner = owners.find((o) => name in o) as Record<string | symbol, unknown> | undefined;
        const member = owner?.[name];
        return typeof member === 'function' ? member.bind(owner) : member;
      },
    },
  );
}

/** `Service` built with `deps` for each parameter of its constructor (Nest would inject them). */
export function construct<T>(Service: abstract new (...args: never[]) => T, deps: unknown): T {
  return new (Service as unknown as new (...args: unknown[]) => T)(...Array<unknown>(Service.length).fill(deps));
}

/**
 * The account's transactions as a service meets them: AccountTransactions.run(accountId, work) (work gets the locked
 * account) and TransactionRunner.run(work), which share a name; AccountRepository.lock; ReplicaReader.read; and
 * GrantService.change, which tells `changed` of each change before it runs the change's work. The manager is
 * 'manager', a replica 'replica', a change's transaction 'tx'.
 */
export function accountTransactions(options: { limit?: number; changed?: (change: unknown, caller: unknown) => void } = {}) {
  const account = (id: unknown) => ({ id, maxProductEnvironments: options.limit ?? 10 });
  return {
    run: (first: unknown, work?: (manager: unknown, account: unknown) => Promise<unknown>) =>
      typeof first === 'function' ? (first as (manager: unknown) => Promise<unknown>)('manager') : work!('manager', account(first)),
    lock: (_: unknown, accountId: string) => Promise.resolve(account(accountId)),
    read: (work: (manager: unknown) => Promise<unknown>) => work('replica'),
    change: (_: unknown, caller: unknown, change: unknown, work: (tx: unknown) => Promise<unknown>) => {
      options.changed?.(change, caller);
      return work('tx');
    },
  };
}

/** How `work` fails, whether it throws or rejects: the code and the message of its error. A `work` that succeeds fails the test. */
export async function refusal(work: () => unknown): Promise<{ code: ErrorCode; message: string }> {
  try {
    await work();
  } catch (error) {
    return { code: (error as { code: ErrorCode }).code, message: (error as Error).message };
  }
  throw new Error('not refused');
}
