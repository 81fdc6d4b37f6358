/**
 * Access to the generated service models by service name, plus the small lookups every protocol
 * needs (operation by name, shape by name, the wire name of a member).
 */
import { cognitoIdentityModel, cognitoIdpModel, iamModel, stsModel } from '../models/index.js';
import type { MemberRef, OperationModel, ServiceModel, ShapeModel } from '../models/types.js';
import type { ServiceName } from './operation.js';

const MODELS: Record<ServiceName, ServiceModel> = {
  iam: iamModel,
  sts: stsModel,
  'cognito-identity': cognitoIdentityModel,
  'cognito-idp': cognitoIdpModel,
};

export function getModel(service: ServiceName): ServiceModel {
  return MODELS[service];
}

/** The operation, or undefined when the model has no such operation (own keys only: no `toString`). */
export function findOperation(model: ServiceModel, name: string): OperationModel | undefined {
  return Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
}

/** Like findOperation, for callers that already routed the request: an unknown name is a programming error. */
export function getOperation(model: ServiceModel, name: string): OperationModel {
  const op = findOperation(model, name);
  if (!op) throw new Error(`${model.metadata.uid} has no operation ${name}`);
  return op;
}

export function getShape(model: ServiceModel, name: string): ShapeModel {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`${model.metadata.uid} has no shape ${name}`);
  return shape;
}

/** Name used on the wire for a structure member (query parameter / XML element): locationName wins. */
export function wireName(memberName: string, ref: MemberRef): string {
  return ref.locationName ?? memberName;
}

/**
 * The name AWS uses for a member in validation messages: the member name with its first letter
 * lower-cased (`RoleSessionName` → `roleSessionName`, aws-surface.md §2.1 `identityPoolId`).
 */
export function messageName(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1);
}
