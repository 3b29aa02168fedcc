let invocations = 0;
console.log('init of index');

exports.handler = async (event, context) => {
  invocations += 1;
  console.log('logged', event.name);
  console.warn('warned\nsecond line');
  return {
    event,
    invocations,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: context.memoryLimitInMB,
    logGroupName: context.logGroupName,
    remainingMillis: context.getRemainingTimeInMillis(),
    clientCustom: context.clientContext ? context.clientContext.custom : null,
    traceId: process.env._X_AMZN_TRACE_ID,
  };
};

exports.fail = async (event) => {
  throw new TypeError(`bad ${event.name}`);
};

exports.callback = (event, context, callback) => {
  invocations += 1;
  setTimeout(() => console.log('timer fired'), 20);
  callback(null, { invocations, waits: context.callbackWaitsForEmptyEventLoop });
};

exports.callbackError = (event, context, callback) => {
  callback('plain string failure');
};

exports.notAFunction = 42;

exports.crash = (event, context, callback) => {
  setTimeout(() => {
    throw new RangeError('late failure');
  }, 1);
};

exports.rejectLater = async () => {
  Promise.reject(new Error('forgotten'));
  return new Promise((resolve) => setTimeout(() => resolve('too late'), 200));
};
