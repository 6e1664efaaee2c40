import { type ReactNode, useCallback, useEffect, useId, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { type Api, ApiError, errorMessage, type KeyKind, type Policy, type PolicyRule, type Schemas } from '../../api';
import { Dialog, ErrorMessage, Field, Loading } from '../../components/ui';
import { useLoad } from '../../hooks';
import { useSession } from '../../session';
import { attributesForPatterns, type Catalog, type CatalogPlugin, GLOBAL, pluginsFor, wildcardOf } from './catalogue';
import { diffStates } from './changes';
import { AdvancedRules, ConditionalRuleCard, type NewCondition } from './ConditionEditors';
import { describeRule } from './conditions';
import { addConditionalRule, removeAdvancedRule, removeConditionalRule, setSetting, updateConditionalRule } from './editing';
import { type ConditionalRule, type EditorState, readRules, renumbered, sameState, stateToRulesWithOrigins } from './policy-state';
import { type ErrorTarget, locateError, targetKey } from './save-errors';
import { SettingRow } from './SettingRow';
import { elementId, InPlaceError, showTarget } from './shared';
import { TryItPanel } from './TryItPanel';
import { inWords } from './values';
import { verdictFor } from './verdict';
import './permissions.css';

/** What the page shows about the key besides its rules; null where the signed-in key may not read it. */
interface KeyContext {
  catalog: Catalog;
  name: string | null;
  environment: { name: string; cloud_name: string } | null;
}

async function loadContext(api: Api, accountPath: string, kind: KeyKind, envId: string | undefined, apiKey: string): Promise<KeyContext> {
  const optional = <T,>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
  const environmentPath = `${accountPath}/sub_accounts/${encodeURIComponent(envId!)}`;
  const [catalog, keys, environment] = await Promise.all([
    api.get<Catalog>('/v1_1/permissions/catalog'),
    kind === 'environment'
      ? optional(api.get<Schemas['AccessKeyListDto']>(`${environmentPath}/access_keys?page_size=1000`).then((r) => r.access_keys))
      : optional(api.get<Schemas['AccountKeyListDto']>(`${accountPath}/account_api_keys?page_size=1000`).then((r) => r.account_api_keys)),
    kind === 'environment' ? optional(api.get<Schemas['EnvironmentDto']>(environmentPath)) : Promise.resolve(null),
  ]);
  return { catalog, name: keys?.find((k) => k.api_key === apiKey)?.name ?? null, environment };
}

/**
 * A key's permissions without JSON: per plugin a section of radio groups (Allow / Deny / Inherit), rules with
 * conditions, a review of the changes before saving, and "Try it" for the stored rules. Mounted for environment
 * access keys (`/environments/:envId/keys/:apiKey/permissions`) and account API keys (`/account-keys/:apiKey/permissions`).
 */
export function PermissionsPage() {
  const { envId, apiKey = '' } = useParams();
  const { api, accountPath, can } = useSession();
  const kind: KeyKind = envId ? 'environment' : 'account';
  const keyPath = envId
    ? `${accountPath}/sub_accounts/${encodeURIComponent(envId)}/access_keys/${encodeURIComponent(apiKey)}`
    : `${accountPath}/account_api_keys/${encodeURIComponent(apiKey)}`;
  const editable = can(
    kind === 'environment' ? 'provisioning:access_keys.permissions.update' : 'provisioning:account_api_keys.permissions.update',
  );

  const context = useLoad(() => loadContext(api, accountPath, kind, envId, apiKey), [api, accountPath, kind, envId, apiKey]);
  const loaded = useLoad(() => api.get<Policy>(`${keyPath}/permissions`), [api, keyPath]);
  // The policy as stored: from the last load, or from the answer of the last save until the reload lands.
  const [policy, setPolicy] = useState<Policy | null>(null);
  useEffect(() => {
    if (loaded.data) setPolicy(loaded.data);
  }, [loaded.data]);

  const plugins = useMemo(() => (context.data ? pluginsFor(context.data.catalog, kind) : null), [context.data, kind]);
  // Plugins the catalogue says this kind of key never holds: the API refuses them, so no row shows them.
  const withheld = useMemo(() => {
    const shown = new Set(plugins?.map((p) => p.name));
    return (context.data?.catalog.plugins ?? []).filter((p) => !shown.has(p.name)).map((p) => p.name);
  }, [context.data, plugins]);
  const name = context.data?.name;

  return (
    <div className="perm-page">
      <nav aria-label="Breadcrumb" className="perm-breadcrumb">
        {envId ? (
          <>
            <Link to="/environments">Product environments</Link> /{' '}
            <Link to={`/environments/${encodeURIComponent(envId)}`}>{context.data?.environment?.name ?? 'Environment'}</Link> / Permissions
          </>
        ) : (
          <>
            <Link to="/account-keys">Account API keys</Link> / Permissions
          </>
        )}
      </nav>
      <h1>Permissions of {name ?? <code>{apiKey}</code>}</h1>
      <p className="muted">
        {name ? (
          <>
            <code>{apiKey}</code> ·{' '}
          </>
        ) : null}
        {kind === 'environment' ? (
          <>
            Environment access key{context.data?.environment ? ` of ${context.data.environment.cloud_name}` : ''}
            {withheld.length ? `: it never holds ${inWords(withheld, 'or')} actions` : ''}.
          </>
        ) : (
          <>Account API key.</>
        )}
      </p>
      {context.error || loaded.error ? (
        <ErrorMessage message={context.error ?? loaded.error} />
      ) : !plugins || !policy ? (
        <Loading what="permissions" />
      ) : (
        <Editor
          key={keyPath}
          plugins={plugins}
          policy={policy}
          kind={kind}
          withheld={withheld}
          apiKey={apiKey}
          editable={editable}
          save={async (rules) => {
            const stored = await api.put<Policy>(`${keyPath}/permissions`, { rules, roles: policy.roles });
            setPolicy(stored);
            loaded.reload();
          }}
        />
      )}
    </div>
  );
}

interface SaveError {
  message: string;
  target: ErrorTarget | null;
}

function Editor({
  plugins,
  policy,
  kind,
  withheld,
  apiKey,
  editable,
  save,
}: {
  plugins: CatalogPlugin[];
  policy: Policy;
  kind: KeyKind;
  /** The plugins this kind of key never holds. */
  withheld: string[];
  apiKey: string;
  editable: boolean;
  save(rules: PolicyRule[]): Promise<void>;
}) {
  const read = useMemo(() => readRules(policy.rules, plugins), [policy, plugins]);
  const [state, setState] = useState<EditorState>(read.state);
  const [readFrom, setReadFrom] = useState(read);
  // A new stored policy (loaded or saved) replaces the edits.
  if (readFrom !== read) {
    setReadFrom(read);
    setState(read.state);
  }
  const [filter, setFilter] = useState('');
  const [reviewing, setReviewing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [saveError, setSaveError] = useState<SaveError | null>(null);
  const [invalidJson, setInvalidJson] = useState<ReadonlySet<string>>(new Set());
  const [resetToken, setResetToken] = useState(0);
  const [nextId, setNextId] = useState(1);

  const dirty = !sameState(read.state, state, plugins);
  const changes = useMemo(() => (reviewing ? diffStates(read.state, state, plugins) : []), [reviewing, read, state, plugins]);
  const moves = useMemo(() => (reviewing ? renumbered(state, plugins) : []), [reviewing, state, plugins]);
  const written = useMemo(() => stateToRulesWithOrigins(state, plugins), [state, plugins]);

  const edit = (next: (s: EditorState) => EditorState) => {
    setState(next);
    setSaved(false);
  };
  const errorAt = (target: ErrorTarget): string | null =>
    saveError?.target && targetKey(saveError.target) === targetKey(target) ? saveError.message : null;
  const jsonValidity = useCallback(
    (id: string) => (valid: boolean) =>
      setInvalidJson((current) => {
        if (valid === !current.has(id)) return current;
        const next = new Set(current);
        if (valid) next.delete(id);
        else next.add(id);
        return next;
      }),
    [],
  );

  const discard = () => {
    setState(read.state);
    setSaveError(null);
    setInvalidJson(new Set());
    setResetToken((t) => t + 1);
  };

  const confirm = async () => {
    const sent = written;
    setBusy(true);
    try {
      await save(sent.rules);
      setSaveError(null);
      setSaved(true);
    } catch (e) {
      const message = errorMessage(e);
      setSaveError({ message, target: locateError(e instanceof ApiError ? { path: e.path, action: e.action } : {}, sent) });
      setSaved(false);
    } finally {
      setBusy(false);
      setReviewing(false);
    }
  };

  const addRule = (patterns: string[], c: NewCondition) => {
    const rule: ConditionalRule = { id: `added-${nextId}`, effect: c.effect, actions: patterns, conditions: {} };
    setNextId((n) => n + 1);
    const conditions = c.operator === 'equals' ? { [c.attribute]: c.value } : { [c.attribute]: { [c.operator]: c.value } };
    edit((s) => addConditionalRule(s, { ...rule, conditions }));
  };

  // Numbered as the rules will be stored, which is as they are stored until a change moves them.
  const numberOf = (id: string) => written.origins.findIndex((o) => o.kind === 'conditional' && o.id === id);
  const numbered = state.conditional.map((rule) => ({ rule, number: numberOf(rule.id) }));
  const conditionalFor = (pattern: string) => numbered.filter(({ rule }) => rule.actions.includes(pattern));
  const term = filter.trim().toLowerCase();
  const matches = (...texts: string[]) => !term || texts.some((t) => t.toLowerCase().includes(term));
  const visible = plugins
    .map((plugin) => {
      const whole = matches(plugin.name, plugin.title, wildcardOf(plugin.name), `all ${plugin.name} actions`);
      return { plugin, whole, actions: whole ? plugin.actions : plugin.actions.filter((a) => matches(a.name, a.description)) };
    })
    .filter((v) => v.whole || v.actions.length);
  const showGlobal = matches('*', 'all actions');
  const held = plugins.map((p) => p.name);

  const rowProps = (pattern: string) => ({
    pattern,
    setting: state.settings[pattern] ?? 'inherit',
    conditional: conditionalFor(pattern),
    attributes: attributesForPatterns([pattern], plugins),
    editable,
    error: errorAt({ kind: 'pattern', pattern }),
    onChange: (setting: 'allow' | 'deny' | 'inherit') => edit((s) => setSetting(s, pattern, setting)),
    onAddRule: (c: NewCondition) => addRule([pattern], c),
  });

  return (
    <>
      {policy.default ? (
        <p className="perm-note">
          This key has the default policy of {kind === 'environment' ? 'environment keys' : 'account keys'} (
          {policy.rules.map((rule) => describeRule(rule, plugins)).join('; ') || 'nothing allowed'}).
          {editable ? ' Saving stores the rules below as its own policy.' : ''}
        </p>
      ) : null}
      {policy.roles.length ? (
        <p className="perm-note">
          This key also holds {policy.roles.length === 1 ? 'a custom role' : `${policy.roles.length} custom roles`} (
          <Link to="/roles">Roles</Link>). What a role grants adds to the rules below, which cannot take it away; saving here keeps the
          roles.
        </p>
      ) : null}
      {!editable ? <p className="perm-note">Your key may read these permissions but not change them.</p> : null}
      {read.notes.length ? (
        <details className="perm-note">
          <summary>How this key's rules are shown ({read.notes.length}; rules numbered from 0, as in the API's decisions)</summary>
          <ul>
            {read.notes.map((n, i) => (
              <li key={i}>{n.text}</li>
            ))}
          </ul>
        </details>
      ) : null}

      <div className="perm-toolbar">
        <Field label="Filter actions" hint="Name or description, e.g. destroy or folders">
          {(props) => <input {...props} type="search" value={filter} onChange={(e) => setFilter(e.target.value)} autoComplete="off" />}
        </Field>
        {editable ? (
          <div className="perm-save">
            <span className="muted perm-count">{dirty ? 'Changes ready to review' : 'No changes'}</span>
            <button type="button" onClick={discard} disabled={!dirty && !saveError && invalidJson.size === 0}>
              Discard changes
            </button>
            <button type="button" className="primary" disabled={!dirty || invalidJson.size > 0 || busy} onClick={() => setReviewing(true)}>
              Save
            </button>
          </div>
        ) : null}
        <p role="status" className="perm-saved">
          {saved ? 'Saved' : ''}
        </p>
      </div>
      {invalidJson.size ? <p className="field-error">Fix the conditions JSON marked below before saving.</p> : null}
      {saveError ? (
        <div className="perm-top-error">
          <ErrorMessage message={saveError.message} />
          {saveError.target ? (
            <button
              type="button"
              className="perm-small"
              onClick={() => {
                setFilter('');
                const target = saveError.target!;
                setTimeout(() => showTarget(target));
              }}
            >
              Show where
            </button>
          ) : null}
        </div>
      ) : null}

      {showGlobal ? (
        <section className="panel perm-plugin" aria-labelledby="perm-global-heading" id={elementId({ kind: 'scope', scope: GLOBAL })}>
          <h2 id="perm-global-heading">All actions</h2>
          <InPlaceError message={errorAt({ kind: 'scope', scope: GLOBAL })} />
          <SettingRow
            {...rowProps(GLOBAL)}
            legend="All actions (*)"
            description={`Every ${withheld.length ? `${inWords(held, 'and')} action` : 'action of every plugin'}, present and future`}
          />
        </section>
      ) : null}

      {visible.map(({ plugin, actions }) => (
        <PluginSection key={plugin.name} plugin={plugin} error={errorAt({ kind: 'scope', scope: plugin.name })}>
          <SettingRow
            {...rowProps(wildcardOf(plugin.name))}
            legend={`All ${plugin.name} actions (${wildcardOf(plugin.name)})`}
            description={plugin.description}
          />
          {actions.map((a) => (
            <SettingRow
              key={a.name}
              {...rowProps(a.name)}
              legend={a.name}
              description={a.description}
              verdict={verdictFor(state, a.name)}
            />
          ))}
        </PluginSection>
      ))}
      {!showGlobal && visible.length === 0 ? <p className="empty">No action matches “{filter.trim()}”.</p> : null}

      <section className="perm-section" aria-labelledby="perm-conditional-heading">
        <h2 id="perm-conditional-heading">Rules with conditions</h2>
        <p className="muted">
          A rule with conditions applies only to resources whose attributes match all of them. Start one with “Add condition” on a row.
          Rules are numbered from 0, as the API's decisions and the try-it trace number them.
        </p>
        {state.conditional.length === 0 ? <p className="empty">No rule with conditions.</p> : null}
        {numbered.map(({ rule, number }) => (
          <ConditionalRuleCard
            key={rule.id}
            rule={rule}
            number={number}
            plugins={plugins}
            attributes={attributesForPatterns(rule.actions, plugins)}
            editable={editable}
            error={errorAt({ kind: 'conditional', id: rule.id })}
            resetToken={resetToken}
            onChange={(change) => edit((s) => updateConditionalRule(s, rule.id, change))}
            onRemove={() => edit((s) => removeConditionalRule(s, rule.id))}
            onJsonValidity={jsonValidity(rule.id)}
          />
        ))}
      </section>

      {state.advanced.length ? (
        <section className="perm-section" aria-labelledby="perm-advanced-heading">
          <h2 id="perm-advanced-heading">Advanced rules</h2>
          <p className="muted">
            These rules name actions this key's catalogue does not list, so no row can show them. They are kept as they are; the API refuses
            unknown actions, so remove them before saving.
          </p>
          <AdvancedRules
            rules={state.advanced}
            plugins={plugins}
            editable={editable}
            errorFor={(index) => errorAt({ kind: 'advanced', index })}
            onRemove={(index) => {
              edit((s) => removeAdvancedRule(s, index));
              setSaveError(null);
            }}
          />
        </section>
      ) : null}

      <TryItPanel apiKey={apiKey} plugins={plugins} pending={dirty} />

      <Dialog title="Review changes" open={reviewing} onClose={() => setReviewing(false)}>
        <p>
          These changes replace the rules of key <code>{apiKey}</code>
          {policy.roles.length ? '; its custom roles stay as they are' : ''}:
        </p>
        <ul className="perm-changes">
          {changes.map((c, i) => (
            <li key={i}>{c.text}</li>
          ))}
        </ul>
        {policy.default ? <p className="muted">The key leaves its kind's default policy and keeps these rules as its own.</p> : null}
        {moves.length ? (
          <p className="muted">
            Rules after a removed rule move up: {moves.map((m) => `rule #${m.from} becomes #${m.to}`).join(', ')}. Every other rule keeps
            its number.
          </p>
        ) : null}
        <div className="actions">
          <button type="button" onClick={() => setReviewing(false)}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void confirm()}>
            Confirm
          </button>
        </div>
      </Dialog>
    </>
  );
}

function PluginSection({ plugin, error, children }: { plugin: CatalogPlugin; error: string | null; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className="panel perm-plugin" aria-labelledby={headingId} id={elementId({ kind: 'scope', scope: plugin.name })}>
      <h2 id={headingId}>{plugin.title}</h2>
      <InPlaceError message={error} />
      {children}
    </section>
  );
}
