// src/app.ts: origins come from the environment, so corsc cannot know them; the import
// leaves a placeholder that allows nothing until someone writes the real list.
import express, { Request, Response } from 'express';
import cors, { CorsOptions } from 'cors';

const app = express();

const options: CorsOptions = {
  origin: process.env.CORS_ORIGINS?.split(',') ?? [],
  methods: 'GET,POST',
  exposedHeaders: ['X-Total-Count'],
};

app.use(cors(options));

app.get('/health', (_req: Request, res: Response) => {
  res.send('ok');
});

export { app };
