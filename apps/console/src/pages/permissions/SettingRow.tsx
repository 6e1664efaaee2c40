import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import type { CatalogAttribute } from './catalogue';
import { describeConditions } from './conditions';
import { type ConditionalRule, type Setting, SETTINGS } from './policy-state';
import type { Verdict } from './verdict';
import { ConditionInputs, type NewCondition } from './ConditionEditors';
import { elementId, InPlaceError, showTarget } from './shared';

const SETTING_LABELS: Record<Setting, string> = { allow: 'Allow', deny: 'Deny', inherit: 'Inherit' };

/**
 * One pattern's radio group: a `<fieldset>` whose legend is the pattern's name (`upload:destroy`), with the
 * radios "Allow", "Deny" and "Inherit". Beside it: what the action ends up as, its rules with conditions, and
 * "Add condition", which starts a new rule with conditions for this pattern.
 */
export function SettingRow({
  pattern,
  legend,
  description,
  setting,
  verdict,
  conditional,
  attributes,
  editable,
  error,
  onChange,
  onAddRule,
}: {
  pattern: string;
  legend: ReactNode;
  description?: string;
  setting: Setting;
  verdict?: Verdict;
  /** The rules with conditions that name this pattern, with their rule number. */
  conditional: { rule: ConditionalRule; number: number }[];
  attributes: CatalogAttribute[];
  editable: boolean;
  error: string | null;
  onChange(setting: Setting): void;
  onAddRule(condition: NewCondition): void;
}) {
  const name = useId();
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  const [returnFocus, setReturnFocus] = useState(false);
  // Closing the form gives the focus back to the button that opened it.
  useEffect(() => {
    if (returnFocus && !adding) {
      addButton.current?.focus();
      setReturnFocus(false);
    }
  }, [returnFocus, adding]);
  const close = () => {
    setAdding(false);
    setReturnFocus(true);
  };
  return (
    <div
      className={`perm-row${error ? ' perm-has-error' : ''}${setting !== 'inherit' ? ' perm-set' : ''}`}
      id={elementId({ kind: 'pattern', pattern })}
    >
      <fieldset className="perm-choice">
        <legend>{legend}</legend>
        {description ? <p className="perm-desc">{description}</p> : null}
        <div className="perm-radios">
          {SETTINGS.map((s) => (
            <label key={s} className={`perm-radio perm-radio-${s}`}>
              <input type="radio" name={name} value={s} checked={setting === s} disabled={!editable} onChange={() => onChange(s)} />
              {SETTING_LABELS[s]}
            </label>
          ))}
        </div>
        {verdict ? <p className={`perm-verdict perm-verdict-${verdict.result}`}>{verdict.text}</p> : <p className="perm-verdict" />}
      </fieldset>
      {conditional.length || (editable && attributes.length) || error ? (
        <div className="perm-extra">
          <InPlaceError message={error} />
          {conditional.length ? (
            <ul className="perm-cond-summary">
              {conditional.map(({ rule, number }) => (
                <li key={rule.id}>
                  <span>
                    With conditions: <strong>{rule.effect}</strong> when {describeConditions(rule.conditions)}
                  </span>
                  <button type="button" className="perm-small" onClick={() => showTarget({ kind: 'conditional', id: rule.id })}>
                    Edit rule #{number}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          {editable && attributes.length ? (
            adding ? (
              <ConditionInputs
                attributes={attributes}
                effect={verdict?.result === 'permitted' ? 'deny' : 'allow'}
                submitLabel="Add rule"
                onCancel={close}
                onAdd={(c) => {
                  onAddRule(c);
                  close();
                }}
              />
            ) : (
              <button type="button" className="perm-small" ref={addButton} onClick={() => setAdding(true)}>
                Add condition<span className="perm-sr"> to {pattern}</span>
              </button>
            )
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
