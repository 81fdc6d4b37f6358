/**
 * User attributes: the standard OIDC attribute set every pool has, `custom:` attributes from
 * CreateUserPool's Schema, and the checks AWS applies when attributes are written
 * (CG:user-pool-settings-attributes; aws-surface.md §7.1 SchemaAttributeType). Values are strings
 * on the wire; `email_verified`/`phone_number_verified` are "true"/"false".
 */
import { invalidParameter } from './errors.js';
import type { SchemaAttribute, UserPoolRecord } from './records.js';

const STRING = (Name: string, extra: Partial<SchemaAttribute> = {}): SchemaAttribute => ({
  Name,
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: true,
  Required: false,
  StringAttributeConstraints: { MinLength: '0', MaxLength: '2048' },
  ...extra,
});

/** DescribeUserPool's SchemaAttributes for a pool created without a Schema (AWS's list, in AWS's order). */
export function standardSchema(): SchemaAttribute[] {
  return [
    STRING('sub', { Mutable: false, Required: true, StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' } }),
    ...['name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'email'].map((n) => STRING(n)),
    { Name: 'email_verified', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false },
    ...['gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number'].map((n) => STRING(n)),
    { Name: 'phone_number_verified', AttributeDataType: 'Boolean', DeveloperOnlyAttribute: false, Mutable: true, Required: false },
    STRING('address'),
    { Name: 'updated_at', AttributeDataType: 'Number', DeveloperOnlyAttribute: false, Mutable: true, Required: false, NumberAttributeConstraints: { MinValue: '0' } },
    STRING('identities', { Mutable: true }),
  ];
}

const STANDARD = new Set(standardSchema().map((a) => a.Name));
export const isStandardAttribute = (name: string) => STANDARD.has(name);

/**
 * Merges a CreateUserPool Schema into the standard set: entries naming a standard attribute
 * change it (Required, Mutable, constraints); any other name is a custom attribute, stored and
 * described as `custom:<name>` (CG: "Amazon Cognito adds the prefix custom: to the name").
 */
export function buildSchema(input: SchemaAttribute[] | undefined): SchemaAttribute[] {
  const schema = standardSchema();
  for (const attr of input ?? []) {
    const bare = attr.Name.startsWith('custom:') ? attr.Name.slice('custom:'.length) : attr.Name;
    const standard = !attr.Name.startsWith('custom:') && STANDARD.has(attr.Name);
    if (standard) {
      const i = schema.findIndex((s) => s.Name === attr.Name);
      if (attr.Name === 'sub') throw invalidParameter('sub attribute cannot be modified.', 'idp.schema', attr.Name);
      schema[i] = { ...schema[i]!, ...withoutUndefined(attr), Name: attr.Name };
      continue;
    }
    const name = `custom:${bare}`;
    if (schema.some((s) => s.Name === name)) throw invalidParameter(`Existing attribute already has name ${name}.`, 'idp.schema', name);
    if (attr.Required) throw invalidParameter('Required custom attributes are not supported currently.', 'idp.schema', name);
    const type = attr.AttributeDataType ?? 'String';
    schema.push({
      Name: name,
      AttributeDataType: type,
      DeveloperOnlyAttribute: attr.DeveloperOnlyAttribute ?? false,
      Mutable: attr.Mutable ?? true,
      Required: false,
      ...(type === 'String' ? { StringAttributeConstraints: attr.StringAttributeConstraints ?? {} } : {}),
      ...(type === 'Number' ? { NumberAttributeConstraints: attr.NumberAttributeConstraints ?? {} } : {}),
    });
  }
  return schema;
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export interface AttributeInput {
  Name: string;
  Value?: string;
}

/**
 * Checks attributes a caller writes against the pool's schema and returns them as a map.
 * `sub` and `identities` are Cognito's own; immutable attributes cannot change after creation.
 */
export function checkAttributes(pool: UserPoolRecord, attributes: AttributeInput[] | undefined, mode: 'create' | 'update'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Name, Value } of attributes ?? []) {
    const def = pool.schema.find((s) => s.Name === Name);
    if (!def) throw invalidParameter(`Attributes did not conform to the schema: ${Name}: Attribute does not exist in the schema.\n`, 'idp.attribute', Name);
    if (Name === 'sub' || Name === 'identities') throw invalidParameter(`Cannot modify the non-mutable attribute ${Name}`, 'idp.attribute', Name);
    if (mode === 'update' && def.Mutable === false) throw invalidParameter(`Cannot modify the non-mutable attribute ${Name}`, 'idp.attribute', Name);
    const value = Value ?? '';
    if (def.AttributeDataType === 'Boolean' && value !== 'true' && value !== 'false') {
      throw invalidParameter(`Attributes did not conform to the schema: ${Name}: Attribute value must be true or false\n`, 'idp.attribute', Name);
    }
    if (def.AttributeDataType === 'Number' && value !== '' && !/^-?[0-9]+(\.[0-9]+)?$/.test(value)) {
      throw invalidParameter(`Attributes did not conform to the schema: ${Name}: Number must be numeric\n`, 'idp.attribute', Name);
    }
    const max = Number(def.StringAttributeConstraints?.MaxLength ?? 2048);
    if (value.length > max) throw invalidParameter(`Attributes did not conform to the schema: ${Name}: String must be no longer than ${max} characters\n`, 'idp.attribute', Name);
    if (Name === 'email' && value !== '' && !/^[^\s@]+@[^\s@]+$/.test(value)) throw invalidParameter('Invalid email address format.', 'idp.attribute', Name);
    if (Name === 'phone_number' && value !== '' && !/^\+[0-9]{4,15}$/.test(value)) throw invalidParameter('Invalid phone number format.', 'idp.attribute', Name);
    out[Name] = value;
  }
  return out;
}

/** Required attributes missing from a new user (SignUp / AdminCreateUser). */
export function checkRequired(pool: UserPoolRecord, attributes: Record<string, string>): void {
  const missing = pool.schema.filter((s) => s.Required && s.Name !== 'sub' && !attributes[s.Name]);
  if (missing.length > 0) {
    throw invalidParameter(`Attributes did not conform to the schema: ${missing.map((m) => `${m.Name}: The attribute ${m.Name} is required`).join('\n')}`, 'idp.attribute.required', missing.map((m) => m.Name));
  }
}
