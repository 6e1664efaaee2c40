import type { CastellanClient } from './client.js';
import { decide, type RequestParts, type RouteCheck, type WithDecision } from './route-check.js';

/** Express and Node's `http` both give these; `ip` is Express's own, honouring its `trust proxy` setting. */
export interface ExpressRequestBase extends RequestParts {
  ip?: string;
  socket?: { remoteAddress?: string };
}

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
