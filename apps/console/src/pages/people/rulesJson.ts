import type { PolicyRule } from '../../api';

export type RulesParse = { rules: PolicyRule[]; error: null } | { rules: null; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads the "Rules (JSON)" text: a JSON array of `{effect, actions, conditions?}`. It catches what the console can
 * see for itself (syntax, shape); the API checks the actions and conditions and its message is shown as well.
 */
export function parseRules(text: string): RulesParse {
  const fail = (error: string): RulesParse => ({ rules: null, error });
  if (!text.trim()) return fail('Enter the rules as a JSON array; [] for none');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return fail(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(value)) return fail('The rules must be a JSON array, like [{"effect":"allow","actions":["upload:upload"]}]');
  const rules: PolicyRule[] = [];
  for (const [index, rule] of value.entries()) {
    const n = index + 1;
    if (!isObject(rule)) return fail(`Rule ${n} must be an object with effect and actions`);
    if (rule.effect !== 'allow' && rule.effect !== 'deny') return fail(`Rule ${n}: effect must be "allow" or "deny"`);
    if (!Array.isArray(rule.actions) || rule.actions.length === 0 || !rule.actions.every((a) => typeof a === 'string' && a.trim() !== '')) {
      return fail(`Rule ${n}: actions must be a non-empty array of action names`);
    }
    if (rule.conditions !== undefined && !isObject(rule.conditions)) return fail(`Rule ${n}: conditions must be an object`);
    rules.push(rule as unknown as PolicyRule);
  }
  return { rules, error: null };
}

/** Rules as editable text: one rule per line, inside a JSON array. */
export function formatRules(rules: PolicyRule[]): string {
  if (rules.length === 0) return '[]';
  return `[\n${rules.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n]`;
}
