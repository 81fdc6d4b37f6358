"""boto3, unmodified but for the endpoint, through Tessera's SigV4 gateway (path-style S3 and
DynamoDB). Prints one JSON object with what each call returned or the error code it raised."""
import json
import os
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

env = os.environ
gateway = env["GATEWAY_URL"]
region = env["REGION"]
bucket = env["BUCKET"]
table = env["TABLE"]
catalog = env["CATALOG"]
alice_id = env["ALICE_ID"]
bob_id = env["BOB_ID"]
config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}, signature_version="s3v4")


def session(prefix):
    return boto3.session.Session(
        aws_access_key_id=env[prefix + "_KEY"],
        aws_secret_access_key=env[prefix + "_SECRET"],
        aws_session_token=env[prefix + "_TOKEN"],
        region_name=region,
    )


def code(call):
    try:
        call()
        return "ok"
    except ClientError as e:
        return e.response["Error"]["Code"]


alice = session("ALICE")
guest = session("GUEST")
s3 = alice.client("s3", endpoint_url=gateway, config=config)
ddb = alice.client("dynamodb", endpoint_url=gateway, config=config)
out = {}

key = alice_id + "/boto3.txt"
s3.put_object(Bucket=bucket, Key=key, Body=b"from boto3")
out["get_own"] = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
listed = s3.list_objects_v2(Bucket=bucket, Prefix=alice_id + "/")
out["list_own"] = sorted(o["Key"] for o in listed.get("Contents", []))
out["get_other"] = code(lambda: s3.get_object(Bucket=bucket, Key=bob_id + "/notes.txt"))
out["list_other"] = code(lambda: s3.list_objects_v2(Bucket=bucket, Prefix=bob_id + "/"))
url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)
try:
    with urllib.request.urlopen(url) as r:
        out["presigned"] = r.read().decode()
except urllib.error.HTTPError as e:
    out["presigned"] = "HTTP %d %s" % (e.code, e.read().decode())
out["presigned_url"] = url

ddb.put_item(TableName=table, Item={"owner": {"S": alice_id}, "id": {"S": "boto3"}, "body": {"S": "hi"}})
out["get_item_own"] = ddb.get_item(TableName=table, Key={"owner": {"S": alice_id}, "id": {"S": "boto3"}})["Item"]["body"]["S"]
out["put_item_other"] = code(lambda: ddb.put_item(TableName=table, Item={"owner": {"S": bob_id}, "id": {"S": "boto3"}}))

gddb = guest.client("dynamodb", endpoint_url=gateway, config=config)
out["guest_scan"] = gddb.scan(TableName=catalog)["Count"]
out["guest_put"] = code(lambda: gddb.put_item(TableName=catalog, Item={"sku": {"S": "boto3"}}))
gs3 = guest.client("s3", endpoint_url=gateway, config=config)
out["guest_private"] = code(lambda: gs3.get_object(Bucket=bucket, Key="private/secret.txt"))
print(json.dumps(out))
