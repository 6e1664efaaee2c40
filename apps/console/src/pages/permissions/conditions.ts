/** Conditions of rules: the operators each attribute type takes, typed values, and conditions and rules in words. */
import type { PolicyRule } from '../../api';
import { type AttributeType, attributeTypes, type CatalogPlugin } from './catalogue';
import type { Conditions } from './policy-state';
import { isPlainObject, list, type Parsed, parseJsonObject, stableJson } from './values';

/** `equals` writes a plain value: equality, or "contains" on a list attribute. */
export type ConditionOperator =
  'equals' | '$ne' | '$in' | '$nin' | '$lt' | '$lte' | '$gt' | '$gte' | '$exists' | '$regex' | '$all' | '$size';

const OPERATOR_LABELS: Record<ConditionOperator, string> = {
  equals: 'equals',
  $ne: 'is not ($ne)',
  $in: 'is one of ($in)',
  $nin: 'is none of ($nin)',
  $lt: 'less than ($lt)',
  $lte: 'at most ($lte)',
  $gt: 'greater than ($gt)',
  $gte: 'at least ($gte)',
  $exists: 'is present ($exists)',
  $regex: 'matches ($regex)',
  $all: 'contains all of ($all)',
  $size: 'has this many items ($size)',
};

/** The operators the API accepts for an attribute type (docs/permissions.md), as the editor offers them. */
export function operatorsFor(type: AttributeType): { value: ConditionOperator; label: string }[] {
  const ops: ConditionOperator[] =
    type === 'string'
      ? ['equals', '$ne', '$in', '$nin', '$regex', '$lt', '$lte', '$gt', '$gte', '$exists']
      : type === 'number'
        ? ['equals', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists']
        : type === 'boolean'
          ? ['equals', '$ne', '$exists']
          : ['equals', '$ne', '$in', '$nin', '$all', '$size', '$exists'];
  return ops.map((value) => ({
    value,
    label:
      type === 'string[]' && value === 'equals'
        ? 'contains'
        : type === 'string[]' && value === '$ne'
          ? 'does not contain ($ne)'
          : OPERATOR_LABELS[value],
  }));
}

/** What to type as the value, for a hint next to the field. */
export function valueHint(operator: ConditionOperator, type: AttributeType): string {
  if (operator === '$exists') return 'true or false';
  if (operator === '$size') return 'A whole number';
  if (operator === '$regex') return 'A regular expression, e.g. ^prod/';
  const scalar = type === 'number' ? 'numbers' : type === 'boolean' ? 'true or false' : 'values';
  if (operator === '$in' || operator === '$nin' || operator === '$all') return `Comma-separated ${scalar}`;
  return type === 'number' ? 'A number' : type === 'boolean' ? 'true or false' : 'Text';
}

function parseScalar(raw: string, type: AttributeType): Parsed<string | number | boolean> {
  const text = raw.trim();
  if (type === 'number') {
    const n = Number(text);
    return text !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: `"${raw}" is not a number` };
  }
  if (type === 'boolean')
    return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : { ok: false, error: 'Type true or false' };
  return { ok: true, value: raw };
}

/** The value a condition field's text stands for, typed as the attribute requires. */
export function parseConditionValue(operator: ConditionOperator, type: AttributeType, raw: string): Parsed<unknown> {
  if (operator === '$exists') return parseScalar(raw, 'boolean');
  if (operator === '$size') {
    const n = Number(raw.trim());
    return raw.trim() !== '' && Number.isInteger(n) && n >= 0 ? { ok: true, value: n } : { ok: false, error: 'Type a whole number' };
  }
  if (operator === '$regex') {
    if (!raw) return { ok: false, error: 'Type a regular expression' };
    try {
      new RegExp(raw);
    } catch {
      return { ok: false, error: 'This is not a valid regular expression' };
    }
    return { ok: true, value: raw };
  }
  if (operator === '$in' || operator === '$nin' || operator === '$all') {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (!items.length) return { ok: false, error: 'Type at least one value' };
    const values: unknown[] = [];
    for (const item of items) {
      const parsed = parseScalar(item, type === 'string[]' ? 'string' : type);
      if (!parsed.ok) return parsed;
      values.push(parsed.value);
    }
    return { ok: true, value: values };
  }
  if (type !== 'number' && type !== 'boolean' && raw === '') return { ok: false, error: 'Type a value' };
  return parseScalar(raw, type === 'string[]' ? 'string' : type);
}

/** Adds one condition: a plain value for `equals` on a new attribute, else an operator merged into the attribute's. */
export function addCondition(conditions: Conditions, attribute: string, operator: ConditionOperator, value: unknown): Conditions {
  const current = conditions[attribute];
  if (operator === 'equals' && (current === undefined || !isPlainObject(current))) return { ...conditions, [attribute]: value };
  const ops = current === undefined ? {} : isPlainObject(current) ? current : { $eq: current };
  return { ...conditions, [attribute]: { ...ops, [operator === 'equals' ? '$eq' : operator]: value } };
}

/** Removes one condition (`equals` for a plain value); an attribute left with no operator goes. */
export function removeCondition(conditions: Conditions, attribute: string, operator: string): Conditions {
  const current = conditions[attribute];
  const rest = Object.fromEntries(Object.entries(conditions).filter(([k]) => k !== attribute));
  if (!isPlainObject(current) || operator === 'equals') return rest;
  const ops = Object.fromEntries(Object.entries(current).filter(([k]) => k !== operator));
  return Object.keys(ops).length ? { ...rest, [attribute]: ops } : rest;
}

/** The conditions as a flat list: one entry per attribute and operator. */
export function listConditions(conditions: Conditions): { attribute: string; operator: string; value: unknown }[] {
  return Object.entries(conditions).flatMap(([attribute, v]) =>
    isPlainObject(v) && Object.keys(v).length
      ? Object.entries(v).map(([operator, value]) => ({ attribute, operator, value }))
      : [{ attribute, operator: 'equals', value: v }],
  );
}

const show = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : stableJson(v);

/** One condition in words: `folder matches ^prod/` (a regular expression), `tags contains "cat"`. */
export function describeCondition(attribute: string, operator: string, value: unknown, type?: AttributeType): string {
  const listy = type === 'string[]';
  switch (operator) {
    case 'equals':
    case '$eq':
      return `${attribute} ${listy || Array.isArray(value) ? 'contains' : '='} ${show(value)}`;
    case '$ne':
      return `${attribute} ${listy ? 'does not contain' : '≠'} ${show(value)}`;
    case '$in':
      return `${attribute} ${listy ? 'contains one of' : 'is one of'} ${show(value)}`;
    case '$nin':
      return `${attribute} ${listy ? 'contains none of' : 'is none of'} ${show(value)}`;
    case '$lt':
      return `${attribute} < ${show(value)}`;
    case '$lte':
      return `${attribute} ≤ ${show(value)}`;
    case '$gt':
      return `${attribute} > ${show(value)}`;
    case '$gte':
      return `${attribute} ≥ ${show(value)}`;
    case '$exists':
      return `${attribute} ${value ? 'is present' : 'is missing'}`;
    case '$regex':
      return `${attribute} matches ${String(value)}`;
    case '$all':
      return `${attribute} contains all of ${show(value)}`;
    case '$size':
      return `${attribute} has ${show(value)} item${value === 1 ? '' : 's'}`;
    case '$elemMatch':
      return `${attribute} has an item where ${
        isPlainObject(value)
          ? Object.entries(value)
              .map(([op, v]) => describeCondition('it', op, v, 'string'))
              .join(' and ')
          : show(value)
      }`;
    default:
      return `${attribute} ${operator} ${show(value)}`;
  }
}

/** All of a rule's conditions in words, joined by "and". */
export function describeConditions(conditions: Conditions | undefined, typeOf?: (attribute: string) => AttributeType | undefined): string {
  const items = listConditions(conditions ?? {});
  return items.length
    ? items.map((c) => describeCondition(c.attribute, c.operator, c.value, typeOf?.(c.attribute))).join(' and ')
    : 'always';
}

/** A rule in words: `deny upload:destroy when folder matches ^prod/`. */
export function describeRule(rule: PolicyRule, plugins: readonly CatalogPlugin[] = []): string {
  const base = `${rule.effect} ${list(rule.actions)}`;
  return isPlainObject(rule.conditions) && Object.keys(rule.conditions).length
    ? `${base} when ${describeConditions(rule.conditions, attributeTypes(rule.actions, plugins))}`
    : base;
}

/** The text of the "Conditions (JSON)" field: an object of attribute conditions. */
export function parseConditionsJson(text: string): Parsed<Conditions> {
  return parseJsonObject(text, {}, 'Conditions must be a JSON object, e.g. {"folder": {"$regex": "^prod/"}}');
}
