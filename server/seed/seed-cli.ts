import { createServiceContext } from '../core/create-service-context';
import { loadSettings } from '../settings';
import { closeDatabase, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { DEMO_PASSWORD, isDatabaseEmpty, seedDemo } from './demo-people';
import { seedDemoAreas } from './demo-areas';

const settings = loadSettings();
const db = await openDatabase(settings);
await migrateDatabase(db);
const ctx = createServiceContext({ db, settings });
if (!await isDatabaseEmpty(ctx)) {
  console.error(`${settings.DATABASE_PATH} already holds data; demo data is only added to an empty database.`);
  await closeDatabase(db);
  process.exit(1);
}
const signIns = await seedDemo(ctx);
await seedDemoAreas(ctx);
await closeDatabase(db);
console.log(`Seeded ${settings.DATABASE_PATH}. Demo sign-ins (password "${DEMO_PASSWORD}"):`);
for (const s of signIns) console.log(`  ${s.email.padEnd(32)} ${s.role}`);
