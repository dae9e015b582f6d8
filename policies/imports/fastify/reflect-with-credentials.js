// server.js: "origin: true" reflects EVERY request's Origin; with credentials any site can
// read the API with the user's cookies.
const fastify = require('fastify')({ logger: true });

fastify.register(require('@fastify/cors'), {
  origin: true,
  credentials: true,
});

fastify.get('/api/me', async (request) => request.user);

fastify.listen({ port: 3000 });
