import { platform } from 'node:os';

let invocations = 0;

export const handler = async (event, context) => {
  invocations += 1;
  return { event, invocations, platform: platform(), requestId: context.awsRequestId };
};
