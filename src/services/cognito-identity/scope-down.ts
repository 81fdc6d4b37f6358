/**
 * The session policy Cognito attaches to enhanced-flow credentials of **unauthenticated**
 * identities (Cognito developer guide, "IAM roles" → "Access policies"; aws-surface.md §4.4):
 * whatever the guest role allows, the session can only use this fixed list of services.
 * AWS additionally attaches the managed policy AmazonCognitoUnauthenticatedIdentities
 * (`rum:PutRumEvents`); Tessera folds that action into the same inline policy, so the text is
 * self-contained (effective permissions = role policies ∩ this policy).
 *
 * Deliberately absent: IAM, STS (beyond GetCallerIdentity, which no policy can deny) and every
 * other control-plane service, so a permissive guest role still cannot administer the account.
 */
const ALLOWED_ACTIONS = [
  'firehose:*',
  'kinesis:*',
  'kinesisanalytics:*',
  'sqs:*',
  'sumerian:View*',
  'mobileanalytics:*',
  'ses:*',
  'lambda:*',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'dynamodb:*',
  'sdb:*',
  'appsync:*',
  'geo:*',
  'sns:*',
  'gamelift:*',
  'iot:*',
  'codewhisperer:*',
  'comprehend:*',
  'lex:*',
  'machinelearning:*',
  'personalize:*',
  'polly:*',
  'rekognition:*',
  'sagemaker:InvokeEndpoint',
  'textract:DetectDocumentText',
  'textract:AnalyzeDocument',
  'transcribe:*',
  'translate:*',
  'cloudwatch:*',
  'logs:*',
  'execute-api:*',
  'cognito-identity:*',
  'cognito-idp:*',
  'cognito-sync:*',
  's3:*',
  'rum:PutRumEvents',
] as const;

/** Compact JSON; well under STS's 2,048-character packed limit for inline session policies. */
export const UNAUTHENTICATED_SCOPE_DOWN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'CognitoUnauthenticatedScopeDown', Effect: 'Allow', Action: ALLOWED_ACTIONS, Resource: '*' }],
});
