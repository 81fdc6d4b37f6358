/** Lifetimes of the hosted endpoints' records (aws-surface.md §8.1, §9.2, §10). */
export const TTL_MS = {
  /** Authorization codes: "valid for five minutes" (CG:authorization-endpoint). */
  code: 5 * 60_000,
  /** Sign-ins through an IdP must finish within 5 minutes (CG:cognito-user-pools-oidc-flow). */
  upstream: 5 * 60_000,
  /** A managed-login form: as long as Cognito's auth session at most (15 min). */
  login: 15 * 60_000,
  /** Hosted-UI session cookie: 1 hour (CG:limits). */
  session: 60 * 60_000,
} as const;
