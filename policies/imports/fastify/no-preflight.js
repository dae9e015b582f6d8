// preflight: false: the plugin adds no OPTIONS route, so PUT/DELETE from the SPA never pass.
const fastify = require('fastify')();
const cors = require('fastify-cors');

fastify.register(cors, {
  origin: 'https://app.example.com',
  methods: 'GET,PUT,DELETE',
  preflight: false,
});
