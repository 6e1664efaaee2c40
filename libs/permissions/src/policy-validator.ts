import safeRegex from 'safe-regex2';
import { AppError, PolicyRule } from '@castellan/core';
import type { CatalogAction, PermissionCatalog } from './catalog.js';
import type { AttributeDefinition, AttributeType } from './permission-plugin.js';

export const MAX_RULES = 100;
export const MAX_ACTIONS_PER_RULE = 100;
export const MAX_LIST_OPERAND = 100;
export const MAX_REGEX_LENGTH = 256;
export const MAX_STRING_OPERAND = 1024;

type Operator = '$eq' | '$ne' | '$in' | '$nin' | '$lt' | '$lte' | '$gt' | '$gte' | '$exists' | '$regex' | '$all' | '$size' | '$elemMatch';
const STRING_OPERATORS = new Set<Operator>(['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists', '$regex']);
const SCALAR_OPERATORS = new Set<Operator>(['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists']);
const ARRAY_OPERATORS = new Set<Operator>(['$eq', '$ne', '$in', '$nin', '$exists', '$all', '$size', '$elemMatch']);
const ORDERING = new Set<Operator>(['$lt', '$lte', '$gt', '$gte']);

export interface ValidationOptions {
  /** Actions a key of this kind may never hold, e.g. provisioning actions for an environment key. */
  refuse?: { prefix: string; reason: string };
}

const ARRAY_EQUALITY = 'to match a whole array, use $all (with $size for an exact match)';

const invalid = (path: string, message: string) => AppError.invalid(`${path}: ${message}`, path);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The element type that a scalar operand must have for an attribute: strings for string[] attributes. */
const scalarType = (type: AttributeType): 'string' | 'number' | 'boolean' => (type === 'string[]' ? 'string' : type);

function checkScalar(path: string, value: unknown, type: AttributeType): void {
  const expected = scalarType(type);
  // A null attribute counts as missing, which $exists says without MongoDB's null-matching subtleties.
  if (value === null) throw invalid(path, 'null is not allowed; use {"$exists": false} for a missing attribute');
  if (typeof value !== expected) throw invalid(path, `must be a ${expected}`);
  if (typeof value === 'string' && value.length > MAX_STRING_OPERAND)
    throw invalid(path, `must be at most ${MAX_STRING_OPERAND} characters`);
}

function checkList(path: string, value: unknown, type: AttributeType): void {
  if (!Array.isArray(value)) throw invalid(path, 'must be an array');
  if (value.length > MAX_LIST_OPERAND) throw invalid(path, `may hold at most ${MAX_LIST_OPERAND} values`);
  value.forEach((item, i) => checkScalar(`${path}[${i}]`, item, type));
}

function checkRegex(path: string, value: unknown): void {
  if (typeof value !== 'string') throw invalid(path, 'must be a string');
  if (value.length > MAX_REGEX_LENGTH) throw invalid(path, `must be at most ${MAX_REGEX_LENGTH} characters`);
  try {
    new RegExp(value);
  } catch {
    throw invalid(path, 'is not a valid regular expression');
  }
  // Decisions run the pattern on strings the caller chooses: nested quantifiers could take exponential time.
  if (!safeRegex(value)) throw invalid(path, 'may take exponential time (nested quantifiers such as (a+)+); simplify it');
}

function checkOperator(path: string, op: string, operand: unknown, attribute: AttributeDefinition): void {
  const isArray = attribute.type === 'string[]';
  const allowed = isArray ? ARRAY_OPERATORS : attribute.type === 'string' ? STRING_OPERATORS : SCALAR_OPERATORS;
  if (!allowed.has(op as Operator)) {
    throw invalid(path, `operator ${op} is not allowed on ${attribute.type} attribute "${attribute.name}"`);
  }
  const o = op as Operator;
  if (o === '$exists') {
    if (typeof operand !== 'boolean') throw invalid(path, 'must be true or false');
  } else if (o === '$regex') {
    checkRegex(path, operand);
  } else if (o === '$size') {
    if (!Number.isInteger(operand) || (operand as number) < 0) throw invalid(path, 'must be a whole number');
  } else if (o === '$in' || o === '$nin' || o === '$all') {
    checkList(path, operand, attribute.type);
  } else if (o === '$elemMatch') {
    if (!isPlainObject(operand)) throw invalid(path, 'must be an object of operators');
    const element: AttributeDefinition = { ...attribute, type: 'string' };
    for (const [inner, innerOperand] of Object.entries(operand)) checkOperator(`${path}.${inner}`, inner, innerOperand, element);
  } else if (ORDERING.has(o) && attribute.type === 'boolean') {
    throw invalid(path, `operator ${op} is not allowed on boolean attribute "${attribute.name}"`);
  } else if (Array.isArray(operand)) {
    throw invalid(path, ARRAY_EQUALITY);
  } else {
    checkScalar(path, operand, attribute.type);
  }
}

function checkCondition(path: string, value: unknown, attribute: AttributeDefinition): void {
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) throw invalid(path, 'must name at least one operator');
    for (const [op, operand] of entries) {
      if (!op.startsWith('$')) throw invalid(`${path}.${op}`, 'nested attributes are not supported; use an operator');
      checkOperator(`${path}.${op}`, op, operand, attribute);
    }
  } else if (Array.isArray(value)) {
    throw invalid(path, ARRAY_EQUALITY);
  } else {
    checkScalar(path, value, attribute.type);
  }
}

/** The attributes every one of the actions declares with the same type, so a condition means the same for each. */
function commonAttributes(actions: CatalogAction[]): Map<string, AttributeDefinition> {
  const [first, ...rest] = actions;
  const common = new Map((first?.attributes ?? []).map((a) => [a.name, a]));
  for (const action of rest) {
    const types = new Map(action.attributes.map((a) => [a.name, a.type]));
    for (const [name, attribute] of common) if (types.get(name) !== attribute.type) common.delete(name);
  }
  return common;
}

function checkRule(raw: unknown, i: number, catalog: PermissionCatalog, options: ValidationOptions): PolicyRule {
  const path = `rules[${i}]`;
  if (!isPlainObject(raw)) throw invalid(path, 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!['effect', 'actions', 'conditions'].includes(key)) throw invalid(`${path}.${key}`, 'unknown field');
  }
  const { effect, actions, conditions } = raw;
  if (effect !== 'allow' && effect !== 'deny') throw invalid(`${path}.effect`, 'must be "allow" or "deny"');
  if (!Array.isArray(actions) || actions.length === 0) throw invalid(`${path}.actions`, 'must be a non-empty array');
  if (actions.length > MAX_ACTIONS_PER_RULE) throw invalid(`${path}.actions`, `may hold at most ${MAX_ACTIONS_PER_RULE} actions`);
  const covered = new Map<string, CatalogAction>();
  actions.forEach((pattern, j) => {
    const at = `${path}.actions[${j}]`;
    if (typeof pattern !== 'string') throw invalid(at, 'must be a string');
    const expanded = catalog.expand(pattern);
    if (!expanded || expanded.length === 0) throw invalid(at, `unknown action "${pattern}"`);
    for (const action of expanded) {
      // `*` covers everything the key may hold; naming a refused action outright is the error.
      if (options.refuse && action.name.startsWith(options.refuse.prefix)) {
        if (pattern !== '*') throw invalid(at, `${options.refuse.reason} ("${pattern}")`);
        continue;
      }
      covered.set(action.name, action);
    }
  });
  const rule: PolicyRule = { effect, actions: actions as string[] };
  if (conditions === undefined || conditions === null) return rule;
  if (!isPlainObject(conditions)) throw invalid(`${path}.conditions`, 'must be an object');
  if (Object.keys(conditions).length === 0) return rule;
  const attributes = commonAttributes([...covered.values()]);
  for (const [name, value] of Object.entries(conditions)) {
    const at = `${path}.conditions.${name}`;
    if (name.startsWith('$')) throw invalid(at, `operator ${name} is not allowed here; conditions name attributes`);
    const attribute = attributes.get(name);
    if (!attribute) throw invalid(at, `attribute "${name}" is not declared, with one type, by every action of the rule`);
    checkCondition(at, value, attribute);
  }
  return { ...rule, conditions: conditions as PolicyRule['conditions'] };
}

/** Checks a policy body `{"rules": [...]}` against the catalogue; the first problem is a 400 naming its place. */
export function validatePolicy(body: unknown, catalog: PermissionCatalog, options: ValidationOptions = {}): PolicyRule[] {
  if (!isPlainObject(body) || !Array.isArray(body['rules'])) throw invalid('rules', 'must be an array');
  const rules = body['rules'] as unknown[];
  if (rules.length > MAX_RULES) throw invalid('rules', `may hold at most ${MAX_RULES} rules`);
  return rules.map((rule, i) => checkRule(rule, i, catalog, options));
}
