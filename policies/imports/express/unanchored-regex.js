// app.js: "allow every example.com site". The RegExp is searched, not matched: it also
// accepts https://example.com.attacker.net and https://notexample.com.
import express from 'express';
import cors from 'cors';

const app = express();

const corsOptions = {
  origin: /example\.com/,
  methods: ['GET', 'POST', 'PUT'],
  allowedHeaders: ['Content-Type', 'Authorization'],
  credentials: true,
  maxAge: 600,
};

app.use('/api', cors(corsOptions));

export default app;
