import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, type ContextMap } from '../../../src/policy/index.js';
import { policy, V } from './helpers.js';

/**
 * One Allow statement carrying `condition`; `allow` is whether the request with `context` is
 * allowed, i.e. whether the condition block is satisfied.
 */
interface Row {
  name: string;
  condition: Record<string, Record<string, unknown>>;
  context: ContextMap;
  allow: boolean;
}

const rows: Row[] = [
  // ---- String ----------------------------------------------------------------------------
  { name: 'StringEquals matches the exact value', condition: { StringEquals: { 'aws:username': 'alice' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringEquals is case-sensitive on the value', condition: { StringEquals: { 'aws:username': 'alice' } }, context: { 'aws:username': 'Alice' }, allow: false },
  { name: 'condition key names are case-insensitive', condition: { StringEquals: { 'AWS:UserName': 'alice' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringEquals ORs its values', condition: { StringEquals: { 'aws:username': ['bob', 'alice'] } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringEquals on an absent key is false (I05)', condition: { StringEquals: { 'aws:username': 'alice' } }, context: {}, allow: false },
  { name: 'StringNotEquals is true for a value not listed', condition: { StringNotEquals: { 'aws:username': 'bob' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringNotEquals over several values is NOR: one equal value fails it (I09)', condition: { StringNotEquals: { 'aws:username': ['bob', 'alice'] } }, context: { 'aws:username': 'alice' }, allow: false },
  { name: 'StringNotEquals over several values is true when none is equal (I09)', condition: { StringNotEquals: { 'aws:username': ['bob', 'carol'] } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringNotEquals on an absent key is true (I05)', condition: { StringNotEquals: { 'aws:username': 'bob' } }, context: {}, allow: true },
  { name: 'StringEqualsIgnoreCase folds case', condition: { StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringNotEqualsIgnoreCase fails for a case variant', condition: { StringNotEqualsIgnoreCase: { 'aws:username': 'ALICE' } }, context: { 'aws:username': 'alice' }, allow: false },
  { name: 'StringLike * matches a suffix', condition: { StringLike: { 'aws:username': 'ali*' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringLike ? matches exactly one character', condition: { StringLike: { 'aws:username': 'a?ice' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'StringLike ? does not match two characters', condition: { StringLike: { 'aws:username': 'a?ce' } }, context: { 'aws:username': 'alice' }, allow: false },
  { name: 'StringLike is case-sensitive', condition: { StringLike: { 'aws:username': 'ALI*' } }, context: { 'aws:username': 'alice' }, allow: false },
  { name: 'StringNotLike is true for a non-matching value', condition: { StringNotLike: { 'aws:username': 'ali*' } }, context: { 'aws:username': 'bob' }, allow: true },
  { name: 'StringNotLike on an absent key is true (I05)', condition: { StringNotLike: { 'aws:username': 'ali*' } }, context: {}, allow: true },
  { name: 'StringEqualsIfExists on an absent key is true (I06)', condition: { StringEqualsIfExists: { 'aws:username': 'alice' } }, context: {}, allow: true },
  { name: 'StringEqualsIfExists on a present key checks normally (I06)', condition: { StringEqualsIfExists: { 'aws:username': 'alice' } }, context: { 'aws:username': 'bob' }, allow: false },
  { name: 'StringLikeIfExists on a present key checks the pattern', condition: { StringLikeIfExists: { 'aws:username': 'a*' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'keys under one operator are ANDed: one missing fails (I09)', condition: { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'red' } }, context: { 'aws:username': 'alice' }, allow: false },
  { name: 'keys under one operator are ANDed: both present pass (I09)', condition: { StringEquals: { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'red' } }, context: { 'aws:username': 'alice', 'aws:PrincipalTag/team': 'red' }, allow: true },
  { name: 'operators are ANDed (I09)', condition: { StringEquals: { 'aws:username': 'alice' }, NumericLessThan: { 's3:max-keys': '10' } }, context: { 'aws:username': 'alice', 's3:max-keys': '20' }, allow: false },
  { name: 'a JSON number as a string value compares as its text', condition: { StringEquals: { 's3:max-keys': 10 } }, context: { 's3:max-keys': '10' }, allow: true },

  // ---- Numeric ---------------------------------------------------------------------------
  { name: 'NumericLessThan compares request < policy', condition: { NumericLessThan: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '5' }, allow: true },
  { name: 'NumericLessThan is strict', condition: { NumericLessThan: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '10' }, allow: false },
  { name: 'NumericLessThanEquals includes equality', condition: { NumericLessThanEquals: { 's3:max-keys': 10 } }, context: { 's3:max-keys': '10' }, allow: true },
  { name: 'NumericGreaterThan compares request > policy', condition: { NumericGreaterThan: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '11' }, allow: true },
  { name: 'NumericGreaterThanEquals includes equality', condition: { NumericGreaterThanEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '9' }, allow: false },
  { name: 'NumericEquals compares numbers, not text', condition: { NumericEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '10.0' }, allow: true },
  { name: 'NumericNotEquals is true for a different number', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': '11' }, allow: true },
  { name: 'NumericLessThan with a non-number request value does not match (I14)', condition: { NumericLessThan: { 's3:max-keys': '10' } }, context: { 's3:max-keys': 'abc' }, allow: false },
  { name: 'NumericLessThan with a non-number policy value does not match (I14)', condition: { NumericLessThan: { 's3:max-keys': 'abc' } }, context: { 's3:max-keys': '1' }, allow: false },
  { name: 'NumericNotEquals with a non-number does not match either (I14)', condition: { NumericNotEquals: { 's3:max-keys': '10' } }, context: { 's3:max-keys': 'abc' }, allow: false },
  { name: 'hexadecimal is not a number (I14)', condition: { NumericEquals: { 's3:max-keys': '16' } }, context: { 's3:max-keys': '0x10' }, allow: false },
  { name: 'NumericLessThanIfExists on an absent key is true', condition: { NumericLessThanIfExists: { 's3:max-keys': '10' } }, context: {}, allow: true },

  // ---- Date ------------------------------------------------------------------------------
  { name: 'DateGreaterThan compares ISO 8601 instants', condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } }, context: { 'aws:CurrentTime': '2021-06-01T12:00:00Z' }, allow: true },
  { name: 'DateLessThan accepts epoch seconds in the policy', condition: { DateLessThan: { 'aws:CurrentTime': '1600000000' } }, context: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, allow: true },
  { name: 'DateEquals honours UTC offsets', condition: { DateEquals: { 'aws:CurrentTime': '2020-01-01T01:00:00+01:00' } }, context: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, allow: true },
  { name: 'a date without time is midnight UTC', condition: { DateEquals: { 'aws:CurrentTime': '2020-01-01' } }, context: { 'aws:CurrentTime': '2020-01-01T00:00:00.000Z' }, allow: true },
  { name: 'DateLessThanEquals includes the instant itself', condition: { DateLessThanEquals: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } }, context: { 'aws:EpochTime': '1577836800' }, allow: true },
  { name: 'DateGreaterThanEquals rejects an earlier instant', condition: { DateGreaterThanEquals: { 'aws:CurrentTime': '2020-01-02' } }, context: { 'aws:CurrentTime': '2020-01-01T23:59:59Z' }, allow: false },
  { name: 'DateNotEquals is true for another instant', condition: { DateNotEquals: { 'aws:CurrentTime': '2020-01-02' } }, context: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, allow: true },
  { name: 'an impossible date does not match (I14)', condition: { DateGreaterThan: { 'aws:CurrentTime': '2021-02-30T00:00:00Z' } }, context: { 'aws:CurrentTime': '2022-01-01T00:00:00Z' }, allow: false },
  { name: 'free text is not a date (I14)', condition: { DateLessThan: { 'aws:CurrentTime': '2030-01-01' } }, context: { 'aws:CurrentTime': 'yesterday' }, allow: false },
  { name: 'DateNotEquals with a bad date does not match (I14)', condition: { DateNotEquals: { 'aws:CurrentTime': 'not-a-date' } }, context: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' }, allow: false },
  { name: 'DateGreaterThanIfExists on an absent key is true', condition: { DateGreaterThanIfExists: { 'aws:CurrentTime': '2020-01-01' } }, context: {}, allow: true },

  // ---- Bool / Binary -----------------------------------------------------------------------
  { name: 'Bool accepts a JSON boolean', condition: { Bool: { 'aws:SecureTransport': true } }, context: { 'aws:SecureTransport': 'true' }, allow: true },
  { name: 'Bool false does not match true', condition: { Bool: { 'aws:SecureTransport': 'false' } }, context: { 'aws:SecureTransport': 'true' }, allow: false },
  { name: 'Bool with a non-boolean request value does not match', condition: { Bool: { 'aws:SecureTransport': 'true' } }, context: { 'aws:SecureTransport': 'yes' }, allow: false },
  { name: 'Bool on an absent key is false', condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }, context: {}, allow: false },
  { name: 'BoolIfExists on an absent key is true (I06)', condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, context: {}, allow: true },
  { name: 'BoolIfExists on a present key checks normally (I06)', condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }, context: { 'aws:MultiFactorAuthPresent': 'true' }, allow: false },
  { name: 'BinaryEquals compares base64-decoded bytes', condition: { BinaryEquals: { 'ex:key': 'QmluYXJ5VmFsdWU=' } }, context: { 'ex:key': 'QmluYXJ5VmFsdWU=' }, allow: true },
  { name: 'BinaryEquals rejects different bytes', condition: { BinaryEquals: { 'ex:key': 'QmluYXJ5VmFsdWU=' } }, context: { 'ex:key': 'T3RoZXI=' }, allow: false },
  { name: 'BinaryEquals with invalid base64 does not match', condition: { BinaryEquals: { 'ex:key': 'QmluYXJ5VmFsdWU' } }, context: { 'ex:key': 'QmluYXJ5VmFsdWU' }, allow: false },

  // ---- IP address --------------------------------------------------------------------------
  { name: 'IpAddress matches an address inside an IPv4 CIDR', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: { 'aws:SourceIp': '203.0.113.7' }, allow: true },
  { name: 'IpAddress rejects an address outside the block', condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }, context: { 'aws:SourceIp': '203.0.114.1' }, allow: false },
  { name: 'IpAddress matches IPv6 CIDR', condition: { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }, context: { 'aws:SourceIp': '2001:db8:1::1' }, allow: true },
  { name: 'IpAddress with a single address is a /32', condition: { IpAddress: { 'aws:SourceIp': '10.0.0.1' } }, context: { 'aws:SourceIp': '10.0.0.1' }, allow: true },
  { name: 'IpAddress ORs several blocks', condition: { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } }, context: { 'aws:SourceIp': '192.168.4.4' }, allow: true },
  { name: 'NotIpAddress is true outside the block', condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, context: { 'aws:SourceIp': '192.168.0.1' }, allow: true },
  { name: 'NotIpAddress is false inside the block', condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, context: { 'aws:SourceIp': '10.1.1.1' }, allow: false },
  { name: 'a prefix longer than the family allows does not match (I14)', condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } }, context: { 'aws:SourceIp': '10.0.0.1' }, allow: false },
  { name: 'an invalid octet does not match (I14)', condition: { IpAddress: { 'aws:SourceIp': '300.1.1.0/8' } }, context: { 'aws:SourceIp': '300.1.1.1' }, allow: false },
  { name: 'NotIpAddress with a bad CIDR does not match (I14)', condition: { NotIpAddress: { 'aws:SourceIp': 'bogus/8' } }, context: { 'aws:SourceIp': '10.0.0.1' }, allow: false },
  { name: 'an IPv4-mapped IPv6 address is not an IPv4 address (I14)', condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, context: { 'aws:SourceIp': '::ffff:10.0.0.1' }, allow: false },
  { name: 'short-form IPv4 (127.1) is not accepted (I14)', condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }, context: { 'aws:SourceIp': '127.1' }, allow: false },
  { name: 'IPv6 zone ids are not accepted', condition: { IpAddress: { 'aws:SourceIp': 'fe80::/10' } }, context: { 'aws:SourceIp': 'fe80::1%eth0' }, allow: false },
  { name: 'NotIpAddressIfExists on a present key inside the block is false', condition: { NotIpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, context: { 'aws:SourceIp': '10.2.3.4' }, allow: false },
  { name: 'IpAddressIfExists on an absent key is true', condition: { IpAddressIfExists: { 'aws:SourceIp': '10.0.0.0/8' } }, context: {}, allow: true },

  // ---- ARN ---------------------------------------------------------------------------------
  { name: 'ArnLike takes a wildcard account component (I04)', condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/admin' }, allow: true },
  { name: 'ArnLike matches per colon-separated component: * in the account cannot swallow a colon (I04)', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::1*:role/admin' } }, context: { 'aws:SourceArn': 'arn:aws:iam::1:x:role/admin' }, allow: false },
  { name: 'ArnLike lets the resource component keep its colons', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:logs:*:*:log-group:app:*' } }, context: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:x' }, allow: true },
  { name: 'ArnLike is case-sensitive', condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/Admin' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/admin' }, allow: false },
  { name: 'ArnEquals behaves like ArnLike', condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/*' } }, context: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/ops' }, allow: true },
  { name: 'ArnLike with a request value that is not an ARN does not match', condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, context: { 'aws:SourceArn': 'arn:::bucket' }, allow: false },
  { name: 'ArnNotLike on an absent key is true (I05)', condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, context: {}, allow: true },
  { name: 'ArnNotLike with a request value that is not an ARN does not match', condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, context: { 'aws:SourceArn': 'garbage' }, allow: false },
  { name: 'ArnNotEquals is true for another ARN', condition: { ArnNotEquals: { 'aws:SourceArn': 'arn:aws:s3:::a' } }, context: { 'aws:SourceArn': 'arn:aws:s3:::b' }, allow: true },
  { name: 'ArnLikeIfExists on an absent key is true', condition: { ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:s3:::a' } }, context: {}, allow: true },

  // ---- Null --------------------------------------------------------------------------------
  { name: 'Null true holds when the key is absent', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, context: {}, allow: true },
  { name: 'Null true fails when the key is present', condition: { Null: { 'aws:TokenIssueTime': 'true' } }, context: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, allow: false },
  { name: 'Null false holds when the key is present', condition: { Null: { 'aws:TokenIssueTime': false } }, context: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' }, allow: true },
  { name: 'Null false fails on an empty multi-valued key', condition: { Null: { 'aws:TagKeys': 'false' } }, context: { 'aws:TagKeys': [] }, allow: false },

  // ---- Set operators -----------------------------------------------------------------------
  { name: 'ForAllValues holds when every request value is listed', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['a'] }, allow: true },
  { name: 'ForAllValues fails when one request value is not listed', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['a', 'c'] }, allow: false },
  { name: 'ForAllValues is true when the key is absent (I07)', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, context: {}, allow: true },
  { name: 'ForAllValues is true when the key is an empty set (I07)', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] } }, context: { 'aws:TagKeys': [] }, allow: true },
  { name: 'ForAllValues paired with Null false fails on an absent key (I07)', condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['a'] }, Null: { 'aws:TagKeys': 'false' } }, context: {}, allow: false },
  { name: 'ForAllValues treats a single-valued key as a one-element set (I07)', condition: { 'ForAllValues:StringEquals': { 'aws:username': ['alice', 'bob'] } }, context: { 'aws:username': 'bob' }, allow: true },
  { name: 'ForAllValues:StringNotEquals holds when no request value is listed', condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['x'] } }, context: { 'aws:TagKeys': ['a', 'b'] }, allow: true },
  { name: 'ForAllValues:StringNotEquals fails when one request value is listed', condition: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['x'] } }, context: { 'aws:TagKeys': ['a', 'x'] }, allow: false },
  { name: 'ForAnyValue holds when one request value is listed', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['c', 'b'] }, allow: true },
  { name: 'ForAnyValue fails when no request value is listed', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a', 'b'] } }, context: { 'aws:TagKeys': ['c'] }, allow: false },
  { name: 'ForAnyValue is false when the key is absent (I08)', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, context: {}, allow: false },
  { name: 'ForAnyValue is false when the key is an empty set (I08)', condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['a'] } }, context: { 'aws:TagKeys': [] }, allow: false },
  { name: 'ForAnyValue:StringEqualsIfExists is true when the key is absent', condition: { 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['a'] } }, context: {}, allow: true },
  { name: 'ForAnyValue treats a single-valued key as a one-element set', condition: { 'ForAnyValue:StringEquals': { 'aws:username': 'alice' } }, context: { 'aws:username': 'alice' }, allow: true },
  { name: 'ForAnyValue:StringLike matches a multi-valued amr claim', condition: { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }, context: { 'cognito-identity.amazonaws.com:amr': ['authenticated', 'accounts.google.com'] }, allow: true },
  { name: 'ForAnyValue:NumericGreaterThan compares each value', condition: { 'ForAnyValue:NumericGreaterThan': { 'ex:sizes': '10' } }, context: { 'ex:sizes': ['1', '20'] }, allow: true },
  { name: 'a plain operator on a multi-valued key is satisfied by any value', condition: { StringEquals: { 'aws:TagKeys': 'alice' } }, context: { 'aws:TagKeys': ['x', 'alice'] }, allow: true },
  { name: 'a plain negated operator on a multi-valued key fails when any value is listed', condition: { StringNotEquals: { 'aws:TagKeys': 'alice' } }, context: { 'aws:TagKeys': ['x', 'alice'] }, allow: false },
  { name: 'operator names are accepted in any case', condition: { stringequals: { 'aws:username': 'alice' } }, context: { 'aws:username': 'alice' }, allow: true },
];

for (const row of rows) {
  test(`${row.name}`, () => {
    const p = policy({ Version: V, Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: row.condition }] });
    const result = evaluate({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: row.context, identityPolicies: [p] });
    assert.equal(result.decision, row.allow ? 'Allow' : 'ImplicitDeny', JSON.stringify(result.reason));
  });
}
