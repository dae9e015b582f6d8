// server.js: an Express API for the SPA. "origin: true" was meant to "allow our frontend",
// but cors reflects EVERY request's Origin, and with credentials any site can read the
// API with the user's cookies.
const express = require('express');
const cors = require('cors');

const app = express();

app.use(cors({
  origin: true,
  credentials: true,
}));

app.get('/api/me', (req, res) => res.json(req.user));

app.listen(3000);
