// app.ts: the plugin registered without options: `*` for every origin, any requested header.
import Fastify from 'fastify';
import cors from '@fastify/cors';

const app = Fastify();

await app.register(cors);

app.get('/status', async () => ({ ok: true }));

export default app;
