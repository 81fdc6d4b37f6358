/**
 * Generated AWS service models (IAM, STS, Cognito Identity, Cognito user pools), trimmed from the
 * official botocore `service-2.json` files by scripts/gen-models.mjs. These modules are data only;
 * src/wire/ interprets them (parse, validate, render). Regenerate with `npm run gen:models` — never
 * edit the generated files by hand.
 */
export type * from './types.js';
export { iamModel } from './iam.js';
export { stsModel } from './sts.js';
export { cognitoIdentityModel } from './cognito-identity.js';
export { cognitoIdpModel } from './cognito-idp.js';
