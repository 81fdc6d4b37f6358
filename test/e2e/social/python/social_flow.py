"""Social logins with boto3, unchanged but for endpoint_url.

Inputs from the environment (set by test/e2e/social/social-suite.ts): Tessera's URL, an identity
pool whose SupportedLoginProviders name the stand-ins' apps, a Google ID token, a Facebook and a
Login with Amazon access token, a forged Google token, and STS roles trusting Facebook and Amazon.
Prints one JSON object describing what happened; the Node test asserts on it.
"""
import json
import os

import boto3
import botocore
from botocore.exceptions import ClientError

endpoint = os.environ["TESSERA_URL"]
region = os.environ["TESSERA_REGION"]
pool_id = os.environ["POOL_ID"]
unsigned = boto3.session.Config(signature_version=botocore.UNSIGNED, retries={"max_attempts": 1})
anon = boto3.client("cognito-identity", endpoint_url=endpoint, region_name=region, config=unsigned)
sts = boto3.client("sts", endpoint_url=endpoint, region_name=region, config=unsigned)
out = {}


def enhanced(logins):
    identity_id = anon.get_id(IdentityPoolId=pool_id, Logins=logins)["IdentityId"]
    c = anon.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    me = boto3.client("sts", endpoint_url=endpoint, region_name=region, aws_access_key_id=c["AccessKeyId"],
                      aws_secret_access_key=c["SecretKey"], aws_session_token=c["SessionToken"]).get_caller_identity()
    return me["Arn"]


def code_of(call):
    try:
        call()
        return "accepted"
    except ClientError as e:
        return e.response["Error"]["Code"]


out["google_arn"] = enhanced({"accounts.google.com": os.environ["GOOGLE_TOKEN"]})
out["facebook_arn"] = enhanced({"graph.facebook.com": os.environ["FACEBOOK_TOKEN"]})
out["amazon_arn"] = enhanced({"www.amazon.com": os.environ["AMAZON_TOKEN"]})
out["forged_google"] = code_of(lambda: anon.get_id(IdentityPoolId=pool_id, Logins={"accounts.google.com": os.environ["FORGED_GOOGLE_TOKEN"]}))
fb = sts.assume_role_with_web_identity(RoleArn=os.environ["FACEBOOK_ROLE"], RoleSessionName="boto-facebook",
                                       WebIdentityToken=os.environ["FACEBOOK_TOKEN"], ProviderId="graph.facebook.com")
out["sts_facebook"] = [fb["Provider"], fb["SubjectFromWebIdentityToken"], fb["AssumedRoleUser"]["Arn"]]
amzn = sts.assume_role_with_web_identity(RoleArn=os.environ["AMAZON_ROLE"], RoleSessionName="boto-amazon",
                                         WebIdentityToken=os.environ["AMAZON_STS_TOKEN"], ProviderId="www.amazon.com")
out["sts_amazon"] = [amzn["Provider"], amzn["SubjectFromWebIdentityToken"]]
out["sts_rejected"] = code_of(lambda: sts.assume_role_with_web_identity(
    RoleArn=os.environ["FACEBOOK_ROLE"], RoleSessionName="boto-facebook", WebIdentityToken="EAAfb-never-issued-boto",
    ProviderId="graph.facebook.com"))
print(json.dumps(out))
