/**
 * SAML assertion encryption (M-IAM CreateSAMLProvider.AssertionEncryptionMode / AddPrivateKey)
 * is not implemented: STS here accepts only signed, unencrypted assertions. Asking for it is
 * refused instead of being silently ignored, so a caller never believes assertions are
 * encrypted when they are not.
 */
import { fail } from '../../errors/index.js';

export function refuseEncryptionOptions(input: { AssertionEncryptionMode?: string; AddPrivateKey?: string; RemovePrivateKey?: string }): void {
  if (input.AddPrivateKey !== undefined || input.RemovePrivateKey !== undefined) {
    fail('InvalidInput', 'SAML assertion decryption keys are not supported by this server.', { reason: { check: 'iam.saml.private-key.unsupported' } });
  }
  if (input.AssertionEncryptionMode === 'Required') {
    fail('InvalidInput', 'AssertionEncryptionMode Required is not supported by this server; use Allowed.', {
      reason: { check: 'iam.saml.encryption-mode.unsupported', actual: input.AssertionEncryptionMode },
    });
  }
}
