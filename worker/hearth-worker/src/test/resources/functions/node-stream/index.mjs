import fs from 'node:fs';

// Streams "first", then "second" once the file named by event.signal exists; with event.url, as a
// function URL's answer (HttpResponseStream.from's metadata prelude first); with event.fail, it
// throws after the first chunk.
export const handler = awslambda.streamifyResponse(async (event, responseStream) => {
  let stream = responseStream;
  if (event.url) {
    stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: 201, headers: { 'x-kind': 'streamed' } });
  }
  stream.write('first');
  if (event.fail) {
    throw new TypeError('failed after the first chunk');
  }
  while (!fs.existsSync(event.signal)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  stream.write('second');
  stream.end();
});
