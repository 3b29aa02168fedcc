import logging
import os

logger = logging.getLogger()
logger.setLevel(logging.INFO)
print("init of app")
invocations = 0


def handler(event, context):
    global invocations
    invocations += 1
    print("printed", event.get("name"))
    logger.info("logged %s", event.get("name"))
    client_context = context.client_context
    return {
        "event": event,
        "invocations": invocations,
        "requestId": context.aws_request_id,
        "functionName": context.function_name,
        "functionVersion": context.function_version,
        "invokedFunctionArn": context.invoked_function_arn,
        "memoryLimitInMB": context.memory_limit_in_mb,
        "logGroupName": context.log_group_name,
        "remainingMillis": context.get_remaining_time_in_millis(),
        "clientCustom": client_context.custom if client_context else None,
        "clientAppTitle": client_context.client.app_title if client_context and client_context.client else None,
        "cognitoIdentityId": context.identity.cognito_identity_id,
        "traceId": os.environ.get("_X_AMZN_TRACE_ID"),
    }


def fail(event, context):
    helper(event["name"])


def helper(name):
    raise ValueError("boom " + name)


def unserialisable(event, context):
    return {"a set": {1, 2}}
