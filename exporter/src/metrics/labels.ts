import { hashUser } from '../domain/user-hash';

export { hashUser }; // the metrics side keeps its one import place for label spelling

/** Label value for users without a billing group, and for the folded tail of per-user-per-model series. */
export const UNASSIGNED_GROUP = 'unassigned';
export const OTHER_USER = 'other';

export function userLabeler(hash: boolean): (email: string) => string {
  if (!hash) return (email) => email.toLowerCase();
  const cache = new Map<string, string>();
  return (email) => {
    let v = cache.get(email);
    if (v === undefined) {
      v = hashUser(email);
      cache.set(email, v);
    }
    return v;
  };
}
