const express = require('express');
const helmet = require('helmet');
const cors = require('cors');

const app = express();
app.use(helmet());
app.use(cors({ origin: (process.env.CORS_ORIGIN || '').split(',') }));
app.use(express.json({ limit: '1mb' }));

app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));

const server = app.listen(process.env.PORT || 3000);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
