import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { PolicyRule } from '../../api';
import { Field } from '../../components/ui';
import { attributeTypes, type CatalogAttribute, type CatalogPlugin } from './catalogue';
import {
  addCondition,
  type ConditionOperator,
  describeCondition,
  describeConditions,
  describeRule,
  listConditions,
  operatorsFor,
  parseConditionsJson,
  parseConditionValue,
  removeCondition,
  valueHint,
} from './conditions';
import type { ConditionalRule, Conditions, Effect } from './policy-state';
import { stableJson } from './values';
import { elementId, InPlaceError } from './shared';

export interface NewCondition {
  effect: Effect;
  attribute: string;
  operator: ConditionOperator;
  value: unknown;
}

/**
 * Attribute, operator and value of one condition, typed as the catalogue declares the attribute; with
 * `effect`, also the effect of the new rule it starts.
 */
export function ConditionInputs({
  attributes,
  submitLabel,
  effect: initialEffect,
  onAdd,
  onCancel,
}: {
  attributes: CatalogAttribute[];
  submitLabel: string;
  /** When given, the form starts a new rule and asks for its effect too. */
  effect?: Effect;
  onAdd(condition: NewCondition): void;
  onCancel?: () => void;
}) {
  const [effect, setEffect] = useState<Effect>(initialEffect ?? 'deny');
  const [attribute, setAttribute] = useState(attributes[0]?.name ?? '');
  const [chosenOperator, setOperator] = useState<ConditionOperator>('equals');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  // A form that replaced the button which opened it takes the focus, so that keyboard users land in it.
  useEffect(() => {
    if (onCancel) form.current?.querySelector('select')?.focus();
  }, []);
  const type = attributes.find((a) => a.name === attribute)?.type ?? 'string';
  const operators = operatorsFor(type);
  const operator = operators.some((o) => o.value === chosenOperator) ? chosenOperator : 'equals';
  const choosesBoolean = operator === '$exists' || (type === 'boolean' && (operator === 'equals' || operator === '$ne'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseConditionValue(operator, type, choosesBoolean && value === '' ? 'true' : value);
    if (!parsed.ok) {
      setError(parsed.error);
      return;
    }
    setError(null);
    setValue('');
    onAdd({ effect, attribute, operator, value: parsed.value });
  };

  return (
    <form className="perm-cond-form" onSubmit={submit} ref={form}>
      {initialEffect !== undefined ? (
        <Field label="Effect">
          {(props) => (
            <select {...props} value={effect} onChange={(e) => setEffect(e.target.value as Effect)}>
              <option value="deny">Deny</option>
              <option value="allow">Allow</option>
            </select>
          )}
        </Field>
      ) : null}
      <Field label="Attribute">
        {(props) => (
          <select {...props} value={attribute} onChange={(e) => setAttribute(e.target.value)}>
            {attributes.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name} ({a.type})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Operator">
        {(props) => (
          <select {...props} value={operator} onChange={(e) => setOperator(e.target.value as ConditionOperator)}>
            {operators.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Value" error={error} hint={valueHint(operator, type)}>
        {(props) =>
          choosesBoolean ? (
            <select {...props} value={value || 'true'} onChange={(e) => setValue(e.target.value)}>
              <option value="true">{operator === '$exists' ? 'true (present)' : 'true'}</option>
              <option value="false">{operator === '$exists' ? 'false (missing)' : 'false'}</option>
            </select>
          ) : (
            <input {...props} value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
          )
        }
      </Field>
      <div className="perm-cond-buttons">
        <button type="submit">{submitLabel}</button>
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

const pretty = (conditions: Conditions): string => JSON.stringify(conditions, null, 2);

/** One rule with conditions: its effect, its conditions one by one, and the same as JSON for advanced cases. */
export function ConditionalRuleCard({
  rule,
  number,
  plugins,
  attributes,
  editable,
  error,
  resetToken,
  onChange,
  onRemove,
  onJsonValidity,
}: {
  rule: ConditionalRule;
  /** Its index among the key's rules, as the API numbers them. */
  number: number;
  plugins: CatalogPlugin[];
  /** What its conditions may use: the attributes all of its actions declare. */
  attributes: CatalogAttribute[];
  editable: boolean;
  error: string | null;
  /** Changes when the editor discards its changes, so that a half-typed JSON text goes too. */
  resetToken: number;
  onChange(change: Partial<Omit<ConditionalRule, 'id'>>): void;
  onRemove(): void;
  onJsonValidity(valid: boolean): void;
}) {
  const headingId = useId();
  const [text, setText] = useState(() => pretty(rule.conditions));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const typeOf = attributeTypes(rule.actions, plugins);

  // The conditions changed elsewhere (a condition added or removed, or the changes discarded): show them.
  useEffect(() => {
    const parsed = parseConditionsJson(text);
    if (!parsed.ok || stableJson(parsed.value) !== stableJson(rule.conditions)) {
      setText(pretty(rule.conditions));
      setJsonError(null);
    }
    // `text` is deliberately left out: typing must not be overwritten.
  }, [rule.conditions, resetToken]);
  useEffect(() => onJsonValidity(jsonError === null), [jsonError]);
  useEffect(() => () => onJsonValidity(true), []);

  const typed = (next: string) => {
    setText(next);
    const parsed = parseConditionsJson(next);
    if (parsed.ok) {
      setJsonError(null);
      if (stableJson(parsed.value) !== stableJson(rule.conditions)) onChange({ conditions: parsed.value });
    } else {
      setJsonError(parsed.error);
    }
  };

  const conditions = listConditions(rule.conditions);
  return (
    <article
      className={`perm-rule panel${error ? ' perm-has-error' : ''}`}
      id={elementId({ kind: 'conditional', id: rule.id })}
      aria-labelledby={headingId}
    >
      <h3 id={headingId} tabIndex={-1}>
        Rule #{number}, with conditions: {rule.effect} {rule.actions.join(', ')}
      </h3>
      <InPlaceError message={error} />
      <p>
        <strong>{rule.effect === 'deny' ? 'Deny' : 'Allow'}</strong> <code>{rule.actions.join(', ')}</code> when{' '}
        {describeConditions(rule.conditions, typeOf)}.
      </p>
      {editable ? (
        <Field label="Effect">
          {(props) => (
            <select {...props} className="perm-effect" value={rule.effect} onChange={(e) => onChange({ effect: e.target.value as Effect })}>
              <option value="deny">Deny</option>
              <option value="allow">Allow</option>
            </select>
          )}
        </Field>
      ) : null}
      <h4>Conditions</h4>
      {conditions.length ? (
        <ul className="perm-cond-list">
          {conditions.map((c) => {
            const words = describeCondition(c.attribute, c.operator, c.value, typeOf(c.attribute));
            return (
              <li key={`${c.attribute} ${c.operator}`}>
                <span>{words}</span>
                {editable ? (
                  <button
                    type="button"
                    className="perm-small"
                    aria-label={`Remove condition: ${words}`}
                    onClick={() => onChange({ conditions: removeCondition(rule.conditions, c.attribute, c.operator) })}
                  >
                    Remove
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="perm-warning">
          No conditions: this rule applies to every resource, like a row set to {rule.effect === 'deny' ? 'Deny' : 'Allow'}.
        </p>
      )}
      {editable ? (
        <>
          {attributes.length ? (
            <ConditionInputs
              attributes={attributes}
              submitLabel="Add condition"
              onAdd={(c) => onChange({ conditions: addCondition(rule.conditions, c.attribute, c.operator, c.value) })}
            />
          ) : (
            <p className="muted">The actions of this rule declare no attribute in common; edit its conditions as JSON.</p>
          )}
          <Field label="Conditions (JSON)" error={jsonError} hint='MongoDB-style, e.g. {"folder": {"$regex": "^prod/"}}'>
            {(props) => (
              <textarea
                {...props}
                value={text}
                onChange={(e) => typed(e.target.value)}
                spellCheck={false}
                rows={Math.min(10, Math.max(3, text.split('\n').length))}
              />
            )}
          </Field>
          <div className="actions">
            <button type="button" className="danger-outline" onClick={onRemove}>
              Remove rule
            </button>
          </div>
        </>
      ) : (
        <pre className="perm-json">{pretty(rule.conditions)}</pre>
      )}
    </article>
  );
}

/** Rules no row can show, kept as they are so that nothing is lost; they can only be removed. */
export function AdvancedRules({
  rules,
  plugins,
  editable,
  errorFor,
  onRemove,
}: {
  rules: PolicyRule[];
  plugins: CatalogPlugin[];
  editable: boolean;
  errorFor(index: number): string | null;
  onRemove(index: number): void;
}) {
  return (
    <ul className="perm-advanced">
      {rules.map((rule, i) => (
        <li
          key={`${i} ${stableJson(rule)}`}
          id={elementId({ kind: 'advanced', index: i })}
          className={errorFor(i) ? 'perm-has-error' : undefined}
        >
          <code>{JSON.stringify(rule)}</code>
          <span className="muted">{describeRule(rule, plugins)}</span>
          <InPlaceError message={errorFor(i)} />
          {editable ? (
            <button type="button" className="perm-small" aria-label={`Remove advanced rule ${i + 1}`} onClick={() => onRemove(i)}>
              Remove
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
