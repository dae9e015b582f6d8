// routes.js: two origins written in ONE string. cors sends the string as it is, which no
// browser accepts (an origin is one value): nothing is allowed. The space-separated form
// is the same mistake.
const express = require('express');
const cors = require('cors');

const router = express.Router();

router.use('/reports', cors({
  origin: 'https://app.example.com, https://admin.example.com',
  credentials: true,
}));

router.use('/exports', cors({ origin: 'https://app.example.com https://admin.example.com' }));

module.exports = router;
