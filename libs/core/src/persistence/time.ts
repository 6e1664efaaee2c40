/** Cloudinary's timestamps: ISO-8601 in UTC with seconds precision. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
