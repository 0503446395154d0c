import { createServiceContext } from '../core/create-service-context';
import { loadSettings } from '../settings';
import { closeDatabase, openDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';
import { DEMO_PASSWORD, isDatabaseEmpty, seedDemo, type TDemoSignIn } from './demo-people';
import { seedDemoAreas } from './demo-areas';

const settings = loadSettings();
const db = await openDatabase(settings);
const ctx = createServiceContext({ db, settings });
// Seeding runs under the migration lock, as at start-up: a node starting meanwhile on the same
// PostgreSQL database waits, and then finds the data there instead of seeding it twice.
let signIns: TDemoSignIn[] | null = null;
await migrateDatabase(db, async () => {
  if (!(await isDatabaseEmpty(ctx))) return;
  signIns = await seedDemo(ctx);
  await seedDemoAreas(ctx);
});
await closeDatabase(db);
if (!signIns) {
  console.error(`${settings.DATABASE_URL ? 'The database' : settings.DATABASE_PATH} already holds data; demo data is only added to an empty database.`);
  process.exit(1);
}
console.log(`Seeded ${settings.DATABASE_URL ? 'the PostgreSQL database' : settings.DATABASE_PATH}. Demo sign-ins (password "${DEMO_PASSWORD}"):`);
for (const s of signIns as TDemoSignIn[]) console.log(`  ${s.email.padEnd(32)} ${s.role}`);
