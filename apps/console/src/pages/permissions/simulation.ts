/** "Try it": the request `POST …/permissions/simulate` takes from the panel, and the answer it shows. */
import type { BodyOf, Schemas } from '../../api';
import { type Parsed, parseJsonObject } from './values';

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
  return parseJsonObject(text, undefined, 'The resource must be a JSON object, e.g. {"folder": "prod/cats"}');
}
