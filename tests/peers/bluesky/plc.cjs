// An in-memory did:plc directory (Database.mock()), as @atproto/dev-env's
// TestPlc runs it: every start begins empty, so pds.sh wipes the PDS data too.
const plc = require('@did-plc/server');

const port = Number(process.env.PLC_PORT || 2582);
const server = plc.PlcServer.create({ db: plc.Database.mock(), port });
server.start().then(() => console.log(`plc listening on 127.0.0.1:${port}`));
const stop = () => server.destroy().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
