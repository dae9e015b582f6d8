'use strict';
// Conformance server for corsc-generated NestJS options (tests/conformance_nest.rs).
//
//   node serve.js express|fastify MODULE...
//
// Each MODULE is a generated `corsc-nestjs.ts` compiled to JavaScript. For each, one Nest
// application on the given platform (`@nestjs/platform-express` or `@nestjs/platform-fastify`)
// is created, given the module's export with `app.enableCors(corscCorsOptions)` exactly as a
// user would, and listens on an ephemeral port of 127.0.0.1. The app has no controller: every
// request Nest does not answer as a preflight gets its 404, with whatever CORS headers the
// options gave it. Prints one JSON line `{"ports":[...]}` once every app listens; exits when
// standard input closes (the test that started it is gone) and after ten minutes at most.

const path = require('path');

const [platform, ...modules] = process.argv.slice(2);

// The packages come from CORSC_NODE_DIR's node_modules (tests/conformance/nest, the newest
// releases, or tests/conformance/nest-oldest, the oldest claimed).
const packages = process.env.CORSC_NODE_DIR || __dirname;
const load = (name) => require(require.resolve(name, { paths: [packages] }));

load('reflect-metadata');
const { Module } = load('@nestjs/common');
const { NestFactory } = load('@nestjs/core');

class AppModule {}
Module({})(AppModule);

function adapter() {
    if (platform === 'express') {
        return new (load('@nestjs/platform-express').ExpressAdapter)();
    }
    if (platform === 'fastify') {
        return new (load('@nestjs/platform-fastify').FastifyAdapter)();
    }
    throw new Error(`unknown platform ${platform}`);
}

async function serve(mod) {
    const app = await NestFactory.create(AppModule, adapter(), { logger: false });
    app.enableCors(require(path.resolve(mod)).corscCorsOptions);
    await app.listen(0, '127.0.0.1');
    return app.getHttpServer().address().port;
}

async function main() {
    const ports = [];
    for (const m of modules) {
        ports.push(await serve(m));
    }
    process.stdout.write(`${JSON.stringify({ ports })}\n`);
}

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), 600_000).unref();
main().catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
});
