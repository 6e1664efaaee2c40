import { randomBytes, randomUUID } from 'node:crypto';

export const newAccountId = (): string => randomUUID();

/** 32 lowercase hex characters, the shape of Cloudinary's environment, user and group ids. */
export const newRecordId = (): string => randomBytes(16).toString('hex');
