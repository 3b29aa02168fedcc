export const handler = async (event) => ({ module: 'mjs', event });
