import type { CastellanClient, ExpressRequestBase } from './client.js';
import { decide, type RouteCheck, type WithDecision } from './route-check.js';

/** The part of Node's `ServerResponse` (which Express extends) that an answer needs. */
export interface NodeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

export type ExpressMiddleware<Req> = (request: Req, response: NodeResponse, next: (error?: unknown) => void) => void;

export function expressMiddleware<Req extends ExpressRequestBase>(client: CastellanClient, check: RouteCheck<Req>): ExpressMiddleware<Req> {
  return (request, response, next) => {
    decide(client, check, request, request.ip ?? request.socket?.remoteAddress).then((outcome) => {
      if ('decision' in outcome) {
        (request as WithDecision<Req>).castellan = outcome.decision;
        return next();
      }
      const { status, headers, body } = outcome.refusal;
      response.statusCode = status;
      for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(JSON.stringify(body));
    }, next);
  };
}
