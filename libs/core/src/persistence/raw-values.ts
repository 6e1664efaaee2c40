import type { DataSource } from 'typeorm';

// Raw rows (queries TypeORM does not hydrate into entities) come back in each driver's own types.

/** A boolean column: 0/1 from SQLite and MySQL, true/false where the driver converts. */
export const rawBoolean = (value: unknown): boolean => value === true || Number(value) === 1;

/** The SQL dialects Castellan runs on: MySQL (MariaDB included) and SQLite. */
export type SqlDialect = 'mysql' | 'sqlite';

export const sqlDialectOf = (connection: DataSource): SqlDialect => (connection.options.type === 'mysql' ? 'mysql' : 'sqlite');

/** SQL aggregating `expression` over a subquery's rows into a JSON array. */
export function jsonArrayAgg(dialect: SqlDialect, expression: string): string {
  return dialect === 'mysql' ? `JSON_ARRAYAGG(${expression})` : `json_group_array(${expression})`;
}

/** Reads back a jsonArrayAgg: JSON text (SQLite, MariaDB), already parsed (MySQL), or NULL over no rows (MySQL). */
export function rawJsonArray(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  const array: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(array) ? array : [];
}
