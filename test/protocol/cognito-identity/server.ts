/** A Tessera for the Cognito Identity tests: the real composition root (src/app.ts) via startTestServer. */
import type { ConfigInput } from '../../../src/config/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export type Options = ConfigInput & { clock?: () => Date; keepDataDir?: boolean };

export function startCognitoServer(overrides: Options = {}): Promise<TestServer> {
  return startTestServer(overrides);
}
