// The RegExp is searched: it accepts https://example.com.attacker.net too.
import Fastify from 'fastify';
import cors from '@fastify/cors';

const fastify = Fastify();

await fastify.register(cors, {
  origin: [/example\.com$/, /^https:\/\/localhost:\d+/],
  methods: ['GET', 'PUT'],
  allowedHeaders: ['Content-Type'],
  credentials: true,
});
