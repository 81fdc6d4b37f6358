"""The web-identity flow with boto3, unchanged but for endpoint_url.

Reads its inputs from the environment (set by test/e2e/web-identity-boto3-cli.test.ts), prints
one JSON object describing what happened; the Node test asserts on it.
"""
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

endpoint = os.environ["TESSERA_URL"]
region = os.environ["TESSERA_REGION"]
account = os.environ["TESSERA_ACCOUNT"]
issuer_url = os.environ["ISSUER_URL"]
thumbprint = os.environ["ISSUER_THUMBPRINT"]
tokens = json.loads(os.environ["TOKENS"])
host = issuer_url[len("https://"):]

root = dict(
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id=os.environ["ROOT_KEY"],
    aws_secret_access_key=os.environ["ROOT_SECRET"],
)
iam = boto3.client("iam", **root)
out = {}

provider_arn = iam.create_open_id_connect_provider(
    Url=issuer_url, ClientIDList=["boto-app"], ThumbprintList=[thumbprint]
)["OpenIDConnectProviderArn"]
out["provider_arn"] = provider_arn
got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider_arn)
out["provider_url"] = got["Url"]
out["provider_client_ids"] = got["ClientIDList"]

trust = {
    "Version": "2012-10-17",
    "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {host + ":aud": "boto-app", host + ":sub": "bob"}},
    }],
}
role = iam.create_role(RoleName="boto-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
# boto3 URL-decodes and parses policy documents itself: a dict means the wire form was right.
out["trust_is_dict"] = isinstance(role["AssumeRolePolicyDocument"], dict)
iam.put_role_policy(
    RoleName="boto-role",
    PolicyName="get-role-only",
    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}),
)

sts = boto3.client("sts", endpoint_url=endpoint, region_name=region,
                   aws_access_key_id="unused", aws_secret_access_key="unused")
try:
    sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s1", WebIdentityToken=tokens["wrong_sub"])
    out["wrong_sub"] = "accepted"
except ClientError as e:
    out["wrong_sub"] = e.response["Error"]["Code"]
try:
    sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="s1", WebIdentityToken=tokens["wrong_aud"])
    out["wrong_aud"] = "accepted"
except ClientError as e:
    out["wrong_aud"] = e.response["Error"]["Code"]

res = sts.assume_role_with_web_identity(RoleArn=role["Arn"], RoleSessionName="bob-session", WebIdentityToken=tokens["good"])
creds = res["Credentials"]
out["access_key_prefix"] = creds["AccessKeyId"][:4]
out["subject"] = res["SubjectFromWebIdentityToken"]
session = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=creds["AccessKeyId"],
               aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
out["caller_arn"] = boto3.client("sts", **session).get_caller_identity()["Arn"]
as_role = boto3.client("iam", **session)
out["get_role"] = as_role.get_role(RoleName="boto-role")["Role"]["RoleName"]
try:
    as_role.list_roles()
    out["list_roles"] = "allowed"
except ClientError as e:
    out["list_roles"] = e.response["Error"]["Code"]

narrow = sts.assume_role_with_web_identity(
    RoleArn=role["Arn"], RoleSessionName="bob-narrow", WebIdentityToken=tokens["good2"],
    Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:ListRoles", "Resource": "*"}]}),
)["Credentials"]
narrow_iam = boto3.client("iam", endpoint_url=endpoint, region_name=region, aws_access_key_id=narrow["AccessKeyId"],
                          aws_secret_access_key=narrow["SecretAccessKey"], aws_session_token=narrow["SessionToken"])
try:
    narrow_iam.get_role(RoleName="boto-role")
    out["narrowed_get_role"] = "allowed"
except ClientError as e:
    out["narrowed_get_role"] = e.response["Error"]["Code"]

json.dump(out, sys.stdout)
