"""Cognito Identity with boto3, unchanged but for endpoint_url.

Inputs from the environment (set by test/e2e/cognito-identity/boto3.test.ts); prints one JSON
object describing what happened; the Node test asserts on it.
"""
import json
import os

import boto3
from botocore.exceptions import ClientError

endpoint = os.environ["TESSERA_URL"]
region = os.environ["TESSERA_REGION"]
account = os.environ["TESSERA_ACCOUNT"]
provider_arn = os.environ["PROVIDER_ARN"]
provider_key = os.environ["PROVIDER_KEY"]
token = os.environ["TOKEN"]
root = dict(endpoint_url=endpoint, region_name=region,
            aws_access_key_id=os.environ["ROOT_KEY"], aws_secret_access_key=os.environ["ROOT_SECRET"])
admin = boto3.client("cognito-identity", **root)
iam = boto3.client("iam", **root)
out = {}

pool = admin.create_identity_pool(IdentityPoolName="boto pool", AllowUnauthenticatedIdentities=True,
                                  OpenIdConnectProviderARNs=[provider_arn])
pool_id = pool["IdentityPoolId"]
out["allow_classic_flow_present"] = "AllowClassicFlow" in pool


def role(name, amr, actions):
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": pool_id},
                      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}}}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
    return arn


admin.set_identity_pool_roles(IdentityPoolId=pool_id, Roles={
    "authenticated": role("boto-auth", "authenticated", ["iam:GetRole"]),
    "unauthenticated": role("boto-guest", "unauthenticated", ["iam:GetRole"]),
})

anon = boto3.client("cognito-identity", endpoint_url=endpoint, region_name=region,
                    config=boto3.session.Config(signature_version=__import__("botocore").UNSIGNED))


def with_creds(c):
    return dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=c["AccessKeyId"],
                aws_secret_access_key=c["SecretKey"], aws_session_token=c["SessionToken"])


def can_get_role(c):
    try:
        boto3.client("iam", **with_creds(c)).get_role(RoleName="boto-auth")
        return True
    except ClientError as e:
        return e.response["Error"]["Code"]


guest_id = anon.get_id(IdentityPoolId=pool_id)["IdentityId"]
guest = anon.get_credentials_for_identity(IdentityId=guest_id)["Credentials"]
out["guest_arn"] = boto3.client("sts", **with_creds(guest)).get_caller_identity()["Arn"]
out["guest_get_role"] = can_get_role(guest)

logins = {provider_key: token}
user_id = anon.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
user = anon.get_credentials_for_identity(IdentityId=user_id, Logins=logins)["Credentials"]
out["user_arn"] = boto3.client("sts", **with_creds(user)).get_caller_identity()["Arn"]
out["user_get_role"] = can_get_role(user)
out["user_expiration_type"] = type(user["Expiration"]).__name__
out["described_logins"] = admin.describe_identity(IdentityId=user_id)["Logins"]
out["listed"] = sorted(i["IdentityId"] for i in admin.list_identities(IdentityPoolId=pool_id, MaxResults=60)["Identities"])
out["expected_listed"] = sorted([guest_id, user_id])

try:
    anon.get_credentials_for_identity(IdentityId=user_id)
    out["no_logins"] = "accepted"
except ClientError as e:
    out["no_logins"] = [e.response["Error"]["Code"], e.response["Error"]["Message"]]

print(json.dumps(out))
