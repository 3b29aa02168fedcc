import json
import os
import sys
import time

COUNT = 0
print("init: loading module app")


def handler(event, context):
    global COUNT
    COUNT += 1
    action = event.get("action", "echo")
    print("handling %s, invocation %d in this sandbox" % (action, COUNT))
    if action == "count":
        return {"count": COUNT, "pid": os.getpid(), "requestId": context.aws_request_id}
    if action == "sleep":
        time.sleep(event["seconds"])
        return {"slept": event["seconds"], "pid": os.getpid()}
    if action == "exit":
        sys.stdout.flush()
        os._exit(event.get("status", 1))
    if action == "raise":
        raise ValueError("boom: " + event.get("message", ""))
    if action == "big":
        return "x" * event["size"]
    if action == "allocate":
        hog = b"x" * (event["mb"] * 1024 * 1024)
        time.sleep(10)
        return len(hog)
    if action == "env":
        return dict(os.environ)
    if action == "partial":
        # the last output without a newline, as print(x, end="") or sys.stdout.write leave it
        sys.stdout.write(event["text"])
        if event.get("raise"):
            raise ValueError("after partial output")
        return {"wrote": event["text"]}
    if action == "trace":
        return {"trace": os.environ.get("_X_AMZN_TRACE_ID")}
    if action == "print":
        for i in range(event["lines"]):
            print("line %d" % i)
        return {"printed": event["lines"]}
    return event
