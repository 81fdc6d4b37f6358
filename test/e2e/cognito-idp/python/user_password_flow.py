"""boto3 against Tessera's cognito-idp: pool + confidential client, USER_PASSWORD_AUTH with
SECRET_HASH (Base64(HMAC-SHA256(client secret, username + client id)), aws-surface.md 7.3),
GetUser with the access token, and the error codes boto3 parses. Prints one JSON object."""
import base64
import hashlib
import hmac
import json
import os

import boto3
from botocore.exceptions import ClientError

url = os.environ["TESSERA_URL"]
session = boto3.session.Session(
    aws_access_key_id=os.environ["ROOT_KEY"],
    aws_secret_access_key=os.environ["ROOT_SECRET"],
    region_name=os.environ["TESSERA_REGION"],
)
idp = session.client("cognito-idp", endpoint_url=url)
out = {}


def code_of(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return None


def secret_hash(secret, username, client_id):
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


pool_id = idp.create_user_pool(PoolName="boto")["UserPool"]["Id"]
client = idp.create_user_pool_client(
    UserPoolId=pool_id,
    ClientName="boto-client",
    GenerateSecret=True,
    ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
)["UserPoolClient"]
client_id, secret = client["ClientId"], client["ClientSecret"]
password = "Boto-Strong-Pass-1"
idp.admin_create_user(UserPoolId=pool_id, Username="grace", MessageAction="SUPPRESS",
                      UserAttributes=[{"Name": "email", "Value": "grace@example.com"}])
idp.admin_set_user_password(UserPoolId=pool_id, Username="grace", Password=password, Permanent=True)

result = idp.initiate_auth(
    ClientId=client_id,
    AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "grace", "PASSWORD": password, "SECRET_HASH": secret_hash(secret, "grace", client_id)},
)["AuthenticationResult"]
out["token_type"] = result["TokenType"]
out["has_refresh"] = "RefreshToken" in result
user = idp.get_user(AccessToken=result["AccessToken"])
out["username"] = user["Username"]
out["email"] = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "email")
out["wrong_hash"] = code_of(lambda: idp.initiate_auth(
    ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "grace", "PASSWORD": password, "SECRET_HASH": secret_hash(secret, "other", client_id)}))
out["wrong_password"] = code_of(lambda: idp.initiate_auth(
    ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
    AuthParameters={"USERNAME": "grace", "PASSWORD": "Nope-Nope-1", "SECRET_HASH": secret_hash(secret, "grace", client_id)}))
out["weak_password"] = code_of(lambda: idp.sign_up(
    ClientId=client_id, SecretHash=secret_hash(secret, "henry", client_id), Username="henry", Password="weak"))
out["validation"] = code_of(lambda: idp.describe_user_pool(UserPoolId="not a pool id"))
refreshed = idp.initiate_auth(
    ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
    AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "SECRET_HASH": secret_hash(secret, "grace", client_id)},
)["AuthenticationResult"]
out["refreshed"] = "AccessToken" in refreshed
print(json.dumps(out))
