/**
 * Who is calling. A principal is the result of SigV4 authentication: the root credentials of
 * the account, an IAM user's access key (`AKIA…`), a user session from GetSessionToken, or a
 * role session opened from a session token Tessera sealed.
 */

/** What Tessera seals into a session token when it vends temporary credentials. */
export interface SessionClaims {
  v: 1;
  accessKeyId: string;
  secretAccessKey: string;
  /** Epoch seconds. */
  issuedAt: number;
  /** Epoch seconds; credentials are refused from this second on. */
  expiresAt: number;
  accountId: string;
  /**
   * The role of a role session. For a user session (via GetSessionToken) these name the user:
   * roleArn is the user's ARN, roleId its `AIDA…` id, roleName and sessionName its name.
   */
  roleArn: string;
  /** `AROA…` (`AIDA…` for a user session) */
  roleId: string;
  roleName: string;
  sessionName: string;
  /** Inline session policy (JSON text) and managed session policy ARNs; they narrow the role. */
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
  /** Session tags (aws:PrincipalTag/…); keys keep their case. */
  tags?: Record<string, string>;
  transitiveTagKeys?: string[];
  sourceIdentity?: string;
  /**
   * For web-identity sessions: the provider key (`cognito-identity.amazonaws.com`,
   * `<host>/<path>` of an IAM OIDC provider) and the claims that survive as condition keys
   * (amr, aud, sub, id — IAM user guide "cross-service" keys).
   */
  federated?: { provider: string; claims: Record<string, string | string[]> };
  /** How the session was created: AssumeRole, AssumeRoleWithWebIdentity, AssumeRoleWithSAML, Cognito. */
  via: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'AssumeRoleWithSAML' | 'GetCredentialsForIdentity' | 'GetSessionToken';
}

export type Principal =
  | {
      kind: 'root';
      accountId: string;
      /** `arn:aws:iam::<account>:root` */
      arn: string;
      /** For root: the account id (what GetCallerIdentity returns as UserId). */
      userId: string;
      accessKeyId: string;
    }
  | {
      kind: 'user';
      accountId: string;
      /** `arn:aws:iam::<account>:user<path><name>` */
      arn: string;
      /** `AIDA…` */
      userId: string;
      userName: string;
      accessKeyId: string;
      /**
       * Present for temporary credentials from GetSessionToken: they carry the user's
       * permissions, except that they cannot call IAM, nor STS other than AssumeRole and
       * GetCallerIdentity (STS API reference, GetSessionToken).
       */
      session?: SessionClaims;
    }
  | {
      kind: 'assumed-role';
      accountId: string;
      /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
      arn: string;
      /** `<roleId>:<sessionName>` */
      userId: string;
      accessKeyId: string;
      session: SessionClaims;
    };
