"""Signs one request with botocore (the AWS CLI's signer) and prints it as the wire would carry it.

Usage: botocore_sign.py header|presigned METHOD URL BODY [NAME:VALUE ...]
Credentials come from HEARTH_TEST_KEY_ID / HEARTH_TEST_SECRET (and HEARTH_TEST_TOKEN if set).
Output: tab-separated lines METHOD, PATH, QUERY and one HEADER line per header.
"""
import os
import sys
from urllib.parse import urlsplit

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

mode, method, url, body = sys.argv[1:5]
headers = dict(h.split(":", 1) for h in sys.argv[5:])
credentials = Credentials(os.environ["HEARTH_TEST_KEY_ID"], os.environ["HEARTH_TEST_SECRET"],
                          os.environ.get("HEARTH_TEST_TOKEN"))
request = AWSRequest(method=method, url=url, data=body.encode("utf-8"), headers=headers)
if mode == "header":
    SigV4Auth(credentials, "lambda", "us-east-1").add_auth(request)
else:
    SigV4QueryAuth(credentials, "lambda", "us-east-1", expires=120).add_auth(request)
prepared = request.prepare()
parts = urlsplit(prepared.url)
print("METHOD\t" + prepared.method)
print("PATH\t" + parts.path)
print("QUERY\t" + parts.query)
print("HEADER\thost\t" + parts.netloc)
for name, value in prepared.headers.items():
    print("HEADER\t" + name + "\t" + (value.decode("utf-8") if isinstance(value, bytes) else value))
