import type { DataSource } from 'typeorm';

// Raw rows (queries TypeORM does not hydrate into entities) come back in each driver's own types.

/** A boolean column: 0/1 from SQLite and MySQL, true/false where the driver converts. */
export const rawBoolean = (value: unknown): boolean => value === true || Number(value) === 1;

/** SQL aggregating `expression` over a subquery's rows into a JSON array, in the connection's dialect. */
export function jsonArrayAgg(connection: DataSource, expression: string): string {
  return connection.options.type === 'mysql' ? `JSON_ARRAYAGG(${expression})` : `json_group_array(${expression})`;
}

/** Reads back a jsonArrayAgg: JSON text (SQLite, MariaDB), already parsed (MySQL), or NULL over no rows (MySQL). */
export function rawJsonArray(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  const array: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(array) ? array : [];
}
