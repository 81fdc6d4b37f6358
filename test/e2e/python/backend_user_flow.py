"""A least-privilege IAM user for an app backend, with boto3, unchanged but for endpoint_url.

Root creates two identity pools and a user whose only permission is
cognito-identity:GetOpenIdTokenForDeveloperIdentity on the first pool; the user's access key
gets developer tokens for that pool, is refused for the other pool and for IAM, and is refused
altogether once root makes it Inactive. Reads its inputs from the environment (set by
test/e2e/iam-users-boto3-cli.test.ts) and prints one JSON object; the Node test asserts on it.
"""
import json
import os

import boto3
from botocore.exceptions import ClientError

endpoint = os.environ["TESSERA_URL"]
region = os.environ["TESSERA_REGION"]
account = os.environ["TESSERA_ACCOUNT"]

root = dict(
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id=os.environ["ROOT_KEY"],
    aws_secret_access_key=os.environ["ROOT_SECRET"],
)
iam = boto3.client("iam", **root)
cognito = boto3.client("cognito-identity", **root)
out = {}


def error(call):
    try:
        call()
        return {"code": "succeeded"}
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "message": e.response["Error"]["Message"]}


pools = [
    cognito.create_identity_pool(
        IdentityPoolName=name, AllowUnauthenticatedIdentities=False, DeveloperProviderName="login.boto.app"
    )["IdentityPoolId"]
    for name in ("boto_orders", "boto_billing")
]
out["pools"] = pools
pool_arn = f"arn:aws:cognito-identity:{region}:{account}:identitypool/{pools[0]}"

user = iam.create_user(UserName="boto-backend")["User"]
out["user_arn"] = user["Arn"]
out["user_id"] = user["UserId"]
iam.put_user_policy(
    UserName="boto-backend",
    PolicyName="developer-tokens",
    PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "cognito-identity:GetOpenIdTokenForDeveloperIdentity",
            "Resource": pool_arn,
        }],
    }),
)
key = iam.create_access_key(UserName="boto-backend")["AccessKey"]
out["key_prefix"] = key["AccessKeyId"][:4]
backend = dict(
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id=key["AccessKeyId"],
    aws_secret_access_key=key["SecretAccessKey"],
)
backend_cognito = boto3.client("cognito-identity", **backend)
backend_iam = boto3.client("iam", **backend)

out["caller_arn"] = boto3.client("sts", **backend).get_caller_identity()["Arn"]
token = backend_cognito.get_open_id_token_for_developer_identity(
    IdentityPoolId=pools[0], Logins={"login.boto.app": "customer-1"}
)
out["identity_id"] = token["IdentityId"]
out["token_parts"] = len(token["Token"].split("."))
out["other_pool"] = error(lambda: backend_cognito.get_open_id_token_for_developer_identity(
    IdentityPoolId=pools[1], Logins={"login.boto.app": "customer-1"}
))
out["iam_call"] = error(lambda: backend_iam.list_users())

iam.update_access_key(UserName="boto-backend", AccessKeyId=key["AccessKeyId"], Status="Inactive")
out["after_deactivation"] = error(lambda: backend_cognito.get_open_id_token_for_developer_identity(
    IdentityPoolId=pools[0], Logins={"login.boto.app": "customer-1"}
))
print(json.dumps(out))
