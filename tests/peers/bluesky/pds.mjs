// The PDS entrypoint, the same shape as bluesky-social/pds service/index.js.
// Configured entirely by the PDS_* environment that pds.sh sets.
import { createRequire } from 'node:module';
import { PDS, envToCfg, envToSecrets, readEnv } from '@atproto/pds';

const env = readEnv();
env.version ||= createRequire(import.meta.url)('@atproto/pds/package.json').version;
const pds = await PDS.create(envToCfg(env), envToSecrets(env));
await pds.start();
console.log(`pds ${env.version} listening on 127.0.0.1:${env.port}`);
const stop = async () => {
  await pds.destroy();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
