// Origins from configuration: known only at run time.
import Fastify from 'fastify';
import cors from '@fastify/cors';
import { config } from './config';

export async function build() {
  const app = Fastify();
  await app.register(cors, {
    origin: config.WEB_ORIGIN,
    credentials: true,
    methods: ['GET', 'POST', 'PATCH'],
    allowedHeaders: ['Content-Type', 'Authorization'],
  });
  return app;
}
