// Child process of the ratio benchmark: PostGraphile (npm `postgraphile`, its Amber preset, as a
// user would start it) serving the gateway's database over HTTP, the peer of the device page
// row. Same pool size as the gateway (10). IPC: → { type: 'ready', url }; 'cpu' → CPU ms since
// the previous 'cpu'; 'stop' → exits.
// argv: databaseUrl. Plain JavaScript: PostGraphile's packages augment graphql's types, which
// must stay out of the gateway's type-checked program.
import { createServer } from 'node:http';

// grafserv calls Promise.withResolvers (Node 22); this machine's Node is 20.
Promise.withResolvers ??= function withResolvers() {
  let resolve, reject;
  const promise = new this((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const { postgraphile } = await import('postgraphile');
const { makePgService } = await import('postgraphile/adaptors/pg');
const { grafserv } = await import('postgraphile/grafserv/node');
const { PostGraphileAmberPreset } = await import('postgraphile/presets/amber');

const [databaseUrl] = process.argv.slice(2);
const pgl = postgraphile({
  extends: [PostGraphileAmberPreset],
  // Lets a condition name any column (the current certificate: supersededById null), not only indexed ones.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [
    makePgService({ connectionString: databaseUrl, schemas: ['public'], poolConfig: { max: 10 } }),
  ],
  grafserv: { websockets: false, graphiql: false },
  grafast: { explain: false },
});
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server);
await serv.ready();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
let cpuMark = process.cpuUsage();
process.on('message', (message) => {
  if (message === 'cpu') {
    const used = process.cpuUsage(cpuMark);
    cpuMark = process.cpuUsage();
    process.send({ type: 'cpu', ms: (used.user + used.system) / 1000 });
  }
  if (message === 'stop') {
    server.close();
    void Promise.resolve(pgl.release()).then(() => process.exit(0));
  }
});
process.send({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` });
