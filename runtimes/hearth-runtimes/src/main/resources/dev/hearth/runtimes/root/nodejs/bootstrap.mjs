// Hearth's node runtime: runs a Lambda node handler against Lambda's Runtime API.
//
// No npm dependencies. Started as `node bootstrap.mjs` with Lambda's environment (_HANDLER,
// LAMBDA_TASK_ROOT, AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_*, ...). It loads the handler once
// (init), then loops: GET the next event, call the handler (async or callback style), POST its
// result or error. A keep-alive agent with one socket carries every request. A failure of the
// Runtime API itself ends the process: the worker then discards the sandbox.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import util from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const API_PREFIX = '/2018-06-01/runtime';
const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');

// ------------------------------------------------------------------ errors

class RuntimeFault extends Error {
  constructor(errorType, message, cause) {
    super(message);
    this.name = errorType;
    if (cause && typeof cause.stack === 'string') {
      this.stack = `${errorType}: ${message}\n${cause.stack.split('\n').slice(1).join('\n')}`;
    }
  }
}

function errorPayload(error) {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const stack = typeof error.stack === 'string' ? error.stack.split('\n') : [];
    return { errorType: error.name || 'Error', errorMessage: String(error.message), trace: stack };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

// ------------------------------------------------------------------ logging

function requestId() {
  return globalThis[REQUEST_ID];
}

function logLine(level, args) {
  const line = `${new Date().toISOString()}\t${requestId()}\t${level}\t${util.format(...args)}`;
  // process.stdout writes synchronously to files and pipes on Linux
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

/** Logs an error as Lambda's node runtime does: a label, a tab, then the error as JSON with its stack. */
function logError(label, payload) {
  // a line the handler left without a newline ends here: the error report is an event of its own, as
  // on Lambda (a log marker with an empty token, see markEndOfLogs)
  try {
    process.stdout.write('\0hearth-log-marker:\0');
  } catch {
    // stdout is gone: nothing to separate
  }
  const logged = { errorType: payload.errorType, errorMessage: payload.errorMessage, stack: payload.trace };
  logLine('ERROR', [label, '\t' + JSON.stringify(logged)]);
}

function patchConsole() {
  console.log = (...args) => logLine('INFO', args);
  console.info = (...args) => logLine('INFO', args);
  console.debug = (...args) => logLine('DEBUG', args);
  console.warn = (...args) => logLine('WARN', args);
  console.error = (...args) => logLine('ERROR', args);
  console.trace = (...args) => logLine('TRACE', args);
  console.fatal = (...args) => logLine('FATAL', args);
}

// ------------------------------------------------------------------ Runtime API client

const [apiHost, apiPort] = (() => {
  const address = process.env.AWS_LAMBDA_RUNTIME_API || '';
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon).replace(/^\[|\]$/g, ''), Number(address.slice(colon + 1))];
})();
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, apiPath, body, headers, retried = false) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: apiPort, method, path: API_PREFIX + apiPath, agent, headers: headers || {} },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
    req.on('error', (error) => {
      // the server closed an idle keep-alive connection, or the connection of a held /next did not
      // survive a SnapStart restore (GETs are safe to repeat): retry once on a new one
      if (!retried && (req.reusedSocket || method === 'GET') && error.code === 'ECONNRESET') {
        request(method, apiPath, body, headers, true).then(resolve, reject);
      } else {
        reject(error);
      }
    });
    req.end(body);
  });
}

async function post(apiPath, body, headers) {
  const res = await request('POST', apiPath, body, { ...headers, 'Content-Length': Buffer.byteLength(body) });
  // 413: the response was too large; the Runtime API fails the invocation itself
  if (res.status !== 200 && res.status !== 202 && res.status !== 413) {
    throw new Error(`POST ${apiPath} answered ${res.status}: ${res.body.toString('utf8', 0, 1000)}`);
  }
}

function postError(apiPath, payload, extraHeaders) {
  return post(apiPath, JSON.stringify(payload), {
    'Content-Type': 'application/json',
    'Lambda-Runtime-Function-Error-Type': payload.errorType,
    ...extraHeaders,
  });
}

// Marks the end of an invocation's output, just before its response or error is posted: Hearth's
// worker ends a last line written without a newline (process.stdout.write) at this marker and knows
// that it has read all the invocation's output, so that it is in the invocation's log before END, as
// on Lambda. Written through process.stdout, after whatever it still holds; resolves to the header
// that tells the worker to wait for the marker, or to none when it could not be written.
function markEndOfLogs(id) {
  return new Promise((resolve) => {
    try {
      process.stdout.write(`\0hearth-log-marker:${id}\0`, (error) => resolve(error ? {} : { 'Hearth-Log-Marker': id }));
    } catch {
      resolve({});
    }
  });
}

async function nextInvocation() {
  const res = await request('GET', '/invocation/next');
  if (res.status !== 200) {
    throw new Error(`GET /invocation/next answered ${res.status}: ${res.body.toString('utf8', 0, 1000)}`);
  }
  return res;
}

// ------------------------------------------------------------------ handler loading

function hasTypeModule(file) {
  let dir = path.dirname(file);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        return JSON.parse(fs.readFileSync(candidate, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

async function loadModule(taskRoot, moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const require = createRequire(path.join(taskRoot, 'noop.js'));
  if (isFile(base)) return require(base);
  if (isFile(`${base}.js`)) {
    return hasTypeModule(`${base}.js`) ? import(pathToFileURL(`${base}.js`).href) : require(`${base}.js`);
  }
  if (isFile(`${base}.mjs`)) return import(pathToFileURL(`${base}.mjs`).href);
  if (isFile(`${base}.cjs`)) return require(`${base}.cjs`);
  // not a file of the task root: a package from node_modules, as node resolves it
  return require(require.resolve(moduleName, { paths: [taskRoot, path.resolve(taskRoot, moduleRoot)] }));
}

function classifyLoadError(error) {
  if (error instanceof RuntimeFault) return error;
  if (error && (error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND')) {
    return new RuntimeFault('Runtime.ImportModuleError', `${error}`, error);
  }
  if (error instanceof SyntaxError) {
    return new RuntimeFault('Runtime.UserCodeSyntaxError', `${error}`, error);
  }
  return error;
}

async function loadHandler(taskRoot, fullHandler) {
  const slash = fullHandler.lastIndexOf('/');
  const moduleRoot = fullHandler.slice(0, slash + 1);
  const rest = fullHandler.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot <= 0 || dot === rest.length - 1) {
    throw new RuntimeFault('Runtime.MalformedHandlerName', 'Bad handler');
  }
  const moduleName = rest.slice(0, dot);
  let target;
  try {
    target = await loadModule(taskRoot, moduleRoot, moduleName);
  } catch (error) {
    throw classifyLoadError(error);
  }
  for (const property of rest.slice(dot + 1).split('.')) {
    target = target == null ? undefined : target[property];
  }
  if (target === undefined) {
    throw new RuntimeFault('Runtime.HandlerNotFound', `${fullHandler} is undefined or not exported`);
  }
  if (typeof target !== 'function') {
    throw new RuntimeFault('Runtime.HandlerNotFound', `${fullHandler} is not a function`);
  }
  return target;
}

// ------------------------------------------------------------------ context

function decodeJsonHeader(value) {
  if (!value) return undefined;
  const text = value.trim().startsWith('{') ? value : Buffer.from(value, 'base64').toString('utf8');
  return JSON.parse(text);
}

function makeContext(headers, done) {
  const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: decodeJsonHeader(headers['lambda-runtime-cognito-identity']),
    clientContext: decodeJsonHeader(headers['lambda-runtime-client-context']),
    tenantId: headers['lambda-runtime-aws-tenant-id'],
    getRemainingTimeInMillis: () => Math.max(deadline - Date.now(), 0),
    done: (error, result) => done(error, result),
    succeed: (result) => done(null, result),
    fail: (error) => done(error ?? '__emptyFailParamBackCompat', undefined),
  };
  return context;
}

// ------------------------------------------------------------------ response streaming

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.highWaterMark');
const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';

// Lambda's node runtime offers these as the global `awslambda`: a handler wrapped by
// streamifyResponse is called as (event, responseStream, context) and its bytes reach the caller as
// it writes them; HttpResponseStream.from writes a function URL's response metadata (status, headers,
// cookies) as JSON, then 8 NUL bytes, before the body.
globalThis.awslambda = {
  streamifyResponse(handler, options) {
    handler[HANDLER_STREAMING] = 'response';
    if (options && Number.isInteger(options.highWaterMark)) handler[HANDLER_HIGH_WATER_MARK] = options.highWaterMark;
    return handler;
  },
  HttpResponseStream: class HttpResponseStream {
    static from(underlyingStream, prelude) {
      underlyingStream.setContentType(HTTP_INTEGRATION_RESPONSE);
      underlyingStream.write(JSON.stringify(prelude));
      underlyingStream.write(new Uint8Array(8));
      return underlyingStream;
    }
  },
};

// The response stream of one invocation: a Writable over a chunked POST in streaming mode. A write
// completes once the bytes went to the socket, so a handler that respects back-pressure (pipeline,
// or waiting for 'drain') is slowed down by a slow caller. An error ends the POST with Lambda's
// error trailers.
function openResponseStream(invocation, highWaterMark) {
  const id = invocation.id;
  let failure = null;
  const req = http.request({
    host: apiHost, port: apiPort, method: 'POST', path: `${API_PREFIX}/invocation/${id}/response`, agent,
    headers: {
      'Lambda-Runtime-Function-Response-Mode': 'streaming',
      'Transfer-Encoding': 'chunked',
      'Trailer': 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
      'Content-Type': 'application/octet-stream',
      'Hearth-Log-Marker': id,
    },
  });
  const answered = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const stream = new Writable({
    highWaterMark,
    write(chunk, encoding, callback) {
      req.write(chunk, callback);
    },
    final(callback) {
      markEndOfLogs(id).then(() => {
        if (failure) {
          req.addTrailers({
            'Lambda-Runtime-Function-Error-Type': failure.errorType,
            'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify(failure)).toString('base64'),
          });
        }
        req.end(callback);
      });
    },
  });
  stream.setContentType = (type) => {
    if (!req.headersSent) req.setHeader('Content-Type', type);
  };
  stream.fail = (payload) => {
    failure = payload;
    if (!stream.writableEnded) stream.end();
  };
  stream.done = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  }).then(() => answered);
  return stream;
}

// Runs a streamified handler: the invocation ends when its promise settles (a stream it left open
// is ended for it) or, for a handler that returns no promise, when it ends the stream.
function runStreamingInvocation(handler, invocation, context, event, reject) {
  const stream = openResponseStream(invocation, handler[HANDLER_HIGH_WATER_MARK]);
  const end = async (error) => {
    if (invocation.finished) return;
    invocation.finished = true;
    process.removeListener('beforeExit', invocation.onBeforeExit);
    if (error !== null && error !== undefined) {
      const payload = errorPayload(error);
      logError('Invoke Error', payload);
      stream.fail(payload);
    } else if (!stream.writableEnded) {
      stream.end();
    }
    await stream.done;
    invocation.resolve();
  };
  const finish = (error) => end(error).catch(reject);
  invocation.fail = (error) => finish(error);
  invocation.onBeforeExit = () => finish(null);
  process.on('beforeExit', invocation.onBeforeExit);
  try {
    const returned = handler(event, stream, context);
    if (returned && typeof returned.then === 'function') {
      returned.then(() => finish(null), (error) => finish(error ?? new Error('handler rejected')));
    } else {
      stream.on('finish', () => finish(null));
    }
  } catch (error) {
    finish(error);
  }
}

// ------------------------------------------------------------------ the loop

let initialised = false;
let currentInvocation = null;

function serialise(result) {
  try {
    return { body: JSON.stringify(result === undefined ? null : result) };
  } catch (error) {
    return { error: new RuntimeFault('Runtime.MarshalError', `Unable to stringify response body: ${error.message}`, error) };
  }
}

async function finishInvocation(invocation, error, result) {
  if (invocation.finished) return;
  invocation.finished = true;
  process.removeListener('beforeExit', invocation.onBeforeExit);
  const id = invocation.id;
  if (error === null || error === undefined) {
    const serialised = serialise(result);
    if (serialised.body !== undefined) {
      const marked = await markEndOfLogs(id);
      await post(`/invocation/${id}/response`, serialised.body, { 'Content-Type': 'application/json', ...marked });
      invocation.resolve();
      return;
    }
    error = serialised.error;
  }
  const payload = errorPayload(error);
  logError('Invoke Error', payload);
  await postError(`/invocation/${id}/error`, payload, await markEndOfLogs(id));
  invocation.resolve();
}

function runInvocation(handler, res) {
  return new Promise((resolve, reject) => {
    const id = res.headers['lambda-runtime-aws-request-id'];
    const invocation = { id, finished: false, resolve, callbackResult: null, onBeforeExit: null };
    const finish = (error, result) => finishInvocation(invocation, error, result).catch(reject);
    // callback style: with callbackWaitsForEmptyEventLoop the result is posted once the event loop
    // has nothing else to do; a handler that neither returns a promise nor calls back gets null
    invocation.onBeforeExit = () => {
      const pending = invocation.callbackResult;
      finish(pending ? pending.error : null, pending ? pending.result : null);
    };
    process.on('beforeExit', invocation.onBeforeExit);
    invocation.fail = (error) => finish(error);
    currentInvocation = invocation;
    const callback = (error, result) => {
      if (invocation.callbackResult || invocation.finished) return;
      invocation.callbackResult = { error, result };
      if (!context.callbackWaitsForEmptyEventLoop) finish(error, result);
    };
    const context = makeContext(res.headers, callback);
    let event;
    try {
      event = res.body.length ? JSON.parse(res.body.toString('utf8')) : null;
    } catch (error) {
      finish(new RuntimeFault('Runtime.UnmarshalError', `Unable to parse event: ${error.message}`, error));
      return;
    }
    if (handler[HANDLER_STREAMING] === 'response') {
      process.removeListener('beforeExit', invocation.onBeforeExit);
      runStreamingInvocation(handler, invocation, context, event, reject);
      return;
    }
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then((result) => finish(null, result), (error) => finish(error ?? new Error('handler rejected')));
      }
    } catch (error) {
      finish(error);
    }
  });
}

async function reportInitError(error) {
  const fault = classifyLoadError(error);
  const payload = errorPayload(fault);
  logError('Uncaught Exception', payload);
  await postError('/init/error', payload);
}

function installCrashHandlers() {
  // during init the failure is the init error; during an invocation, that invocation's error;
  // between invocations it can only be logged
  const crash = (fault, exitCode) => {
    const invocation = currentInvocation;
    let report;
    if (!initialised) {
      report = reportInitError(fault);
    } else if (invocation && !invocation.finished) {
      report = invocation.fail(fault);
    } else {
      logError('Uncaught Exception', errorPayload(fault));
    }
    Promise.resolve(report).finally(() => process.exit(exitCode));
  };
  process.on('uncaughtException', (error) => crash(error, 129));
  process.on('unhandledRejection', (reason) => {
    const message = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    crash(new RuntimeFault('Runtime.UnhandledPromiseRejection', message, reason instanceof Error ? reason : undefined), 128);
  });
}

async function main() {
  patchConsole();
  const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
  installCrashHandlers();
  let handler;
  try {
    handler = await loadHandler(taskRoot, process.env._HANDLER || '');
  } catch (error) {
    await reportInitError(error);
    process.exit(1);
  }
  initialised = true;
  for (;;) {
    const res = await nextInvocation();
    const id = res.headers['lambda-runtime-aws-request-id'];
    globalThis[REQUEST_ID] = id;
    const trace = res.headers['lambda-runtime-trace-id'];
    if (trace) process.env._X_AMZN_TRACE_ID = trace;
    else delete process.env._X_AMZN_TRACE_ID;
    await runInvocation(handler, res);
    currentInvocation = null;
  }
}

main().catch((error) => {
  fs.writeSync(2, `Hearth node bootstrap failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
