import { Transform, type Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/** Past the limit, how much more of a body is read and thrown away so that the client reads its 413. */
export const DRAINED_BYTES = 64 * 1024 * 1024;

/** Fastify's own error for a body over the limit: the exception filter answers it 413 with its message. */
const tooLarge = (): Error =>
  Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });

/** Reads the rest of a body and throws it away, then calls `done`; at once when more than DRAINED_BYTES come. */
function drain(payload: Readable, done: () => void): void {
  let read = 0;
  const finish = () => {
    payload.removeListener('data', onData);
    done();
  };
  const onData = (chunk: Buffer) => {
    read += chunk.length;
    if (read > DRAINED_BYTES) finish();
  };
  payload.on('data', onData);
  payload.once('end', finish);
  payload.once('error', finish);
}

/** A chunked body: passed on up to the limit; past it, read to its end and dropped, then a 413. */
function limited(payload: Readable, limit: number): Transform {
  let received = 0;
  let over = false;
  return payload.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > limit + DRAINED_BYTES) return callback(tooLarge());
        if (received > limit) over = true;
        callback(null, over ? undefined : chunk);
      },
      flush(callback) {
        callback(over ? tooLarge() : null);
      },
    }),
  );
}

/**
 * Answers a body over `limit` with its 413 only once the client has finished sending it (up to DRAINED_BYTES more):
 * a server that answers and closes while the client still sends resets the connection, and the client, still
 * writing, often never reads the 413. A body whose Content-Length is within the limit, or no body, needs nothing:
 * the HTTP parser holds a body to its length, so the common request pays nothing.
 */
export function answerOversizedBodiesAfterReading(fastify: FastifyInstance, limit: number): void {
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const declared = request.headers['content-length'];
    if (declared !== undefined) return Number(declared) <= limit ? done(null, payload) : drain(payload, () => done(tooLarge()));
    // Without a length, only a chunked request has a body.
    done(null, request.headers['transfer-encoding'] === undefined ? payload : limited(payload, limit));
  });
}
