"""Hearth's python runtime: runs a Lambda python handler against Lambda's Runtime API.

Standard library only. Started as `python3 bootstrap.py` with Lambda's environment
(_HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_*, ...). It imports the
handler once (init), then loops: GET the next event, call the handler, POST its result or error.
One HTTP/1.1 keep-alive connection carries every request. Any failure of the Runtime API itself
ends the process with a traceback: the worker then discards the sandbox.
"""

import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"
# the name this module's code was compiled under (its source path, or 'bootstrap.py' for the precompiled
# bytecode Hearth runs): what traceback frames of the bootstrap carry
BOOTSTRAP_FILE = (lambda: None).__code__.co_filename


class FaultError(Exception):
    """A failure the runtime reports with one of Lambda's Runtime.* error types."""

    def __init__(self, error_type, message, stack_trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.stack_trace = stack_trace or []


# ---------------------------------------------------------------- Runtime API client


class RuntimeApiClient:
    """Lambda's Runtime API over one persistent HTTP/1.1 connection.

    A minimal HTTP/1.1 client on a plain socket: http.client would import the email and ssl
    packages, which triples the interpreter's start-up time, and cold starts matter here.
    """

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self._address = (host.strip("[]"), int(port))
        self._host_header = address
        self._socket = None
        self._reader = None

    def _connect(self):
        connection = socket.create_connection(self._address)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket = connection
        self._reader = connection.makefile("rb")

    def _disconnect(self):
        if self._socket is not None:
            self._reader.close()
            self._socket.close()
        self._socket = None
        self._reader = None

    def _request(self, method, path, body=b"", headers=None):
        reused = self._socket is not None
        if not reused:
            self._connect()
        try:
            return self._exchange(method, path, body, headers or {})
        except ConnectionError:
            self._disconnect()
            if not reused and method != "GET":
                raise
            # the server closed an idle keep-alive connection, or the connection of a held /next did not
            # survive a SnapStart restore (GETs are safe to repeat): reconnect once
            self._connect()
            return self._exchange(method, path, body, headers or {})

    def _exchange(self, method, path, body, headers):
        lines = ["%s %s%s HTTP/1.1" % (method, API_PREFIX, path), "Host: " + self._host_header]
        lines.extend("%s: %s" % header for header in headers.items())
        if method != "GET":
            lines.append("Content-Length: %d" % len(body))
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self._socket.sendall(head + body if body else head)
        status_line = self._read_line()
        try:
            status = int(status_line.split(None, 2)[1])
        except (IndexError, ValueError):
            raise RuntimeError("malformed HTTP status line from the Runtime API: %r" % status_line) from None
        response_headers = {}
        while True:
            line = self._read_line()
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        if "chunked" in response_headers.get("transfer-encoding", "").lower():
            payload = self._read_chunked()
        elif "content-length" in response_headers:
            payload = self._read_exactly(int(response_headers["content-length"]))
        elif status in (204, 304) or 100 <= status < 200:
            payload = b""
        else:
            payload = self._reader.read()
            self._disconnect()
        if response_headers.get("connection", "").lower() == "close":
            self._disconnect()
        return status, response_headers, payload

    def _read_line(self):
        line = self._reader.readline(65537)
        if not line:
            raise ConnectionResetError("the Runtime API closed the connection")
        return line

    def _read_exactly(self, size):
        chunks = []
        while size > 0:
            chunk = self._reader.read(size)
            if not chunk:
                raise ConnectionResetError("the Runtime API closed the connection mid-body")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def _read_chunked(self):
        chunks = []
        while True:
            size = int(self._read_line().split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self._read_line() not in (b"\r\n", b"\n"):
                    pass
                return b"".join(chunks)
            chunks.append(self._read_exactly(size))
            self._read_line()

    def next_invocation(self):
        status, headers, payload = self._request("GET", "/invocation/next")
        if status != 200:
            raise RuntimeError("GET /invocation/next answered %d: %r" % (status, payload[:1000]))
        return headers, payload

    def post_response(self, request_id, body, content_type):
        headers = {"Content-Type": content_type}
        headers.update(mark_end_of_logs(request_id))
        self._post("/invocation/%s/response" % request_id, body, headers)

    def post_error(self, request_id, error):
        self._post_error("/invocation/%s/error" % request_id, error, mark_end_of_logs(request_id))

    def post_init_error(self, error):
        self._post_error("/init/error", error, {})

    def _post_error(self, path, error, extra_headers):
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Function-Error-Type": error["errorType"],
        }
        headers.update(extra_headers)
        self._post(path, json.dumps(error).encode("utf-8"), headers)

    def _post(self, path, body, headers):
        status, _, payload = self._request("POST", path, body, headers)
        # 413: the response was too large; the Runtime API fails the invocation itself
        if status not in (200, 202, 413):
            raise RuntimeError("POST %s answered %d: %r" % (path, status, payload[:1000]))


# ---------------------------------------------------------------- context


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, values):
        self.cognito_identity_id = values.get("cognitoIdentityId")
        self.cognito_identity_pool_id = values.get("cognitoIdentityPoolId")


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __init__(self, values):
        self.installation_id = values.get("installation_id")
        self.app_title = values.get("app_title")
        self.app_version_name = values.get("app_version_name")
        self.app_version_code = values.get("app_version_code")
        self.app_package_name = values.get("app_package_name")


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __init__(self, values):
        self.custom = values.get("custom")
        self.env = values.get("env")
        client = values.get("client")
        self.client = Client(client) if client is not None else None


def _decode_json_header(value):
    """Lambda sends these headers as JSON; base64-encoded JSON (as Invoke receives it) is accepted too."""
    if not value:
        return None
    text = value.strip()
    if not text.startswith("{"):
        import base64

        text = base64.b64decode(text).decode("utf-8")
    return json.loads(text)


class LambdaContext:
    """The context object handlers receive, with the attributes of Lambda's python runtime."""

    def __init__(self, request_id, deadline_ms, invoked_function_arn, client_context, identity, tenant_id):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = CognitoIdentity(identity or {})
        self.client_context = ClientContext(client_context) if client_context is not None else None
        self.tenant_id = tenant_id
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(int(self._deadline_ms - time.time() * 1000), 0)

    def log(self, message):
        sys.stdout.write(str(message))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s])"
            % (self.aws_request_id, self.log_group_name, self.log_stream_name, self.function_name,
               self.memory_limit_in_mb, self.function_version, self.invoked_function_arn,
               self.client_context, self.identity)
        )


# ---------------------------------------------------------------- logging


_current_request_id = ""


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_request_id
        return True


class StdoutHandler(logging.Handler):
    """Writes each record as one line: newlines inside a message become carriage returns."""

    def emit(self, record):
        try:
            message = self.format(record).replace("\n", "\r")
            sys.stdout.write(message + "\n")
        except Exception:
            self.handleError(record)


def setup_logging():
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"
    )
    formatter.converter = time.gmtime
    handler = StdoutHandler()
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


def mark_end_of_logs(request_id):
    """Marks the end of an invocation's output, just before its response or error is posted.

    Hearth's worker ends a last line written without a newline (print(x, end=""), sys.stdout.write)
    at this marker and knows that it has read all the invocation's output, so that it is in the
    invocation's log before END, as on Lambda. Returns the header that tells the worker to wait for
    the marker; none when the marker could not be written (the handler closed or filled fd 1).
    """
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        marker = b"\0hearth-log-marker:" + request_id.encode("ascii") + b"\0"
        if os.write(1, marker) != len(marker):
            return {}
    except (OSError, UnicodeEncodeError):
        return {}
    return {"Hearth-Log-Marker": request_id}


def end_log_event():
    """Ends a line the handler left without a newline, so that what the runtime logs next is an event
    of its own, as on Lambda (a log marker with an empty token, see mark_end_of_logs)."""
    try:
        sys.stdout.flush()
        os.write(1, b"\0hearth-log-marker:\0")
    except (OSError, ValueError):
        pass


def log_error(error):
    """Logs an error as Lambda's python runtime does: one event, lines joined by carriage returns."""
    end_log_event()
    lines = ["[ERROR] %s: %s" % (error["errorType"], error["errorMessage"])]
    if error.get("stackTrace") is not None:
        lines.append("Traceback (most recent call last):")
        for element in error["stackTrace"]:
            lines.extend(element.splitlines())
    sys.stdout.write("\r".join(lines) + "\n")


# ---------------------------------------------------------------- errors and marshalling


def make_error(error_type, message, stack_trace, request_id=None):
    error = {"errorMessage": message or "", "errorType": error_type, "stackTrace": stack_trace or []}
    if request_id is not None:
        error["requestId"] = request_id
    return error


def user_stack_trace(tb):
    """The traceback's frames from the first one outside this bootstrap, formatted as traceback.format_list."""
    frames = traceback.extract_tb(tb)
    for index, frame in enumerate(frames):
        if frame.filename != BOOTSTRAP_FILE:
            return traceback.format_list(frames[index:])
    return []


def exception_error(exc, request_id=None):
    return make_error(type(exc).__name__, str(exc), user_stack_trace(exc.__traceback__), request_id)


class JsonEncoder(json.JSONEncoder):
    def default(self, o):
        decimal = sys.modules.get("decimal")  # only user code can have made a Decimal
        if decimal is not None and isinstance(o, decimal.Decimal):
            return float(o)
        return super().default(o)


def marshal_result(result):
    if isinstance(result, (bytes, bytearray)):
        return bytes(result), "application/unknown"
    try:
        return json.dumps(result, cls=JsonEncoder).encode("utf-8"), "application/json"
    except (TypeError, ValueError) as e:
        raise FaultError("Runtime.MarshalError", "Unable to marshal response: %s" % e) from None


# ---------------------------------------------------------------- handler loading


def load_handler(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': %s" % (handler, e)) from None
    module_name = module_name.replace("/", ".")
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise FaultError(
            "Runtime.BuiltInModuleConflict", "Cannot use built-in module %s as a handler module" % module_name
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e)) from None
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s\n' % (e.filename, e.lineno, (e.text or "").strip())]
        raise FaultError(
            "Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_name, e), trace
        ) from None
    function = getattr(module, function_name, None)
    if function is None:
        raise FaultError(
            "Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name)
        )
    return function


def prepare_sys_path(task_root, opt_root, runtime_version):
    # Lambda's order: the task root, then the layers' site-packages of the runtime's version, then
    # /opt/python. The host interpreter may be another version: its site-packages follow the runtime's.
    versions = [runtime_version] if runtime_version else []
    interpreter_version = "%d.%d" % sys.version_info[:2]
    if interpreter_version not in versions:
        versions.append(interpreter_version)
    layer_paths = ["%s/python/lib/python%s/site-packages" % (opt_root, v) for v in versions]
    layer_paths.append("%s/python" % opt_root)
    for path in reversed([task_root] + [p for p in layer_paths if os.path.isdir(p)]):
        if path in sys.path:
            sys.path.remove(path)
        sys.path.insert(0, path)


# ---------------------------------------------------------------- the loop


def handle_one(client, handler_function):
    global _current_request_id
    headers, body = client.next_invocation()
    request_id = headers.get("lambda-runtime-aws-request-id")
    deadline_ms = int(headers.get("lambda-runtime-deadline-ms") or 0)
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    _current_request_id = request_id
    try:
        context = LambdaContext(
            request_id,
            deadline_ms,
            headers.get("lambda-runtime-invoked-function-arn"),
            _decode_json_header(headers.get("lambda-runtime-client-context")),
            _decode_json_header(headers.get("lambda-runtime-cognito-identity")),
            headers.get("lambda-runtime-aws-tenant-id"),
        )
        try:
            event = json.loads(body) if body else None
        except ValueError as e:
            raise FaultError("Runtime.UnmarshalError", "Unable to unmarshal input: %s" % e) from None
        result = handler_function(event, context)
        payload, content_type = marshal_result(result)
    except FaultError as fault:
        error = make_error(fault.error_type, fault.message, fault.stack_trace, request_id)
        log_error(error)
        client.post_error(request_id, error)
    except Exception as e:
        error = exception_error(e, request_id)
        log_error(error)
        client.post_error(request_id, error)
    else:
        client.post_response(request_id, payload, content_type)


def main():
    client = RuntimeApiClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    setup_logging()
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # argv: the layers' root as the sandbox shows it (/opt, or a host path without a mount namespace)
    # and the runtime identifier's python version
    opt_root = sys.argv[1] if len(sys.argv) > 1 else "/opt"
    runtime_version = sys.argv[2] if len(sys.argv) > 2 else ""
    prepare_sys_path(task_root, opt_root, runtime_version)
    try:
        handler_function = load_handler(os.environ.get("_HANDLER", ""))
    except FaultError as fault:
        error = make_error(fault.error_type, fault.message, fault.stack_trace)
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)
    except Exception as e:
        error = exception_error(e)
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)
    while True:
        handle_one(client, handler_function)


if __name__ == "__main__":
    main()
