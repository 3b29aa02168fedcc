let count = 0;
console.log("init: loading module index");

export const handler = async (event, context) => {
  count += 1;
  console.log(`handling ${event.action ?? "echo"}, invocation ${count} in this sandbox`);
  if (event.action === "count") {
    return { count, pid: process.pid, requestId: context.awsRequestId };
  }
  if (event.action === "partial") {
    // the last output without a newline
    process.stdout.write(event.text);
    return { wrote: event.text };
  }
  if (event.action === "trace") {
    return { trace: process.env._X_AMZN_TRACE_ID ?? null };
  }
  if (event.action === "raise") {
    throw new TypeError("node boom");
  }
  return event;
};
