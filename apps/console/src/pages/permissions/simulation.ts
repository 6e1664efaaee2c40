/** "Try it": the request `POST …/permissions/simulate` takes from the panel, and the answer it shows. */
import type { BodyOf, Schemas } from '../../api';
import { isPlainObject, type Parsed } from './values';

export type Simulation = Schemas['SimulationDto'];
export type TraceEntry = Schemas['TraceEntryDto'];
export type SimulateRequest = BodyOf<'SimulationController_simulate'>;

export function simulateRequest(
  apiKey: string,
  action: string,
  cloudName: string,
  resource: Record<string, unknown> | undefined,
): SimulateRequest {
  return { api_key: apiKey, action, ...(cloudName.trim() ? { cloud_name: cloudName.trim() } : {}), ...(resource ? { resource } : {}) };
}

/** The "Resource (JSON)" field of the try-it panel: empty (no resource) or an object. */
export function parseResourceJson(text: string): Parsed<Record<string, unknown> | undefined> {
  if (!text.trim()) return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return isPlainObject(value)
    ? { ok: true, value }
    : { ok: false, error: 'The resource must be a JSON object, e.g. {"folder": "prod/cats"}' };
}
