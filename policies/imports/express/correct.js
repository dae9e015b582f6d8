// A correct setup: exact origins, credentials, listed methods and headers, a max-age.
const express = require('express');
const cors = require('cors');

const ALLOWED_ORIGINS = [
  'https://app.example.com',
  'https://admin.example.com',
];

const app = express();

app.use('/api', cors({
  origin: ALLOWED_ORIGINS,
  credentials: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  allowedHeaders: ['Content-Type', 'X-CSRF-Token'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 7200,
}));

module.exports = app;
