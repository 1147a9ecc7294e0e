// What every demo service (and the alert sink beside them) does around its own routes: open its
// database schema and the broker when it uses them, build the Express app, listen, and close
// everything again on shutdown.
import type { Express } from 'express';
import type pg from 'pg';
import { connectBroker, type Broker } from './broker.ts';
import { openDatabase, type Migration } from './db.ts';
import type { Faults } from './faults.ts';
import { closeServer, createServiceApp, finishApp, listen } from './http-app.ts';
import { runService } from './lifecycle.ts';
import { amqpUrl, databaseSchema, databaseUrl, exchangeName, httpPort, listenHost, type ServiceName } from './settings.ts';

export interface ServiceContext {
  readonly app: Express;
  readonly faults: Faults;
  /** The service's own schema; only for services that declare migrations. */
  db(): pg.Pool;
  /** Only for services that declare `broker: true`. */
  broker(): Broker;
}

interface Definition {
  /** Adds the routes and starts the consumers. */
  mount(context: ServiceContext): void | Promise<void>;
  /** The largest JSON body accepted (express.json's limit); 100 kB unless given. */
  readonly jsonLimit?: string;
}

/** One of the shop's services: its port and schema from settings.ts. */
interface ShopService extends Definition {
  readonly name: ServiceName;
  readonly port?: undefined;
  readonly migrations?: readonly Migration[];
  readonly broker?: boolean;
}

/** A helper beside the shop (the alert sink): its own port, no database, no broker. */
interface Helper extends Definition {
  readonly name: string;
  readonly port: number;
  readonly migrations?: undefined;
  readonly broker?: undefined;
}

export type ServiceDefinition = ShopService | Helper;

export function startService(definition: ServiceDefinition): void {
  runService(async () => {
    const pool = definition.migrations ? await openDatabase(databaseUrl(), databaseSchema(definition.name), definition.migrations) : undefined;
    const broker = definition.broker ? await connectBroker(amqpUrl(), exchangeName()) : undefined;
    const { app, faults } = createServiceApp(async () => {
      broker?.check();
      await pool?.query('SELECT 1');
    }, definition.jsonLimit);
    await definition.mount({
      app,
      faults,
      db: () => {
        if (!pool) throw new Error(`${definition.name} declares no migrations, so it has no database`);
        return pool;
      },
      broker: () => {
        if (!broker) throw new Error(`${definition.name} does not use the broker`);
        return broker;
      },
    });
    finishApp(app);
    const port = definition.port === undefined ? httpPort(definition.name) : definition.port;
    const server = await listen(app, port, listenHost());
    return {
      close: async () => {
        await closeServer(server);
        await broker?.close();
        await pool?.end();
      },
    };
  });
}
