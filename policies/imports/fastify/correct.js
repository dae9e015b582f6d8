// A correct registration: exact origins, credentials, listed methods and headers.
const Fastify = require('fastify');
const cors = require('@fastify/cors');

const ORIGINS = ['https://app.example.com', 'https://admin.example.com'];

const app = Fastify();
app.register(cors, {
  origin: ORIGINS,
  credentials: true,
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: ['Content-Type', 'X-CSRF-Token'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 3600,
});

module.exports = app;
