"""Latency of a warm no-op python invoke through boto3 (SigV4-signed), back-to-back and paced.

usage: python3 warm_latency.py ENDPOINT [N]

Creates (or reuses) the function `noop` on a running Hearth at ENDPOINT, warms it with 5 invokes,
then times N invokes back-to-back (the sandbox never idles long enough to be frozen) and N invokes
each 100 ms after the previous one (past the worker's 50 ms freeze grace: every invoke thaws the
sandbox first), and prints p50 and p99 of each.
"""
import io
import statistics
import sys
import time
import zipfile

import boto3
from botocore.config import Config

endpoint = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
lam = boto3.client('lambda', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='test-key',
                   aws_secret_access_key='test-secret', config=Config(retries={'max_attempts': 0}))
package = io.BytesIO()
with zipfile.ZipFile(package, 'w') as z:
    z.writestr('app.py', 'def handler(event, context):\n    return None\n')
try:
    lam.create_function(FunctionName='noop', Runtime='python3.12', Role='arn:aws:iam::000000000000:role/r',
                        Handler='app.handler', Code={'ZipFile': package.getvalue()}, Timeout=30)
except lam.exceptions.ResourceConflictException:
    pass
for _ in range(5):
    lam.invoke(FunctionName='noop', Payload=b'{}')


def run(count, gap):
    times = []
    for _ in range(count):
        if gap:
            time.sleep(gap)
        start = time.perf_counter()
        lam.invoke(FunctionName='noop', Payload=b'{}')
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


for gap in (0, 0.1):
    p50, p99 = run(n, gap)
    print(f"gap {gap * 1000:.0f} ms: n={n} p50 {p50:.2f} ms p99 {p99:.2f} ms")
