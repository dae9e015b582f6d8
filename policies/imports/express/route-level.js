// Route-level CORS as in the cors README: app.options answers the preflight for
// /products/:id style routes; here the routes are plain paths.
const express = require('express');
const cors = require('cors');
const app = express();

const partners = ['https://partner.example.org', /^https:\/\/[a-z0-9-]+\.partner\.example\.org$/];

// GET needs no preflight: the route-level middleware is enough.
app.get('/catalog', cors({ origin: partners }), (req, res) => res.json([]));

// DELETE is preflighted: without app.options('/orders', ...) it never succeeds.
app.delete('/orders', cors({ origin: partners }), (req, res) => res.sendStatus(204));

// Preflight and request both handled for /cart.
app.options('/cart', cors({ origin: partners, methods: ['PUT'], allowedHeaders: 'Content-Type' }));

module.exports = app;
