"""boto3 against Tessera's cognito-idp: GetTokensFromRefreshToken, refresh-token rotation and
TOTP MFA (SetUserPoolMfaConfig, AssociateSoftwareToken, VerifySoftwareToken,
SetUserMFAPreference, the SOFTWARE_TOKEN_MFA challenge, AdminSetUserMFAPreference), with the
error code boto3 parses for each bad input. Codes are computed here (RFC 6238). Prints one JSON
object."""
import base64
import hashlib
import hmac
import json
import os
import struct
import time

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


def totp(secret, at=None):
    """The code an authenticator app shows (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    step = int((time.time() if at is None else at) // 30)
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def wrong(secret):
    taken = {totp(secret, time.time() + d) for d in (-30, 0, 30, 60)}
    return next("%06d" % n for n in range(1000000) if "%06d" % n not in taken)


flows = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
pool_id = idp.create_user_pool(PoolName="boto-mfa")["UserPool"]["Id"]
plain_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="plain", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
other_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=flows)["UserPoolClient"]["ClientId"]
confidential = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="backend", GenerateSecret=True, ExplicitAuthFlows=flows)["UserPoolClient"]
rotating_id = idp.create_user_pool_client(
    UserPoolId=pool_id, ClientName="rotating", ExplicitAuthFlows=flows,
    RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0},
)["UserPoolClient"]["ClientId"]
password = "Boto-Strong-Pass-1"
for name in ("ivy", "jay"):
    idp.admin_create_user(UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=password, Permanent=True)


def sign_in(client_id, username="ivy", secret=None):
    params = {"USERNAME": username, "PASSWORD": password}
    if secret:
        digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
        params["SECRET_HASH"] = base64.b64encode(digest).decode()
    return idp.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params)


# ---- GetTokensFromRefreshToken -----------------------------------------------------------
first = sign_in(plain_id)["AuthenticationResult"]
refreshed = idp.get_tokens_from_refresh_token(ClientId=plain_id, RefreshToken=first["RefreshToken"])["AuthenticationResult"]
out["refreshed"] = "AccessToken" in refreshed and "IdToken" in refreshed
out["refresh_returned_without_rotation"] = "RefreshToken" in refreshed
out["refresh_garbage"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId=plain_id, RefreshToken="garbage"))
out["refresh_other_client"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId=other_id, RefreshToken=first["RefreshToken"]))
out["refresh_unknown_client"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId="nosuchclient0000000000000a", RefreshToken=first["RefreshToken"]))
conf = sign_in(confidential["ClientId"], secret=confidential["ClientSecret"])["AuthenticationResult"]
out["refresh_secret_missing"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId=confidential["ClientId"], RefreshToken=conf["RefreshToken"]))
out["refresh_secret_wrong"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId=confidential["ClientId"], RefreshToken=conf["RefreshToken"], ClientSecret="x" * 51))
out["refresh_with_secret"] = "AccessToken" in idp.get_tokens_from_refresh_token(
    ClientId=confidential["ClientId"], RefreshToken=conf["RefreshToken"], ClientSecret=confidential["ClientSecret"])["AuthenticationResult"]
jay = sign_in(plain_id, "jay")["AuthenticationResult"]
idp.global_sign_out(AccessToken=jay["AccessToken"])
out["refresh_after_global_sign_out"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId=plain_id, RefreshToken=jay["RefreshToken"]))

# ---- rotation (grace period 0) ------------------------------------------------------------
rot = sign_in(rotating_id)["AuthenticationResult"]
rotated = idp.get_tokens_from_refresh_token(ClientId=rotating_id, RefreshToken=rot["RefreshToken"])["AuthenticationResult"]
out["rotation_returns_new"] = rotated.get("RefreshToken") not in (None, rot["RefreshToken"])
out["rotation_old_reused"] = code_of(lambda: idp.get_tokens_from_refresh_token(ClientId=rotating_id, RefreshToken=rot["RefreshToken"]))
out["rotation_new_works"] = "RefreshToken" in idp.get_tokens_from_refresh_token(ClientId=rotating_id, RefreshToken=rotated["RefreshToken"])["AuthenticationResult"]
out["rotation_grace_too_long"] = code_of(lambda: idp.update_user_pool_client(
    UserPoolId=pool_id, ClientId=rotating_id, ExplicitAuthFlows=flows, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}))
out["rotation_described"] = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=rotating_id)["UserPoolClient"]["RefreshTokenRotation"]

# ---- TOTP MFA -----------------------------------------------------------------------------
access = sign_in(plain_id)["AuthenticationResult"]["AccessToken"]
out["associate_pool_without_totp"] = code_of(lambda: idp.associate_software_token(AccessToken=access))
out["mfa_on_without_type"] = code_of(lambda: idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON"))
out["mfa_sms"] = code_of(lambda: idp.set_user_pool_mfa_config(UserPoolId=pool_id, SmsMfaConfiguration={"SmsAuthenticationMessage": "{####}"}, MfaConfiguration="OPTIONAL"))
idp.set_user_pool_mfa_config(UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL")
config = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
out["pool_mfa"] = [config["MfaConfiguration"], config["SoftwareTokenMfaConfiguration"]["Enabled"]]
out["preference_before_verify"] = code_of(lambda: idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True}))
secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
out["verify_wrong"] = code_of(lambda: idp.verify_software_token(AccessToken=access, UserCode=wrong(secret)))
out["verify_malformed"] = code_of(lambda: idp.verify_software_token(AccessToken=access, UserCode="12ab56"))
out["verify_too_long"] = code_of(lambda: idp.verify_software_token(AccessToken=access, UserCode="1234567"))
out["verify_status"] = idp.verify_software_token(AccessToken=access, UserCode=totp(secret), FriendlyDeviceName="boto")["Status"]
out["preference_sms"] = code_of(lambda: idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True}))
idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
user = idp.get_user(AccessToken=access)
out["user_mfa"] = [user.get("UserMFASettingList"), user.get("PreferredMfaSetting")]

challenge = sign_in(plain_id)
out["challenge"] = challenge.get("ChallengeName")


def answer(value, session):
    return idp.respond_to_auth_challenge(
        ClientId=plain_id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
        ChallengeResponses={"USERNAME": "ivy", "SOFTWARE_TOKEN_MFA_CODE": value})


out["challenge_wrong"] = code_of(lambda: answer(wrong(secret), challenge["Session"]))
# The verification spent the current step; the next step's code is within the server's window.
next_code = totp(secret, time.time() + 30)
out["challenge_right"] = "AccessToken" in answer(next_code, challenge["Session"])["AuthenticationResult"]
again = sign_in(plain_id)
out["challenge_reused"] = code_of(lambda: answer(next_code, again["Session"]))
out["challenge_bad_session"] = code_of(lambda: answer(next_code, "x" * 40))
idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="ivy", SoftwareTokenMfaSettings={"Enabled": False})
out["after_admin_off"] = "AuthenticationResult" in sign_in(plain_id)
out["admin_preference_unknown_user"] = code_of(lambda: idp.admin_set_user_mfa_preference(
    UserPoolId=pool_id, Username="nobody", SoftwareTokenMfaSettings={"Enabled": False}))
print(json.dumps(out))
